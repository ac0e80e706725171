"""bfloat16 autocast on the CPU: inference speed and PSNR cost against float32, per model.

    python docs/results/bf16.py --weights RRLSRNCore/rrlsrn/weights/rrlsrn_x2.pt --out docs/results/bf16/shipped.json

Speed: LR 128² → 256², batch 1 and 8, channels-last (as `runner.prepare_model`), inference
mode, median of 3 runs of 8 slices after a warm-up, `--threads` torch threads. PSNR: the
`rrlsrn evaluate` protocol (brain region, data range 1) on the validation volumes and the dev
stacks, `--max-slices` evenly spaced scored slices each (bf16 is slow on CPUs without native
bf16), bicubic and k-space LR; the same model in float32 and under
`torch.autocast("cpu", dtype=torch.bfloat16)`. `native_bf16` records
`torch.ops.mkldnn._is_mkldnn_bf16_supported()` (AVX-512 BF16 / AMX). The library's inference path
is untouched: this script runs the model itself.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from rrlsrn.benchmark import machine
from rrlsrn.degrade import simulate_lr
from rrlsrn.evaluation import EvalSettings, hr_slices, region_masks
from rrlsrn.metrics import score
from rrlsrn.runner import model_input, prepare_model
from rrlsrn.weights import load_model

DATA = Path(os.environ.get("RRLSRN_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
VAL = ["infant_t1/sub-0006_ses-V01_T1w.nii.gz", "fetal_atlas/gholipour2017_GA24_T2w.nii.gz",
       "fetal_atlas/gholipour2017_GA30_T2w.nii.gz", "fetal_atlas/gholipour2017_GA36_T2w.nii.gz",
       "fetal_atlas/spinabifida_GA27_operated_T2w.nii.gz", "fetal_haste/sub-01_run-5_T2w.nii.gz",
       "fetal_haste/sub-01_run-6_T2w.nii.gz", "adult_child_t1_t2/seg3d_T1w.nii.gz",
       "adult_child_t1_t2/pyradiomics_brain2_T1wGd.nrrd"]


def forward(model, lr: np.ndarray, bf16: bool, batch: int = 8) -> np.ndarray:
    device = torch.device("cpu")
    outs = []
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        for i in range(0, len(lr), batch):
            outs.append(model(model_input(lr[i:i + batch], device)).float().numpy()[:, 0])
    return np.concatenate(outs)


def speed(model, bf16: bool, batch: int, repeats: int = 3, slices: int = 8) -> float:
    x = np.random.default_rng(0).random((slices, 128, 128)).astype(np.float32)
    forward(model, x[:batch], bf16, batch)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        forward(model, x, bf16, batch)
        times.append(time.perf_counter() - t)
    return slices / statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--skip-psnr", action="store_true")
    ap.add_argument("--max-slices", type=int, default=2, help="scored slices per volume")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = prepare_model(load_model(args.weights), torch.device("cpu"))
    result = {"weights": args.weights, "machine": machine(torch.device("cpu")),
              "native_bf16": bool(torch.ops.mkldnn._is_mkldnn_bf16_supported()),
              "cpu_capability": torch.backends.cpu.get_cpu_capability(), "max_slices": args.max_slices,
              "speed": [], "psnr": []}
    for batch in (1, 8):
        fp32, bf16 = speed(model, False, batch), speed(model, True, batch)
        result["speed"].append({"batch": batch, "fp32_slices_per_s": round(fp32, 2), "bf16_slices_per_s": round(bf16, 2),
                                "bf16_speedup": round(bf16 / fp32, 3)})
        print(result["speed"][-1], flush=True)
    if not args.skip_psnr:
        sets = {"validation": ([DATA / v for v in VAL], args.max_slices),
                "dev stacks": (sorted((DATA / "fetal_stacks_dev").glob("Pat*_Spac*[0-9].nii.gz")), args.max_slices)}
        for degradation in ("bicubic", "kspace"):
            for name, (paths, max_slices) in sets.items():
                settings = EvalSettings(degradation=degradation, max_slices=max_slices)
                per_volume = []
                for path in paths:
                    hr = hr_slices(path, settings)
                    lr = simulate_lr(torch.from_numpy(hr), degradation).numpy()
                    masks = region_masks(hr, "brain")
                    a, b = forward(model, lr, False), forward(model, lr, True)
                    pa, pb = score(a, hr, masks)[0].mean(), score(b, hr, masks)[0].mean()
                    per_volume.append({"volume": path.name, "fp32": float(pa), "bf16": float(pb),
                                       "mean_abs_diff": float(np.abs(np.clip(a, 0, 1) - np.clip(b, 0, 1)).mean())})
                row = {"set": name, "degradation": degradation, "volumes": len(per_volume),
                       "fp32_psnr": float(np.mean([v["fp32"] for v in per_volume])),
                       "bf16_psnr": float(np.mean([v["bf16"] for v in per_volume])),
                       "mean_abs_diff": float(np.mean([v["mean_abs_diff"] for v in per_volume])), "per_volume": per_volume}
                row["cost_db"] = row["fp32_psnr"] - row["bf16_psnr"]
                result["psnr"].append(row)
                print({k: v for k, v in row.items() if k != "per_volume"}, flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
