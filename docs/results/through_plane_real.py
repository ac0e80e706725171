"""Through-plane restoration on real thick-slice stacks, which have no isotropic truth.

    python docs/results/through_plane_real.py [WEIGHTS] > docs/results/through_plane/real.md

1. Left-out slices: every other slice of a stack is dropped (spacing 2s, thickness s: a 50 % gap),
   the kept ones are restored ×2 onto the positions of the original slices, and the dropped
   slices are scored against their prediction (PSNR/SSIM in the brain mask, per slice, as
   ``rrlsrn evaluate``; intensities normalised per stack as everywhere).
2. Consistency: the stack restored ×4 without the consistency step, measured again with its slice
   profile (Gaussian, thickness = spacing), against the input (RMS in [0, 1] units; with the step
   it is exact by construction).
3. Time: ``rrlsrn upscale IN -o OUT --through-plane 4`` per dev stack on this machine (median of 3).
4. Figure: orthogonal views of the first dev stack, input (nearest) and ×4 output.
Stacks: the four clinical dev stacks (never trained on) and fetal_haste runs 5–6 (validation).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import SimpleITK as sitk
from scipy import ndimage

from rrlsrn import io, slice_profile
from rrlsrn.metrics import score
from rrlsrn.intensity import Normalisation
from rrlsrn.through_plane import restore_volume
from rrlsrn.weights import load_model, shipped_weights

DATA = Path(os.environ.get("RRLSRN_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
DEV = sorted((DATA / "fetal_stacks_dev").glob("Pat*_Spac*[0-9].nii.gz"))
HASTE = [DATA / "fetal_haste" / f"sub-01_run-{r}_T2w.nii.gz" for r in (5, 6)]
OUT = Path(__file__).resolve().parent / "through_plane"


def stack_and_mask(path: Path) -> tuple[np.ndarray, np.ndarray, sitk.Image]:
    """Normalised stack and brain mask, (A=j, B=i, n=k) with the slice axis last."""
    dev = "Spac" in path.name
    image = io.read_volume(path, spacing_in_name=dev)
    mask_path = Path(str(path).replace(".nii.gz", "_brainparts.nii.gz" if dev else "_brainmask.nii.gz"))
    mask = sitk.GetArrayFromImage(sitk.ReadImage(str(mask_path))) > 0
    mask = np.stack([ndimage.binary_fill_holes(m) for m in mask])  # hemispheres + cerebellum → brain
    array = sitk.GetArrayFromImage(image).astype(np.float32)
    array = Normalisation.fit(array).apply(array)
    return np.transpose(array, (1, 2, 0)), np.transpose(mask, (1, 2, 0)), image


def left_out(path: Path, model) -> dict[str, tuple[float, float, int]]:
    """Per method: PSNR, SSIM over the dropped slices with brain, and how many were scored."""
    volume, mask, _ = stack_and_mask(path)
    kept = volume[..., ::2]
    m = 2 * kept.shape[-1]
    shift = 0.25  # fine sample 2p sits on kept slice p, 2p + 1 on the dropped slice between
    methods = {
        "cubic B-spline": lambda: slice_profile.interpolate(kept, m, shift),
        "cubic B-spline + consistency": lambda: slice_profile.enforce_consistency(
            slice_profile.interpolate(kept, m, shift), kept, 1.0, "gaussian", shift),
        "RRLSRN through-plane + consistency": lambda: restore_volume(kept, model, m, 1.0, "gaussian", True,
                                                                       shift=shift),
        "RRLSRN through-plane (default: no consistency)": lambda: restore_volume(kept, model, m, 1.0, "gaussian",
                                                                                   False, shift=shift),
    }
    dropped = np.arange(1, volume.shape[-1], 2)
    with_brain = [q for q in dropped if mask[..., q].mean() > 0.01]
    truth = np.moveaxis(volume[..., with_brain], -1, 0)
    masks = np.moveaxis(mask[..., with_brain], -1, 0)
    results = {}
    for name, run in methods.items():
        pred = np.moveaxis(run()[..., with_brain], -1, 0)
        psnr, ssim = score(pred, truth, masks)
        results[name] = (float(np.mean(psnr)), float(np.mean(ssim)), len(with_brain))
    return results


def consistency_error(path: Path, model) -> float:
    volume, _, _ = stack_and_mask(path)
    n = volume.shape[-1]
    out = restore_volume(volume, model, 4 * n, 4.0, "gaussian", False)
    return float(np.sqrt(np.mean((slice_profile.thick_slices(out, n, 4.0, "gaussian") - volume) ** 2)))


def upscale_x4(path: Path, output: str, weights: str | None) -> None:
    """``rrlsrn upscale PATH --spacing-from-name -o OUTPUT --through-plane 4`` in a child, as a user runs it."""
    command = [sys.executable, "-m", "rrlsrn", "upscale", str(path), "--spacing-from-name", "-o", output,
               "--through-plane", "4", "-q"]
    subprocess.run(command + (["--through-plane-weights", weights] if weights else []), check=True)


def cli_seconds(path: Path, weights: str | None, repeats: int = 3) -> float:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(repeats):
            t0 = time.perf_counter()
            upscale_x4(path, f"{tmp}/{r}.nii.gz", weights)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def figure(path: Path, weights: str | None) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with tempfile.TemporaryDirectory() as tmp:
        upscale_x4(path, f"{tmp}/x4.nii.gz", weights)
        restored = sitk.ReadImage(f"{tmp}/x4.nii.gz")
    original = io.read_volume(path, spacing_in_name=True)
    nearest = sitk.Resample(original, restored, sitk.Transform(), sitk.sitkNearestNeighbor)
    spline = sitk.Resample(original, restored, sitk.Transform(), sitk.sitkBSpline)
    views = [("input (nearest)", nearest), ("cubic B-spline", spline), ("RRLSRN ×4 through-plane", restored)]
    fig, axes = plt.subplots(2, 3, figsize=(9, 6.4))
    spacing = restored.GetSpacing()
    for col, (name, image) in enumerate(views):
        a = sitk.GetArrayFromImage(image)  # [k, j, i]
        lo, hi = np.percentile(a, (0.5, 99.5))
        coronal, sagittal = a[:, a.shape[1] // 2, :], a[:, :, a.shape[2] // 2]
        axes[0, col].imshow(coronal, cmap="gray", vmin=lo, vmax=hi, origin="lower", aspect=spacing[2] / spacing[0])
        axes[1, col].imshow(sagittal, cmap="gray", vmin=lo, vmax=hi, origin="lower", aspect=spacing[2] / spacing[1])
        axes[0, col].set_title(name, fontsize=9)
    for ax in axes.ravel():
        ax.axis("off")
    fig.suptitle(f"{path.name}: planes across the slices (slice axis vertical)", fontsize=9)
    fig.tight_layout()
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "dev_orthogonal.png"
    fig.savefig(target, dpi=90)
    plt.close(fig)
    return target


def main() -> None:
    weights = sys.argv[1] if len(sys.argv) > 1 else None
    model = load_model(weights or shipped_weights("through_plane"))
    print("## Left-out slices (every other slice dropped, restored ×2; PSNR dB / SSIM in the brain)\n")
    rows = {p.name: left_out(p, model) for p in DEV + HASTE}
    methods = list(next(iter(rows.values())))
    print("| stack | slices scored | " + " | ".join(methods) + " |")
    print("|---|---|" + "---|" * len(methods))
    for name, result in rows.items():
        print(f"| {name} | {next(iter(result.values()))[2]} | "
              + " | ".join(f"{p:.2f} / {s:.4f}" for p, s, _ in result.values()) + " |")
    for group, names in (("dev stacks", [p.name for p in DEV]), ("fetal_haste runs 5–6", [p.name for p in HASTE])):
        means = [np.mean([rows[n][m][0] for n in names]) for m in methods]
        print(f"| mean, {group} | | " + " | ".join(f"{v:.2f}" for v in means) + " |")
    print("\n## Consistency and time (×4, dev stacks)\n")
    print("| stack | re-measured − input, RMS, without the consistency step | `rrlsrn upscale --through-plane 4`, s (median of 3) |")
    print("|---|---|---|")
    for path in DEV:
        print(f"| {path.name} | {consistency_error(path, model):.4f} | {cli_seconds(path, weights):.1f} |")
    print(f"\nFigure: {figure(DEV[0], weights).relative_to(OUT.parent.parent.parent)}")


if __name__ == "__main__":
    main()
