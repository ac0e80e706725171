"""Through-plane super-resolution of a thick-slice stack: more, thinner slices over the same extent.

The path is: image → normalised volume with the slice axis last → cubic B-spline interpolation
onto ``round(n·F)`` slices → the through-plane model on both families of planes that contain the
slice axis (e.g. coronal and sagittal planes of an axial stack), averaged → optionally the least
change that makes the result, measured with the slice profile, reproduce the input slices
(:func:`rrlsrn.slice_profile.enforce_consistency`) → image on
:func:`rrlsrn.geometry.resized_grid` (the input's voxel-corner box, exactly).
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import SimpleITK as sitk
from torch import nn

from . import slice_profile
from .adapt import adapt, halves
from .errors import RRLSRNError
from .geometry import Grid, choose_slice_axis, resized_grid, through_plane_size
from .intensity import Normalisation
from .jobs import UpscaleSettings
from .runner import resolve_device, super_resolve_slices

Progress = Callable[[int, int], None]


def output_grid(grid: Grid, axis: int, factor: float) -> Grid:
    """The grid of ``grid`` restored by ``factor`` along index axis ``axis`` (same corner box)."""
    size = list(grid.size)
    size[axis] = through_plane_size(size[axis], factor)
    return resized_grid(grid, size)


def check_settings(settings: UpscaleSettings, spacing: float) -> float:
    """The slice thickness in mm (default: the slice spacing), refusing impossible settings."""
    if not (np.isfinite(settings.through_plane) and settings.through_plane > 1):
        raise RRLSRNError(f"--through-plane takes a factor above 1, not {settings.through_plane}.")
    if settings.slice_profile not in slice_profile.PROFILES:
        raise RRLSRNError(f"the slice profile must be one of {', '.join(slice_profile.PROFILES)}, "
                          f"not {settings.slice_profile!r}.")
    thickness = spacing if settings.slice_thickness is None else settings.slice_thickness
    if not (np.isfinite(thickness) and thickness > 0):
        raise RRLSRNError(f"the slice thickness must be a positive number of mm, not {thickness}.")
    return float(thickness)


def restore_volume(volume: np.ndarray, model: nn.Module, m: int, thickness: float, profile: str = "gaussian",
                   consistency: bool = False, device="cpu", batch_size: int | None = None, tile: int = 512,
                   progress: Progress | None = None, shift: float = 0.0, precision: str = "auto") -> np.ndarray:
    """A normalised volume ``(A, B, n)`` (slice axis last) restored onto ``(A, B, m)``.

    ``thickness`` is in output samples (slice thickness over the output spacing). The model runs
    on the A planes ``(B, m)`` and the B planes ``(A, m)``; their average is the result.
    ``shift``: see :mod:`rrlsrn.slice_profile` (evaluation only).
    """
    a, b, n = volume.shape
    fine = slice_profile.interpolate(volume, m, shift)
    model = model.conditioned(m / n, thickness)
    across_a = super_resolve_slices(model, fine, device, batch_size, tile, precision=precision,
                                    progress=progress and (lambda done, _: progress(done, a + b)))
    across_b = super_resolve_slices(model, np.ascontiguousarray(fine.transpose(1, 0, 2)), device, batch_size, tile,
                                    precision=precision, progress=progress and (lambda done, _: progress(a + done, a + b)))
    result = 0.5 * (across_a + across_b.transpose(1, 0, 2))
    if consistency:
        result = slice_profile.enforce_consistency(result, volume, thickness, profile, shift)
    return result.astype(np.float32)


def restore_image(image: sitk.Image, model: nn.Module, settings: UpscaleSettings,
                  progress: Progress | None = None) -> sitk.Image:
    """``image`` restored by ``settings.through_plane`` along its slice axis; float32, exact grid."""
    axis = choose_slice_axis(image.GetSpacing(), settings.slice_axis, image.GetSize())
    n = image.GetSize()[axis]
    if n < 2:
        raise RRLSRNError("the image has a single slice along the slice axis: there is nothing between "
                          "slices to restore.")
    thickness_mm = check_settings(settings, image.GetSpacing()[axis])
    grid = output_grid(Grid.of(image), axis, settings.through_plane)
    m = grid.size[axis]
    array = sitk.GetArrayViewFromImage(image)  # [k, j, i]: index axis a is numpy axis 2 − a
    if not np.isfinite(array).all():
        raise RRLSRNError("the image contains NaN or infinite voxels; fix or mask them first.")
    lo, hi = float(array.min()), float(array.max())
    if lo == hi:
        out = np.full(grid.size[::-1], lo, np.float32)
        if progress:
            progress(1, 1)
    else:
        norm = Normalisation.fit(array)
        volume = np.moveaxis(norm.apply(array), 2 - axis, -1)
        thickness, device = thickness_mm / grid.spacing[axis], resolve_device(settings.device)
        planes = volume.shape[0] + volume.shape[1]
        report = progress
        if settings.adapt_seconds > 0:
            adapting, report = halves(progress, planes)
            model = adapt(model, volume, m / n, thickness, settings.slice_profile, settings.adapt_seconds, device,
                          adapting)
        restored = restore_volume(volume, model, m, thickness, settings.slice_profile, settings.consistency, device,
                                  settings.batch_size, settings.tile, report, precision=settings.precision)
        out = np.moveaxis(norm.undo(restored), -1, 2 - axis)
    return grid.apply_to(sitk.GetImageFromArray(np.ascontiguousarray(out, np.float32)))
