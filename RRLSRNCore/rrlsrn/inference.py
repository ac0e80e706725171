"""Super-resolution of volumes: slices stream through the model in batches, tiles when large.

The path is: image → slices across the slice axis → normalised batch → model → batch →
un-normalised output slices → image on :func:`rrlsrn.geometry.upsampled_grid`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import SimpleITK as sitk
import torch
from torch import nn

from . import io
from .errors import RRLSRNError
from .geometry import Grid, bounding_box_with_margin, choose_slice_axis, in_plane_factors, upsampled_grid
from .intensity import Normalisation
from .jobs import UpscaleJob, UpscaleSettings  # noqa: F401  (UpscaleSettings: part of this module's API)
from .weights import load_model, shipped_weights

Progress = Callable[[int, int], None]
DEVICES = ("auto", "cpu", "cuda", "mps")
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
                         out: np.ndarray | None = None, progress: Progress | None = None) -> np.ndarray:
    """Super-resolve a stack of 2D slices ``(N, h, w)`` → ``(N, s·h, s·w)`` float32.

    ``normalisation`` maps the slices' intensities to the model's [0, 1] and back (identity
    when None). On CUDA, float16 autocast is used. An out-of-memory batch is retried with half
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
    amp = torch.autocast("cuda", dtype=torch.float16) if device.type == "cuda" else torch.autocast("cpu", enabled=False)
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


def upscale_image(image: sitk.Image, model: nn.Module, settings: UpscaleSettings | None = None,
                  progress: Progress | None = None) -> sitk.Image:
    """Super-resolve ``image`` in-plane by ``model.scale``; float32 on the exact output grid."""
    settings = settings or UpscaleSettings()
    axis = choose_slice_axis(image.GetSpacing(), settings.slice_axis, image.GetSize())
    grid = upsampled_grid(Grid.of(image), in_plane_factors(axis, model.scale))
    array = sitk.GetArrayViewFromImage(image)  # [k, j, i]
    if not np.isfinite(array).all():
        raise RRLSRNError("the image contains NaN or infinite voxels; fix or mask them first.")
    slices = np.moveaxis(array, 2 - axis, 0)
    result = grid.apply_to(sitk.Image(grid.size, sitk.sitkFloat32))
    lo, hi = float(array.min()), float(array.max())
    if lo == hi:  # a constant image has no detail to recover: keep it constant
        result += lo
        if progress:
            progress(slices.shape[0], slices.shape[0])
    else:
        super_resolve_slices(model, slices, resolve_device(settings.device), settings.batch_size, settings.tile,
                             Normalisation.fit(array), out=_SlicesInto(result, axis), progress=progress)
    return result


class _SlicesInto:
    """Writes batches of output slices straight into the output image along the slice axis,
    so no second copy of the whole output is ever held (a 512² × 200 volume is 800 MB at ×2)."""

    def __init__(self, image: sitk.Image, axis: int):
        self.image, self.axis = image, axis

    def __setitem__(self, index: slice, block: np.ndarray) -> None:
        where = [slice(None)] * 3
        where[self.axis] = index
        # block is [slice, rows, columns]; the image's array is [k, j, i].
        self.image[tuple(where)] = sitk.GetImageFromArray(np.moveaxis(block, 0, 2 - self.axis))


def resample_mask(mask: sitk.Image, reference: sitk.Image) -> sitk.Image:
    """A binary mask (any non-zero voxel) on ``reference``'s grid, nearest-neighbour."""
    binary = sitk.Cast(sitk.NotEqual(mask, 0), sitk.sitkUInt8)
    # Extrapolate by nearest neighbour: border voxel centres fall a rounding error outside the
    # mask's grid under non-identity directions and would otherwise be dropped.
    return sitk.Resample(binary, reference, sitk.Transform(), sitk.sitkNearestNeighbor, 0, sitk.sitkUInt8,
                         True)


def crop_to_mask(image: sitk.Image, mask: sitk.Image, margin_mm: float) -> sitk.Image:
    """``image`` cropped to the bounding box of ``mask`` grown by ``margin_mm`` (geometry kept)."""
    on_grid = sitk.GetArrayFromImage(resample_mask(mask, image))
    start, size = bounding_box_with_margin(on_grid, image.GetSpacing(), margin_mm)
    return sitk.RegionOfInterest(image, size, start)


def apply_mask(image: sitk.Image, mask: sitk.Image) -> sitk.Image:
    """Zero ``image`` outside ``mask`` (resampled onto its grid)."""
    inside = sitk.Cast(resample_mask(mask, image), image.GetPixelID())
    return sitk.Multiply(image, inside)


def upscale_file(job: UpscaleJob, model: nn.Module | None = None, progress: Progress | None = None) -> Path:
    """``rrlsrn upscale``: read, optionally crop to the mask and zero outside it, super-resolve,
    write (verified, never replacing an input or, without ``job.overwrite``, an existing file).
    ``model``: an already loaded model (batch runs); else ``job.weights`` or the shipped one."""
    settings = job.settings
    output_path = io.check_output_path(job.output, job.overwrite, inputs=[job.input, job.mask, job.weights])
    if job.crop_margin_mm is not None and job.mask is None:
        raise RRLSRNError("--crop-to-mask needs --mask.")
    if job.crop_margin_mm is not None and not (np.isfinite(job.crop_margin_mm) and job.crop_margin_mm >= 0):
        raise RRLSRNError(f"--crop-to-mask takes a margin of 0 mm or more, not {job.crop_margin_mm}.")
    image = io.read_volume(job.input, job.spacing, job.spacing_in_name, job.volume, job.component)
    io.check_geometry_writable(image, output_path)
    if model is None:
        model = load_model(job.weights or shipped_weights("rrlsrn"), settings.scale)
    check_finite_model(model, job.weights or "the model")
    mask = io.read_volume(job.mask, pickable=False) if job.mask is not None else None
    if mask is not None and (job.spacing is not None or job.spacing_in_name) and mask.GetSize() == image.GetSize():
        mask.SetSpacing(image.GetSpacing())  # a mask from the same broken header gets the same fix
    if mask is not None and not sitk.GetArrayFromImage(resample_mask(mask, image)).any():
        raise RRLSRNError(f"the mask {job.mask} marks no voxel inside the image.")
    if job.crop_margin_mm is not None:
        image = crop_to_mask(image, mask, job.crop_margin_mm)
    result = upscale_image(image, model, settings, progress)
    if not np.isfinite(sitk.GetArrayViewFromImage(result)).all():
        raise RRLSRNError("the super-resolution produced NaN or infinite values (broken weights?); nothing was written.")
    if mask is not None and job.zero_outside:
        result = apply_mask(result, mask)
    if job.keep_dtype:
        array = io.cast_like(sitk.GetArrayViewFromImage(result), image.GetPixelID())
        result = Grid.of(result).apply_to(sitk.GetImageFromArray(array))
    return io.write_volume(result, output_path, overwrite=job.overwrite)


def check_finite_model(model: nn.Module, source) -> None:
    """Refuse weights with NaN or infinite parameters: they would give an all-NaN volume."""
    if not all(bool(torch.isfinite(p).all()) for p in model.parameters()):
        raise RRLSRNError(f"{source} holds NaN or infinite parameters: the weights are broken.")
