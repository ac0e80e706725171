"""Adapting a shipped model to one scan (``rrlsrn upscale --adapt``) for a bounded time.

Through-plane: a thick-slice stack holds fine detail in its own slices. The model is fine-tuned
on patches of those slices, one in-plane axis measured as thick slices with the stack's own
ratio, thickness and profile (the self-supervised pairs of SMORE, Zhao et al., IEEE TMI 2021),
then restores the stack. The slices' pixels are finer than the restored slice spacing, so the
pairs show the network the scan's contrast and anatomy at a smaller scale.

In-plane: the ×2 model is fine-tuned on the scan's own slices as targets, their low-resolution
inputs made by k-space truncation or bicubic ×½ as in its training (zero-shot pairs as in ZSSR,
Shocher et al., CVPR 2018): the network sees this scan's contrast, noise and anatomy one octave
down.
"""
from __future__ import annotations

import copy
import time
from typing import Callable

import numpy as np
import torch
from torch import nn

from .intensity import TISSUE
from .losses import SRLoss
from .models import Cascade
from .patches import make_lr, through_plane_pair
from .train_config import TrainConfig

PATCH = 64
BATCH = 8
LEARNING_RATE = 5e-5


def slice_patches(volume: np.ndarray, generator: torch.Generator, n: int, patch: int = PATCH) -> torch.Tensor:
    """``n`` random ``patch``² crops of the stack's own slices (``volume`` (A, B, slices)), centred
    on tissue, each rotated by a random multiple of 90° so that either in-plane axis is degraded."""
    a, b, slices = volume.shape
    tissue = np.argwhere(volume > TISSUE)
    out = np.zeros((n, 1, patch, patch), np.float32)
    for i in range(n):
        y, x, q = tissue[int(torch.randint(len(tissue), (1,), generator=generator))] if len(tissue) else (
            a // 2, b // 2, slices // 2)
        y0, x0 = int(np.clip(y - patch // 2, 0, max(a - patch, 0))), int(np.clip(x - patch // 2, 0, max(b - patch, 0)))
        crop = volume[y0:y0 + patch, x0:x0 + patch, q]
        out[i, 0, :crop.shape[0], :crop.shape[1]] = crop
    turns = torch.randint(4, (n,), generator=generator)
    return torch.stack([torch.rot90(p, int(k), dims=(-2, -1)) for p, k in zip(torch.from_numpy(out), turns)])


# The in-plane pairs' degradation: the shipped model's own training mix, bicubic ×½ or k-space
# truncation per patch. Pairs from the MR acquisition model (partial Fourier, apodisation, noise,
# anisotropic matrices) cost 0.8 dB on the dev stacks with k-space LR (docs/RESULTS.md §9).
IN_PLANE_PAIRS = TrainConfig(degradation="mix", kspace_fraction=0.5)

Pairs = Callable[[torch.Generator], tuple[torch.Tensor, torch.Tensor]]


def halves(progress: Callable[[int, int], None] | None, total: int):
    """``progress`` split between an adaptation (first half: a callback taking the share of its
    time used) and the run after it (second half: a ``(done, total)`` callback), so the bar counts
    both equally; (None, None) without ``progress``."""
    if progress is None:
        return None, None
    return (lambda share: progress(int(share * total), 2 * total),
            lambda done, _total: progress(total + done, 2 * total))


def _fine_tune(model: nn.Module, pairs: Pairs, seconds: float, device, progress: Callable[[float], None] | None,
               seed: int) -> nn.Module:
    """A copy of ``model`` trained for ``seconds`` on batches ``pairs(generator)`` → (input, target)."""
    tuned = copy.deepcopy(model).to(device).train()
    optimiser = torch.optim.Adam(tuned.parameters(), lr=LEARNING_RATE)
    loss_fn = SRLoss()
    generator = torch.Generator().manual_seed(seed)
    start = time.monotonic()
    while (used := time.monotonic() - start) < seconds:
        inputs, target = pairs(generator)
        loss = loss_fn(tuned(inputs.to(device)), target.to(device))
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        if progress:
            progress(min(used / seconds, 1.0))
    return tuned.eval()


def adapt(model: nn.Module, volume: np.ndarray, ratio: float, thickness: float, profile: str, seconds: float,
          device="cpu", progress: Callable[[float], None] | None = None, seed: int = 0) -> nn.Module:
    """A copy of the through-plane ``model`` fine-tuned for ``seconds`` on ``volume``'s own slices
    (normalised, slice axis last), degraded with ``ratio`` (rounded, at least 2) and ``thickness``
    (in output samples, as for :func:`rrlsrn.through_plane.restore_volume`). ``progress`` gets
    the share of the time used."""
    r = max(2, int(round(ratio)))
    cfg = TrainConfig(task="through_plane", arch="through_plane", ratios=[r], profiles=[profile], noise_max=0.0)
    return _fine_tune(model, lambda g: through_plane_pair(slice_patches(volume, g, BATCH), cfg, g, r, profile,
                                                          thickness / ratio), seconds, device, progress, seed)


def adapt_in_plane(model: nn.Module, slices: np.ndarray, seconds: float, device="cpu",
                   progress: Callable[[float], None] | None = None, seed: int = 0) -> nn.Module:
    """A copy of the in-plane ``model`` fine-tuned for ``seconds`` on ``slices`` ``(N, h, w)``
    (normalised) as targets, each ×2 step's input made by :data:`IN_PLANE_PAIRS`; a ×4/×8
    cascade has its ×2 model adapted. ``progress`` gets the share of the time used."""
    if isinstance(model, Cascade):
        return Cascade(adapt_in_plane(model.model, slices, seconds, device, progress, seed), model.times).eval()
    volume = np.moveaxis(slices, 0, -1)  # slice axis last, as slice_patches takes it

    def pairs(generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        hr = slice_patches(volume, generator, BATCH)
        return make_lr(hr, IN_PLANE_PAIRS, generator), hr

    return _fine_tune(model, pairs, seconds, device, progress, seed)
