"""Brain mask from a few seed points: marker-controlled watershed with a brain-intensity model.

The brain of a fetal T2 stack (or an adult T1) is a region of tissue intensities wrapped in
CSF of a different intensity, then skull, fluid or maternal tissue. Two cues find it:

- Edges. A marker-controlled watershed on the gradient magnitude grows the inside points
  (label 1) against the volume border (2) and the outside points (3). A watershed's cost is
  the highest edge on a path, not the sum of intensity changes along it, so long paths
  through textured tissue (brainstem to cerebellum) stay cheap where growth by summed
  differences (GrowCut) loses them to a nearby outside point.
- Intensity. The brain's median and robust SD are sampled around each inside point (Gaussian
  weights in its slice); voxels more than ``BAND_SDS`` SDs away (CSF, skull, fluid) are raised
  in the watershed's landscape and dropped from the brain afterwards. Ventricles come back with
  the per-slice hole filling, and brain-like voxels near a click seed it too (a click often
  lands in a ventricle, whose bright wall would otherwise wall the seed in).

A second pass re-estimates the intensity model per slice from the first pass's core
(thick 2D slices differ in brightness, more so near the poles), and seeds itself with that
core, so a hemisphere reached in the first pass is not lost to a weak spot in the second.
Across slices the mask may grow by only ``SLICE_GROWTH_MM`` per slice outward from the
widest seeded slice, and beyond the seeded slices its area may not grow: leaks through
partial-volume slices at the poles stop there. Cleanup:
opening, components holding the seeds (and any other large one: hemispheres can part when
the fissure is trimmed), hole filling per slice and in 3D, closing. Outside points are
honoured: their watershed basins stay out of the mask, and when they surround the inside
points their convex hull (grown by ``FENCE_MARGIN_MM``) fences the brain in on every slice.

Slices are taken across the axis with the largest spacing; volumes above
``MAX_WORK_VOXELS`` are segmented on a block-averaged grid and the mask is interpolated back.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import SimpleITK as sitk
from scipy import ndimage
from scipy.spatial import Delaunay, QhullError
from skimage.segmentation import watershed

from .errors import RRLSRNError
from .intensity import Normalisation

BAND_SDS = 2.0  # brain intensities lie within this many robust SDs of the brain's median
RELATIVE_BAND = 0.35  # ... and the band is at least ±35% of it: T1 grey matter is ~60-70% of white
#   matter, CSF ~20%; the fetal dev stacks' Dice does not change between 0.3 and 0.4 (measured)
STATS_SIGMA_MM = 7.0  # Gaussian weight of the brain sample around a click: wide enough that a
#   click in a ventricle samples mostly tissue, narrow enough that a small brain outweighs its surroundings
SEED_RADIUS_MM = 3.0
TISSUE_RADIUS_MM = 8.0  # brain-like voxels this near a click also seed it (a click in a ventricle)
TISSUE_SDS = 1.5
CORE_MM = 4.0  # erosion of the first pass before it serves as the second pass's model and markers
CORE_MARKER_SDS = 1.5
SLICE_MEDIAN = 5  # slices over which the per-slice model is median-filtered (interleaved motion)
SMOOTH_MM = 0.7
SLICE_GROWTH_MM = 2.0
POLE_AREA_GROWTH = 0.1
OPEN_MM = 1.5
CLOSE_MM = 2.0
FENCE_MARGIN_MM = 3.0  # beyond the convex hull of outside points that surround the brain
KEEP_FRACTION = 0.1  # unseeded components at least this fraction of the seeded one are kept
MAX_WORK_VOXELS = 2_000_000

BRAIN, BORDER, OUTSIDE = 1, 2, 3


def _disk(radius_mm: float, spacing_2d: np.ndarray) -> np.ndarray:
    """In-plane disc footprint (1, h, w) of the given radius in mm."""
    ry, rx = (int(radius_mm // s) for s in spacing_2d)
    y, x = np.ogrid[-ry: ry + 1, -rx: rx + 1]
    return ((y * spacing_2d[0]) ** 2 + (x * spacing_2d[1]) ** 2 <= radius_mm**2)[None]


def _fill_slices(mask: np.ndarray) -> np.ndarray:
    return np.stack([ndimage.binary_fill_holes(s) for s in mask])


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, 0.5 * cumulative[-1])])


def _robust(values: np.ndarray, weights: np.ndarray | None = None) -> tuple[float, float]:
    """Median and spread: the MAD-based SD, optionally weighted, but at least RELATIVE_BAND of the
    median over BAND_SDS, because a click in white matter samples one tissue only."""
    if weights is None:
        weights = np.ones_like(values)
    median = _weighted_median(values, weights)
    sd = 1.4826 * _weighted_median(np.abs(values - median), weights)
    if sd <= 1e-6:  # flat sample (synthetic or clipped data): fall back to the plain SD
        sd = max(float(values.std()), 1e-3)
    return median, max(sd, RELATIVE_BAND * abs(median) / BAND_SDS)


def _keep_seeded(mask: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Components holding a seed, and any other at least KEEP_FRACTION of the largest of those."""
    labels, count = ndimage.label(mask)
    if count <= 1:
        return mask
    size = np.bincount(labels.ravel())
    size[0] = 0
    hit = np.unique(labels[seeds & (labels > 0)])
    reference = size[hit].max() if hit.size else size.max()
    keep = size >= KEEP_FRACTION * reference
    keep[hit] = True
    keep[0] = False
    return keep[labels]


