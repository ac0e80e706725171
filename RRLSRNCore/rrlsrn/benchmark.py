"""``rrlsrn benchmark``: slices/s and seconds per volume of cubic spline, SRCNN and RRLSRN.

Each timing is the median of ``repeats`` runs over the same ``slices`` random LR slices,
after one warm-up run; CUDA work is synchronised before the clock stops. Seconds per volume
are the measured rate times ``volume_slices``, plus one real end-to-end ``upscale_image``
of a synthetic volume of that many slices (normalisation, batching and output grid included).
For each network the bare forward pass (the same batches as ready tensors on the device, in
inference mode, nothing else) is timed too: ``overhead`` is the pipeline's time over it.
"""
from __future__ import annotations

import os
import platform
import statistics
import time
from pathlib import Path
from typing import Callable

import numpy as np
import SimpleITK as sitk
import torch

from . import __version__
from .degrade import cubic_spline_upsample
from .inference import UpscaleSettings, upscale_image
from .runner import autocast_for, model_input, native_bf16, prepare_model, super_resolve_slices
from .models import RRLSRN, SRCNN
from .weights import load_model, shipped_weights


def machine(device: torch.device) -> dict:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {"cpu": cpu, "cores": os.cpu_count(), "torch_threads": torch.get_num_threads(),
            "torch": torch.__version__, "python": platform.python_version(), "platform": platform.platform(),
            "device": str(device), "rrlsrn": __version__}
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    return info


def _timed(run: Callable[[], object], device: torch.device, repeats: int) -> float:
    """Median seconds of ``run`` over ``repeats`` after one warm-up."""
    run()
    times = []
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        run()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _model(arch: str) -> torch.nn.Module:
    """Shipped weights when installed; random ones otherwise (the timing is the same)."""
    try:
        return load_model(shipped_weights(arch))
    except Exception:
        return (RRLSRN() if arch == "rrlsrn" else SRCNN()).eval()


def _bare_forward(model: torch.nn.Module, tensors: list[torch.Tensor], device: torch.device, precision: str) -> None:
    with torch.inference_mode(), autocast_for(model, device, precision):
        for x in tensors:
            model(x)


def run_benchmark(device: torch.device, batch_sizes: list[int], size: int = 128, slices: int = 16,
                  repeats: int = 3, volume_slices: int = 100, precision: str = "auto") -> dict:
    """Measure every method at every batch size (networks at ``precision``, as ``rrlsrn upscale
    --precision`` runs them); returns the JSON-ready result."""
    lr = np.random.default_rng(0).random((slices, size, size), dtype=np.float32)
    models = {"SRCNN": _model("srcnn"), "RRLSRN": _model("rrlsrn")}
    results = []
    spline = _timed(lambda: cubic_spline_upsample(lr, 2), torch.device("cpu"), repeats)
    results.append({"method": "cubic spline", "batch_size": None, "seconds": spline})
    for name, model in models.items():
        model = prepare_model(model, device)
        for batch in batch_sizes:
            seconds = _timed(lambda: super_resolve_slices(model, lr, device, batch, precision=precision), device, repeats)
            tensors = [model_input(lr[i: i + batch], device) for i in range(0, slices, batch)]
            bare = _timed(lambda: _bare_forward(model, tensors, device, precision), device, repeats)
            results.append({"method": name, "batch_size": batch, "seconds": seconds, "bare_forward_seconds": bare,
                            "overhead": seconds / bare})
    for r in results:
        r["slices_per_second"] = slices / r["seconds"]
        r["seconds_per_slice"] = r["seconds"] / slices
        r["seconds_per_volume"] = r["seconds_per_slice"] * volume_slices
    volume = sitk.GetImageFromArray(np.random.default_rng(1).random((volume_slices, size, size), dtype=np.float32))
    best_batch = min(batch_sizes, key=lambda b: next(r["seconds"] for r in results
                                                      if r["method"] == "RRLSRN" and r["batch_size"] == b))
    settings = UpscaleSettings(device=device.type, batch_size=best_batch, precision=precision)
    end_to_end = _timed(lambda: upscale_image(volume, models["RRLSRN"], settings), device, 1)
    return {"machine": {**machine(device), "native_bf16": native_bf16(), "precision": precision}, "input_slice": [size, size], "output_slice": [2 * size, 2 * size],
            "slices_per_timing": slices, "repeats": repeats, "volume_slices": volume_slices,
            "results": results,
            "rrlsrn_end_to_end_volume": {"slices": volume_slices, "batch_size": best_batch, "seconds": end_to_end}}


def table(result: dict) -> str:
    rows = [f"{'method':<14}{'batch':>6}{'slices/s':>10}{'s/slice':>10}{'s/volume':>10}{'overhead':>10}"]
    for r in result["results"]:
        overhead = f"{r['overhead']:.2f}×" if "overhead" in r else "-"
        rows.append(f"{r['method']:<14}{r['batch_size'] or '-':>6}{r['slices_per_second']:>10.2f}"
                    f"{r['seconds_per_slice']:>10.4f}{r['seconds_per_volume']:>10.2f}{overhead:>10}")
    e2e = result["rrlsrn_end_to_end_volume"]
    rows.append(f"RRLSRN end to end, {e2e['slices']}-slice volume: {e2e['seconds']:.2f} s")
    return "\n".join(rows)
