"""RRLSRN module logic: brain mask from seeds and super-resolution, with no Qt import.

Everything that reads or writes MRML nodes lives here, so it runs (and is tested) against the
real MRML scene of ``slicer-core`` as well as inside 3D Slicer.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import SimpleITK as sitk
import slicer
import vtk
from vtk.util import numpy_support

from rrlsrn.errors import RRLSRNError
from rrlsrn.io import header_lost_spacing, spacing_from_name
from rrlsrn.jobs import UpscaleJob, UpscaleSettings

from .core import core_path
from .job import UpscaleProcess
from .nodes import grid_of_node, image_from_node, image_from_segment, no_leftover_display_nodes, update_node_from_image
from .vtkitk import vtkitk_class

MODULE_NAME = "RRLSRN"
BRAIN, OUTSIDE = 1, 2


@dataclass
class SuperResolutionSettings:
    """What the panel's Super-resolution, Through-plane and Brain sections set."""

    scale: int = 2  # 1: keep the in-plane grid (with a through-plane factor)
    weights: str = ""  # empty: the shipped default model
    device: str = "auto"
    slice_axis: str = "auto"
    batch_size: int | None = None  # None: the core's default for the device
    mask_outside: bool = False
    crop_margin_mm: float | None = None  # None: no crop
    through_plane: float = 1.0  # above 1: round(n·F) slices over the same extent
    slice_thickness_mm: float | None = None  # None: the slice spacing
    slice_profile: str = "gaussian"
    consistency: bool = False
    through_plane_weights: str = ""  # empty: the shipped through-plane model
    adapt_seconds: float = 0.0  # > 0: fine-tune each model the run uses on the scan's own slices first, this long

    def upscale_settings(self) -> UpscaleSettings:
        """The core's model-side settings (they also name the output: ``output_suffix()``)."""
        return UpscaleSettings(scale=self.scale, slice_axis=self.slice_axis, device=self.device,
                               batch_size=self.batch_size, through_plane=self.through_plane,
                               slice_thickness=self.slice_thickness_mm, slice_profile=self.slice_profile,
                               consistency=self.consistency, adapt_seconds=float(self.adapt_seconds))

    def job(self, input_path: Path, output_path: Path, mask_path: Path | None = None) -> UpscaleJob:
        """The core's upscale job for these settings (its command line is what the child runs)."""
        return UpscaleJob(input_path, output_path, self.weights or None, self.upscale_settings(), mask=mask_path,
                          crop_margin_mm=self.crop_margin_mm, zero_outside=self.mask_outside,
                          through_plane_weights=self.through_plane_weights or None)


class SuperResolutionRun:
    """A super-resolution started by :meth:`RRLSRNLogic.start_super_resolution`.

    The scene is only touched by :meth:`poll` once the process has succeeded and the run was not
    cancelled; a cancelled or failed run leaves it exactly as it was. :meth:`poll` never raises:
    whatever goes wrong ends the run with ``error`` set.
    """

    def __init__(self, logic: "RRLSRNLogic", input_node, output_node, output_name: str, workdir: Path,
                 process: UpscaleProcess):
        self.logic, self.input_node, self.output_node = logic, input_node, output_node
        self.output_name, self.workdir, self.process = output_name, workdir, process
        self.started = time.monotonic()
        self.seconds: float | None = None
        self.error: str | None = None
        self.cancel_reason: str | None = None  # set by cancel(): why the run was stopped

    @property
    def progress(self) -> float:
        done, total = self.process.progress
        return done / total if total else 0.0

    @property
    def cancelled(self) -> bool:
        return self.cancel_reason is not None

    def poll(self) -> bool:
        """True once finished: then ``output_node`` is the result, or ``error`` says what went wrong,
        or ``cancelled`` is true."""
        if self.seconds is not None:
            return True
        try:
            code = self.process.poll()
            if code is None:
                return False
            if self.cancelled:
                pass  # a result that arrived as the run was cancelled is dropped
            elif code != 0:
                self.error = self.process.error_message()
            elif self.input_node.GetScene() is not self.logic.scene:
                self.error = "the input volume was removed from the scene during the run; the result was discarded."
            else:
                self.output_node = self._store()
        except Exception as error:  # noqa: BLE001 - a run must end with a message, whatever broke
            self.error = f"{error}" or type(error).__name__
            self.process.cancel()
        self.seconds = time.monotonic() - self.started
        shutil.rmtree(self.workdir, ignore_errors=True)
        return True

    def _store(self):
        path = self.workdir / "output.nrrd"
        try:
            result = sitk.ReadImage(str(path))
        except RuntimeError:
            raise RuntimeError(f"the super-resolution finished but its result ({path.name}) could not be read.") from None
        output = self.output_node if self.output_node is not None and self.output_node.GetScene() is self.logic.scene else None
        return self.logic.store_output(result, self.input_node, output, self.output_name)

    def wait(self) -> bool:
        self.process.wait()
        return self.poll()

    def cancel(self, reason: str = "cancelled by the user") -> None:
        """Stop the process (returns once it is gone); the scene is left unchanged."""
        if self.seconds is None:
            self.cancel_reason = reason
        self.process.cancel()
        self.poll()


