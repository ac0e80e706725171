"""``rrlsrn evaluate-through-plane``: thick slices simulated from isotropic volumes, restored, scored.

Protocol (also written into every ``summary.md``):
1. Each isotropic volume is normalised as in ``rrlsrn evaluate`` (0.5th percentile → 0, 99.5th
   percentile of the voxels above it → 1) and cut along the slice axis (index axis k) to a
   multiple of the ratio ``r``. To bound the cost it is cropped to its tissue box (> 0.05, plus
   8 voxels) and to a slab of ``slab`` planes across index axis j around the tissue centre.
2. Thick slices: every ``r`` voxels along k, the volume measured with the true slice profile
   (Gaussian of FWHM = thickness, or rectangular) of thickness ``r × thickness_factor`` voxels
   (< 1: gaps between slices; :func:`rrlsrn.slice_profile.thick_slices`).
3. Methods restore the ``n/r`` thick slices onto the ``n`` original positions: cubic B-spline
   along k, alone and followed by the consistency step (what the projection alone gives); the
   through-plane model (:func:`rrlsrn.through_plane.restore_volume`, with the
   *assumed* profile and thickness, which differ from the true ones in mismatch experiments),
   with and without the consistency step, and optionally first adapted for a fixed time to the
   thick stack's own slices (:mod:`rrlsrn.adapt`); and, for r = 2, 4, 8, the in-plane ×r model applied
   naively to the (k, i) planes, then averaged back over i by blocks of r.
4. Scored on the planes across j of the slab (each contains the slice axis) with at least
   ``min_tissue`` tissue: outputs and truth clipped to [0, 1], PSNR and SSIM as ``rrlsrn
   evaluate`` (scikit-image, data range 1) over the brain region (truth > 0.05, holes filled,
   per plane). Per volume: mean over planes; across volumes as ``rrlsrn evaluate``
   (:func:`rrlsrn.evaluation.summarise`: the SD from 2 volumes, the 95 % t-CI from 3).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import SimpleITK as sitk
from torch import nn

from . import io, slice_profile
from .adapt import adapt
from .evaluation import per_volume_table, region_masks, write_results
from .metrics import score
from .intensity import TISSUE, Normalisation
from .runner import super_resolve_slices
from .through_plane import restore_volume

Restorer = Callable[[np.ndarray, int], np.ndarray]  # (A, B, n/r) thick volume, r → (A, B, n)


@dataclass
class ThroughPlaneEvalSettings:
    """The protocol's free choices (see the module docstring)."""

    ratio: int = 4
    profile: str = "gaussian"
    thickness_factor: float = 1.0
    assumed_profile: str | None = None  # None: the true one
    assumed_thickness_factor: float | None = None  # None: the true one
    slab: int = 48
    min_tissue: float = 0.2

    @property
    def assumed(self) -> tuple[str, float]:
        return (self.assumed_profile or self.profile,
                self.thickness_factor if self.assumed_thickness_factor is None else self.assumed_thickness_factor)


