"""Peak resident memory and wall time of `rrlsrn upscale` on a large synthetic volume (CPU).

    python benchmarks/memory_upscale.py --size 512 --slices 200 --out docs/benchmark/memory_cpu_2core.json

The volume (float32, 0.5 × 0.5 × 3 mm, smooth blobs plus noise) is written to a temporary
folder, and `rrlsrn upscale` runs on it as a separate process exactly as a user runs it;
the peak is that process's ru_maxrss (high-water mark of resident memory, Linux).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import SimpleITK as sitk

from rrlsrn.benchmark import machine


def synthetic_volume(size: int, slices: int) -> sitk.Image:
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:size, 0:size] / size
    plane = np.sin(12 * x) * np.cos(9 * y) + np.exp(-((x - 0.5) ** 2 + (y - 0.5) ** 2) / 0.05)
    array = np.empty((slices, size, size), np.float32)
    for k in range(slices):
        array[k] = 500 + 300 * plane * np.cos(k / 17) + rng.normal(0, 20, (size, size))
    image = sitk.GetImageFromArray(array)
    image.SetSpacing((0.5, 0.5, 3.0))
    return image


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=512, help="in-plane matrix (square)")
    parser.add_argument("--slices", type=int, default=200)
    parser.add_argument("--out", help="write the result as JSON here")
    args = parser.parse_args()
    import torch

    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.nii.gz", Path(folder) / "out.nii.gz"
        sitk.WriteImage(synthetic_volume(args.size, args.slices), str(source))
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "rrlsrn", "upscale", str(source), "-o", str(target),
                              "--device", "cpu", "-q"], capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        if run.returncode != 0:
            print(run.stderr, file=sys.stderr)
            return 1
        size_out = sitk.ReadImage(str(target)).GetSize()
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20  # KiB → GiB
    result = {"machine": machine(torch.device("cpu")), "input": [args.size, args.size, args.slices],
              "output": list(size_out), "input_mb": args.size**2 * args.slices * 4 / 2**20,
              "output_mb": 4 * np.prod(size_out) / 2**20, "peak_resident_gb": peak_gb,
              "seconds": seconds, "seconds_per_slice": seconds / args.slices}
    print(f"{args.size}×{args.size}×{args.slices} float32 → {size_out}: peak resident {peak_gb:.2f} GiB, "
          f"{seconds:.0f} s ({seconds / args.slices:.2f} s/slice) on {result['machine']['cpu']}")
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2, default=float) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
