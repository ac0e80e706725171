"""``rrlsrn train``: options from the command line and a JSON config (rrlsrn.train_config reads
them, rrlsrn.training runs them)."""
from __future__ import annotations

import argparse
import os
from dataclasses import replace

from ..errors import RRLSRNError
from ..run_folder import RunFolder
from ..train_config import OPTIONS, TrainConfig, resolve_config
from ..training import train


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train RRLSRN or SRCNN on HR volumes",
                       description="Train on 2D patches of HR volumes with LR simulated per batch. "
                       "Options can also come from a JSON file (--config) with the same names.")
    p.add_argument("inputs", nargs="*", help="training volumes or folders")
    p.add_argument("--config", help="JSON file of options (command-line options override it); its "
                   "\"base\": \"FILE\" names a file of shared options, e.g. the data split, that its own override")
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
    """TrainConfig from defaults, then the JSON config file (and its base), then the options given."""
    given = {name: getattr(args, name) for name in OPTIONS if getattr(args, name, None) not in (None, [])}
    return resolve_config(args.config, given)


def _run(args: argparse.Namespace) -> int:
    cfg = config_from_args(args)
    saved = RunFolder(cfg.out).saved_config() if args.resume else None
    if saved is not None:  # a resumed run keeps its config; only --epochs may extend it
        cfg = replace(saved, epochs=cfg.epochs) if args.epochs else saved
    if not cfg.inputs:
        raise RRLSRNError("give training volumes or folders (or a --config with 'inputs').")
    best = train(cfg, resume=args.resume, progress=not args.quiet, time_limit_min=args.time_limit)
    if int(os.environ.get("RANK", "0")) == 0 and not args.quiet:
        print(f"best weights: {best}")
    return 0
