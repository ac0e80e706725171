"""What the RRLSRN panel allows and says, as plain code (no Qt), so that it is tested headlessly.

The Widget in RRLSRN.py only copies these decisions onto its widgets: which buttons are enabled,
Apply or Cancel, which brain segment is in use, what a finished run tells the user.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import PurePath

from .logic import SuperResolutionRun, SuperResolutionSettings

MINIMUM_SLICER = (5, 10)  # Python 3.12 (Slicer 5.8 bundles 3.9, which current torch has no wheels for)
DEVICES = ("auto", "cpu", "cuda", "mps")
SLICE_AXES = ("auto", "i", "j", "k")
THROUGH_PLANE_RANGE = (1.0, 8.0)  # the factor's spin box; 1 = off
SLICE_THICKNESS_RANGE_MM = (0.0, 50.0)  # 0 = the slice spacing
# "Adapt to this scan": fine-tune each model the run uses on the scan's own slices for this many
# seconds (each), before super-resolving. Opt-in: measured, it did not help in-plane and gained 0.08 dB
# through-plane on average (docs/RESULTS.md §9, docs/THROUGH_PLANE.md).
ADAPT_SECONDS_RANGE = (5.0, 600.0)
ADAPT_SECONDS_DEFAULT = 60.0
NOTHING_TO_DO = "Scale ×1 keeps the in-plane grid: set a through-plane factor above 1, or choose ×2 or ×4."


class Scale(enum.Enum):
    """In-plane scale factors the panel offers (×4 cascades the ×2 model; ×1 only with a through-plane factor)."""

    X1 = 1
    X2 = 2
    X4 = 4

    def label(self) -> str:
        """The combo box text (Slicer's QComboBoxToEnumConnector calls ``label``)."""
        return "×1 (keep in-plane grid)" if self is Scale.X1 else f"×{self.value}"


class SliceProfile(enum.Enum):
    """How an acquired slice weighs the tissue across it (the core's ``--slice-profile``)."""

    GAUSSIAN = "gaussian"
    RECT = "rect"

    def label(self) -> str:
        return "Gaussian" if self is SliceProfile.GAUSSIAN else "rectangular"


def unsupported_slicer(version: tuple[int, int]) -> str | None:
    """One sentence for the panel when this Slicer is older than the module supports, else None."""
    if tuple(version[:2]) >= MINIMUM_SLICER:
        return None
    return (f"RRLSRN needs 3D Slicer {MINIMUM_SLICER[0]}.{MINIMUM_SLICER[1]} or newer (this is "
            f"{version[0]}.{version[1]}); please install a current Slicer from download.slicer.org.")


def brain_segment_id(segmentation_node, segment_id: str | None) -> str:
    """``segment_id`` if that segmentation holds such a segment, else "" (no segmentation selected,
    an empty one, or a segment that was deleted): the panel never uses a stale segment."""
    if segmentation_node is None or not segment_id:
        return ""
    return segment_id if segmentation_node.GetSegmentation().GetSegment(segment_id) is not None else ""


def weights_argument(path) -> str:
    """The weights option from the panel's path field: "" (the shipped model) when it is empty.
    Slicer's path connector reads an empty ctkPathLineEdit as ``Path("")``, which is ``Path(".")``."""
    text = str(path) if path is not None else ""
    return "" if text in ("", ".") or PurePath(text) == PurePath(".") else text


@dataclass(frozen=True)
class PanelState:
    """Enabled states and texts of the panel's buttons."""

    create_mask: bool
    segment_editor: bool
    mask_outside: bool
    crop: bool
    crop_margin: bool
    through_plane_options: bool  # slice thickness, profile, consistency, model: only with a factor above 1
    adapt_seconds: bool  # the adaptation's seconds: only with "Adapt to this scan" ticked
    options: bool  # the Input/Brain/Super-resolution settings (locked while a run goes on)
    apply: bool
    apply_text: str
    apply_tooltip: str


def panel_state(*, supported: bool, has_input: bool, has_inside_points: bool, has_brain: bool,
                crop_to_brain: bool, through_plane: float, running: bool, adapt: bool = False) -> PanelState:
    """What the panel allows now."""
    idle = supported and not running
    return PanelState(
        create_mask=idle and has_input and has_inside_points,
        segment_editor=idle and has_brain,
        mask_outside=idle and has_brain,
        crop=idle and has_brain,
        crop_margin=idle and has_brain and crop_to_brain,
        through_plane_options=idle and through_plane > 1,
        adapt_seconds=idle and adapt,
        options=idle,
        apply=supported and (running or has_input),
        apply_text="Cancel" if running else "Apply",
        apply_tooltip=("Stop the running super-resolution; the scene stays as it was" if running
                       else "Super-resolve the input volume" if has_input else "Select an input volume first"))


def settings_from_panel(*, scale: Scale, weights, device: str, slice_axis: str, mask_outside: bool,
                        crop_to_brain: bool, crop_margin_mm: float, has_brain: bool, through_plane: float = 1.0,
                        slice_thickness_mm: float = 0.0, slice_profile: SliceProfile = SliceProfile.GAUSSIAN,
                        consistency: bool = False, through_plane_weights="", adapt: bool = False,
                        adapt_seconds: float = ADAPT_SECONDS_DEFAULT) -> SuperResolutionSettings:
    """The super-resolution settings the panel's fields describe (mask/crop only with a brain segment;
    a slice thickness of 0 is the slice spacing; ``adapt_seconds`` only when ``adapt`` is ticked,
    else 0: no adaptation). ValueError for ×1 without a through-plane factor, or adaptation seconds
    outside :data:`ADAPT_SECONDS_RANGE`, before anything is installed or started."""
    if scale is Scale.X1 and through_plane <= 1:
        raise ValueError(NOTHING_TO_DO)
    low, high = ADAPT_SECONDS_RANGE
    if adapt and not low <= adapt_seconds <= high:  # also NaN
        raise ValueError(f"Adapting to the scan takes from {low:g} to {high:g} seconds per model, "
                         f"not {adapt_seconds:g}.")
    return SuperResolutionSettings(scale=scale.value, weights=weights_argument(weights), device=device,
                                   slice_axis=slice_axis, mask_outside=mask_outside and has_brain,
                                   crop_margin_mm=float(crop_margin_mm) if crop_to_brain and has_brain else None,
                                   through_plane=float(through_plane),
                                   slice_thickness_mm=float(slice_thickness_mm) if slice_thickness_mm > 0 else None,
                                   slice_profile=slice_profile.value, consistency=consistency,
                                   through_plane_weights=weights_argument(through_plane_weights),
                                   adapt_seconds=float(adapt_seconds) if adapt else 0.0)


class RunState(enum.Enum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class RunOutcome:
    """A poll of a run, as the panel shows it."""

    state: RunState
    message: str = ""
    progress: float = 0.0
    output_node: object = None


def poll_run(run: SuperResolutionRun) -> RunOutcome:
    """Poll a run for the panel's timer; never raises, so the timer always learns that it is over."""
    try:
        finished = run.poll()
        progress = run.progress
    except Exception as error:  # noqa: BLE001 - the panel must get a message, whatever broke
        return RunOutcome(RunState.FAILED, f"Super-resolution failed: {error}")
    if not finished:
        return RunOutcome(RunState.RUNNING, f"Super-resolving… {round(100 * progress)} %", progress)
    if run.cancelled:
        return RunOutcome(RunState.CANCELLED, f"Cancelled ({run.cancel_reason}); nothing was added to the scene.")
    if run.error:
        return RunOutcome(RunState.FAILED, f"Super-resolution failed: {run.error}")
    return RunOutcome(RunState.DONE, f"Done in {run.seconds:.1f} s: {run.output_node.GetName()}", 1.0, run.output_node)
