"""The extension's catalog screenshot: the RRLSRN module's result on a real fetal stack.

Run from the repository root (under a minute on a 2-core CPU: the super-resolution took 19 s on an
idle machine, 38 s on a busy one; add ``OMP_NUM_THREADS=1`` in front when it is busy)::

    .venv/bin/python docs/figures/slicer_result.py

It writes ``docs/figures/slicer_result.png`` (the ``EXTENSION_SCREENSHOTURLS`` of the top-level
CMakeLists.txt) and prints the slice shown, the clicks, the Dice of the brain segment and the
super-resolution time.

Data read: ``../shared/data/fetal_haste/sub-01_run-6_T2w.nii.gz`` and its manual mask
``sub-01_run-6_T2w_brainmask.nii.gz`` (``$RRLSRN_SHARED_DATA/fetal_haste/`` when set; another
stack with ``--stack``): a clinical fetal T2 HASTE stack (Siemens Aera 1.5 T), 320×320×22 at
1.125×1.125 mm in-plane and 3.3 mm slices, from the MIAL super-resolution toolkit's sample BIDS
data set, licensed CC0 (its ``dataset_description.json``). Run 6 is in the validation split: the
shipped weights never saw it (runs 1–4 of the same fetus are in the training split).

What runs is the module's own Qt-free Logic (``RRLSRNLib.RRLSRNLogic``) on slicer-core's MRML
scene, as the Slicer module does: markup points inside and outside the brain →
``create_brain_mask`` (a segmentation node) → ``super_resolve`` (×2, the default weights, CPU)
→ a new volume node. The inside points are the deepest points of the manual mask on five slices
and the outside points lie 5–7 mm outside it on the slice where it is widest, as a user would
click; the manual mask serves for nothing else but the Dice. The figure shows the acquired slice
where the segment is widest, laid out as Slicer's nearest standard view shows it (patient right
on screen left), the input and the output over the same physical field of view.
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from PIL import Image  # noqa: E402  (matplotlib's own dependency)

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("RRLSRN_SHARED_DATA", REPO.parent / "shared" / "data"))
sys.path.insert(0, str(REPO / "RRLSRNExtension" / "RRLSRN"))

import slicer  # noqa: E402  (slicer-core)
import vtk  # noqa: E402

from RRLSRNLib import RRLSRNLogic, SuperResolutionSettings  # noqa: E402
from RRLSRNLib.headless import markups_from_ijk, new_scene  # noqa: E402
from rrlsrn.brainmask import simulated_clicks  # noqa: E402  (the core RRLSRNLib put on the path)

STACK = "sub-01_run-6_T2w"
DPI = 110  # 10 inches wide: 1100 px
LINES = {"segment": "#ffa000", "zoom": "#40c0ff"}


def palette() -> Image.Image:
    """A PNG palette of grey levels plus the line colours: a small file that keeps the colours."""
    colours = [tuple(int(c[n:n + 2], 16) for n in (1, 3, 5)) for c in LINES.values()]
    greys = [(v, v, v) for v in np.linspace(0, 255, 256 - len(colours)).round().astype(int)]
    image = Image.new("P", (1, 1))
    image.putpalette([x for rgb in greys + colours for x in rgb])
    return image


def screen_orientation(volume):
    """How to lay an acquired (k) slice on screen as Slicer's nearest view (axial, sagittal or coronal,
    patient right on screen left) shows it after "Rotate to volume plane": (transpose, flip rows,
    flip columns) for arrays indexed [j, i]."""
    directions = vtk.vtkMatrix4x4()
    volume.GetIJKToRASDirectionMatrix(directions)
    ijk = np.array([[directions.GetElement(r, c) for c in range(3)] for r in range(3)])  # columns: i, j, k in RAS
    best = None
    for name in ("Axial", "Sagittal", "Coronal"):
        preset = vtk.vtkMatrix3x3()
        getattr(slicer.vtkMRMLSliceNode, f"Get{name}SliceToRASMatrix")(preset, True)
        view = np.array([[preset.GetElement(r, c) for c in range(3)] for r in range(3)])  # screen right, up, normal
        if best is None or abs(view[:, 2] @ ijk[:, 2]) > abs(best[:, 2] @ ijk[:, 2]):
            best = view
    right, up = best[:, 0], best[:, 1]
    transpose = abs(ijk[:, 1] @ right) > abs(ijk[:, 0] @ right)  # j, not i, runs across the screen
    across, down = (ijk[:, 1], ijk[:, 0]) if transpose else (ijk[:, 0], ijk[:, 1])
    return transpose, bool(down @ up > 0), bool(across @ right < 0)


def on_screen(image: np.ndarray, orientation) -> np.ndarray:
    transpose, flip_rows, flip_cols = orientation
    image = image.T if transpose else image
    return image[::-1 if flip_rows else 1, ::-1 if flip_cols else 1]


def show(ax, image, spacing, window, title, box=None, interpolation="nearest"):
    """One slice at its physical size: x and y in mm from the corner of the field of view."""
    h, w = image.shape
    ax.imshow(image, cmap="gray", vmin=window[0], vmax=window[1], interpolation=interpolation,
              extent=(0, w * spacing[0], h * spacing[1], 0))
    if box is not None:
        ax.set_xlim(box[0], box[1])
        ax.set_ylim(box[3], box[2])
    ax.set_title(title, fontsize=10.5)
    ax.set_xticks([])
    ax.set_yticks([])


def outline(ax, mask, spacing, **style):
    """The segment's outline in the same mm coordinates (voxel centres at (n + ½)·spacing)."""
    h, w = mask.shape
    ax.contour((np.arange(w) + 0.5) * spacing[0], (np.arange(h) + 0.5) * spacing[1], mask.astype(float),
               [0.5], **style)


