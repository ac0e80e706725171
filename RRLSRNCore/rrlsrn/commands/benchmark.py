"""``rrlsrn benchmark``: time the upsamplers on this machine (rrlsrn.benchmark measures)."""
from __future__ import annotations

import argparse
import json

from .. import benchmark, io
from ..benchmark import run_benchmark, table
from ..errors import RRLSRNError
from ..runner import PRECISIONS, resolve_device
from .options import positive_int


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("benchmark", help="time cubic spline, SRCNN and RRLSRN on this machine",
                       description=benchmark.__doc__)
    p.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    p.add_argument("--batch-sizes", default="1,8", help="comma-separated batch sizes")
    p.add_argument("--size", type=positive_int, default=128, help="LR slice side (output is twice it)")
    p.add_argument("--slices", type=positive_int, default=16, help="slices per timing")
    p.add_argument("--repeats", type=positive_int, default=3)
    p.add_argument("--volume-slices", type=positive_int, default=100)
    p.add_argument("--precision", choices=PRECISIONS, default="auto", help="as for rrlsrn upscale --precision")
    p.add_argument("--out", help="write the result as JSON here")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
        if not batch_sizes or min(batch_sizes) < 1:
            raise ValueError
    except ValueError:
        raise RRLSRNError(f"--batch-sizes must be comma-separated positive integers, not {args.batch_sizes!r}.") from None
    result = run_benchmark(resolve_device(args.device), batch_sizes, args.size, args.slices, args.repeats,
                           args.volume_slices, args.precision)
    m = result["machine"]
    print(f"{m['cpu']} ({m['cores']} cores, {m['torch_threads']} torch threads), {m.get('gpu', m['device'])}, torch {m['torch']}")
    print(table(result))
    if args.out:
        with io.atomic_path(args.out) as tmp:
            tmp.write_text(json.dumps(result, indent=2))
        print(f"wrote {args.out}")
    return 0
