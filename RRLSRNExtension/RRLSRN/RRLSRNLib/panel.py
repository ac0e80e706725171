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


class Scale(enum.Enum):
    """In-plane scale factors the panel offers (×4 cascades the ×2 model)."""

    X2 = 2
    X4 = 4

    def label(self) -> str:
        """The combo box text (Slicer's QComboBoxToEnumConnector calls ``label``)."""
        return f"×{self.value}"


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
    options: bool  # the Input/Brain/Super-resolution settings (locked while a run goes on)
    apply: bool
    apply_text: str
    apply_tooltip: str


def panel_state(*, supported: bool, has_input: bool, has_inside_points: bool, has_brain: bool,
                crop_to_brain: bool, running: bool) -> PanelState:
    """What the panel allows now."""
    idle = supported and not running
    return PanelState(
        create_mask=idle and has_input and has_inside_points,
        segment_editor=idle and has_brain,
        mask_outside=idle and has_brain,
        crop=idle and has_brain,
        crop_margin=idle and has_brain and crop_to_brain,
        options=idle,
        apply=supported and (running or has_input),
        apply_text="Cancel" if running else "Apply",
        apply_tooltip=("Stop the running super-resolution; the scene stays as it was" if running
                       else "Super-resolve the input volume" if has_input else "Select an input volume first"))


def settings_from_panel(*, scale: Scale, weights, device: str, slice_axis: str, mask_outside: bool,
                        crop_to_brain: bool, crop_margin_mm: float, has_brain: bool) -> SuperResolutionSettings:
    """The super-resolution settings the panel's fields describe (mask/crop only with a brain segment)."""
    return SuperResolutionSettings(scale=scale.value, weights=weights_argument(weights), device=device,
                                   slice_axis=slice_axis, mask_outside=mask_outside and has_brain,
                                   crop_margin_mm=float(crop_margin_mm) if crop_to_brain and has_brain else None)


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
