"""Super-resolution of volumes and files (``rrlsrn upscale``): in-plane here, through-plane in
:mod:`rrlsrn.through_plane`, each run over slices by :mod:`rrlsrn.runner`.

The in-plane path is: image → slices across the slice axis → normalised batch → model → batch →
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
from .adapt import adapt_in_plane, halves
from .errors import RRLSRNError
from .geometry import Grid, bounding_box_with_margin, choose_slice_axis, in_plane_factors, upsampled_grid
from .intensity import Normalisation
from .jobs import UpscaleJob, UpscaleSettings  # noqa: F401  (UpscaleSettings: part of this module's API)
from .runner import resolve_device, super_resolve_slices
from .through_plane import restore_image
from .weights import load_model, shipped_weights

Progress = Callable[[int, int], None]


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
        norm, device, n = Normalisation.fit(array), resolve_device(settings.device), slices.shape[0]
        report = progress
        if settings.adapt_seconds > 0:
            adapting, report = halves(progress, n)
            model = adapt_in_plane(model, norm.apply(slices), settings.adapt_seconds, device, adapting)
        super_resolve_slices(model, slices, device, settings.batch_size, settings.tile, norm,
                             out=_SlicesInto(result, axis), progress=report, precision=settings.precision)
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


def super_resolve(image: sitk.Image, model: nn.Module | None, through_plane_model: nn.Module | None,
                  settings: UpscaleSettings, progress: Progress | None = None) -> sitk.Image:
    """Through-plane restoration (``settings.through_plane`` > 1), then in-plane super-resolution
    (``settings.scale`` > 1): that order costs least, the in-plane model seeing the new slices.
    With both stages, progress is reported in thousandths of each stage."""
    stages = []
    if settings.through_plane > 1:
        stages.append(lambda img, report: restore_image(img, through_plane_model, settings, report))
    if settings.scale > 1:
        stages.append(lambda img, report: upscale_image(img, model, settings, report))
    for number, stage in enumerate(stages):
        report = progress
        if progress and len(stages) > 1:  # one stage reports its own counts (slices, or planes)
            report = lambda done, total, k=number: progress(int(1000 * (k + done / total)), 1000 * len(stages))  # noqa: E731
        image = stage(image, report)
    return image


def upscale_file(job: UpscaleJob, model: nn.Module | None = None, progress: Progress | None = None,
                 through_plane_model: nn.Module | None = None) -> Path:
    """``rrlsrn upscale``: read, optionally crop to the mask and zero outside it, super-resolve,
    write (verified, never replacing an input or, without ``job.overwrite``, an existing file).
    ``model`` / ``through_plane_model``: already loaded models (batch runs); else those of the
    job's weights or the shipped ones."""
    settings = job.settings
    output_path = io.check_output_path(job.output, job.overwrite, inputs=[job.input, job.mask, job.weights, job.through_plane_weights])
    if job.crop_margin_mm is not None and job.mask is None:
        raise RRLSRNError("--crop-to-mask needs --mask.")
    if job.crop_margin_mm is not None and not (np.isfinite(job.crop_margin_mm) and job.crop_margin_mm >= 0):
        raise RRLSRNError(f"--crop-to-mask takes a margin of 0 mm or more, not {job.crop_margin_mm}.")
    image = io.read_volume(job.input, job.spacing, job.spacing_in_name, job.volume, job.component)
    io.check_geometry_writable(image, output_path)
    if settings.scale == 1 and settings.through_plane <= 1:
        raise RRLSRNError("--scale 1 keeps the in-plane grid: give --through-plane F too, or there is nothing to do.")
    model, through_plane_model = models_for(settings, job.weights, job.through_plane_weights, model,
                                            through_plane_model)
    mask = io.read_volume(job.mask, pickable=False) if job.mask is not None else None
    if mask is not None and (job.spacing is not None or job.spacing_in_name) and mask.GetSize() == image.GetSize():
        mask.SetSpacing(image.GetSpacing())  # a mask from the same broken header gets the same fix
    if mask is not None and not sitk.GetArrayFromImage(resample_mask(mask, image)).any():
        raise RRLSRNError(f"the mask {job.mask} marks no voxel inside the image.")
    if job.crop_margin_mm is not None:
        image = crop_to_mask(image, mask, job.crop_margin_mm)
    result = super_resolve(image, model, through_plane_model, settings, progress)
    if not np.isfinite(sitk.GetArrayViewFromImage(result)).all():
        raise RRLSRNError("the super-resolution produced NaN or infinite values (broken weights?); nothing was written.")
    if mask is not None and job.zero_outside:
        result = apply_mask(result, mask)
    if job.keep_dtype:
        array = io.cast_like(sitk.GetArrayViewFromImage(result), image.GetPixelID())
        result = Grid.of(result).apply_to(sitk.GetImageFromArray(array))
    return io.write_volume(result, output_path, overwrite=job.overwrite)


def models_for(settings: UpscaleSettings, weights: str | None = None, through_plane_weights: str | None = None,
               model: nn.Module | None = None, through_plane_model: nn.Module | None = None
               ) -> tuple[nn.Module | None, nn.Module | None]:
    """The in-plane and through-plane models a run of ``settings`` needs (None where it needs
    none): the ones given, else those of the weights files or the shipped ones; broken weights,
    and an in-plane model given as the through-plane one, are refused in one sentence."""
    if settings.scale > 1:
        if model is None:
            model = load_model(weights or shipped_weights("rrlsrn"), settings.scale)
        check_finite_model(model, weights or "the shipped model")
    if settings.through_plane > 1:
        if through_plane_model is None:
            through_plane_model = load_model(through_plane_weights or shipped_weights("through_plane"))
        check_finite_model(through_plane_model, through_plane_weights or "the shipped through-plane model")
        if through_plane_model.scale != 1:
            raise RRLSRNError(f"{through_plane_weights} holds an in-plane model, not a through-plane one.")
    return model, through_plane_model


def check_finite_model(model: nn.Module, source) -> None:
    """Refuse weights with NaN or infinite parameters: they would give an all-NaN volume."""
    if not all(bool(torch.isfinite(p).all()) for p in model.parameters()):
        raise RRLSRNError(f"{source} holds NaN or infinite parameters: the weights are broken.")
