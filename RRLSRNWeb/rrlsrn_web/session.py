"""What one browser session of RRLSRN Web does to its MRML scene, as plain code (no trame, no browser).

The page (app.py) only forwards clicks to a :class:`WebSession` and shows what it reports; so the
whole workflow — open a volume, points inside/outside the brain, brain mask, super-resolution in
the background, cancel, downloads — is tested here without a browser. All scene changes go through
the Slicer module's own Logic (RRLSRNLib), imported, not copied.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import SimpleITK as sitk
import vtk

from .lib import import_lib

Lib = import_lib()
from RRLSRNLib import panel  # noqa: E402
from RRLSRNLib.core import make_core_importable  # noqa: E402
from RRLSRNLib.logic import RRLSRNLogic  # noqa: E402
from RRLSRNLib.nodes import grid_of_node, image_from_node, image_from_segment, segment_array  # noqa: E402

make_core_importable()  # the core bundled with the Lib, imported as usual from here on
from rrlsrn import io as rrlsrn_io  # noqa: E402
from rrlsrn.discovery import VOLUME_SUFFIXES  # noqa: E402
from rrlsrn.errors import RRLSRNError  # noqa: E402

INSIDE, OUTSIDE = "inside", "outside"


def one_sentence(error: BaseException | str) -> str:
    """An error as the one sentence the page shows (first line, capitalised, with a full stop)."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


@dataclass
class Ownership:
    """One scene per server: the first browser connection that claims it owns it; the others are
    refused with a sentence until the owner's connection closes (then any of them may claim it)."""

    connections: set = field(default_factory=set)
    owner_connection: object = None
    owner_token: str | None = None

    def connected(self, connection) -> None:
        self.connections.add(connection)

    def closed(self, connection) -> bool:
        """Forget a connection; True when it was the owner's (the scene is free again)."""
        self.connections.discard(connection)
        if connection == self.owner_connection:
            self.owner_connection, self.owner_token = None, None
            return True
        return False

    def claim(self, connection, token: str) -> bool:
        """Give the scene to ``connection`` (tab ``token``) if it is free or already this tab's."""
        if self.owner_connection is not None and self.owner_connection != connection \
                and self.owner_connection in self.connections:
            return False
        self.owner_connection, self.owner_token = connection, token
        return True

    def allows(self, connection) -> bool:
        return self.owner_connection is not None and connection == self.owner_connection

    REFUSAL = ("This RRLSRN Web server is in use by another browser tab; close that tab and press "
               "\"Use it here\", or start another server (rrlsrn-web --port …) for a second user.")


def spacing_text(spacing) -> str:
    return " × ".join(f"{s:g}" for s in spacing) + " mm"


