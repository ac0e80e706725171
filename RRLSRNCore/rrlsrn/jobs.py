"""What an upscale job is, and how a program runs one as a child: one definition for the library,
the command line, the 3D Slicer module and the web app (no torch, no SimpleITK: the Slicer
module imports it before PyTorch is installed).

A front end builds an :class:`UpscaleJob`, runs ``python -m rrlsrn`` with
``job.command_line(child=True)`` and reads the child's output with :func:`parse_progress` and
:func:`parse_error`; ``rrlsrn upscale`` prints those lines with :func:`progress_line` and
:func:`error_line`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

PROGRESS = "progress"  # stdout: "progress DONE TOTAL" after each batch of slices
ERROR_PREFIX = "rrlsrn: error: "  # stderr: the one sentence of a refusal, exit status 1


@dataclass
class UpscaleSettings:
    """How to super-resolve a volume (the model-side options of ``rrlsrn upscale``).

    ``scale``: in-plane magnification (1: keep the in-plane grid). ``through_plane``: factor by
    which slices are added along the slice axis (1: none); the output has ``round(n·F)`` slices.
    """

    scale: int = 2
    slice_axis: str = "auto"
    device: str = "auto"
    batch_size: int | None = None  # None: 1 on CPU (measured fastest there), 16 on a GPU
    tile: int = 512
    through_plane: float = 1.0
    slice_thickness: float | None = None  # mm; None: the slice spacing (no gap, no overlap)
    slice_profile: str = "gaussian"
    # The output, re-measured with the slice profile, reproduces the input: +0.2–0.6 dB when the
    # profile is right, −0.1 to −1.4 dB when it is not (docs/THROUGH_PLANE.md), so opt-in.
    consistency: bool = False
    precision: str = "auto"  # rrlsrn.runner.autocast_for: float32 on this project's CPU
    adapt_seconds: float = 0.0  # > 0: fine-tune each model the run uses on the scan's own slices first, this long

    def output_suffix(self) -> str:
        """What ``rrlsrn upscale --output-dir`` appends to a name: ``_SRx2``, ``_SRz4``, ``_SRx2z2.5``."""
        z = f"z{self.through_plane:g}" if self.through_plane > 1 else ""
        return f"_SR{f'x{self.scale}' if self.scale > 1 or not z else ''}{z}"


@dataclass
class UpscaleJob:
    """One ``rrlsrn upscale`` of a file: everything but the model object and the progress callback."""

    input: Path
    output: Path
    weights: str | None = None  # None: the shipped model
    settings: UpscaleSettings = field(default_factory=UpscaleSettings)
    mask: Path | None = None
    crop_margin_mm: float | None = None  # None: no crop
    zero_outside: bool = True  # with a mask: zero the output outside it
    keep_dtype: bool = False
    spacing: tuple[float, float, float] | None = None
    spacing_in_name: bool = False
    overwrite: bool = False
    volume: int | None = None
    component: int | None = None
    through_plane_weights: str | None = None  # None: the shipped through-plane model

    def __post_init__(self) -> None:
        self.input, self.output = Path(self.input), Path(self.output)
        self.mask = Path(self.mask) if self.mask is not None else None

    def command_line(self, child: bool = False) -> list[str]:
        """The ``rrlsrn`` arguments that run this job; ``child``: also the options of a program
        that runs it in the background (progress lines, quiet, stop when the parent dies)."""
        s = self.settings
        args = ["upscale", str(self.input), "-o", str(self.output), "--scale", str(s.scale), "--slice-axis",
                s.slice_axis, "--device", s.device, "--tile", str(s.tile)]
        args += ["--batch-size", str(s.batch_size)] if s.batch_size else []
        args += ["--precision", s.precision] if s.precision != "auto" else []
        args += ["--weights", self.weights] if self.weights else []
        if s.through_plane > 1:
            args += ["--through-plane", repr(float(s.through_plane)), "--slice-profile", s.slice_profile]
            args += ["--slice-thickness", repr(float(s.slice_thickness))] if s.slice_thickness is not None else []
            args += ["--consistency"] if s.consistency else []
            args += ["--through-plane-weights", self.through_plane_weights] if self.through_plane_weights else []
        args += ["--adapt", repr(float(s.adapt_seconds))] if s.adapt_seconds > 0 else []
        args += ["--mask", str(self.mask)] if self.mask is not None else []
        args += ["--crop-to-mask", repr(float(self.crop_margin_mm))] if self.crop_margin_mm is not None else []
        args += ["--keep-outside"] if self.mask is not None and not self.zero_outside else []
        args += ["--keep-dtype"] if self.keep_dtype else []
        args += ["--spacing", ",".join(repr(float(v)) for v in self.spacing)] if self.spacing is not None else []
        args += ["--spacing-from-name"] if self.spacing_in_name else []
        args += ["--overwrite"] if self.overwrite else []
        args += ["--volume", str(self.volume)] if self.volume is not None else []
        args += ["--component", str(self.component)] if self.component is not None else []
        return args + (["--progress-lines", "-q", "--stop-with-parent"] if child else [])


def progress_line(done: int, total: int) -> str:
    return f"{PROGRESS} {done} {total}"


def parse_progress(line: str) -> tuple[int, int] | None:
    """(done, total) from a child's progress line, None for any other line."""
    words = line.split()
    if len(words) == 3 and words[0] == PROGRESS and words[1].isdigit() and words[2].isdigit():
        return int(words[1]), int(words[2])
    return None


def error_line(message: str) -> str:
    return f"{ERROR_PREFIX}{message}"


def parse_error(lines: Sequence[str]) -> str | None:
    """The child's one-sentence refusal among its stderr lines (the last one), None if there is none."""
    for line in reversed(lines):
        if line.startswith(ERROR_PREFIX):
            return line[len(ERROR_PREFIX):]
    return None
