"""The ``rrlsrn`` command. Each subcommand's options live beside the code that runs it
(``add_cli`` in its module); user errors print one sentence and exit with status 1."""
from __future__ import annotations

import _thread
import argparse
import math
import os
import re
import signal
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from tqdm import tqdm

from . import __version__
from .errors import RRLSRNError
from .geometry import AXIS_NAMES
from .jobs import error_line, progress_line

OUTPUT_NAME = re.compile(r"_SRx\d+\.nii\.gz$", re.IGNORECASE)  # what `upscale --output-dir` writes


def parse_point(text: str) -> tuple[float, float, float]:
    """``"x,y,z"`` → three floats (argparse type)."""
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 3 or not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(f"expected three comma-separated finite numbers, got {text!r}")
    return values


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def index(text: str) -> int:
    """An index from 0 (argparse type)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an index 0, 1, 2, …, got {text!r}")
    return value


def margin_mm(text: str) -> float:
    """A finite distance ≥ 0 in mm (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"expected a margin of 0 mm or more, got {text!r}")
    return value


@contextmanager
def progress_bar(quiet: bool, unit: str = "slice", desc: str = "", lines: bool = False) -> Iterator:
    """A tqdm bar fed by ``(done, total)`` callbacks; silent when quiet or not on a terminal.
    With ``lines``, also ``progress DONE TOTAL`` lines on stdout, for a parent process to read."""
    bar = tqdm(total=0, unit=unit, desc=desc, disable=quiet or not sys.stderr.isatty(), leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
        if lines:
            print(progress_line(done, total), flush=True)

    try:
        yield update
    finally:
        bar.close()


def stop_when_stdin_closes(grace_s: float = 30.0) -> None:
    """Interrupt the run (as Ctrl-C does: no output is written) once standard input reaches its end.

    A program that starts rrlsrn keeps a pipe to its standard input open and never writes to it;
    when that program dies the pipe closes, and this child stops instead of running on unseen.
    If the main thread is stuck in one long native call, the process exits after ``grace_s``.
    """
    def watch() -> None:
        # os.read on the descriptor, not sys.stdin: a daemon thread blocked in a buffered read holds
        # its lock, and the interpreter aborts at exit when it cannot take it.
        try:
            fd = sys.stdin.fileno()
            while os.read(fd, 4096):
                pass
        except (OSError, ValueError, AttributeError):
            pass
        _thread.interrupt_main()
        time.sleep(grace_s)
        os._exit(130)

    threading.Thread(target=watch, name="stop-with-parent", daemon=True).start()


def add_geometry_options(parser: argparse.ArgumentParser) -> None:
    """Options that fix how an input volume is read (shared by commands that read volumes)."""
    parser.add_argument("--spacing", metavar="X,Y,Z", help="override the header's voxel spacing (mm, "
                        "index axes i,j,k), for files whose header lost it")
    parser.add_argument("--spacing-from-name", action="store_true", help="take the spacing from a "
                        "'Res<x>_<y>_Spac<z>' part of the file name")


def upscale_job(args: argparse.Namespace, input_path=None, output_path=None):
    """The :class:`rrlsrn.jobs.UpscaleJob` that ``rrlsrn upscale``'s options describe."""
    from .io import parse_spacing
    from .jobs import UpscaleJob, UpscaleSettings

    settings = UpscaleSettings(scale=args.scale, slice_axis=args.slice_axis, device=args.device,
                               batch_size=args.batch_size, tile=args.tile)
    return UpscaleJob(input_path or args.input, output_path or args.output, args.weights, settings, args.mask,
                      args.crop_to_mask, not args.keep_outside, args.keep_dtype,
                      parse_spacing(args.spacing) if args.spacing else None, args.spacing_from_name, args.overwrite,
                      args.volume, args.component)


def _upscale(args: argparse.Namespace) -> int:
    from .inference import upscale_file

    if (args.input is None) == (args.input_dir is None):
        raise RRLSRNError("give either an INPUT file (with -o) or --input-dir (with --output-dir).")
    if args.input_dir is not None:
        return _upscale_cohort(args)
    if args.output is None:
        raise RRLSRNError("give the output file with -o OUTPUT.")
    if args.stop_with_parent:
        stop_when_stdin_closes()
    warn_spacing_in_name(args)
    with progress_bar(args.quiet, desc="super-resolving", lines=args.progress_lines) as progress:
        out = upscale_file(upscale_job(args), progress=progress)
    if not args.quiet:
        print(f"wrote {out}")
    return 0


def warn_spacing_in_name(args: argparse.Namespace) -> None:
    """One sentence on stderr when the header says 1×1×1 mm and the file name states a spacing
    (a clinical stack whose header lost its geometry) and neither --spacing option was given."""
    from .io import spacing_warning

    if args.spacing is None and not args.spacing_from_name and args.input is not None:
        warning = spacing_warning(args.input)
        if warning:
            print(f"rrlsrn: warning: {warning}", file=sys.stderr)


def _upscale_cohort(args: argparse.Namespace) -> int:
    """Every volume of --input-dir into --output-dir as <name>_SRx<scale>.nii.gz; finished outputs
    are skipped, a failing file is reported and the run goes on; exit 1 if any failed."""
    from pathlib import Path

    from .inference import check_finite_model, upscale_file
    from .publish import is_temporary, same_folder
    from .training import DEFAULT_EXCLUDES, VOLUME_SUFFIXES, find_volumes
    from .weights import load_model, shipped_weights

    if args.output_dir is None:
        raise RRLSRNError("--input-dir needs --output-dir.")
    if args.mask is not None:
        raise RRLSRNError("--mask names one volume's mask; it cannot be used with --input-dir.")
    source, target = Path(args.input_dir), Path(args.output_dir)
    if not source.is_dir():
        raise RRLSRNError(f"{source} is not a directory.")
    if target.exists() and not target.is_dir():
        raise RRLSRNError(f"--output-dir {target} is a file, not a folder.")
    target.mkdir(parents=True, exist_ok=True)  # named with --output-dir: created if need be
    files = [p for p in find_volumes([str(source)], list(DEFAULT_EXCLUDES))
             if not p.name.startswith(".") and not is_temporary(p)  # hidden files, a killed run's temporaries
             and not (same_folder(p.parent, target) and OUTPUT_NAME.search(p.name))]  # this tool's own outputs
    outputs: dict[Path, list[Path]] = {}
    for path in files:
        stem = path.name[: -len(next(s for s in VOLUME_SUFFIXES if path.name.lower().endswith(s)))]
        outputs.setdefault(target / f"{stem}_SRx{args.scale}.nii.gz", []).append(path)
    model = load_model(args.weights or shipped_weights("rrlsrn"), args.scale)
    check_finite_model(model, args.weights or "the shipped model")
    done, skipped, failed = [], [], []
    for out, sources in outputs.items():
        if len(sources) > 1:  # a.nii.gz and a.nrrd: neither may silently take the other's place
            names = " and ".join(p.name for p in sources)
            failed += [(p, f"{names} would both be written to {out.name}; rename one") for p in sources]
            continue
        path = sources[0]
        if out.exists() and not args.overwrite:
            skipped.append(out)
            continue
        try:
            with progress_bar(args.quiet, desc=path.name) as progress:
                upscale_file(upscale_job(args, path, out), model, progress)
            done.append(out)
        except RRLSRNError as error:
            failed.append((path, str(error)))
        except Exception as error:  # one broken file must not stop a cohort
            failed.append((path, f"unexpected {type(error).__name__}: {error}"))
    print(f"{len(done)} done, {len(skipped)} skipped (already there), {len(failed)} failed, in {target}")
    for path, reason in failed:
        print(f"  failed: {path.name}: {reason}")
    return 1 if failed else 0


def _brainmask(args: argparse.Namespace) -> int:
    import numpy as np
    import SimpleITK as sitk

    from .brainmask import brain_mask_from_seeds
    from .geometry import Grid, ras_to_lps
    from .io import check_output_path, parse_spacing, read_volume, write_volume

    check_output_path(args.output, args.overwrite, inputs=[args.input])
    image = read_volume(args.input, parse_spacing(args.spacing) if args.spacing else None, args.spacing_from_name)
    grid = Grid.of(image)

    def to_ijk(ras: list, ijk: list) -> list[tuple[int, int, int]]:
        points = [grid.lps_to_index(ras_to_lps(p)) for p in ras] + [np.asarray(p) for p in ijk]
        return [tuple(int(v) for v in np.rint(p)) for p in points]

    mask = brain_mask_from_seeds(image, to_ijk(args.seed, args.seed_ijk),
                                 to_ijk(args.background, args.background_ijk))
    out = write_volume(mask, args.output, overwrite=args.overwrite)
    if not args.quiet:
        voxels = int(sitk.GetArrayViewFromImage(mask).sum())
        volume_ml = voxels * float(np.prod(image.GetSpacing())) / 1000
        print(f"wrote {out} ({voxels} voxels, {volume_ml:.1f} ml)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from . import benchmark, demo, evaluation, training

    parser = argparse.ArgumentParser(prog="rrlsrn", description="Deep robust residual super-resolution "
                                     "of (fetal) brain MRI, in-plane ×2/×4.")
    parser.add_argument("--version", action="version", version=f"rrlsrn {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    up = sub.add_parser("upscale", help="super-resolve a volume", description="Super-resolve a volume "
                        "in-plane (the two index axes other than the slice axis) and write it with "
                        "the exact output geometry: voxel-corner bounds equal to the input's.")
    up.add_argument("input", nargs="?", help="NIfTI, NRRD, MHA file or DICOM series directory")
    up.add_argument("-o", "--output", help=".nii.gz, .nii, .nrrd or .mha")
    up.add_argument("--input-dir", help="batch: every volume file of this folder (masks/labels skipped)")
    up.add_argument("--output-dir", help="batch: where <name>_SRx<scale>.nii.gz go; existing ones are skipped")
    up.add_argument("--scale", type=int, choices=(2, 4, 8), default=2,
                    help="in-plane magnification; ×4 and ×8 apply the ×2 model two and three times")
    up.add_argument("--weights", help="weights file (default: the shipped RRLSRN ×2 model)")
    up.add_argument("--slice-axis", choices=("auto",) + AXIS_NAMES, default="auto",
                    help="index axis across which slices are taken (auto: the one with the largest spacing)")
    up.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    up.add_argument("--batch-size", type=positive_int,
                    help="slices per forward pass (default: 1 on CPU, measured fastest there; 16 on a GPU)")
    up.add_argument("--tile", type=positive_int, default=512,
                    help="largest slice side (low-res px) run in one piece; larger slices are tiled")
    up.add_argument("--mask", help="brain mask (any grid): the output is zero outside it")
    up.add_argument("--crop-to-mask", type=margin_mm, metavar="MARGIN_MM",
                    help="crop to the mask's bounding box plus this margin before super-resolving")
    up.add_argument("--keep-outside", action="store_true",
                    help="with --mask: use it only to crop (--crop-to-mask), keep voxels outside it")
    up.add_argument("--keep-dtype", action="store_true", help="write the input's voxel type "
                    "(rounded and clipped) instead of float32")
    add_geometry_options(up)
    up.add_argument("--overwrite", action="store_true", help="replace an existing output (with --input-dir: "
                    "redo finished outputs)")
    up.add_argument("--volume", type=index, metavar="N", help="with a 4D input: super-resolve its volume N (from 0)")
    up.add_argument("--component", type=index, metavar="N", help="with a vector/RGB input: use component N (from 0)")
    up.add_argument("--progress-lines", action="store_true",
                    help="print 'progress DONE TOTAL' lines on stdout (for programs running this one)")
    up.add_argument("--stop-with-parent", action="store_true",
                    help="stop (writing nothing) when standard input closes: for programs that run this one "
                    "with a pipe on its standard input, so that it ends when they do")
    up.add_argument("-q", "--quiet", action="store_true")
    up.set_defaults(func=_upscale)

    bm = sub.add_parser("brainmask", help="brain mask from a few seed points",
                        description="Segment the brain from points inside it (and optionally outside).")
    bm.add_argument("input")
    bm.add_argument("-o", "--output", required=True)
    bm.add_argument("--seed", type=parse_point, action="append", default=[], metavar="R,A,S",
                    help="a point inside the brain, RAS mm as 3D Slicer shows it (repeatable)")
    bm.add_argument("--seed-ijk", type=parse_point, action="append", default=[], metavar="I,J,K",
                    help="a point inside the brain as voxel indices (repeatable)")
    bm.add_argument("--background", type=parse_point, action="append", default=[], metavar="R,A,S",
                    help="a point outside the brain, RAS mm (repeatable)")
    bm.add_argument("--background-ijk", type=parse_point, action="append", default=[], metavar="I,J,K",
                    help="a point outside the brain as voxel indices (repeatable)")
    add_geometry_options(bm)
    bm.add_argument("--overwrite", action="store_true", help="replace an existing output mask")
    bm.add_argument("-q", "--quiet", action="store_true")
    bm.set_defaults(func=_brainmask)

    for module in (training, evaluation, benchmark, demo):
        module.add_cli(sub)
    for command in sub.choices.values():
        command.formatter_class = DefaultsHelpFormatter
    return parser


class DefaultsHelpFormatter(argparse.HelpFormatter):
    """--help shows each option's default where it has one (not for flags or unset options)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if ("%(default)" not in text and action.default not in (None, False, [], argparse.SUPPRESS)
                and action.option_strings and action.nargs != 0):
            text += " (default: %(default)s)"
        return text


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM (schedulers, `timeout`) cleans up exactly as Ctrl-C does


def main(argv: list[str] | None = None) -> int:
    import SimpleITK as sitk

    args = build_parser().parse_args(argv)
    sitk.ProcessObject.SetGlobalWarningDisplay(False)  # ITK's raw warnings; errors come as one sentence
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.func(args) or 0
    except RRLSRNError as error:
        print(error_line(str(error)), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("rrlsrn: interrupted; no output was written.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
