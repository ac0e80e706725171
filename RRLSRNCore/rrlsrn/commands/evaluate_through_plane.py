"""``rrlsrn evaluate-through-plane``: score through-plane restoration on thick slices simulated from
isotropic volumes (the protocol: :mod:`rrlsrn.through_plane_evaluation`)."""
from __future__ import annotations

import argparse

from ..errors import RRLSRNError
from .options import positive_int, positive_seconds


def add_cli(sub: argparse._SubParsersAction) -> None:
    from ..through_plane_evaluation import __doc__ as protocol

    p = sub.add_parser("evaluate-through-plane", help="score through-plane restoration against cubic B-spline",
                       description="Simulate thick slices from isotropic volumes and score each method. "
                       + protocol.split("Protocol")[0])
    p.add_argument("volumes", nargs="+", help="isotropic volume files or folders")
    p.add_argument("--out", required=True, help="folder for metrics.csv, results.json, summary.md, figure.png")
    p.add_argument("--ratio", type=positive_int, default=4, help="slice spacing over the volume's voxel size")
    p.add_argument("--profile", choices=("gaussian", "rect"), default="gaussian", help="the true slice profile")
    p.add_argument("--thickness-factor", type=float, default=1.0,
                   help="true slice thickness over slice spacing (< 1: gaps, > 1: overlaps)")
    p.add_argument("--assume-profile", choices=("gaussian", "rect"),
                   help="the profile the model is told (default: the true one)")
    p.add_argument("--assume-thickness-factor", type=float, help="the thickness the model is told (default: the true one)")
    p.add_argument("--weights", help="through-plane weights (default: shipped)")
    p.add_argument("--model", action="append", default=[], metavar="NAME=WEIGHTS",
                   help="also score this through-plane weights file under this name (repeatable)")
    p.add_argument("--adapt", type=positive_seconds, metavar="SECONDS",
                   help="also score the model adapted to each thick stack for SECONDS first (as upscale --adapt)")
    p.add_argument("--naive", action="store_true", help="also score the in-plane model applied naively (r = 2, 4, 8)")
    p.add_argument("--slab", type=positive_int, default=48, help="planes across j kept around the tissue centre")
    p.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..evaluation import markdown_table
    from ..progress import progress_bar
    from ..runner import resolve_device
    from ..slice_profile import enforce_consistency, interpolate
    from ..through_plane_evaluation import (ThroughPlaneEvalSettings, model_restorer, naive_in_plane_restorer,
                                            write_report)
    from ..discovery import DEFAULT_EXCLUDES, find_volumes
    from ..weights import load_model, shipped_weights

    for factor in (args.thickness_factor, args.assume_thickness_factor):
        if factor is not None and not 0 < factor < 10:
            raise RRLSRNError(f"a thickness factor must be between 0 and 10 (thickness over spacing), not {factor}.")
    if args.ratio < 2:
        raise RRLSRNError("--ratio must be 2 or more.")
    settings = ThroughPlaneEvalSettings(args.ratio, args.profile, args.thickness_factor, args.assume_profile,
                                        args.assume_thickness_factor, args.slab)
    device = resolve_device(args.device)
    model = load_model(args.weights or shipped_weights("through_plane"))
    profile, factor = settings.assumed
    methods = {"cubic B-spline": lambda thick, r: interpolate(thick, thick.shape[-1] * r),
               "cubic B-spline + consistency": lambda thick, r: enforce_consistency(
                   interpolate(thick, thick.shape[-1] * r), thick, r * factor, profile),
               "RRLSRN through-plane + consistency": model_restorer(model, settings, True, device),
               "RRLSRN through-plane (default: no consistency)": model_restorer(model, settings, False, device)}
    for entry in args.model:
        name, _, weights = entry.partition("=")
        if not name or not weights:
            raise RRLSRNError(f"--model takes NAME=WEIGHTS, not {entry!r}.")
        methods[name] = model_restorer(load_model(weights), settings, True, device)
    if args.adapt:
        methods[f"RRLSRN through-plane + consistency, adapted {args.adapt:g} s"] = model_restorer(model, settings, True, device,
                                                                                 args.adapt)
    if args.naive and args.ratio in (2, 4, 8):
        methods["in-plane RRLSRN, naive"] = naive_in_plane_restorer(load_model(shipped_weights("rrlsrn"), args.ratio),
                                                                   device)
    paths = find_volumes(args.volumes, list(DEFAULT_EXCLUDES))
    with progress_bar(args.quiet, unit="volume", desc="evaluating") as progress:
        report = write_report(paths, methods, settings, Path(args.out), args.command_line, progress)
    if not args.quiet:
        print(markdown_table(report["summary"]))
        print(f"wrote {Path(args.out) / 'summary.md'}, metrics.csv, results.json, figure.png")
    return 0
