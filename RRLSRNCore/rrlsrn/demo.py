"""rrlsrn demo: the whole pipeline on a real brain MRI that ships inside a PyPI package.

The MNI152 2009 T1 template in the nilearn wheel (1 mm, adult, skull-stripped) is the
high-resolution truth. Its axial slices are k-space truncated to half the in-plane matrix
(a lower-resolution acquisition of the same field of view), written as a low-resolution
volume with its exact grid, super-resolved ×2 by upscale_image with the shipped model,
compared with cubic spline, and scored against the truth with the evaluation protocol
(rrlsrn.evaluation.protocol_text).
"""
from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import SimpleITK as sitk
import torch

from . import io
from .degrade import cubic_spline_upsample, kspace_downsample
from .errors import RRLSRNError
from .evaluation import EvalSettings, plot_figure, protocol_text, region_masks, score, select_slices, write_results
from .geometry import Grid
from .inference import UpscaleSettings, upscale_image
from .runner import resolve_device
from .intensity import Normalisation
from .weights import load_model, shipped_weights


def mni152() -> sitk.Image:
    """The MNI152 T1 template as a SimpleITK image (nibabel's RAS affine turned into LPS)."""
    try:
        from nilearn.datasets import load_mni152_template
    except ImportError:
        raise RRLSRNError("the demo needs nilearn (pip install nilearn), which ships the MNI152 template.") from None
    nifti = load_mni152_template(resolution=1)
    affine = np.diag([-1.0, -1.0, 1.0, 1.0]) @ nifti.affine  # RAS → LPS
    spacing = np.linalg.norm(affine[:3, :3], axis=0)
    array = np.asarray(nifti.get_fdata(), np.float32)
    image = sitk.GetImageFromArray(np.ascontiguousarray(array.transpose(2, 1, 0)))  # nibabel is [i, j, k]
    image.SetSpacing(tuple(float(s) for s in spacing))
    image.SetOrigin(tuple(float(v) for v in affine[:3, 3]))
    image.SetDirection(tuple(float(v) for v in (affine[:3, :3] / spacing).ravel()))
    return image


def low_resolution(hr: sitk.Image) -> sitk.Image:
    """Each axial (k) slice k-space truncated to half its matrix, on the grid whose ×2 in-plane
    upsampling is exactly the HR grid (origin moved by half an HR voxel in i and j)."""
    array = sitk.GetArrayFromImage(hr)
    array = array[:, : array.shape[1] // 2 * 2, : array.shape[2] // 2 * 2]
    lr = kspace_downsample(torch.from_numpy(array)).numpy()
    grid = Grid.of(hr)
    origin = grid.index_to_lps((0.5, 0.5, 0.0))
    image = sitk.GetImageFromArray(np.clip(lr, 0, None))
    image.SetSpacing((grid.spacing[0] * 2, grid.spacing[1] * 2, grid.spacing[2]))
    image.SetOrigin(tuple(origin))
    image.SetDirection(grid.direction)
    return image


OUTPUTS = ("hr.nii.gz", "lr.nii.gz", "cubic_spline_x2.nii.gz", "rrlsrn_x2.nii.gz", "metrics.csv", "results.json",
           "summary.md", "figure.png")
DEMO_PROTOCOL = ("HR: the MNI152 2009 T1 template (nilearn, 1 mm). LR: each axial slice k-space truncated to half its "
                 "matrix (2 mm in-plane), written as a volume on its exact grid and super-resolved ×2 with the shipped "
                 "RRLSRN weights through `upscale_image` (the volume path), the cubic spline on the same grid; both "
                 "scored against HR in HR-normalised intensities. Scoring: ")


def run_demo(out: Path, device: str = "auto", max_slices: int | None = 60, overwrite: bool = False,
             command: str = "rrlsrn demo") -> dict:
    """Write hr/lr/cubic-spline/RRLSRN volumes, the report (rrlsrn.evaluation.write_results) and a
    figure into ``out`` (existing demo results there are replaced only with ``overwrite``, as
    ``upscale`` does); ``command`` is what the report records."""
    if out.exists() and not out.is_dir():
        raise RRLSRNError(f"{out} is a file; give a folder for the demo's results.")
    present = [name for name in OUTPUTS if (out / name).exists()]
    if present and not overwrite:
        raise RRLSRNError(f"{out} already holds demo results ({', '.join(present[:3])}…); pass --overwrite to "
                          "replace them, or choose another --out.")
    out.mkdir(parents=True, exist_ok=True)
    hr = mni152()
    lr = low_resolution(hr)
    hr = sitk.RegionOfInterest(hr, [2 * n for n in lr.GetSize()[:2]] + [lr.GetSize()[2]], [0, 0, 0])
    model = load_model(shipped_weights("rrlsrn"))
    started = time.perf_counter()
    sr = upscale_image(lr, model, UpscaleSettings(device=device, slice_axis="k"))
    seconds = time.perf_counter() - started
    lr_array = sitk.GetArrayFromImage(lr)
    spline = Grid.of(sr).apply_to(sitk.GetImageFromArray(cubic_spline_upsample(lr_array, 2)))
    paths = {}
    for name, image in (("hr", hr), ("lr", lr), ("cubic_spline_x2", spline), ("rrlsrn_x2", sr)):
        paths[name] = io.write_volume(image, out / f"{name}.nii.gz")

    settings = EvalSettings(degradation="kspace", max_slices=max_slices)
    norm = Normalisation.fit(sitk.GetArrayFromImage(hr))
    truth = norm.apply(sitk.GetArrayFromImage(hr))
    keep = select_slices(truth, settings)
    masks = region_masks(truth[keep], settings.region)
    records, outputs = [], {}
    for name, image in (("cubic spline", spline), ("RRLSRN", sr)):
        pred = norm.apply(sitk.GetArrayFromImage(image))[keep]
        psnr, ssim = score(pred, truth[keep], masks)
        records.append({"volume": "MNI152 T1 (nilearn)", "method": name, "psnr": float(psnr.mean()),
                        "ssim": float(ssim.mean()), "slices": len(keep)})
        mid = len(keep) // 2
        outputs[name] = (pred[mid], float(psnr[mid]), float(ssim[mid]))
    example = {"volume": "MNI152 T1, axial slice", "hr": truth[keep][len(keep) // 2],
               "lr": norm.apply(lr_array)[keep][len(keep) // 2], "outputs": outputs}
    plot_figure(example, out / "figure.png", 2)
    on = resolve_device(device)
    write_results(out, "RRLSRN demo", command, DEMO_PROTOCOL + protocol_text(settings),
                  {**asdict(settings), "device": str(on)}, records,
                  f"RRLSRN took {seconds:.1f} s on {on}; {len(keep)} axial slices scored.")
    return {"paths": paths, "records": records, "seconds": seconds, "lr": lr, "sr": sr}
