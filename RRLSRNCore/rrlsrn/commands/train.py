"""``rrlsrn train``: options from the command line and a JSON config (rrlsrn.training runs them)."""
from __future__ import annotations

import argparse
import json
import os
from dataclasses import fields
from pathlib import Path

from ..errors import RRLSRNError
from ..training import TrainConfig, train


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train RRLSRN or SRCNN on HR volumes",
                       description="Train on 2D patches of HR volumes with LR simulated per batch. "
                       "Options can also come from a JSON file (--config) with the same names.")
    p.add_argument("inputs", nargs="*", help="training volumes or folders")
    p.add_argument("--config", help="JSON file of options (command-line options override it)")
    p.add_argument("--val", action="append", help="validation volume or folder (repeatable)")
    p.add_argument("--out", help="run folder: checkpoint.pt, best.pt, last.pt, log.csv, curves.png")
    p.add_argument("--resume", action="store_true", help="continue the run in --out from its checkpoint")
    p.add_argument("--time-limit", type=float, metavar="MINUTES",
                   help="stop after the epoch that ends past this time (resume later with --resume)")
    p.add_argument("--recipe", choices=("default", "paper"))
    p.add_argument("--task", choices=("in_plane", "through_plane"),
                   help="in_plane: x--scale in both plane axes; through_plane: restore thick slices along one "
                   "axis (with --arch through_plane)")
    p.add_argument("--arch", choices=("rrlsrn", "srcnn", "through_plane"))
    p.add_argument("--scale", type=int, choices=(2, 4, 8))
    p.add_argument("--feature-upconv-kernel", type=int, choices=(3, 4))
    p.add_argument("--no-feature-upconv", dest="feature_upconv", action="store_false", default=None,
                   help="ablation: predict the residual at low resolution, upsampled by the image branch")
    p.add_argument("--init", help="scratch, lapsrn (with --lapsrn-mat) or a weights file")
    p.add_argument("--lapsrn-mat", help="path to the official LapSRN_x2.mat")
    p.add_argument("--degradation", choices=("bicubic", "kspace", "mix", "acquisition"),
                   help="mix: bicubic or k-space per patch; acquisition: bicubic or the MR acquisition "
                   "model (anisotropic matrix, partial Fourier, apodisation, complex noise) per patch")
    p.add_argument("--image-branch", choices=("upconv", "spline"),
                   help="upconv: the paper's learned 4x4 transposed conv (bilinear init); spline: the "
                   "residual is added to a fixed cubic-spline upsampling")
    p.add_argument("--zero-fill-fraction", type=float, help="share of HR patches made zero-fill "
                   "interpolated (a coarser acquisition shown on their grid) before the LR is made")
    p.add_argument("--kspace-fraction", type=float, help="share of k-space-truncated patches with 'mix'")
    p.add_argument("--blur-max", type=float, help="largest random Gaussian blur sigma (HR px)")
    p.add_argument("--noise-max", type=float, help="largest random Rician noise sigma added to the LR input")
    p.add_argument("--hr-noise-max", type=float, help="largest random Rician noise sigma added to the HR "
                   "patch before the LR is made from it (noisy targets, as clinical slices are)")
    p.add_argument("--patch-size", type=int)
    p.add_argument("--batch-size", type=int, help="global batch (split over torchrun processes)")
    p.add_argument("--epochs", type=int)
    p.add_argument("--steps-per-epoch", type=int)
    p.add_argument("--lr", type=float, help="learning rate (default: the recipe's)")
    p.add_argument("--charbonnier-weight", type=float)
    p.add_argument("--gdl-weight", type=float, help="0 disables the gradient difference loss")
    p.add_argument("--foreground-fraction", type=float)
    p.add_argument("--val-slices", type=int, help="validation slices per volume")
    p.add_argument("--seed", type=int)
    p.add_argument("--threads", type=int, help="torch CPU threads per process (0: torch's default)")
    p.add_argument("--exclude", action="append", help="file-name pattern skipped in folders")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=_run)


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """TrainConfig from defaults, then the JSON config file, then explicit options."""
    values: dict = {}
    if args.config:
        try:
            values = json.loads(Path(args.config).read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise RRLSRNError(f"cannot read the config file {args.config}: {error}.") from None
        if not isinstance(values, dict):
            raise RRLSRNError(f"the config file {args.config} must hold a JSON object of option names and values, "
                              f"not {type(values).__name__ if values is not None else 'null'}.")
        unknown = set(values) - {f.name for f in fields(TrainConfig)}
        if unknown:
            raise RRLSRNError(f"unknown option(s) in {args.config}: {', '.join(sorted(unknown))}.")
    for f in fields(TrainConfig):
        value = getattr(args, f.name, None)
        if value not in (None, []):
            values[f.name] = value
    return TrainConfig(**values)


def _run(args: argparse.Namespace) -> int:
    cfg = config_from_args(args)
    if args.resume and (Path(cfg.out) / "config.json").exists():
        saved = json.loads((Path(cfg.out) / "config.json").read_text())
        cfg = TrainConfig(**{**saved, "epochs": cfg.epochs if args.epochs else saved["epochs"]})
    if not cfg.inputs:
        raise RRLSRNError("give training volumes or folders (or a --config with 'inputs').")
    best = train(cfg, resume=args.resume, progress=not args.quiet, time_limit_min=args.time_limit)
    if int(os.environ.get("RANK", "0")) == 0 and not args.quiet:
        print(f"best weights: {best}")
    return 0
