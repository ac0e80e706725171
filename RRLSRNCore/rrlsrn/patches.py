"""Training data: volumes in memory, random 2D HR patches, their augmentation, the low-resolution
(or thick-slice) inputs made from them per batch, and the fixed validation crops.

Every random draw comes from the torch generator passed in, in a fixed order, so a batch depends
only on the generator's seed (rrlsrn.training reseeds it per epoch).
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch

from . import io, slice_profile
from .degrade import acquire, cubic_spline_upsample, rician_noise, sample_acquisition, simulate_lr, zero_fill_interpolate
from .errors import RRLSRNError
from .intensity import TISSUE, Normalisation
from .models import ThroughPlaneRRLSRN
from .train_config import TrainConfig


def load_normalised(path: Path) -> np.ndarray:
    """A volume as a normalised float32 array ``[k, j, i]``."""
    import SimpleITK as sitk

    array = sitk.GetArrayFromImage(io.read_data_volume(path)).astype(np.float32)
    return Normalisation.fit(array).apply(array)


class PatchSampler:
    """Random 2D patches across every axis whose in-plane spacing is isotropic, mostly centred on
    tissue (foreground-biased), from volumes held in memory; a volume is drawn with probability
    proportional to its weight from ``volume_weights`` (uniformly without any)."""

    def __init__(self, paths: list[Path], patch: int, foreground_fraction: float,
                 volume_weights: dict[str, float] | None = None):
        self.volumes = [load_normalised(p) for p in paths]
        self.weights = volume_sampling_weights(paths, volume_weights or {})
        self.patch, self.fg_fraction = patch, foreground_fraction
        self.foreground = []
        for v in self.volumes:
            idx = np.flatnonzero(v > TISSUE)
            self.foreground.append(torch.from_numpy(idx[:: max(1, idx.size // 500_000)]))
        self.axes = [self._in_plane_axes(p) for p in paths]

    @staticmethod
    def _in_plane_axes(path: Path) -> list[int]:
        """numpy axes across which slices are isotropic in-plane (all three for isotropic volumes)."""
        import SimpleITK as sitk

        reader = sitk.ImageFileReader()
        reader.SetFileName(str(path))
        reader.ReadImageInformation()
        s = reader.GetSpacing()[::-1]  # numpy axis order
        return [a for a in range(3) if np.isclose(*(s[b] for b in range(3) if b != a), rtol=0.05)] or [0]

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """``(n, 1, P, P)`` HR patches."""
        p = self.patch
        out = np.zeros((n, 1, p, p), np.float32)
        for b in range(n):
            if self.weights is None:  # the draw every run before volume_weights made, kept for reproducibility
                v = int(torch.randint(len(self.volumes), (1,), generator=generator))
            else:
                v = int(torch.multinomial(self.weights, 1, generator=generator))
            vol = self.volumes[v]
            axes = self.axes[v]
            axis = axes[int(torch.randint(len(axes), (1,), generator=generator))]
            fg = self.foreground[v]
            if fg.numel() and torch.rand(1, generator=generator).item() < self.fg_fraction:
                centre = np.unravel_index(int(fg[torch.randint(fg.numel(), (1,), generator=generator)]), vol.shape)
            else:
                centre = [int(torch.randint(n_, (1,), generator=generator)) for n_ in vol.shape]
            plane = np.take(vol, centre[axis], axis=axis)
            rows, cols = [c for a, c in enumerate(centre) if a != axis]
            r0, c0 = rows - p // 2, cols - p // 2
            src = plane[max(r0, 0):r0 + p, max(c0, 0):c0 + p]
            out[b, 0, max(-r0, 0):max(-r0, 0) + src.shape[0], max(-c0, 0):max(-c0, 0) + src.shape[1]] = src
        return torch.from_numpy(out)


def volume_sampling_weights(paths: list[Path], volume_weights: dict[str, float]) -> torch.Tensor | None:
    """Each path's weight (the first key of ``volume_weights`` found in it, else 1), or None
    without ``volume_weights`` (the uniform draw). A key matching no path, a negative weight, or
    weights all 0 are refused."""
    if not volume_weights:
        return None
    for key, weight in volume_weights.items():
        if not isinstance(weight, (int, float)) or weight < 0:
            raise RRLSRNError(f"volume_weights: the weight of {key!r} must be a number >= 0, not {weight!r}.")
        if not any(key in str(p) for p in paths):
            raise RRLSRNError(f"volume_weights: {key!r} is in no training volume's path.")
    weights = [next((float(w) for k, w in volume_weights.items() if k in str(p)), 1.0) for p in paths]
    if sum(weights) <= 0:
        raise RRLSRNError("volume_weights: every training volume has weight 0.")
    return torch.tensor(weights, dtype=torch.float64)


def augment(hr: torch.Tensor, generator: torch.Generator, noise_max: float = 0.0) -> torch.Tensor:
    """Random flips, 90° rotations, gamma and contrast changes, and Rician noise of std up to
    ``noise_max`` in the target itself (clinical 'high-resolution' slices are noisy, and a model
    that learnt to denoise them is scored against their noise) — per patch."""
    out = []
    for x in hr:
        k = int(torch.randint(4, (1,), generator=generator))
        x = torch.rot90(x, k, dims=(-2, -1))
        if torch.rand(1, generator=generator).item() < 0.5:
            x = torch.flip(x, dims=(-1,))
        gamma = math.exp((torch.rand(1, generator=generator).item() - 0.5) * 0.6)
        contrast = 0.8 + 0.4 * torch.rand(1, generator=generator).item()
        x = x.clamp(min=0) ** gamma * contrast
        out.append(rician_noise(x, noise_max * torch.rand(1, generator=generator).item(), generator))
    return torch.stack(out)


def zero_fill_targets(hr: torch.Tensor, cfg: TrainConfig, generator: torch.Generator) -> torch.Tensor:
    """A share ``zero_fill_fraction`` of the HR patches replaced by what a scanner shows of a
    coarser acquisition zero-filled onto their grid (central ``zero_fill_min``–1 of k-space kept
    along one axis, or both): clinical "HR" stacks are often such an interpolation."""
    if cfg.zero_fill_fraction <= 0:
        return hr
    out = hr.clone()
    for i in range(hr.shape[0]):
        u = torch.rand(4, generator=generator).tolist()
        if u[0] >= cfg.zero_fill_fraction:
            continue
        keep = cfg.zero_fill_min + (1 - cfg.zero_fill_min) * u[1]
        axes = [(keep, 1.0), (1.0, keep), (keep, keep)][min(int(u[2] * 3), 2)]
        out[i] = zero_fill_interpolate(hr[i], axes)
    return out


def make_lr(hr: torch.Tensor, cfg: TrainConfig, generator: torch.Generator) -> torch.Tensor:
    """Low-resolution inputs for a batch: bicubic, k-space or a per-patch mix, blur and noise.
    ``acquisition``: per patch, bicubic (share 1 − ``kspace_fraction``) or an MR acquisition
    drawn from ``cfg.acquisition`` (:class:`rrlsrn.degrade.AcquisitionMix`: k-space truncation
    with anisotropic matrices, partial Fourier, apodisation, complex noise, magnitude)."""
    n = hr.shape[0]
    if cfg.degradation == "acquisition":
        mix = cfg.acquisition_mix()
        lr = torch.empty(n, 1, hr.shape[-2] // cfg.scale, hr.shape[-1] // cfg.scale)
        for i in range(n):
            if torch.rand(1, generator=generator).item() < cfg.kspace_fraction:
                lr[i] = acquire(hr[i], sample_acquisition(generator, mix), cfg.scale, generator)
            else:
                lr[i] = simulate_lr(hr[i], "bicubic", cfg.scale)
            noise = cfg.noise_max * torch.rand(1, generator=generator).item()
            lr[i] = rician_noise(lr[i], noise, generator)
        return lr
    if cfg.degradation == "mix":
        kspace = torch.rand(n, generator=generator) < cfg.kspace_fraction
    else:
        kspace = torch.full((n,), cfg.degradation == "kspace")
    lr = torch.empty(n, 1, hr.shape[-2] // cfg.scale, hr.shape[-1] // cfg.scale)
    for i in range(n):
        blur = cfg.blur_max * torch.rand(1, generator=generator).item()
        noise = cfg.noise_max * torch.rand(1, generator=generator).item()
        lr[i] = simulate_lr(hr[i], "kspace" if kspace[i] else "bicubic", cfg.scale, blur, noise, generator)
    return lr


def through_plane_pair(hr: torch.Tensor, cfg: TrainConfig, generator: torch.Generator,
                       ratio: int | None = None, profile: str | None = None,
                       thickness_factor: float | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """(input, target) for the through-plane task: the last axis of each HR patch measured as thick
    slices (spacing ``ratio`` samples, thickness ``ratio × thickness_factor``, a slice profile from
    ``cfg.profiles``), Rician noise up to ``cfg.noise_max``, then cubic-spline interpolated back,
    with the spacing and thickness as condition channels; the target is the patch cut to a
    multiple of the ratio. Unset arguments are drawn."""
    pick = lambda options: options[int(torch.randint(len(options), (1,), generator=generator))]  # noqa: E731
    ratio = ratio or pick(cfg.ratios)
    width = hr.shape[-1] // ratio * ratio
    target = hr[..., :width].contiguous()
    inputs, thickness = torch.empty_like(target), torch.empty(target.shape[0])
    for i in range(target.shape[0]):
        lo, hi = cfg.thickness_factor
        factor = thickness_factor or lo + (hi - lo) * torch.rand(1, generator=generator).item()
        thickness[i] = ratio * factor
        thick = slice_profile.thick_slices(target[i], width // ratio, ratio * factor, profile or pick(cfg.profiles))
        thick = rician_noise(thick, cfg.noise_max * torch.rand(1, generator=generator).item(), generator)
        inputs[i] = slice_profile.interpolate(thick, width)
    return ThroughPlaneRRLSRN.with_condition(inputs, float(ratio), thickness), target


def training_pair(hr: torch.Tensor, cfg: TrainConfig, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """(model input, target) for one batch of HR patches, by the run's task."""
    if cfg.task == "through_plane":
        return through_plane_pair(hr, cfg, generator)
    hr = zero_fill_targets(hr, cfg, generator)
    return make_lr(hr, cfg, generator), hr


