"""The slice axis of a thick-slice stack as a linear operator: what a 2D acquisition measures of a
finely sampled signal (its slice profile), and the cubic B-spline interpolation back onto a fine grid.

Positions follow :mod:`rrlsrn.geometry`'s voxel-corner rule: ``n`` slices and ``m`` fine samples
cover the same extent, slice ``q`` is centred at fine index ``(q + 0.5)·m/n − 0.5``. ``shift``
(in slices) moves the fine grid along the axis, e.g. onto the positions of slices left out of a
stack to score their prediction; products keep 0. A slice of
thickness ``t`` (in fine samples) integrates the signal over ``[c − t/2, c + t/2]`` (``rect``) or
with a Gaussian of full width at half maximum ``t`` (``gaussian``), each fine sample being a
cell of width 1. Slice thickness may differ from slice spacing (gaps, overlaps).
"""
from __future__ import annotations

from functools import lru_cache
from math import sqrt

import numpy as np
import torch
from scipy import ndimage
from scipy.special import erf

PROFILES = ("gaussian", "rect")
FWHM_PER_SIGMA = 2 * sqrt(2 * np.log(2))


def _cell_weights(centre: float, thickness: float, profile: str, m: int) -> np.ndarray:
    """Weights of the ``m`` fine cells ``[x − 0.5, x + 0.5]`` in one slice (summing to 1 inside)."""
    lo, hi = np.arange(m) - 0.5, np.arange(m) + 0.5
    if profile == "rect":
        w = np.clip(np.minimum(hi, centre + thickness / 2) - np.maximum(lo, centre - thickness / 2), 0, None)
    elif profile == "gaussian":
        s = thickness / FWHM_PER_SIGMA * sqrt(2)
        w = 0.5 * (erf((hi - centre) / s) - erf((lo - centre) / s))
    else:
        raise ValueError(f"slice profile must be one of {PROFILES}, not {profile!r}")
    total = w.sum()
    if total <= 0:  # a slice thinner than a rounding error of the grid: nearest cell
        w = np.zeros(m)
        w[int(np.clip(round(centre), 0, m - 1))] = 1.0
        total = 1.0
    return w / total


@lru_cache(maxsize=256)
def profile_matrix(n: int, m: int, thickness: float, profile: str = "gaussian", shift: float = 0.0) -> np.ndarray:
    """(n × m) matrix A: the ``n`` thick slices measured from ``m`` fine samples of the same extent;
    ``thickness`` in fine samples. Weights cut by the edges are renormalised (the field of view)."""
    centres = (np.arange(n) + 0.5 - shift) * m / n - 0.5
    return np.stack([_cell_weights(c, thickness, profile, m) for c in centres])


@lru_cache(maxsize=256)
def spline_matrix(n: int, m: int, shift: float = 0.0) -> np.ndarray:
    """(m × n) matrix S: cubic B-spline interpolation (mirror edges) of ``n`` samples onto ``m``,
    any ratio; with ``shift`` 0 it is ``scipy.ndimage.zoom(..., grid_mode=True)`` exactly."""
    at = (np.arange(m) + 0.5) * n / m - 0.5 + shift  # fine samples in slice coordinates
    coordinates = np.stack(np.broadcast_arrays(at[:, None], np.arange(n)[None, :].astype(float)))
    return ndimage.map_coordinates(np.eye(n), coordinates, order=3, mode="reflect")


def along_last(x: np.ndarray | torch.Tensor, matrix: np.ndarray):
    """``matrix`` applied along the last axis of ``x`` (numpy or torch, any leading shape)."""
    if isinstance(x, torch.Tensor):
        return x @ torch.as_tensor(matrix.T, dtype=x.dtype, device=x.device)
    return (np.asarray(x, np.float32) @ matrix.T.astype(np.float32)).astype(np.float32)


def thick_slices(fine: np.ndarray | torch.Tensor, n: int, thickness: float, profile: str = "gaussian",
                 shift: float = 0.0):
    """``n`` thick slices of ``fine`` along its last axis (``thickness`` in fine samples)."""
    return along_last(fine, profile_matrix(n, fine.shape[-1], float(thickness), profile, float(shift)))


def interpolate(thick: np.ndarray | torch.Tensor, m: int, shift: float = 0.0):
    """Cubic B-spline interpolation of the last axis onto ``m`` samples (the classical baseline)."""
    return along_last(thick, spline_matrix(thick.shape[-1], m, float(shift)))


@lru_cache(maxsize=64)
def _projector(n: int, m: int, thickness: float, profile: str, shift: float) -> np.ndarray:
    """(m × n) Aᵀ(AAᵀ)⁻¹: the smallest change of a fine signal that fixes its thick slices."""
    a = profile_matrix(n, m, thickness, profile, shift)
    return a.T @ np.linalg.pinv(a @ a.T)


def enforce_consistency(fine: np.ndarray, thick: np.ndarray, thickness: float, profile: str = "gaussian",
                        shift: float = 0.0) -> np.ndarray:
    """``fine`` changed as little as possible (least squares) so that its thick slices along the
    last axis equal ``thick``: the result, measured with the slice profile, reproduces the input."""
    n, m = thick.shape[-1], fine.shape[-1]
    misfit = np.asarray(thick, np.float32) - thick_slices(fine, n, thickness, profile, shift)
    return fine + along_last(misfit, _projector(n, m, float(thickness), profile, float(shift)))