def prepared_volume(path: Path | str, settings: ThroughPlaneEvalSettings) -> tuple[np.ndarray, float]:
    """The normalised truth ``(A=j, B=i, n=k)`` (slice axis last) after the crops, and its k spacing."""
    image = io.read_data_volume(path)
    array = sitk.GetArrayFromImage(image).astype(np.float32)  # [k, j, i]
    array = Normalisation.fit(array).apply(array)
    tissue = np.argwhere(array > TISSUE)
    lo, hi = np.maximum(tissue.min(0) - 8, 0), np.minimum(tissue.max(0) + 9, array.shape)
    array = array[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]]
    centre = int(np.round(np.argwhere(array > TISSUE)[:, 1].mean()))
    j0 = int(np.clip(centre - settings.slab // 2, 0, max(array.shape[1] - settings.slab, 0)))
    array = array[:, j0:j0 + settings.slab]
    n = array.shape[0] // settings.ratio * settings.ratio
    return np.ascontiguousarray(np.transpose(array[:n], (1, 2, 0))), image.GetSpacing()[2]


def model_restorer(model: nn.Module, settings: ThroughPlaneEvalSettings, consistency: bool = True,
                   device="cpu", adapt_seconds: float = 0.0) -> Restorer:
    """The through-plane model as ``rrlsrn upscale --through-plane`` runs it, told the assumed
    profile and thickness; with ``adapt_seconds``, first fine-tuned on the thick stack's own slices."""
    profile, factor = settings.assumed

    def restore(thick: np.ndarray, r: int) -> np.ndarray:
        tuned = adapt(model, thick, r, r * factor, profile, adapt_seconds, device) if adapt_seconds > 0 else model
        return restore_volume(thick, tuned, thick.shape[-1] * r, r * factor, profile, consistency, device)
    return restore


def naive_in_plane_restorer(model: nn.Module, device="cpu") -> Restorer:
    """The in-plane ×r model on the (i, k) planes, then the i axis averaged back by blocks of r."""
    def restore(thick: np.ndarray, r: int) -> np.ndarray:
        out = super_resolve_slices(model, thick, device)  # (A, r·B, r·n)
        a, rb, rn = out.shape
        return out.reshape(a, rb // r, r, rn).mean(axis=2)
    return restore


def evaluate_volume(path: Path | str, methods: dict[str, Restorer], settings: ThroughPlaneEvalSettings,
                    examples: dict | None = None) -> list[dict]:
    """Per-method PSNR/SSIM of one volume; ``examples`` (if given) gets the middle plane of each."""
    truth, spacing = prepared_volume(path, settings)
    r = settings.ratio
    thick = slice_profile.thick_slices(truth, truth.shape[-1] // r, r * settings.thickness_factor, settings.profile)
    masks = region_masks(truth, "brain")
    keep = masks.mean(axis=(1, 2)) >= settings.min_tissue
    records = []
    name = Path(path).name
    for method, restore in methods.items():
        out = restore(thick, r)
        psnr, ssim = score(out[keep], truth[keep], masks[keep])
        records.append({"volume": name, "method": method, "psnr": float(np.mean(psnr)), "ssim": float(np.mean(ssim)),
                        "planes": int(keep.sum()), "slice_mm": round(r * spacing, 3)})
        if examples is not None:
            mid = int(np.flatnonzero(keep)[keep.sum() // 2])
            examples.setdefault("truth", truth[mid])
            examples.setdefault("thick", np.repeat(thick[mid], r, axis=-1))
            examples[method] = (out[mid], float(np.mean(psnr)))
    return records


def protocol_text(settings: ThroughPlaneEvalSettings) -> str:
    profile, factor = settings.assumed
    gap = "" if settings.thickness_factor == 1 else f" (thickness {settings.thickness_factor:g} × spacing)"
    assumed = ("the same profile assumed" if (profile, factor) == (settings.profile, settings.thickness_factor)
               else f"assumed by the model: {profile}, thickness {factor:g} × spacing (a mismatch)")
    return (f"×{settings.ratio} through-plane: every {settings.ratio} voxels along k, a {settings.profile} slice "
            f"profile{gap}; {assumed}; slab of {settings.slab} planes across j, planes with ≥ "
            f"{settings.min_tissue:.0%} tissue scored, brain region (truth > 0.05, holes filled).")


def plot_examples(examples: dict, path: Path, title: str) -> Path:
    """The middle scored plane (it contains the slice axis, drawn vertically): truth, the thick
    slices (nearest), each method with its PSNR."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [("truth", examples["truth"], None), ("thick slices", examples["thick"], None)]
    panels += [(name, *value) for name, value in examples.items() if name not in ("truth", "thick")]
    fig, axes = plt.subplots(1, len(panels), figsize=(2.4 * len(panels), 3.4))
    for ax, (name, image, psnr) in zip(axes, panels):
        ax.imshow(np.clip(image, 0, 1).T, cmap="gray", vmin=0, vmax=1, origin="lower")
        ax.set_title(name if psnr is None else f"{name}\n{psnr:.2f} dB (volume)", fontsize=8)
        ax.axis("off")
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    with io.atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=90, format="png")
    plt.close(fig)
    return path


def write_report(paths: list[Path], methods: dict[str, Restorer], settings: ThroughPlaneEvalSettings, out: Path,
                 command: str, progress: Callable[[int, int], None] | None = None) -> dict:
    """Score every volume; the report of :func:`rrlsrn.evaluation.write_results` (metrics.csv,
    results.json, summary.md) with the per-volume table, and figure.png."""
    records, examples = [], {}
    for n, path in enumerate(paths):
        records += evaluate_volume(path, methods, settings, examples if n == 0 else None)
        if progress:
            progress(n + 1, len(paths))
    report = write_results(out, "Through-plane evaluation", command, protocol_text(settings), asdict(settings), records,
                           f"Per volume, PSNR (dB) / SSIM:\n\n{per_volume_table(records)}")
    plot_examples(examples, out / "figure.png", f"{Path(paths[0]).name}: {protocol_text(settings).split(';')[0]}")
    return report
