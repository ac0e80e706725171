"""All grid geometry in one place: slice axes, upsampled output grids, bounds, crops.

Conventions. ITK/SimpleITK physical points are LPS millimetres:
``point = origin + D @ diag(spacing) @ index``, index ``(i, j, k)`` with i fastest; the
numpy array of a SimpleITK image is indexed ``[k, j, i]``. Voxels are cells centred on
their index, so a voxel covers ``index ± 0.5``. Upsampling by ``f`` along an index axis
keeps the voxel-corner bounds: output voxel ``m`` is centred at input index
``(m + 0.5) / f - 0.5``. Every resampler in :mod:`rrlsrn.degrade` follows the same rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import SimpleITK as sitk

from .errors import RRLSRNError

AXIS_NAMES = ("i", "j", "k")
LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0])


@dataclass(frozen=True)
class Grid:
    """A 3D image grid: size and spacing in (i, j, k) order, origin (LPS), direction 3×3."""

    size: tuple[int, int, int]
    spacing: tuple[float, float, float]
    origin: tuple[float, float, float]
    direction: tuple[float, ...]

    @classmethod
    def of(cls, image: sitk.Image) -> "Grid":
        return cls(tuple(image.GetSize()), tuple(image.GetSpacing()),
                   tuple(image.GetOrigin()), tuple(image.GetDirection()))

    def apply_to(self, image: sitk.Image) -> sitk.Image:
        """Stamp this grid's spacing, origin and direction on an image of this size."""
        if tuple(image.GetSize()) != self.size:
            raise ValueError(f"image size {image.GetSize()} is not the grid size {self.size}")
        image.SetSpacing(self.spacing)
        image.SetOrigin(self.origin)
        image.SetDirection(self.direction)
        return image

    @property
    def matrix(self) -> np.ndarray:
        """4×4 index (i, j, k) → LPS matrix."""
        m = np.eye(4)
        m[:3, :3] = np.reshape(self.direction, (3, 3)) @ np.diag(self.spacing)
        m[:3, 3] = self.origin
        return m

    @classmethod
    def from_ijk_to_ras(cls, matrix: np.ndarray, size: Sequence[int]) -> "Grid":
        """The grid of a 3D Slicer volume node from its IJKToRAS matrix and its dimensions."""
        lps = LPS_TO_RAS @ np.asarray(matrix, float)[:3, :4]
        spacing = np.linalg.norm(lps[:, :3], axis=0)
        direction = lps[:, :3] / spacing
        return cls(tuple(int(n) for n in size), tuple(float(v) for v in spacing),
                   tuple(float(v) for v in lps[:, 3]), tuple(float(v) for v in direction.ravel()))

    @property
    def ijk_to_ras(self) -> np.ndarray:
        """4×4 index → RAS matrix, as a 3D Slicer volume node's IJKToRAS."""
        m = self.matrix
        m[:3] = LPS_TO_RAS @ m[:3]
        return m

    def index_to_lps(self, index: Sequence[float]) -> np.ndarray:
        return (self.matrix @ np.append(np.asarray(index, float), 1.0))[:3]

    def lps_to_index(self, point: Sequence[float]) -> np.ndarray:
        return (np.linalg.inv(self.matrix) @ np.append(np.asarray(point, float), 1.0))[:3]

    def corner_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Min and max LPS coordinates over the 8 outer voxel corners (index −0.5 … n−0.5)."""
        lo = [-0.5, -0.5, -0.5]
        hi = [n - 0.5 for n in self.size]
        corners = np.array([self.index_to_lps([a, b, c])
                            for a in (lo[0], hi[0]) for b in (lo[1], hi[1]) for c in (lo[2], hi[2])])
        return corners.min(axis=0), corners.max(axis=0)


def choose_slice_axis(spacing: Sequence[float], requested: str = "auto", size: Sequence[int] | None = None) -> int:
    """Index axis (0=i, 1=j, 2=k) across which slices are taken; SR happens in the other two.

    ``auto`` picks the axis with the largest spacing (thick-slice stacks), ties going to k; an
    image one voxel thick along an axis (a single 2D slice) is sliced across that axis.
    """
    if requested in AXIS_NAMES:
        return AXIS_NAMES.index(requested)
    if requested != "auto":
        raise RRLSRNError(f"slice axis must be auto, i, j or k, not {requested!r}.")
    if size is not None and 1 in size:
        return max(a for a in range(3) if size[a] == 1)
    largest = max(spacing)
    return max(a for a in range(3) if np.isclose(spacing[a], largest, rtol=1e-3))


def anatomical_plane(grid: Grid, slice_axis: int) -> str:
    """The anatomical plane ("Axial", "Coronal" or "Sagittal") closest to the image planes across
    ``slice_axis``: the one whose normal (S, A or R) is nearest the slice axis's direction."""
    normal = LPS_TO_RAS @ np.reshape(grid.direction, (3, 3))[:, slice_axis]
    return ("Sagittal", "Coronal", "Axial")[int(np.argmax(np.abs(normal)))]


