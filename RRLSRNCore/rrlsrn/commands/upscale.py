"""``rrlsrn upscale``: super-resolve one volume, or every volume of a folder."""
from __future__ import annotations

import _thread
import argparse
import os
import re
import sys
import threading
import time

from ..errors import RRLSRNError
from ..geometry import AXIS_NAMES
from ..progress import progress_bar
from ..runner import PRECISIONS
from .options import (add_geometry_options, factor_above_one, index, margin_mm, positive_int, positive_seconds,
                      thickness_mm)

OUTPUT_NAME = re.compile(r"_SR(x\d+)?(z[\d.]+)?\.nii\.gz$", re.IGNORECASE)  # what `upscale --output-dir` writes


def add_cli(sub: argparse._SubParsersAction) -> None:
    up = sub.add_parser("upscale", help="super-resolve a volume", description="Super-resolve a volume "
                        "in-plane (the two index axes other than the slice axis), across its slices "
                        "(--through-plane), or both, and write it with the exact output geometry: "
                        "voxel-corner bounds equal to the input's.")
    up.add_argument("input", nargs="?", help="NIfTI, NRRD, MHA file or DICOM series directory")
    up.add_argument("-o", "--output", help=".nii.gz, .nii, .nrrd or .mha")
    up.add_argument("--input-dir", help="batch: every volume file of this folder (masks/labels skipped)")
    up.add_argument("--output-dir", help="batch: where <name>_SRx<scale>.nii.gz (_SRz<F>, _SRx<scale>z<F> with "
                    "--through-plane) go; existing ones are skipped")
    up.add_argument("--scale", type=int, choices=(1, 2, 4, 8),
                    help="in-plane magnification; ×4 and ×8 apply the ×2 model two and three times; 1 keeps "
                    "the in-plane grid (default: 2, or 1 with --through-plane)")
    up.add_argument("--weights", help="weights file (default: the shipped RRLSRN ×2 model)")
    up.add_argument("--slice-axis", choices=("auto",) + AXIS_NAMES, default="auto",
                    help="index axis across which slices are taken (auto: the one with the largest spacing)")
    up.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    up.add_argument("--batch-size", type=positive_int,
                    help="slices per forward pass (default: 1 on CPU, measured fastest there; 16 on a GPU)")
    up.add_argument("--precision", choices=PRECISIONS, default="auto",
                    help="auto: float16 on a GPU; on a CPU bfloat16 only where the CPU has it natively and the "
                    "model's image path stays float32 (its measured cost there: <= 0.004 dB), else float32")
    up.add_argument("--tile", type=positive_int, default=512,
                    help="largest slice side (low-res px) run in one piece; larger slices are tiled")
    up.add_argument("--adapt", type=positive_seconds, nargs="?", const=60.0, metavar="SECONDS",
                    help="first fine-tune each model the run uses (in-plane, through-plane) on this scan's own "
                    "slices for SECONDS each (default when given without a value: 60)")
    tp = up.add_argument_group("through-plane (thick-slice stacks)")
    tp.add_argument("--through-plane", type=factor_above_one, metavar="F",
                    help="also restore the slice axis: F times as many slices over the same extent "
                    "(round(n·F) slices, so F need not be an integer), by the through-plane model")
    tp.add_argument("--slice-thickness", type=thickness_mm, metavar="MM",
                    help="with --through-plane: the acquired slice thickness when it differs from the slice "
                    "spacing (gaps, overlaps) (default: the slice spacing)")
    tp.add_argument("--slice-profile", choices=("gaussian", "rect"), default="gaussian",
                    help="with --through-plane: the slice profile (Gaussian of FWHM = thickness, or rectangular)")
    tp.add_argument("--consistency", action="store_true",
                    help="with --through-plane: make the output, re-measured with the slice profile, reproduce the "
                    "input slices exactly (better when the profile and thickness are known, worse when they are not)")
    tp.add_argument("--through-plane-weights", metavar="PATH",
                    help="through-plane weights file (default: the shipped through-plane model)")
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
    up.set_defaults(func=run)



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


def upscale_job(args: argparse.Namespace, input_path=None, output_path=None):
    """The :class:`rrlsrn.jobs.UpscaleJob` that ``rrlsrn upscale``'s options describe."""
    from ..io import parse_spacing
    from ..jobs import UpscaleJob

    return UpscaleJob(input_path or args.input, output_path or args.output, args.weights, upscale_settings(args),
                      args.mask, args.crop_to_mask, not args.keep_outside, args.keep_dtype,
                      parse_spacing(args.spacing) if args.spacing else None, args.spacing_from_name, args.overwrite,
                      args.volume, args.component, args.through_plane_weights)


def upscale_settings(args: argparse.Namespace):
    """The :class:`rrlsrn.jobs.UpscaleSettings` of the options, refusing through-plane options
    given without ``--through-plane``."""
    from ..jobs import UpscaleSettings

    if args.through_plane is None:
        given = [name for name, unset in (("--slice-thickness", args.slice_thickness is None),
                                          ("--slice-profile", args.slice_profile == "gaussian"),
                                          ("--consistency", not args.consistency),
                                          ("--through-plane-weights", args.through_plane_weights is None)) if not unset]
        if given:
            raise RRLSRNError(f"{' and '.join(given)} only apply with --through-plane F.")
    scale = args.scale if args.scale is not None else (1 if args.through_plane else 2)
    return UpscaleSettings(scale=scale, slice_axis=args.slice_axis, device=args.device, batch_size=args.batch_size,
                           tile=args.tile, precision=args.precision, through_plane=args.through_plane or 1.0,
                           slice_thickness=args.slice_thickness, slice_profile=args.slice_profile,
                           consistency=args.consistency, adapt_seconds=args.adapt or 0.0)


def run(args: argparse.Namespace) -> int:
    from ..inference import upscale_file

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
    from ..io import spacing_warning

    if args.spacing is None and not args.spacing_from_name and args.input is not None:
        warning = spacing_warning(args.input)
        if warning:
            print(f"rrlsrn: warning: {warning}", file=sys.stderr)


def _upscale_cohort(args: argparse.Namespace) -> int:
    """Every volume of --input-dir into --output-dir as <name>_SRx<scale>.nii.gz; finished outputs
    are skipped, a failing file is reported and the run goes on; exit 1 if any failed."""
    from pathlib import Path

    from ..inference import models_for, upscale_file
    from ..publish import is_temporary, same_file
    from ..discovery import DEFAULT_EXCLUDES, VOLUME_SUFFIXES, find_volumes

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
             and not (same_file(p.parent, target) and OUTPUT_NAME.search(p.name))]  # this tool's own outputs
    settings = upscale_settings(args)
    outputs: dict[Path, list[Path]] = {}
    for path in files:
        stem = path.name[: -len(next(s for s in VOLUME_SUFFIXES if path.name.lower().endswith(s)))]
        outputs.setdefault(target / f"{stem}{settings.output_suffix()}.nii.gz", []).append(path)
    model, through_plane_model = models_for(settings, args.weights, args.through_plane_weights)
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
                upscale_file(upscale_job(args, path, out), model, progress, through_plane_model)
            done.append(out)
        except RRLSRNError as error:
            failed.append((path, str(error)))
        except Exception as error:  # one broken file must not stop a cohort
            failed.append((path, f"unexpected {type(error).__name__}: {error}"))
    print(f"{len(done)} done, {len(skipped)} skipped (already there), {len(failed)} failed, in {target}")
    for path, reason in failed:
        print(f"  failed: {path.name}: {reason}")
    return 1 if failed else 0
