"""Running a 2D model over a stack of slices: device choice, batches, tiles, out-of-memory retries.

Used by every volume path (in-plane :mod:`rrlsrn.inference`, :mod:`rrlsrn.through_plane`) and by
evaluation and the benchmark, so that each measures what ``rrlsrn upscale`` runs.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch
from torch import nn

from .errors import RRLSRNError
from .intensity import Normalisation

Progress = Callable[[int, int], None]
DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("auto", "float32", "bfloat16")
# Receptive-field margin (low-resolution pixels) kept around each tile: 12 3×3 convs reach
# 12 px per ×2 level; 32 covers a ×8 cascade, so tiled output equals untiled output.
TILE_OVERLAP = 32


def resolve_device(name: str = "auto") -> torch.device:
    """``auto`` → CUDA if available, else Apple MPS, else CPU; an unavailable choice is an error."""
    if name not in DEVICES:
        raise RRLSRNError(f"device must be one of {', '.join(DEVICES)}, not {name!r}.")
    cuda, mps = torch.cuda.is_available(), torch.backends.mps.is_available()
    if name == "auto":
        name = "cuda" if cuda else "mps" if mps else "cpu"
    if (name == "cuda" and not cuda) or (name == "mps" and not mps):
        raise RRLSRNError(f"device {name} was asked for but is not available on this machine.")
    return torch.device(name)


def native_bf16() -> bool:
    """Whether this CPU computes bfloat16 natively (AVX-512 BF16 or AMX); without it bf16
    autocast ran 13–21× slower than float32 on the project's CPU (docs/RESULTS.md §9)."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def float32_image_path(model: nn.Module) -> bool:
    """Whether ``model``'s image path (its output without the residual) stays float32 under
    autocast: RRLSRN's spline branch (a ×4/×8 cascade of it too)."""
    levels = getattr(getattr(model, "model", model), "levels", None)
    return bool(levels) and all(getattr(level, "image_branch", None) == "spline" for level in levels)


def autocast_for(model: nn.Module, device: torch.device, precision: str = "auto"):
    """The autocast context ``model`` runs under. ``auto``: float16 on CUDA; on a CPU bfloat16
    only where it is native and the image path stays float32 (bf16 cost ≤ 0.004 dB there, but
    0.08–0.34 dB for the upconv branch: docs/RESULTS.md §9), else float32. ``float32``: no
    autocast. ``bfloat16``: bf16 autocast on CPU and CUDA whatever the cost. MPS: float32."""
    if precision not in PRECISIONS:
        raise RRLSRNError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}.")
    if device.type == "cuda" and precision != "float32":
        return torch.autocast("cuda", dtype=torch.float16 if precision == "auto" else torch.bfloat16)
    bf16 = device.type == "cpu" and (precision == "bfloat16"
                                     or (precision == "auto" and native_bf16() and float32_image_path(model)))
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16)


def prepare_model(model: nn.Module, device: torch.device) -> nn.Module:
    """``model`` (in place) on ``device``, in eval mode and channels-last memory format, which
    made RRLSRN's convolutions 26–40 % faster on the project's CPU (docs/PERFORMANCE.md)."""
    return model.to(device, memory_format=torch.channels_last).eval()


def model_input(slices: np.ndarray, device: torch.device) -> torch.Tensor:
    """A batch ``(N, h, w)`` of normalised slices as the model's ``(N, 1, h, w)`` input tensor."""
    return torch.from_numpy(np.ascontiguousarray(slices, np.float32))[:, None].to(device).contiguous(
        memory_format=torch.channels_last)


def _forward(model: nn.Module, batch: torch.Tensor, tile: int) -> torch.Tensor:
    """Model output for ``batch`` (N, 1, h, w), computed in overlapping tiles of ``tile`` px."""
    h, w = batch.shape[-2:]
    if h <= tile and w <= tile:
        return model(batch)
    s = model.scale
    out = batch.new_empty(batch.shape[0], 1, h * s, w * s)
    step = max(tile - 2 * TILE_OVERLAP, 1)
    for y0 in range(0, h, step):
        for x0 in range(0, w, step):
            y1, x1 = min(y0 + step, h), min(x0 + step, w)
            py0, px0 = max(y0 - TILE_OVERLAP, 0), max(x0 - TILE_OVERLAP, 0)
            py1, px1 = min(y1 + TILE_OVERLAP, h), min(x1 + TILE_OVERLAP, w)
            part = model(batch[..., py0:py1, px0:px1])
            out[..., y0 * s:y1 * s, x0 * s:x1 * s] = part[..., (y0 - py0) * s:(y1 - py0) * s,
                                                          (x0 - px0) * s:(x1 - px0) * s]
    return out


def super_resolve_slices(model: nn.Module, slices: np.ndarray, device: torch.device | str = "cpu",
                         batch_size: int | None = None, tile: int = 512, normalisation: Normalisation | None = None,
                         out: np.ndarray | None = None, progress: Progress | None = None,
                         precision: str = "auto") -> np.ndarray:
    """Super-resolve a stack of 2D slices ``(N, h, w)`` → ``(N, s·h, s·w)`` float32.

    ``normalisation`` maps the slices' intensities to the model's [0, 1] and back (identity
    when None). ``precision``: see :func:`autocast_for`. An out-of-memory batch is retried with half
    as many slices, then smaller tiles. ``batch_size`` None: 1 on CPU (measured fastest
    there by ``rrlsrn benchmark``), 16 on a GPU.
    """
    device = torch.device(device)
    batch_size = batch_size or (1 if device.type == "cpu" else 16)
    s = model.scale
    n, h, w = slices.shape
    if out is None:
        out = np.empty((n, h * s, w * s), np.float32)
    norm = normalisation or Normalisation(0.0, 1.0)
    model = prepare_model(model, device)
    amp = autocast_for(model, device, precision)
    start = 0
    while start < n:
        stop = min(start + batch_size, n)
        batch = model_input(norm.apply(np.asarray(slices[start:stop])), device)
        try:
            with torch.inference_mode(), amp:
                result = _forward(model, batch, tile).float()
        except torch.OutOfMemoryError:
            if batch_size == 1 and tile <= 64:
                raise RRLSRNError("out of memory even with one slice per batch and small tiles.") from None
            if device.type == "cuda":
                torch.cuda.empty_cache()
            batch_size, tile = (batch_size // 2, tile) if batch_size > 1 else (1, tile // 2)
            continue
        out[start:stop] = norm.undo(result[:, 0].cpu().numpy())
        start = stop
        if progress:
            progress(start, n)
    return out