def _watershed_pass(u: np.ndarray, spacing: np.ndarray, markers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Brain (bool) and watershed labels for intensities ``u`` in brain-SD units."""
    sigma = np.array([0.0, SMOOTH_MM / spacing[1], SMOOTH_MM / spacing[2]])
    smooth = ndimage.gaussian_filter(u, sigma)
    gj = ndimage.sobel(smooth, axis=1) / (8 * spacing[1])
    gi = ndimage.sobel(smooth, axis=2) / (8 * spacing[2])
    gk = np.gradient(smooth, axis=0) / spacing[0] if u.shape[0] > 1 else 0.0
    labels = watershed(np.sqrt(gj**2 + gi**2 + gk**2) + np.maximum(0.0, np.abs(smooth) - BAND_SDS), markers)
    seeds = markers == BRAIN
    # The band is applied to edge-preserving (median) intensities: blurred edges would lose a rim.
    in_band = np.abs(ndimage.median_filter(u, size=(1, 3, 3))) <= BAND_SDS
    brain = ((labels == BRAIN) & in_band) | seeds
    brain = _fill_slices(_keep_seeded(brain, seeds)) & (labels != OUTSIDE)
    return brain, labels


def _nest(mask: np.ndarray, spacing: np.ndarray, seed_slices: list[int]) -> np.ndarray:
    """Outward from the widest seeded slice, each slice stays within its inner neighbour grown by
    SLICE_GROWTH_MM and keeps only parts touching it; beyond the seeded slices it may not grow
    by more than POLE_AREA_GROWTH."""
    lo, hi = min(seed_slices), max(seed_slices)
    area = mask.sum(axis=(1, 2))
    centre = lo + int(np.argmax(area[lo: hi + 1]))
    grow = _disk(SLICE_GROWTH_MM, spacing[1:])[0]
    out = mask.copy()
    for ks, step in ((range(centre + 1, mask.shape[0]), -1), (range(centre - 1, -1, -1), 1)):
        for k in ks:
            # Two inner neighbours, so that one corrupted (motion, dropout) slice does not cut the rest.
            inners = [out[n] for n in (k + step, k + 2 * step) if 0 <= n < mask.shape[0]]
            inner = np.logical_or.reduce(inners)
            current = out[k] & ndimage.binary_dilation(inner, grow)
            labels, count = ndimage.label(current)
            if count:
                touching = np.unique(labels[inner & (labels > 0)])
                current = np.isin(labels, touching[touching > 0])
            # The brain narrows towards the poles, unless the inner slice itself collapsed (corrupted).
            reference = inners[0] if len(inners) == 1 or inners[0].sum() >= 0.5 * inners[1].sum() else inners[1]
            if not lo <= k <= hi and current.sum() > (1 + POLE_AREA_GROWTH) * reference.sum():
                current &= reference
            out[k] = current
    return out


def _fence(shape: tuple, spacing: np.ndarray, inside: list, outside: list) -> np.ndarray | None:
    """In-plane region the brain must stay in, from outside points that surround it: their convex
    hull grown by FENCE_MARGIN_MM, on every slice (the points are clicked around the brain where it
    is widest, so its other slices fit inside too). Without it, a whole-uterus field of view lets
    the brain's watershed flood the mother's tissue of similar intensity. None when fewer than 3
    outside points, or when they do not surround the inside points."""
    if len(outside) < 3:
        return None
    points = np.array([[p[1] * spacing[1], p[2] * spacing[2]] for p in outside], float)  # (j, i) mm
    try:
        hull = Delaunay(points)
    except (QhullError, ValueError):  # collinear or repeated points: no area
        return None
    centre = np.mean([[p[1] * spacing[1], p[2] * spacing[2]] for p in inside], axis=0)
    if hull.find_simplex(centre) < 0:
        return None
    jj, ii = np.meshgrid(np.arange(shape[0]) * spacing[1], np.arange(shape[1]) * spacing[2], indexing="ij")
    within = hull.find_simplex(np.stack([jj.ravel(), ii.ravel()], axis=1)).reshape(shape) >= 0
    return ndimage.binary_dilation(within, _disk(FENCE_MARGIN_MM, spacing[1:])[0])


def _segment(volume: np.ndarray, spacing: np.ndarray, inside: list, outside: list) -> np.ndarray:
    """Brain mask of a [0, 1] volume whose axis 0 is the slice axis; points are (k, j, i)."""
    k, j, i = np.ogrid[: volume.shape[0], : volume.shape[1], : volume.shape[2]]
    markers = np.zeros(volume.shape, np.int32)
    for face in ((0, -1), (slice(None), (0, -1)), (slice(None), slice(None), (0, -1))):
        markers[face] = BORDER
    sample = np.zeros(volume.shape, np.float32)

    def distance2(p: tuple) -> np.ndarray:
        return ((j[0] - p[1]) * spacing[1]) ** 2 + ((i[0] - p[2]) * spacing[2]) ** 2

    def in_slice(p: tuple, radius: float) -> np.ndarray:
        return distance2(p) <= radius**2

    for p in outside:
        markers[p[0]][in_slice(p, SEED_RADIUS_MM)] = OUTSIDE
    fence = _fence(volume.shape[1:], spacing, inside, outside)
    if fence is not None:
        markers[:, ~fence] = OUTSIDE
    for p in inside:
        d2 = distance2(p)
        sample[p[0]] += np.where(d2 <= (3 * STATS_SIGMA_MM) ** 2, np.exp(-d2 / (2 * STATS_SIGMA_MM**2)), 0)
        ball = ((k - p[0]) * spacing[0]) ** 2 + ((j - p[1]) * spacing[1]) ** 2 + ((i - p[2]) * spacing[2]) ** 2
        markers[ball <= SEED_RADIUS_MM**2] = BRAIN
    for p in inside:  # the clicked voxel itself, however coarse the grid
        markers[p] = BRAIN

    filtered = ndimage.median_filter(volume, size=(1, 3, 3))
    median, sd = _robust(filtered[sample > 0], sample[sample > 0])
    # A click often lands in a ventricle, whose bright wall would wall the seed in: tissue
    # around it seeds the brain as well.
    tissue = np.abs(filtered - median) <= TISSUE_SDS * sd
    for p in inside:
        near = in_slice(p, TISSUE_RADIUS_MM) & tissue[p[0]] & (markers[p[0]] != OUTSIDE)
        markers[p[0]][near] = BRAIN
    brain, labels = _watershed_pass((volume - median) / sd, spacing, markers)

    core = ndimage.binary_erosion(brain, _disk(CORE_MM, spacing[1:]))
    if core.sum() >= 100:
        median, sd = _robust(filtered[core])
        medians = np.full(volume.shape[0], median, np.float32)
        sds = np.full(volume.shape[0], sd, np.float32)
        for s in range(volume.shape[0]):
            if core[s].sum() >= 50:
                medians[s], sds[s] = _robust(filtered[s][core[s]])
        if volume.shape[0] >= SLICE_MEDIAN:
            medians = ndimage.median_filter(medians, SLICE_MEDIAN, mode="nearest")
            sds = ndimage.median_filter(sds, SLICE_MEDIAN, mode="nearest")
        u = (volume - medians[:, None, None]) / sds[:, None, None]
        second = markers.copy()
        second[core & (np.abs(ndimage.median_filter(u, size=(1, 3, 3))) <= CORE_MARKER_SDS) & (markers == 0)] = BRAIN
        brain, labels = _watershed_pass(u, spacing, second)

    brain = _nest(brain, spacing, [p[0] for p in inside])
    seeds = markers == BRAIN
    brain = ndimage.binary_opening(brain, _disk(OPEN_MM, spacing[1:])) | seeds
    brain = _fill_slices(_keep_seeded(brain, seeds))
    brain |= ndimage.binary_closing(brain, _disk(CLOSE_MM, spacing[1:]))
    brain = ndimage.binary_fill_holes(_fill_slices(brain))
    return _keep_seeded(brain & (labels != OUTSIDE), seeds)


def _work_steps(shape: tuple, spacing: np.ndarray) -> np.ndarray:
    """Block sizes that bring the volume under MAX_WORK_VOXELS, coarsening the finest axis first."""
    steps = np.ones(3, int)
    while np.prod(-(-np.array(shape) // steps)) > MAX_WORK_VOXELS:
        steps[int(np.argmin(spacing * steps))] += 1
    return steps


def _block_mean(volume: np.ndarray, steps: np.ndarray) -> np.ndarray:
    padded_shape = -(-np.array(volume.shape) // steps) * steps
    padded = np.pad(volume, [(0, p - n) for p, n in zip(padded_shape, volume.shape)], mode="edge")
    blocks = padded.reshape(padded_shape[0] // steps[0], steps[0], padded_shape[1] // steps[1], steps[1],
                            padded_shape[2] // steps[2], steps[2])
    return blocks.mean(axis=(1, 3, 5))


def _upsample(mask: np.ndarray, steps: np.ndarray, shape: tuple) -> np.ndarray:
    fine = ndimage.zoom(mask.astype(np.float32), steps, order=1, mode="nearest", grid_mode=True)
    return _fill_slices(fine[: shape[0], : shape[1], : shape[2]] >= 0.5)


def _check_points(points: Sequence[Sequence[int]], size: tuple, what: str) -> list[tuple[int, int, int]]:
    checked = []
    for p in points:
        p = tuple(int(v) for v in p)
        if len(p) != 3 or any(v < 0 or v >= n for v, n in zip(p, size)):
            raise RRLSRNError(f"the {what} point {p} (i, j, k) lies outside the image of size {tuple(size)}.")
        checked.append(p)
    return checked


def brain_mask_from_seeds(image: sitk.Image, inside_ijk: Sequence[Sequence[int]],
                          outside_ijk: Sequence[Sequence[int]] = ()) -> sitk.Image:
    """uint8 mask (1 = brain) on the image's grid (CopyInformation from image). Seeds are voxel
    indices (i, j, k) in SimpleITK/ITK index order (x fastest), i.e. numpy ``array[k, j, i]``;
    the volume border always counts as outside. The image's spacing is used as given."""
    if image.GetDimension() != 3 or image.GetNumberOfComponentsPerPixel() != 1:
        raise RRLSRNError(f"brain masking needs a scalar 3D image, not a {image.GetDimension()}D image "
                          f"with {image.GetNumberOfComponentsPerPixel()} components per voxel.")
    size = image.GetSize()
    inside = _check_points(inside_ijk, size, "inside")
    if not inside:
        raise RRLSRNError("give at least one point inside the brain.")
    outside = _check_points(outside_ijk, size, "outside")

    array = np.nan_to_num(sitk.GetArrayFromImage(image).astype(np.float32))
    spacing = np.array(image.GetSpacing()[::-1], float)
    # Slices across the coarsest axis (numpy axis 0, i.e. k, on ties).
    slice_axis = int(np.argmax(spacing))
    order = [slice_axis] + [a for a in range(3) if a != slice_axis]
    volume = np.transpose(array, order)
    spacing = spacing[order]
    volume = np.clip(Normalisation.fit(volume).apply(volume), 0, 1)

    steps = _work_steps(volume.shape, spacing)

    def working(p: tuple) -> tuple[int, int, int]:
        kji = (p[2], p[1], p[0])
        return tuple(kji[a] // int(s) for a, s in zip(order, steps))

    inside_w, outside_w = [working(p) for p in inside], [working(p) for p in outside]
    if np.all(steps == 1):
        mask = _segment(volume, spacing, inside_w, outside_w)
    else:
        mask = _upsample(_segment(_block_mean(volume, steps), spacing * steps, inside_w, outside_w),
                         steps, volume.shape)
    if not mask.any():
        raise RRLSRNError("the brain mask came out empty; place the points well inside the brain.")
    out = sitk.GetImageFromArray(np.transpose(mask, np.argsort(order)).astype(np.uint8))
    out.CopyInformation(image)
    return out


def simulated_clicks(reference: np.ndarray, spacing: Sequence[float]) -> tuple[list, list]:
    """Where a user would click on a brain whose reference mask is known (arrays [k, j, i]), for
    evaluating the brain mask: as (i, j, k), ≤5 points deep inside the brain spread over its
    slices, and 8 points around it in the skull/fluid ring 5–7 mm outside, on its widest slice."""
    area = reference.sum(axis=(1, 2))
    ks = np.nonzero(area)[0]
    kc = int(np.argmax(area))
    depth = ndimage.distance_transform_edt(reference, sampling=tuple(spacing)[::-1])
    inside = []
    for k in dict.fromkeys([kc, (kc + ks.min()) // 2, (kc + ks.max()) // 2, (3 * kc + ks.min()) // 4,
                            (3 * kc + ks.max()) // 4]):
        j, i = np.unravel_index(np.argmax(depth[k]), depth[k].shape)
        inside.append((int(i), int(j), int(k)))
    away = ndimage.distance_transform_edt(~reference[kc], sampling=tuple(spacing)[1::-1])
    ring = np.argwhere((away > 5) & (away < 7))
    cj, ci = np.argwhere(reference[kc]).mean(axis=0)
    angle = np.arctan2(ring[:, 0] - cj, ring[:, 1] - ci)
    outside = []
    for a in np.linspace(-np.pi, np.pi, 8, endpoint=False):
        j, i = ring[np.argmin(np.abs(np.angle(np.exp(1j * (angle - a)))))]
        outside.append((int(i), int(j), kc))
    return inside, outside