class WebSession:
    """The volume, points, brain segment and super-resolution run of the one scene of a server."""

    def __init__(self, scene, *, python: str | None = None, workdir: Path | None = None):
        self.scene = scene
        self.logic = RRLSRNLogic(scene, python)
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="rrlsrn-web-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.input_node = None
        self.output_node = None
        self.segmentation_node = None
        self.segment_id = ""
        self.points = {INSIDE: None, OUTSIDE: None}
        self.run = None
        self.message = ""
        self.warning = ""
        self._brain_voxels = 0

    # ------------------------------------------------------------------ volume

    def open_volume(self, path, *, spacing=None, spacing_from_name: bool = False, name: str | None = None):
        """Load a volume file as the input (the previous input, output, points and mask are removed).
        ``spacing`` "x,y,z" (mm) or ``spacing_from_name`` fix a broken header. Raises ValueError."""
        self._refuse_while_running()
        path = Path(path)
        if not path.is_file():
            raise ValueError(f"There is no file {path}.")
        if not path.name.lower().endswith(VOLUME_SUFFIXES):
            raise ValueError(f"{path.name} is not a NIfTI, NRRD or MetaImage volume.")
        try:
            named = rrlsrn_io.parse_spacing(spacing) if isinstance(spacing, str) and spacing.strip() else spacing
            if spacing_from_name:
                named = rrlsrn_io.spacing_from_name(path)
        except RRLSRNError as error:
            raise ValueError(one_sentence(error)) from None
        self.clear()
        node_name = name or path.name.split("_Res")[0].removesuffix(".gz").rsplit(".", 1)[0]
        node = self.scene.logics["volumes"].AddArchetypeVolume(str(path), node_name, 0)
        if node is None or node.GetImageData() is None:
            raise ValueError(f"{path.name} could not be read as a 3D volume.")
        if named is not None:
            node.SetSpacing(tuple(float(s) for s in named))
        if node.GetDisplayNode() is None:
            node.CreateDefaultDisplayNodes()
        self.input_node = node
        self.warning = self.logic.spacing_warning(node) or ""
        grid = grid_of_node(node)
        self.message = f"Opened {node.GetName()}: {' × '.join(map(str, grid.size))} voxels of {spacing_text(grid.spacing)}."
        return node

    def use_spacing_from_name(self):
        self._need_input()
        spacing = self.logic.apply_spacing_from_name(self.input_node)
        self.warning = ""
        self.message = f"Spacing set from the file name: {spacing_text(spacing)}."

    def clear(self) -> None:
        """Remove this session's nodes (input, output, points, brain segment) from the scene."""
        if self.run is not None and self.run.seconds is None:
            self.run.cancel("a new volume was opened")
        self.run = None
        for node in (self.output_node, self.segmentation_node, *self.points.values(), self.input_node):
            if node is not None and node.GetScene() is self.scene:
                self.scene.RemoveNode(node)
        self.input_node = self.output_node = self.segmentation_node = None
        self.points = {INSIDE: None, OUTSIDE: None}
        self.segment_id = ""
        self._brain_voxels = 0
        self.warning = self.message = ""

    # ------------------------------------------------------------------ points and mask

    def points_node(self, kind: str):
        """The point list for points inside or outside the brain (created on first use)."""
        node = self.points[kind]
        if node is None or node.GetScene() is not self.scene:
            node = self.scene.AddNewNodeByClass("vtkMRMLMarkupsFiducialNode",
                                                "Inside brain" if kind == INSIDE else "Outside brain")
            node.CreateDefaultDisplayNodes()
            display = node.GetDisplayNode()
            if display is not None:
                display.SetSelectedColor((0.2, 0.9, 0.2) if kind == INSIDE else (0.95, 0.3, 0.2))
                display.SetColor((0.2, 0.9, 0.2) if kind == INSIDE else (0.95, 0.3, 0.2))
            node.SetMarkupLabelFormat("in-%d" if kind == INSIDE else "out-%d")
            self.points[kind] = node
        return node

    def add_point_ijk(self, kind: str, ijk) -> None:
        """A point at voxel (i, j, k) of the input (what a click in a view does, for scripts and tests)."""
        self._need_input()
        matrix = vtk.vtkMatrix4x4()
        self.input_node.GetIJKToRASMatrix(matrix)
        self.points_node(kind).AddControlPoint(matrix.MultiplyPoint([*map(float, ijk), 1.0])[:3])

    def point_count(self, kind: str) -> int:
        node = self.points[kind]
        return node.GetNumberOfControlPoints() if node is not None and node.GetScene() is self.scene else 0

    def clear_points(self) -> None:
        for node in self.points.values():
            if node is not None:
                node.RemoveAllControlPoints()

    def create_brain_mask(self) -> None:
        self._refuse_while_running()
        self._need_input()
        if self.point_count(INSIDE) == 0:
            raise ValueError("Place at least one point inside the brain first.")
        outside = self.points[OUTSIDE] if self.point_count(OUTSIDE) else None
        self.segmentation_node, self.segment_id = self.logic.create_brain_mask(
            self.input_node, self.points[INSIDE], outside, segmentation_node=self.segmentation_node)
        mask = self.brain_array()
        self._brain_voxels = int(mask.sum()) if mask is not None else 0
        self.message = f"Brain mask: {self.brain_voxels()} voxels ({self.brain_volume_ml():.1f} ml)."

    def brain_id(self) -> str:
        return panel.brain_segment_id(self.segmentation_node, self.segment_id)

    def brain_array(self) -> np.ndarray | None:
        """The brain segment on the input grid, [k, j, i] booleans (None without one)."""
        if not self.brain_id():
            return None
        return segment_array(self.segmentation_node, self.segment_id, self.input_node)

    def brain_voxels(self) -> int:
        """Voxels in the brain segment made by :meth:`create_brain_mask` (0 without one)."""
        return self._brain_voxels if self.brain_id() else 0

    def brain_volume_ml(self) -> float:
        return self.brain_voxels() * float(np.prod(self.input_node.GetSpacing())) / 1000.0

    # ------------------------------------------------------------------ super-resolution

    def controls(self, *, crop_to_brain: bool = False, through_plane: float = 1.0,
                 adapt: bool = False) -> panel.PanelState:
        """Which controls the page enables now (the Slicer panel's own rules)."""
        return panel.panel_state(supported=True, has_input=self.input_node is not None,
                                 has_inside_points=self.point_count(INSIDE) > 0, has_brain=bool(self.brain_id()),
                                 crop_to_brain=crop_to_brain, through_plane=through_plane, running=self.running,
                                 adapt=adapt)

    @property
    def running(self) -> bool:
        return self.run is not None and self.run.seconds is None

    def start(self, *, scale: int = 2, device: str = "auto", slice_axis: str = "auto", mask_outside: bool = False,
              crop_to_brain: bool = False, crop_margin_mm: float = 5.0, weights: str = "", through_plane: float = 1.0,
              slice_thickness_mm: float = 0.0, slice_profile: str = "gaussian", consistency: bool = False,
              through_plane_weights: str = "", adapt: bool = False,
              adapt_seconds: float = panel.ADAPT_SECONDS_DEFAULT) -> None:
        """Start a super-resolution with the Slicer panel's options (a slice thickness of 0 is the
        slice spacing; ``adapt``: fine-tune each model on the scan for ``adapt_seconds`` first); the
        values a browser can send outside the panel's ranges are refused here."""
        self._refuse_while_running()
        self._need_input()
        if device not in panel.DEVICES:
            raise ValueError(f"Unknown device {device!r}; choose one of {', '.join(panel.DEVICES)}.")
        if slice_axis not in panel.SLICE_AXES:
            raise ValueError(f"Unknown slice axis {slice_axis!r}; choose one of {', '.join(panel.SLICE_AXES)}.")
        if int(scale) not in {s.value for s in panel.Scale}:
            raise ValueError(f"Unknown scale ×{scale}; choose one of {', '.join(s.label() for s in panel.Scale)}.")
        low, high = panel.THROUGH_PLANE_RANGE
        if not low <= through_plane <= high:
            raise ValueError(f"The through-plane factor must be from {low:g} (off) to {high:g}, not {through_plane:g}.")
        low, high = panel.SLICE_THICKNESS_RANGE_MM
        if not low <= slice_thickness_mm <= high:
            raise ValueError(f"The slice thickness must be from {low:g} (the slice spacing) to {high:g} mm, "
                             f"not {slice_thickness_mm:g}.")
        profiles = {p.value: p for p in panel.SliceProfile}
        if slice_profile not in profiles:
            raise ValueError(f"Unknown slice profile {slice_profile!r}; choose one of {', '.join(profiles)}.")
        has_brain = bool(self.brain_id())
        if (mask_outside or crop_to_brain) and not has_brain:
            raise ValueError("Masking or cropping to the brain needs a brain mask; create one first.")
        settings = panel.settings_from_panel(scale=panel.Scale(int(scale)), weights=weights, device=device,
                                             slice_axis=slice_axis, mask_outside=mask_outside,
                                             crop_to_brain=crop_to_brain, crop_margin_mm=crop_margin_mm,
                                             has_brain=has_brain, through_plane=through_plane,
                                             slice_thickness_mm=slice_thickness_mm,
                                             slice_profile=profiles[slice_profile], consistency=consistency,
                                             through_plane_weights=through_plane_weights, adapt=bool(adapt),
                                             adapt_seconds=float(adapt_seconds))
        output = self.output_node if self.output_node is not None and self.output_node.GetScene() is self.scene else None
        self.run = self.logic.start_super_resolution(self.input_node, settings, output_node=output,
                                                     segmentation_node=self.segmentation_node,
                                                     segment_id=self.brain_id() or None)
        self.message = "Super-resolving… 0 %"

    def poll(self) -> panel.RunOutcome | None:
        """The run's state (None without a run); a finished run's output becomes ``output_node``."""
        if self.run is None:
            return None
        outcome = panel.poll_run(self.run)
        if outcome.state is panel.RunState.DONE:
            self.output_node = outcome.output_node
        self.message = outcome.message
        return outcome

    def cancel(self) -> None:
        if self.running:
            self.run.cancel()
            self.poll()

    # ------------------------------------------------------------------ files

    def export(self, what: str) -> Path:
        """The output volume ("output") or the brain mask ("mask", uint8 on the input grid) as NIfTI."""
        if what == "output":
            if self.output_node is None or self.output_node.GetScene() is not self.scene:
                raise ValueError("There is no super-resolved output yet; press Apply first.")
            image, name = image_from_node(self.output_node), self.output_node.GetName()
        elif what == "mask":
            if not self.brain_id():
                raise ValueError("There is no brain mask yet; press Create brain mask first.")
            image = image_from_segment(self.segmentation_node, self.segment_id, self.input_node)
            name = f"{self.input_node.GetName()}_brainmask"
        else:
            raise ValueError(f"Nothing called {what!r} to download.")
        path = self.workdir / f"{_safe(name)}.nii.gz"
        sitk.WriteImage(image, str(path), True)
        return path

    def summary(self) -> dict:
        """The scene as JSON-able data (for the page's status line, scripts and tests)."""
        def volume(node):
            if node is None or node.GetScene() is not self.scene:
                return None
            grid = grid_of_node(node)
            bounds = [0.0] * 6
            node.GetRASBounds(bounds)
            return {"id": node.GetID(), "name": node.GetName(), "size": list(grid.size),
                    "spacing": [float(s) for s in grid.spacing], "ras_bounds": bounds,
                    "ijk_to_ras": grid.ijk_to_ras.tolist()}

        points = {}
        for kind, node in self.points.items():
            points[kind] = [list(node.GetNthControlPointPositionWorld(n)) for n in range(self.point_count(kind))]
        return {"input": volume(self.input_node), "output": volume(self.output_node),
                "brain_voxels": self.brain_voxels(), "points": points,
                "node_ids": sorted(self.scene.GetNthNode(n).GetID() for n in range(self.scene.GetNumberOfNodes())),
                "running": self.running, "message": self.message, "warning": self.warning}

    def close(self) -> None:
        self.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)

    # ------------------------------------------------------------------ helpers

    def _need_input(self) -> None:
        if self.input_node is None or self.input_node.GetScene() is not self.scene:
            raise ValueError("Open a volume first.")

    def _refuse_while_running(self) -> None:
        if self.running:
            raise ValueError("A super-resolution is running; cancel it or wait for it to finish.")


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "volume"


def demo_volume(folder: Path) -> Path:
    """A thick-slice, low-resolution stack made from the MNI152 T1 in nilearn (rrlsrn.demo's
    degradation: each axial slice k-space truncated to half its matrix), every 4th slice of the
    brain, written as NIfTI: something to super-resolve without any data of one's own."""
    from rrlsrn import demo
    path = Path(folder) / "demo_MNI152_thickslices.nii.gz"
    if path.exists():
        return path
    hr = demo.mni152()
    slab = hr[:, :, 30:150:4]  # 30 slices, 4 mm apart
    lr = demo.low_resolution(slab)
    path.parent.mkdir(parents=True, exist_ok=True)
    sitk.WriteImage(sitk.Cast(lr, sitk.sitkFloat32), str(path), True)
    return path