def resized_grid(grid: Grid, size: Sequence[int]) -> Grid:
    """The grid of ``size`` voxels covering exactly ``grid``'s voxel-corner box (any ratio per axis).

    With f = size/n per axis: IJK→LPS_out = IJK→LPS_in @ U, U = diag(1/f), U[a, 3] = (1/f_a − 1)/2.
    """
    f = np.asarray(size, float) / np.asarray(grid.size, float)
    u = np.eye(4)
    u[:3, :3] = np.diag(1.0 / f)
    u[:3, 3] = (1.0 / f - 1.0) / 2.0
    origin = (grid.matrix @ u)[:3, 3]
    return Grid(tuple(int(n) for n in size), tuple(float(s / k) for s, k in zip(grid.spacing, f)),
                tuple(float(o) for o in origin), grid.direction)


def upsampled_grid(grid: Grid, factors: Sequence[int]) -> Grid:
    """The grid of an image upsampled by integer ``factors`` along (i, j, k), same corner bounds."""
    return resized_grid(grid, [n * k for n, k in zip(grid.size, factors)])


def through_plane_size(n: int, factor: float) -> int:
    """Slices after restoring ``n`` thick slices by ``factor``: ``round(n·factor)``, so a factor that
    is not an integer is honoured as closely as a whole number of slices over the same extent allows."""
    return max(int(round(n * factor)), n + 1)


def in_plane_factors(slice_axis: int, scale: int) -> tuple[int, int, int]:
    """Upsampling factors (i, j, k) for ``scale`` in the two axes other than ``slice_axis``."""
    return tuple(1 if a == slice_axis else scale for a in range(3))


def ras_to_lps(point: Sequence[float]) -> np.ndarray:
    """RAS (3D Slicer) millimetres to LPS (ITK) millimetres; the map is its own inverse."""
    return LPS_TO_RAS @ np.asarray(point, float)


def bounding_box_with_margin(mask: np.ndarray, spacing: Sequence[float],
                             margin_mm: float) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Index start and size (i, j, k) of the mask's bounding box grown by ``margin_mm``.

    ``mask`` is a numpy array ``[k, j, i]`` on the grid whose ``spacing`` is given.
    """
    nz = np.argwhere(mask)
    if nz.size == 0:
        raise RRLSRNError("the mask is empty: it marks no voxel inside the image.")
    lo_kji, hi_kji = nz.min(axis=0), nz.max(axis=0)
    start, size = [], []
    for a in range(3):
        n = mask.shape[2 - a]
        pad = int(np.ceil(margin_mm / spacing[a] - 1e-9))
        s = max(int(lo_kji[2 - a]) - pad, 0)
        e = min(int(hi_kji[2 - a]) + pad + 1, n)
        start.append(s)
        size.append(e - s)
    return tuple(start), tuple(size)