def screen_spacing(spacing, orientation) -> tuple[float, float]:
    """(column, row) spacing in mm of a slice laid out by :func:`on_screen`."""
    return (spacing[1], spacing[0]) if orientation[0] else (spacing[0], spacing[1])


def point_on_screen(i, j, shape, spacing, orientation) -> tuple[float, float]:
    """Where voxel (i, j) of a [j, i] slice of ``shape`` lies, in the mm coordinates of :func:`show`."""
    transpose, flip_rows, flip_cols = orientation
    (row, col), (rows, cols) = ((i, j), shape[::-1]) if transpose else ((j, i), shape)
    row, col = (rows - 1 - row if flip_rows else row), (cols - 1 - col if flip_cols else col)
    sx, sy = screen_spacing(spacing, orientation)
    return (col + 0.5) * sx, (row + 0.5) * sy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", type=Path, default=SHARED_DATA / "fetal_haste" / f"{STACK}.nii.gz")
    parser.add_argument("-o", "--output", type=Path, default=Path(__file__).with_suffix(".png"))
    args = parser.parse_args()
    manual_path = Path(str(args.stack).replace(".nii.gz", "_brainmask.nii.gz"))
    if not args.stack.exists() or not manual_path.exists():
        sys.exit(f"{args.stack} or its _brainmask is missing (set RRLSRN_SHARED_DATA)")
    name = args.stack.name.replace(".nii.gz", "")

    scene = new_scene()
    logics = scene.logics
    volume = logics["volumes"].AddArchetypeVolume(str(args.stack), name, 0)
    volume.CreateDefaultDisplayNodes()
    manual_node = logics["volumes"].AddArchetypeVolume(str(manual_path), "manual brain mask", 1)
    manual = slicer.util.arrayFromVolume(manual_node) > 0  # [k, j, i]
    spacing = np.array(volume.GetSpacing())
    inside, outside = simulated_clicks(manual, spacing)

    logic = RRLSRNLogic(scene)
    segmentation, segment_id = logic.create_brain_mask(
        volume, markups_from_ijk(scene, volume, inside, "inside"), markups_from_ijk(scene, volume, outside, "outside"))
    brain = slicer.util.arrayFromSegmentBinaryLabelmap(segmentation, segment_id, volume) > 0
    dice = 2 * (brain & manual).sum() / (brain.sum() + manual.sum())

    start = time.perf_counter()
    output = logic.super_resolve(volume, SuperResolutionSettings(device="cpu"),
                                 segmentation_node=segmentation, segment_id=segment_id)
    seconds = time.perf_counter() - start
    out_spacing = np.array(output.GetSpacing())
    assert np.allclose(out_spacing, spacing * (0.5, 0.5, 1)), out_spacing

    k = int(np.argmax(brain.sum(axis=(1, 2))))  # the acquired slice where the brain segment is widest
    orientation = screen_orientation(volume)
    source = on_screen(slicer.util.arrayFromVolume(volume)[k].astype(np.float32), orientation)
    result = on_screen(slicer.util.arrayFromVolume(output)[k].astype(np.float32), orientation)
    segment = on_screen(brain[k], orientation)
    in_mm, out_mm = screen_spacing(spacing, orientation), screen_spacing(out_spacing, orientation)

    rows, cols = np.nonzero(segment)
    margin = 10.0  # mm around the brain in the zoomed row
    cx, cy = (cols.min() + cols.max() + 1) / 2 * in_mm[0], (rows.min() + rows.max() + 1) / 2 * in_mm[1]
    side = max((cols.max() + 1 - cols.min()) * in_mm[0], (rows.max() + 1 - rows.min()) * in_mm[1]) + 2 * margin
    box = (cx - side / 2, cx + side / 2, cy - side / 2, cy + side / 2)
    # One grey scale for input and output: the whole slice above, the brain's field of view below.
    window = (0.0, float(np.percentile(source, 99.7)))
    in_box = source[int(box[2] / in_mm[1]):int(box[3] / in_mm[1]), int(box[0] / in_mm[0]):int(box[1] / in_mm[0])]
    zoom_window = (0.0, float(np.percentile(in_box, 99.5)))

    fig, axes = plt.subplots(2, 2, figsize=(10.0, 11.3))
    h, w = source.shape
    H, W = result.shape
    show(axes[0, 0], source, in_mm, window,
         f"Input: {w}×{h} at {spacing[0]:g} × {spacing[1]:g} mm in-plane, {spacing[2]:.1f} mm slices")
    show(axes[0, 1], result, out_mm, window,
         f"RRLSRN ×2: {W}×{H} at {out_spacing[0]:g} × {out_spacing[1]:g} mm in-plane")
    # Zoomed, both are shown with linear interpolation, as Slicer's slice views show volumes.
    show(axes[1, 0], source, in_mm, zoom_window, f"Input {spacing[0]:g} mm: the brain, {side:.0f} mm field of view",
         box, "bilinear")
    show(axes[1, 1], result, out_mm, zoom_window, f"RRLSRN ×2 {out_spacing[0]:g} mm: the same {side:.0f} mm",
         box, "bilinear")
    for ax in axes.flat:
        outline(ax, segment, in_mm, colors=LINES["segment"], linewidths=0.9 if ax in axes[0] else 1.5)
    for ax in axes[0]:
        ax.add_patch(Rectangle((box[0], box[2]), side, side, fill=False, ec=LINES["zoom"], lw=1.0, ls="--"))
    n_in, n_out = len(inside), len(outside)
    fig.suptitle(f"RRLSRN ×2, brain mask from {n_in + n_out} clicks ({n_in} inside, {n_out} outside)",
                 fontsize=14, y=0.99)
    depth = volume.GetImageData().GetDimensions()[2]
    clicked = sorted({p[2] + 1 for p in inside})
    fig.text(0.5, 0.944,
             f"Fetal T2 HASTE stack {name} (MIAL SRTK sample data, CC0; validation split), acquired plane, "
             f"slice {k + 1} of {depth}; the same field of view left and right.\n"
             f"Orange: the module's Brain segment, Dice {dice:.2f} against the stack's manual intracranial mask "
             f"(which also holds the CSF around the brain).\nClicks: one inside the brain on each of slices "
             f"{', '.join(map(str, clicked))}, {n_out} around it on slice {outside[0][2] + 1}. "
             f"Super-resolution of the {depth} slices: {seconds:.0f} s on a 2-core CPU. Zoomed: linear display.",
             ha="center", va="center", fontsize=8.8, linespacing=1.4)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.005, top=0.9, wspace=0.02, hspace=0.06)
    buffer = io.BytesIO()
    fig.savefig(buffer, dpi=DPI, format="png")
    figure = Image.open(buffer).convert("RGB").quantize(palette=palette(), dither=Image.Dither.NONE)
    figure.save(args.output, optimize=True)
    scene.Clear(True)
    print(f"{args.output}: {args.output.stat().st_size / 1024:.0f} KB; {name} slice k={k}; clicks {n_in}+{n_out}; "
          f"Dice {dice:.3f}; super-resolution {seconds:.1f} s")


if __name__ == "__main__":
    main()
