"""``rrlsrn evaluate``: score in-plane upsamplers on LR simulated from HR volumes
(the protocol: :func:`rrlsrn.evaluation.protocol_text`)."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..discovery import DEFAULT_EXCLUDES, find_volumes
from ..errors import RRLSRNError
from ..evaluation import (GRIDS, EvalSettings, adapted_upsampler, default_methods, evaluate_volumes, markdown_table, network_upsampler,
                          protocol_text, write_report)
from ..geometry import AXIS_NAMES
from ..progress import progress_bar
from ..runner import resolve_device
from ..weights import load_model, shipped_weights
from .options import positive_seconds


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="score RRLSRN against cubic spline, bicubic and SRCNN",
                       description="Simulate low resolution from HR volumes and score each method on it. "
                       f"The protocol, with the defaults: {protocol_text(EvalSettings())}")
    p.add_argument("volumes", nargs="+", help="HR volume files or folders")
    p.add_argument("--out", required=True, help="folder for metrics.csv, results.json, summary.md, figure.png")
    p.add_argument("--weights", help="RRLSRN weights (default: shipped)")
    p.add_argument("--srcnn-weights", help="SRCNN weights (default: shipped, when present)")
    p.add_argument("--lapsrn-mat", help="also score the official LapSRN_x2.mat (natural-image weights)")
    p.add_argument("--model", action="append", default=[], metavar="NAME=WEIGHTS",
                   help="also score this weights file under this name (repeatable; ablations)")
    p.add_argument("--adapt", type=positive_seconds, metavar="SECONDS",
                   help="also score 'RRLSRN adapted': the RRLSRN weights first fine-tuned for SECONDS on each "
                   "volume's LR slices, as `rrlsrn upscale --adapt` does with a scan")
    p.add_argument("--scale", type=int, choices=(2, 4), default=2, help="in-plane factor (×4: the ×2 models twice)")
    p.add_argument("--degradation", choices=("bicubic", "kspace", "acquisition"), default="bicubic",
                   help="acquisition: the MR acquisition model (anisotropic matrix, partial Fourier, "
                   "apodisation, complex noise before the magnitude), drawn per slice with seed 0")
    p.add_argument("--grid", choices=GRIDS, default="stored",
                   help="acquired: bring each stack displayed on an interpolated grid back to its acquired "
                   "grid first (per axis, from its spectrum; the rule is in summary.md and the docs)")
    p.add_argument("--slice-axis", choices=AXIS_NAMES, default="k", help="index axis across which slices are scored")
    p.add_argument("--region", choices=("brain", "slice"), default="brain",
                   help="scored region: the HR tissue mask, holes filled, or the whole slice")
    p.add_argument("--min-tissue", type=float, default=0.2, help="least tissue fraction of a scored slice")
    p.add_argument("--max-slices", type=int, help="evenly spaced subset of the eligible slices per volume")
    p.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto", help="where the networks run")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no table on the terminal")
    p.set_defaults(func=_run)


def eval_settings(args: argparse.Namespace) -> EvalSettings:
    """The protocol's settings of an ``rrlsrn evaluate`` command line."""
    return EvalSettings(args.scale, args.degradation, args.slice_axis, args.region, args.min_tissue, args.max_slices,
                        args.grid)


def _run(args: argparse.Namespace) -> int:
    settings = eval_settings(args)
    paths = find_volumes(args.volumes, list(DEFAULT_EXCLUDES))
    device = resolve_device(args.device)
    methods = default_methods(args.scale, device, args.weights, args.srcnn_weights, args.lapsrn_mat)
    for entry in args.model:
        name, _, weights = entry.partition("=")
        if not name or not weights:
            raise RRLSRNError(f"--model takes NAME=WEIGHTS, not {entry!r}.")
        methods[name] = network_upsampler(load_model(weights, args.scale), device)
    if args.adapt:
        methods[f"RRLSRN adapted ({args.adapt:g} s)"] = adapted_upsampler(
            load_model(args.weights or shipped_weights("rrlsrn"), args.scale), device, args.adapt)
    with progress_bar(args.quiet, unit="volume", desc="evaluating") as progress:
        records, example = evaluate_volumes(paths, methods, settings, progress)
    report = write_report(records, example, settings, Path(args.out), args.command_line)
    if not args.quiet:
        print(markdown_table(report["summary"]))
        print(f"wrote {Path(args.out) / 'metrics.csv'}, results.json, summary.md, figure.png")
    return 0
