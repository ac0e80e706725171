"""Image quality: PSNR and SSIM of 2D slices over a region, as every report of the project scores them."""
from __future__ import annotations

import math

import numpy as np


def score(pred: np.ndarray, hr: np.ndarray, masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-slice PSNR and SSIM over the masks (both images clipped to [0, 1], data range 1)."""
    from skimage.metrics import structural_similarity

    p, t = np.clip(pred, 0, 1), np.clip(hr, 0, 1)
    psnr, ssim = [], []
    for a, b, m in zip(p, t, masks):
        mse = float(np.mean((a[m] - b[m]) ** 2))
        psnr.append(math.inf if mse == 0 else 10 * math.log10(1.0 / mse))
        _, ssim_map = structural_similarity(b, a, data_range=1.0, full=True)
        ssim.append(float(ssim_map[m].mean()))
    return np.array(psnr), np.array(ssim)
