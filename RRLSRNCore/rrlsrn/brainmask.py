"""Brain mask from a few seed points: competitive region growing ("fast GrowCut").

Each voxel goes to the seed set (inside or outside the brain) that reaches it along the path
of least accumulated intensity change: shortest paths on the 6-connected voxel graph with
edge weight |I(p) − I(q)| (intensities robustly normalised, median-filtered in-plane), the
same rule as 3D Slicer's Grow-from-seeds. Crossing between slices costs √(slice spacing /
in-plane spacing) times more: thick 2D slices are less continuous than their pixels. Seeds: a
3 mm ball around each inside point; each outside point extruded through every slice (clicked
where the brain is widest, it stays outside it in every slice); and the volume border.
Cleanup: voxels far from the segment's typical intensity (beyond 2 robust SDs: extra-axial
fluid in T2, dark CSF in T1) are trimmed, then the largest component is kept, holes are
filled per slice (which restores the ventricles) and a small closing smooths the border.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import SimpleITK as sitk
from scipy import ndimage, sparse
from scipy.sparse.csgraph import dijkstra

from .errors import RRLSRNError
from .intensity import Normalisation

SEED_RADIUS_MM = 3.0
TRIM_ROBUST_SDS = 2.0
MAX_VOXELS = 4_000_000  # the graph holds ~3 edges a voxel; larger volumes are segmented downsampled


def _graph(volume: np.ndarray, slice_weight: float) -> sparse.csr_matrix:
    """6-connected voxel graph weighted by absolute intensity differences, × ``slice_weight``
    between slices (numpy axis 0)."""
    index = np.arange(volume.size).reshape(volume.shape)
    rows, cols, weights = [], [], []
    for axis in range(3):
        head = tuple(slice(0, -1) if a == axis else slice(None) for a in range(3))
        tail = tuple(slice(1, None) if a == axis else slice(None) for a in range(3))
        rows.append(index[head].ravel())
        cols.append(index[tail].ravel())
        # The small constant breaks ties in flat regions in favour of the nearer seed.
        weights.append((np.abs(volume[head] - volume[tail]).ravel() + 1e-4) * (slice_weight if axis == 0 else 1.0))
    return sparse.csr_matrix((np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))),
                             shape=(volume.size, volume.size))


def _seed_masks(shape: tuple, spacing_kji: np.ndarray, inside: list, outside: list) -> tuple[np.ndarray, np.ndarray]:
    k, j, i = np.ogrid[: shape[0], : shape[1], : shape[2]]
    brain, background = np.zeros(shape, bool), np.zeros(shape, bool)
    for face in ((0, -1), (slice(None), (0, -1)), (slice(None), slice(None), (0, -1))):
        background[face] = True
    r2 = SEED_RADIUS_MM**2
    for pi, pj, _ in outside:
        disc = ((j - pj) * spacing_kji[1]) ** 2 + ((i - pi) * spacing_kji[2]) ** 2 <= r2
        background[:, disc[0]] = True
    for pi, pj, pk in inside:
        brain |= ((k - pk) * spacing_kji[0]) ** 2 + ((j - pj) * spacing_kji[1]) ** 2 + ((i - pi) * spacing_kji[2]) ** 2 <= r2
    background &= ~brain
    return brain, background


def _check_seeds(points: Sequence[Sequence[int]], size: tuple, what: str) -> list[tuple[int, int, int]]:
    checked = []
    for p in points:
        p = tuple(int(v) for v in p)
        if len(p) != 3 or any(v < 0 or v >= n for v, n in zip(p, size)):
            raise RRLSRNError(f"the {what} point {p} (i, j, k) lies outside the image of size {size}.")
        checked.append(p)
    return checked


def _largest_filled(mask: np.ndarray) -> np.ndarray:
    """Largest 3D component, holes filled slice by slice."""
    labels, count = ndimage.label(mask)
    if count > 1:
        mask = labels == np.argmax(np.bincount(labels.ravel())[1:]) + 1
    return np.stack([ndimage.binary_fill_holes(s) for s in mask])


def trim_intensity_outliers(mask: np.ndarray, volume: np.ndarray) -> np.ndarray:
    """Drop voxels beyond 2 robust SDs of the mask's median intensity (extra-axial fluid in T2,
    dark CSF in T1), keep the largest component, refill holes per slice (the ventricles)."""
    if not mask.any():
        return mask
    values = volume[mask]
    median = np.median(values)
    robust_sd = 1.4826 * np.median(np.abs(values - median))
    trimmed = _largest_filled(mask & (np.abs(volume - median) <= TRIM_ROBUST_SDS * robust_sd))
    return _largest_filled(ndimage.binary_opening(trimmed, structure=np.ones((1, 3, 3))))


def _clean(mask: np.ndarray, volume: np.ndarray) -> np.ndarray:
    trimmed = trim_intensity_outliers(mask, volume)
    closed = ndimage.binary_closing(trimmed, structure=np.ones((1, 3, 3)), iterations=2) | trimmed
    return np.stack([ndimage.binary_fill_holes(s) for s in closed])


def brain_mask_from_seeds(image: sitk.Image, inside_ijk: Sequence[Sequence[int]],
                          outside_ijk: Sequence[Sequence[int]] = ()) -> sitk.Image:
    """uint8 mask (1 = brain) on the image's grid. Seeds are voxel indices (i, j, k), ITK order
    (numpy ``array[k, j, i]``); the volume border always counts as outside."""
    if image.GetNumberOfComponentsPerPixel() != 1 or image.GetDimension() != 3:
        raise RRLSRNError("brain masking needs a scalar 3D image.")
    size = image.GetSize()
    inside = _check_seeds(inside_ijk, size, "inside")
    if not inside:
        raise RRLSRNError("give at least one point inside the brain.")
    outside = _check_seeds(outside_ijk, size, "outside")
    array = sitk.GetArrayFromImage(image).astype(np.float32)
    volume = np.clip(Normalisation.fit(array).apply(array), 0, 1)
    volume = ndimage.median_filter(volume, size=(1, 3, 3))
    # In-plane subsampling keeps the graph small on big matrices; the slices stay as acquired.
    step = int(np.ceil(np.sqrt(volume.size / MAX_VOXELS)))
    small = volume[:, ::step, ::step]
    spacing_kji = np.array(image.GetSpacing()[::-1]) * (1, step, step)
    scaled = lambda pts: [(p[0] // step, p[1] // step, p[2]) for p in pts]  # noqa: E731
    brain, background = _seed_masks(small.shape, spacing_kji, scaled(inside), scaled(outside))
    graph = _graph(small, float(np.sqrt(spacing_kji[0] / spacing_kji[1:].mean())))
    to_brain = dijkstra(graph, directed=False, indices=np.flatnonzero(brain), min_only=True)
    to_background = dijkstra(graph, directed=False, indices=np.flatnonzero(background), min_only=True)
    mask = (to_brain < to_background).reshape(small.shape)
    if step > 1:
        mask = np.repeat(np.repeat(mask, step, axis=1), step, axis=2)[:, : array.shape[1], : array.shape[2]]
    mask = _clean(mask, volume)
    if not mask.any():
        raise RRLSRNError("the brain mask came out empty; place the points well inside the brain.")
    out = sitk.GetImageFromArray(mask.astype(np.uint8))
    out.CopyInformation(image)
    return out
