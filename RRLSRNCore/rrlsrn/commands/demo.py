"""``rrlsrn demo``: the whole pipeline on a real adult brain shipped in a package (rrlsrn.demo)."""
from __future__ import annotations

import argparse
from pathlib import Path

from .. import demo
from ..demo import run_demo


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the pipeline on the MNI152 T1 shipped in nilearn", description=demo.__doc__)
    p.add_argument("--out", required=True,
                   help="folder for the volumes, metrics.csv, results.json, summary.md, figure.png")
    p.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto", help="where the network runs")
    p.add_argument("--max-slices", type=int, default=60, help="axial slices scored (evenly spaced)")
    p.add_argument("--overwrite", action="store_true", help="replace the results of an earlier demo in --out")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    result = run_demo(out, args.device, args.max_slices, args.overwrite, args.command_line)
    by_method = {r["method"]: r for r in result["records"]}
    spline, rrlsrn = by_method["cubic spline"], by_method["RRLSRN"]
    print(f"MNI152 T1, 2 mm → 1 mm in-plane (k-space LR), {result['seconds']:.1f} s for RRLSRN:")
    print(f"  cubic spline  PSNR {spline['psnr']:.2f} dB  SSIM {spline['ssim']:.4f}")
    print(f"  RRLSRN        PSNR {rrlsrn['psnr']:.2f} dB  SSIM {rrlsrn['ssim']:.4f}  "
          f"({rrlsrn['psnr'] - spline['psnr']:+.2f} dB)")
    print(f"wrote {', '.join(p.name for p in result['paths'].values())}, metrics.csv, results.json, summary.md, "
          f"figure.png in {out}/")
    return 0