# The two fixed validation sets of each task: (name in log.csv, LR degradation or slice profile).
# The first is logged as val_psnr/val_ssim, the second as val_<name>_psnr.
VALIDATION_SETS = {"in_plane": (("", "bicubic"), ("kspace", "kspace")),
                   "through_plane": (("", "gaussian"), ("rect", "rect"))}


def validation_sets(val_hr: torch.Tensor, cfg: TrainConfig) -> list[tuple[str, torch.Tensor, np.ndarray]]:
    """The fixed validation inputs of :data:`VALIDATION_SETS`, each with its name and the spline's
    output: in-plane, bicubic and k-space LR; through-plane, ×4 slices of each profile."""
    if cfg.task == "through_plane":
        sets = [(name, through_plane_pair(val_hr, cfg, torch.Generator().manual_seed(0), 4, profile, 1.0)[0])
                for name, profile in VALIDATION_SETS[cfg.task]]
        return [(name, x, x[:, 0].numpy()) for name, x in sets]  # channel 0: the spline
    sets = [(name, simulate_lr(val_hr, degradation, cfg.scale)) for name, degradation in VALIDATION_SETS[cfg.task]]
    return [(name, x, cubic_spline_upsample(x[:, 0].numpy(), cfg.scale)) for name, x in sets]


def validation_slices(paths: list[Path], per_volume: int, scale: int, patch: int = 128) -> torch.Tensor:
    """Fixed validation HR crops: the ``per_volume`` most tissue-rich axial-ish slices of each
    volume (across numpy axis 0), centre-cropped to ``patch``² around their tissue."""
    crops = []
    for path in paths:
        vol = load_normalised(path)
        tissue = (vol > TISSUE).sum(axis=(1, 2))
        for z in sorted(np.argsort(tissue)[::-1][:per_volume]):
            plane = vol[z]
            rows, cols = np.nonzero(plane > TISSUE)
            r = int(np.clip(rows.mean() - patch // 2, 0, max(plane.shape[0] - patch, 0)))
            c = int(np.clip(cols.mean() - patch // 2, 0, max(plane.shape[1] - patch, 0)))
            crop = np.zeros((patch, patch), np.float32)
            part = plane[r:r + patch, c:c + patch]
            crop[:part.shape[0], :part.shape[1]] = part
            crops.append(crop)
    return torch.from_numpy(np.stack(crops))[:, None]