class RRLSRNLogic:
    """Brain mask from seed points and super-resolution of volume nodes."""

    def __init__(self, scene=None, python: str | None = None):
        self.scene = scene or slicer.mrmlScene
        self.python = python

    def getParameterNode(self):
        """The module's singleton parameter node, as Slicer's ScriptedLoadableModuleLogic makes it for
        the module "RRLSRN" (a bare ScriptedLoadableModuleLogic() would name it "ScriptedLoadableModule")."""
        node = self.scene.GetSingletonNode(MODULE_NAME, "vtkMRMLScriptedModuleNode")
        if node is None:
            node = self.scene.CreateNodeByClass("vtkMRMLScriptedModuleNode")
            node.UnRegister(None)  # owned by the Python variable
            node.SetSingletonTag(MODULE_NAME)
            node.SetName(self.scene.GenerateUniqueName(MODULE_NAME))
            node.SetAttribute("ModuleName", MODULE_NAME)
            node = self.scene.AddNode(node)
        elif node.GetAttribute("ModuleName") != MODULE_NAME:  # a scene close removes it
            node.SetAttribute("ModuleName", MODULE_NAME)
        return node

    # ------------------------------------------------------------------ geometry

    def spacing_in_name(self, volume_node) -> tuple[float, float, float] | None:
        """The spacing a ``..._Res<x>_<y>_Spac<z>...`` file name (or node name) states, if any."""
        storage = volume_node.GetStorageNode() if volume_node is not None else None
        for name in (storage.GetFileName() if storage else None, volume_node.GetName() if volume_node else None):
            if name:
                try:
                    return spacing_from_name(name)
                except RRLSRNError:
                    continue
        return None

    def spacing_warning(self, volume_node) -> str | None:
        """One sentence when the header says 1×1×1 mm but the name states another spacing (clinical
        stacks whose header lost its geometry); None otherwise."""
        named = self.spacing_in_name(volume_node)
        if named is None or volume_node.GetImageData() is None:
            return None
        if not header_lost_spacing(volume_node.GetSpacing(), named):
            return None
        return ("The header says 1 × 1 × 1 mm voxels but the file name says "
                f"{' × '.join(f'{s:g}' for s in named)} mm: press \"Use spacing from file name\" before you go on.")

    def apply_spacing_from_name(self, volume_node) -> tuple[float, float, float]:
        """Give the volume the spacing its file name states (origin and directions kept), as
        ``rrlsrn upscale --spacing-from-name`` does; ValueError when the name states none."""
        named = self.spacing_in_name(volume_node)
        if named is None:
            raise ValueError("The file name has no 'Res<x>_<y>_Spac<z>' part to take the spacing from.")
        volume_node.SetSpacing(named)
        return named

    # ------------------------------------------------------------------ brain mask

    def create_brain_mask(self, volume_node, inside_points, outside_points=None, segmentation_node=None,
                          segment_name: str = "Brain", seed_radius_mm: float = 3.0, smoothing_mm: float = 0.0,
                          band_mm: float = 1.0):
        """Grow a brain segment from markup points inside (and optionally outside) the brain.

        The core's seeded watershed (``rrlsrn brainmask``) finds the brain; Slicer's GrowCut then
        settles its boundary: everything ``band_mm`` inside that mask seeds the brain, everything
        ``band_mm`` outside it, the outside points (extruded through every slice) and the volume
        border seed the background. The brain label is reduced to its largest island,
        hole-filled and smoothed by a closing of ``smoothing_mm``. Returns (segmentation, segment id).
        """
        if volume_node is None or volume_node.GetImageData() is None:
            raise ValueError("Select an input volume first.")
        inside = self._points_ijk(inside_points, volume_node)
        if not inside:
            raise ValueError("Place at least one point inside the brain.")
        outside = self._points_ijk(outside_points, volume_node) if outside_points is not None else []
        grid = grid_of_node(volume_node)
        from rrlsrn.brainmask import brain_mask_from_seeds  # here: it needs scikit-image, installed on first use
        try:
            found = sitk.GetArrayFromImage(brain_mask_from_seeds(image_from_node(volume_node), inside, outside)) > 0
        except RRLSRNError as error:
            raise ValueError(str(error)[0].upper() + str(error)[1:]) from None
        seeds = self._seed_labels(found.shape, grid, inside, outside, seed_radius_mm)
        seeds[(seeds == 0) & ~self._margin(found, band_mm, grid.spacing)] = OUTSIDE
        seeds[(seeds == 0) & self._margin(found, -band_mm, grid.spacing)] = BRAIN

        growcut = slicer.vtkImageGrowCutSegment()
        intensity = slicer.util.arrayFromVolume(volume_node).astype(np.float32)
        growcut.SetIntensityVolume(self._vtk_image(intensity, grid.spacing))
        growcut.SetSeedLabelVolume(self._vtk_image(seeds, grid.spacing))
        growcut.Update()
        labels = numpy_support.vtk_to_numpy(growcut.GetOutput().GetPointData().GetScalars()).reshape(intensity.shape)
        brain = self._clean_mask(labels == BRAIN, grid.spacing, smoothing_mm)
        if not brain.any():
            raise ValueError("The brain segment came out empty; place the points well inside the brain.")

        if segmentation_node is None:
            segmentation_node = self.scene.AddNewNodeByClass("vtkMRMLSegmentationNode", f"{volume_node.GetName()}_brain")
            segmentation_node.CreateDefaultDisplayNodes()
        segmentation_node.SetReferenceImageGeometryParameterFromVolumeNode(volume_node)
        segmentation = segmentation_node.GetSegmentation()
        segment_id = segmentation.GetSegmentIdBySegmentName(segment_name) or segmentation.AddEmptySegment("", segment_name)
        with no_leftover_display_nodes(self.scene):
            slicer.util.updateSegmentBinaryLabelmapFromArray(brain.astype(np.uint8), segmentation_node, segment_id,
                                                             volume_node)
        return segmentation_node, segment_id

    @staticmethod
    def _points_ijk(points_node, volume_node) -> list[np.ndarray]:
        """Control points of a markups node as voxel indices (i, j, k) of the volume, transforms applied."""
        ras_to_ijk = vtk.vtkMatrix4x4()
        volume_node.GetRASToIJKMatrix(ras_to_ijk)
        to_volume = vtk.vtkGeneralTransform()
        slicer.vtkMRMLTransformNode.GetTransformBetweenNodes(None, volume_node.GetParentTransformNode(), to_volume)
        dims = np.array(volume_node.GetImageData().GetDimensions())
        points = []
        for n in range(points_node.GetNumberOfControlPoints()):
            world = [0.0, 0.0, 0.0]
            points_node.GetNthControlPointPositionWorld(n, world)
            local = to_volume.TransformPoint(world)
            ijk = np.rint(ras_to_ijk.MultiplyPoint([*local, 1.0])[:3]).astype(int)
            if np.any(ijk < 0) or np.any(ijk >= dims):
                raise ValueError(f"Point {points_node.GetNthControlPointLabel(n)} lies outside the volume.")
            points.append(ijk)
        return points

    @staticmethod
    def _seed_labels(shape, grid, inside, outside, radius_mm: float) -> np.ndarray:
        seeds = np.zeros(shape, np.int16)  # [k, j, i]
        seeds[[0, -1], :, :] = OUTSIDE
        seeds[:, [0, -1], :] = OUTSIDE
        seeds[:, :, [0, -1]] = OUTSIDE
        s = np.asarray(grid.spacing)
        k, j, i = np.ogrid[:shape[0], :shape[1], :shape[2]]
        for p in outside:
            seeds[:, (((j - p[1]) * s[1]) ** 2 + ((i - p[0]) * s[0]) ** 2 <= radius_mm**2)[0]] = OUTSIDE
        for p in inside:
            ball = ((k - p[2]) * s[2]) ** 2 + ((j - p[1]) * s[1]) ** 2 + ((i - p[0]) * s[0]) ** 2 <= radius_mm**2
            seeds[ball] = BRAIN
        return seeds

    @staticmethod
    def _vtk_image(array: np.ndarray, spacing) -> vtk.vtkImageData:
        image = vtk.vtkImageData()
        image.SetDimensions(array.shape[::-1])
        image.SetSpacing(spacing)
        image.GetPointData().SetScalars(numpy_support.numpy_to_vtk(np.ascontiguousarray(array).ravel(), deep=True))
        return image

    @classmethod
    def _margin(cls, mask: np.ndarray, mm: float, spacing) -> np.ndarray:
        """The mask grown (mm > 0) or shrunk (mm < 0) by a distance in mm, with Slicer's margin kernel
        used as its Margin effect uses it: vtkITKImageMargin keeps InnerMargin ≤ distance ≤
        OuterMargin (Inner defaults to −∞), so growing is OuterMargin = mm and shrinking is growing
        the complement by |mm|."""
        if mm < 0:
            return ~cls._margin(~mask, -mm, spacing)
        filt = vtkitk_class("vtkITKImageMargin")()
        filt.SetInputData(cls._vtk_image(mask.astype(np.uint8), spacing))
        filt.SetCalculateMarginInMM(True)
        filt.SetOuterMarginMM(mm)
        filt.Update()
        return numpy_support.vtk_to_numpy(filt.GetOutput().GetPointData().GetScalars()).reshape(mask.shape) > 0

    @classmethod
    def _clean_mask(cls, mask: np.ndarray, spacing, smoothing_mm: float) -> np.ndarray:
        """Largest island, holes filled (largest background island kept), closing by ``smoothing_mm``."""
        def largest(m: np.ndarray) -> np.ndarray:
            islands = vtkitk_class("vtkITKIslandMath")()
            # The labels have the input's type: 16 bits so that noisy masks do not overflow 255 islands.
            islands.SetInputData(cls._vtk_image(m.astype(np.uint16), spacing))
            islands.SetFullyConnected(False)
            islands.Update()
            labels = numpy_support.vtk_to_numpy(islands.GetOutput().GetPointData().GetScalars()).reshape(m.shape)
            return labels == 1  # islands are numbered by decreasing size

        if not mask.any():
            return mask
        mask = largest(mask)
        if smoothing_mm > 0:
            mask = cls._margin(cls._margin(mask, smoothing_mm, spacing), -smoothing_mm, spacing)
        return ~largest(~mask)

    # ------------------------------------------------------------------ super-resolution

    def start_super_resolution(self, input_node, settings: SuperResolutionSettings | None = None,
                               output_node=None, segmentation_node=None, segment_id: str | None = None,
                               output_name: str | None = None) -> SuperResolutionRun:
        """Write the input (and brain mask) to temporary files and start ``rrlsrn upscale`` on them."""
        settings = settings or SuperResolutionSettings()
        if input_node is None or input_node.GetImageData() is None:
            raise ValueError("Select an input volume first.")
        if output_node is input_node:
            raise ValueError("The output volume must differ from the input volume.")
        if (settings.mask_outside or settings.crop_margin_mm is not None) and not (segmentation_node and segment_id):
            raise ValueError("Masking or cropping to the brain needs a brain segment; create one first.")
        workdir = Path(tempfile.mkdtemp(prefix="RRLSRN-"))
        try:
            sitk.WriteImage(image_from_node(input_node), str(workdir / "input.nrrd"))
            mask_path = None
            if segmentation_node and segment_id and (settings.mask_outside or settings.crop_margin_mm is not None):
                mask = image_from_segment(segmentation_node, segment_id, input_node)
                if not sitk.GetArrayViewFromImage(mask).any():
                    raise ValueError("The brain segment is empty.")
                mask_path = workdir / "mask.nrrd"
                sitk.WriteImage(mask, str(mask_path))
            job = settings.job(workdir / "input.nrrd", workdir / "output.nrrd", mask_path)
            process = UpscaleProcess(job.command_line(child=True), core_path(), self.python)
        except BaseException:
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        name = output_name or f"{input_node.GetName()}{settings.upscale_settings().output_suffix()}"
        return SuperResolutionRun(self, input_node, output_node, name, workdir, process)

    def super_resolve(self, input_node, settings: SuperResolutionSettings | None = None, **kwargs):
        """Blocking super-resolution (for scripts and tests): the output node, or ValueError."""
        run = self.start_super_resolution(input_node, settings, **kwargs)
        run.wait()
        if run.error:
            raise ValueError(run.error)
        return run.output_node

    def store_output(self, image: sitk.Image, input_node, output_node=None, name: str = ""):
        """Put the result in ``output_node`` (new if None) with the input's transform, folder and
        window/level; the input node is not modified."""
        if output_node is None:
            output_node = self.scene.AddNewNodeByClass("vtkMRMLScalarVolumeNode", name)
        update_node_from_image(output_node, image)
        output_node.SetAndObserveTransformNodeID(input_node.GetTransformNodeID())
        if output_node.GetDisplayNode() is None:
            output_node.CreateDefaultDisplayNodes()
        source, target = input_node.GetDisplayNode(), output_node.GetDisplayNode()
        if source is not None and target is not None:
            target.SetAutoWindowLevel(False)
            target.SetWindowLevel(source.GetWindow(), source.GetLevel())
            target.SetAndObserveColorNodeID(source.GetColorNodeID())
        hierarchy = slicer.vtkMRMLSubjectHierarchyNode.GetSubjectHierarchyNode(self.scene)
        if hierarchy is not None:
            source_item = hierarchy.GetItemByDataNode(input_node)
            parent = hierarchy.GetItemParent(source_item) if source_item else hierarchy.GetSceneItemID()
            item = hierarchy.GetItemByDataNode(output_node)
            # Slicer's application creates items for new nodes; a bare scene (scripts, tests) does not.
            hierarchy.SetItemParent(item, parent) if item else hierarchy.CreateItem(parent, output_node)
        return output_node
