"""Low-resolution simulation and classical upsamplers, all on one grid convention.

Grid convention (the same as :mod:`rrlsrn.geometry`): pixels are cells; a low-resolution
pixel ``m`` covers high-resolution pixels ``s·m … s·m+s−1`` and sits at their mean
position. So downsampling then upsampling a linear ramp gives the ramp back, unshifted.

Images are ``(..., H, W)`` tensors (torch) for everything used in training; the cubic
spline baseline works on numpy arrays. Intensities are the normalised ones (about [0, 1]).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np
import torch
from scipy import ndimage

DEGRADATIONS = ("bicubic", "kspace", "acquisition")


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


def _lr_spectrum(x: torch.Tensor, scale: int) -> torch.Tensor:
    """The central 1/scale of the 2D spectrum of ``x`` (FFT order), phase-shifted by (scale−1)/2
    HR pixels so the LR samples sit at cell centres (FIELD_NOTES §6)."""
    h, w = x.shape[-2:]
    if h % scale or w % scale:
        raise ValueError(f"k-space truncation needs sizes divisible by {scale}, got {h}×{w}")
    spectrum = torch.fft.fft2(x.float())
    shift = (scale - 1) / 2
    for axis, n in ((-2, h), (-1, w)):
        k = torch.fft.fftfreq(n, device=x.device)
        phase = torch.exp(2j * torch.pi * k * shift)
        spectrum = spectrum * (phase[:, None] if axis == -2 else phase)
    spectrum = spectrum.index_select(-2, _kept_frequencies(h, scale, x.device))
    return spectrum.index_select(-1, _kept_frequencies(w, scale, x.device))


def kspace_downsample(x: torch.Tensor, scale: int = 2) -> torch.Tensor:
    """Keep the central 1/scale of k-space in each in-plane axis (a lower-resolution acquisition
    of the same field of view). H and W must be multiples of ``scale``."""
    return (torch.fft.ifft2(_lr_spectrum(x, scale)).real / scale**2).to(x.dtype)


def zero_fill_upsample(x: torch.Tensor, scale: int = 2) -> torch.Tensor:
    """What a scanner displays when it zero-fills an acquisition ``x`` (…, h, w) to ``scale``×
    its matrix (same field of view, cell-centred): the inverse of :func:`kspace_downsample`."""
    h, w = x.shape[-2:]
    spectrum = torch.fft.fft2(x.double())
    big = torch.zeros(*x.shape[:-2], h * scale, w * scale, dtype=spectrum.dtype, device=x.device)
    rows, cols = _kept_frequencies(h * scale, scale, x.device), _kept_frequencies(w * scale, scale, x.device)
    big[..., rows[:, None], cols[None, :]] = spectrum
    shift = (scale - 1) / 2
    for axis, n in ((-2, h * scale), (-1, w * scale)):
        k = torch.fft.fftfreq(n, device=x.device, dtype=torch.float64)
        phase = torch.exp(-2j * torch.pi * k * shift)
        big = big * (phase[:, None] if axis == -2 else phase)
    return (torch.fft.ifft2(big).real * scale**2).to(x.dtype)


def kspace_resample_axis(x: torch.Tensor, m: int, axis: int) -> torch.Tensor:
    """Keep the central ``m`` of the ``n`` k-space lines along ``axis`` (−2 or −1): the same
    field of view on an m-point grid, samples at cell centres (a shift of (n/m − 1)/2 pixels).
    Real part, as :func:`kspace_downsample`."""
    n = x.shape[axis]
    if m >= n:
        return x
    spectrum = torch.fft.fft(x.double(), dim=axis)
    k = torch.fft.fftfreq(n, device=x.device, dtype=torch.float64)
    phase = torch.exp(2j * torch.pi * k * (n / m - 1) / 2)
    spectrum = spectrum * (phase[:, None] if axis == -2 else phase)
    kept = torch.fft.fftfreq(m, 1.0 / m, device=x.device).round().long() % n
    spectrum = spectrum.index_select(axis, kept)
    return (torch.fft.ifft(spectrum, dim=axis).real * (m / n)).to(x.dtype)


# ---------------------------------------------------------------------------- acquisition model

@dataclass(frozen=True)
class Acquisition:
    """One simulated MR acquisition of the LR slice (all on the LR grid of k-space truncation).

    ``keep``: share of the LR matrix acquired along each in-plane axis (rows, cols): < 1 is an
    anisotropic in-plane matrix (fewer lines, zero-filled to the LR grid). ``partial_fourier``:
    share of lines acquired along ``phase_axis`` (0 rows, 1 cols); the missing ones are on the
    side ``pf_side`` (−1 low, +1 high frequencies) and zero-filled (no homodyne). ``window``:
    Tukey apodisation of the acquired band with this taper fraction (0 none, 1 Hann).
    ``noise``: std of complex Gaussian noise added to the complex image before the magnitude
    (normalised units). The result is the magnitude image."""

    keep: tuple[float, float] = (1.0, 1.0)
    partial_fourier: float = 1.0
    phase_axis: int = 0
    pf_side: int = -1
    window: float = 0.0
    noise: float = 0.0

    def describe(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class AcquisitionMix:
    """How :func:`sample_acquisition` draws acquisitions (each option independently per slice)."""

    anisotropic_prob: float = 0.3
    keep_min: float = 0.7
    partial_fourier_prob: float = 0.3
    partial_fourier_min: float = 0.6
    window_prob: float = 0.3
    window_max: float = 1.0
    noise_prob: float = 0.5
    noise_max: float = 0.02


def _tukey(f: torch.Tensor, half_width: float, taper: float) -> torch.Tensor:
    """Tukey window of the frequencies ``f`` over |f| ≤ half_width (taper 0: box, 1: Hann)."""
    if taper <= 0:
        return torch.ones_like(f)
    r = (f.abs() / half_width).clamp(max=1)
    edge = 1 - taper
    return torch.where(r <= edge, torch.ones_like(r), 0.5 * (1 + torch.cos(torch.pi * (r - edge) / taper)))


def acquisition_mask(m: tuple[int, int], acq: Acquisition, device=None) -> torch.Tensor:
    """Real k-space weights (FFT order) on an LR matrix of size ``m`` for ``acq``."""
    weights = []
    for axis, n in enumerate(m):
        f = torch.fft.fftfreq(n, device=device)  # cycles per LR pixel, [−0.5, 0.5)
        half = 0.5 * acq.keep[axis]
        w = (f.abs() <= half + 1e-9).float() if acq.keep[axis] < 1 else torch.ones(n, device=device)
        w = w * _tukey(f, half, acq.window)
        if axis == acq.phase_axis and acq.partial_fourier < 1:
            # acquired: a share ``partial_fourier`` of the lines, the missing ones on one side
            # acquired: the round(pf·lines) lines of the band with the largest −side·f
            # (side −1: the lowest, most negative frequencies are the missing ones)
            band = torch.nonzero(w > 0).flatten()
            order = band[torch.argsort(f[band] * -acq.pf_side, descending=True, stable=True)]
            keep_lines = torch.zeros(n, device=device)
            keep_lines[order[:round(acq.partial_fourier * band.numel())]] = 1
            w = w * keep_lines
        weights.append(w)
    return weights[0][:, None] * weights[1][None, :]


def acquire(hr: torch.Tensor, acq: Acquisition, scale: int = 2, generator: torch.Generator | None = None) -> torch.Tensor:
    """LR magnitude image of ``hr`` (…, H, W) acquired as ``acq`` describes."""
    spectrum = _lr_spectrum(hr, scale) * acquisition_mask(tuple(hr.shape[-2:] // np.array(scale)), acq, hr.device)
    image = torch.fft.ifft2(spectrum) / scale**2
    if acq.noise > 0:
        noise = torch.complex(torch.randn(image.shape, generator=generator, device=hr.device),
                              torch.randn(image.shape, generator=generator, device=hr.device))
        image = image + acq.noise * noise
    return image.abs().to(hr.dtype)


def sample_acquisition(generator: torch.Generator, mix: AcquisitionMix = AcquisitionMix()) -> Acquisition:
    """A random :class:`Acquisition` drawn from ``mix`` (always the same number of draws)."""
    u = torch.rand(10, generator=generator).tolist()
    keep = [1.0, 1.0]
    if u[0] < mix.anisotropic_prob:
        keep[int(u[1] < 0.5)] = mix.keep_min + (1 - mix.keep_min) * u[2]
    pf = mix.partial_fourier_min + (1 - mix.partial_fourier_min) * u[4] if u[3] < mix.partial_fourier_prob else 1.0
    window = mix.window_max * u[6] if u[5] < mix.window_prob else 0.0
    noise = mix.noise_max * u[8] if u[7] < mix.noise_prob else 0.0
    return Acquisition(keep=tuple(keep), partial_fourier=pf, phase_axis=int(u[9] < 0.5),
                       pf_side=-1 if u[1] < 0.5 else 1, window=window, noise=noise)


def zero_fill_interpolate(x: torch.Tensor, keep: tuple[float, float]) -> torch.Tensor:
    """``x`` as a scanner shows a coarser acquisition zero-filled onto this grid: only the central
    share ``keep`` (rows, cols) of its k-space is kept; magnitude image."""
    h, w = x.shape[-2:]
    fy, fx = torch.fft.fftfreq(h, device=x.device), torch.fft.fftfreq(w, device=x.device)
    mask = ((fy.abs() <= 0.5 * keep[0] + 1e-9)[:, None] & (fx.abs() <= 0.5 * keep[1] + 1e-9)[None, :]).float()
    return torch.fft.ifft2(torch.fft.fft2(x.float()) * mask).abs().to(x.dtype)


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
    """The low-resolution version of ``hr`` (…, H, W): optional blur, then bicubic ×1/scale,
    k-space truncation, or (``acquisition``) one acquisition per leading index drawn from
    :class:`AcquisitionMix` with ``generator`` (seed 0 when none); then optional Rician noise."""
    if degradation not in DEGRADATIONS:
        raise ValueError(f"unknown degradation {degradation!r}; use one of {DEGRADATIONS}")
    x = gaussian_blur(hr, blur_sigma)
    if degradation == "bicubic":
        x = bicubic_downsample(x, scale)
    elif degradation == "kspace":
        x = kspace_downsample(x, scale)
    else:
        generator = generator if generator is not None else torch.Generator().manual_seed(0)
        flat = x.reshape(-1, *x.shape[-2:])
        x = torch.stack([acquire(s, sample_acquisition(generator), scale, generator) for s in flat])
        x = x.reshape(*hr.shape[:-2], *x.shape[-2:])
    return rician_noise(x, noise_sigma, generator)


def cubic_spline_upsample(x: np.ndarray, scale: int = 2) -> np.ndarray:
    """Cubic B-spline interpolation ×scale of the last two axes (the classical baseline)."""
    zoom = (1,) * (x.ndim - 2) + (scale, scale)
    return ndimage.zoom(np.asarray(x, np.float32), zoom, order=3, mode="reflect", grid_mode=True)


@lru_cache(maxsize=64)
def spline_matrix(n: int, scale: int = 2) -> np.ndarray:
    """(scale·n × n) matrix of :func:`cubic_spline_upsample` along one axis (it is separable
    and linear: column j is the spline zoom of the j-th unit vector)."""
    eye = np.eye(n, dtype=np.float64)
    return ndimage.zoom(eye, (scale, 1), order=3, mode="reflect", grid_mode=True)


def spline_upsample_torch(x: torch.Tensor, scale: int = 2) -> torch.Tensor:
    """:func:`cubic_spline_upsample` of the last two axes in torch (differentiable, any device)."""
    h, w = x.shape[-2:]
    mh = torch.as_tensor(spline_matrix(h, scale), dtype=x.dtype, device=x.device)
    mw = torch.as_tensor(spline_matrix(w, scale), dtype=x.dtype, device=x.device)
    return mh @ x @ mw.T
