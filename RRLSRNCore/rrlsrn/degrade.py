"""Low-resolution simulation and classical upsamplers, all on one grid convention.

Grid convention (the same as :mod:`rrlsrn.geometry`): pixels are cells; a low-resolution
pixel ``m`` covers high-resolution pixels ``s·m … s·m+s−1`` and sits at their mean
position. So downsampling then upsampling a linear ramp gives the ramp back, unshifted.

Images are ``(..., H, W)`` tensors (torch) for everything used in training; the cubic
spline baseline works on numpy arrays. Intensities are the normalised ones (about [0, 1]).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
from scipy import ndimage

DEGRADATIONS = ("bicubic", "kspace")


def _cubic(x: np.ndarray) -> np.ndarray:
    """Keys cubic kernel with a = −0.5, as MATLAB's imresize."""
    ax = np.abs(x)
    return np.where(ax <= 1, 1.5 * ax**3 - 2.5 * ax**2 + 1,
                    np.where(ax <= 2, -0.5 * ax**3 + 2.5 * ax**2 - 4 * ax + 2, 0.0))


@lru_cache(maxsize=64)
def resize_matrix(n_in: int, n_out: int, antialias: bool = True) -> np.ndarray:
    """(n_out × n_in) bicubic resampling matrix of MATLAB ``imresize`` (symmetric borders;
    when shrinking with ``antialias`` the kernel is widened by the inverse scale)."""
    scale = n_out / n_in
    width = 4.0
    kernel = _cubic
    if scale < 1 and antialias:
        width /= scale
        kernel = lambda x: scale * _cubic(scale * x)  # noqa: E731 (a stretched kernel)
    x = np.arange(1, n_out + 1, dtype=np.float64)
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - width / 2)
    taps = int(np.ceil(width)) + 2
    idx = left[:, None] + np.arange(taps)[None, :]
    weights = kernel(u[:, None] - idx)
    weights /= weights.sum(axis=1, keepdims=True)
    mirror = np.concatenate([np.arange(n_in), np.arange(n_in - 1, -1, -1)])
    cols = mirror[(idx.astype(np.int64) - 1) % (2 * n_in)]
    matrix = np.zeros((n_out, n_in))
    np.add.at(matrix, (np.repeat(np.arange(n_out), taps), cols.ravel()), weights.ravel())
    return matrix


def _matrix(n_in: int, n_out: int, like: torch.Tensor) -> torch.Tensor:
    return torch.as_tensor(resize_matrix(n_in, n_out), dtype=like.dtype, device=like.device)


def bicubic_resize(x: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """MATLAB-``imresize``-like bicubic resize of the last two axes (antialiased when shrinking)."""
    h, w = x.shape[-2:]
    return _matrix(h, height, x) @ x @ _matrix(w, width, x).T


def bicubic_downsample(x: torch.Tensor, scale: int = 2) -> torch.Tensor:
    h, w = x.shape[-2:]
    return bicubic_resize(x, h // scale, w // scale)


def bicubic_upsample(x: torch.Tensor, scale: int = 2) -> torch.Tensor:
    h, w = x.shape[-2:]
    return bicubic_resize(x, h * scale, w * scale)


def _kept_frequencies(n: int, scale: int, device: torch.device) -> torch.Tensor:
    """Indices into an n-point FFT of the frequencies an n/scale-point FFT holds, in its order."""
    m = n // scale
    signed = torch.fft.fftfreq(m, 1.0 / m, device=device).round().long()
    return signed % n


def kspace_downsample(x: torch.Tensor, scale: int = 2) -> torch.Tensor:
    """Keep the central 1/scale of k-space in each in-plane axis (a lower-resolution acquisition
    of the same field of view). H and W must be multiples of ``scale``."""
    h, w = x.shape[-2:]
    if h % scale or w % scale:
        raise ValueError(f"k-space truncation needs sizes divisible by {scale}, got {h}×{w}")
    spectrum = torch.fft.fft2(x.float())
    # Shift by (scale−1)/2 pixels so the low-resolution samples sit at cell centres.
    shift = (scale - 1) / 2
    for axis, n in ((-2, h), (-1, w)):
        k = torch.fft.fftfreq(n, device=x.device)
        phase = torch.exp(2j * torch.pi * k * shift)
        spectrum = spectrum * (phase[:, None] if axis == -2 else phase)
    spectrum = spectrum.index_select(-2, _kept_frequencies(h, scale, x.device))
    spectrum = spectrum.index_select(-1, _kept_frequencies(w, scale, x.device))
    return (torch.fft.ifft2(spectrum).real / scale**2).to(x.dtype)


def gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur of the last two axes, ``sigma`` in pixels, symmetric borders."""
    if sigma <= 0:
        return x
    radius = max(1, int(np.ceil(3 * sigma)))
    t = torch.arange(-radius, radius + 1, dtype=x.dtype, device=x.device)
    g = torch.exp(-0.5 * (t / sigma) ** 2)
    g = (g / g.sum()).view(1, 1, -1)
    shape = x.shape
    y = x.reshape(-1, 1, shape[-1])
    y = torch.nn.functional.conv1d(torch.nn.functional.pad(y, (radius, radius), mode="reflect"), g)
    y = y.reshape(shape).transpose(-1, -2).reshape(-1, 1, shape[-2])
    y = torch.nn.functional.conv1d(torch.nn.functional.pad(y, (radius, radius), mode="reflect"), g)
    return y.reshape(*shape[:-2], shape[-1], shape[-2]).transpose(-1, -2)


def rician_noise(x: torch.Tensor, sigma: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """Magnitude of the image plus complex Gaussian noise of std ``sigma`` (MRI magnitude noise)."""
    if sigma <= 0:
        return x
    real = torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
    imag = torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
    return torch.sqrt((x + sigma * real) ** 2 + (sigma * imag) ** 2)


def simulate_lr(hr: torch.Tensor, degradation: str = "bicubic", scale: int = 2, blur_sigma: float = 0.0,
                noise_sigma: float = 0.0, generator: torch.Generator | None = None) -> torch.Tensor:
    """The low-resolution version of ``hr`` (…, H, W): optional blur, then bicubic ×1/scale or
    k-space truncation, then optional Rician noise."""
    if degradation not in DEGRADATIONS:
        raise ValueError(f"unknown degradation {degradation!r}; use one of {DEGRADATIONS}")
    x = gaussian_blur(hr, blur_sigma)
    x = bicubic_downsample(x, scale) if degradation == "bicubic" else kspace_downsample(x, scale)
    return rician_noise(x, noise_sigma, generator)


def cubic_spline_upsample(x: np.ndarray, scale: int = 2) -> np.ndarray:
    """Cubic B-spline interpolation ×scale of the last two axes (the classical baseline)."""
    zoom = (1,) * (x.ndim - 2) + (scale, scale)
    return ndimage.zoom(np.asarray(x, np.float32), zoom, order=3, mode="reflect", grid_mode=True)
