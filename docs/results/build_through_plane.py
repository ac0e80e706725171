"""The tables of docs/THROUGH_PLANE.md from the results.json files of reproduce_through_plane.sh.

    python docs/results/build_through_plane.py > docs/THROUGH_PLANE.tables.md
"""
from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent / "through_plane"
SPLINE, MODEL = "cubic B-spline", "RRLSRN through-plane"
EXPERIMENTS = [  # (folder, what the row means)
    ("x4_gaussian", "Gaussian profile, thickness = spacing (told right)"),
    ("x4_rect", "rectangular profile, thickness = spacing (told right)"),
    ("x4_gaussian_gap", "Gaussian, thickness 0.6 × spacing: a 40 % gap (told right)"),
    ("x4_rect_told_gaussian", "mismatch: rectangular slices, told Gaussian"),
    ("x4_gap_told_none", "mismatch: 40 % gap, told no gap"),
    ("x4_none_told_gap", "mismatch: no gap, told a 40 % gap"),
]
RATIOS = ["x2_gaussian", "x4_gaussian", "x5_gaussian", "x6_gaussian", "x8_gaussian"]


def load(name: str) -> dict:
    return json.loads((HERE / name / "results.json").read_text())


def by_method(result: dict) -> dict[str, dict]:
    return {row["method"]: row for row in result["summary"]}


def cell(row: dict, spline: dict | None = None) -> str:
    text = f"{row['psnr_mean']:.2f} / {row['ssim_mean']:.4f}"
    return text if spline is None else f"{text} ({row['psnr_mean'] - spline['psnr_mean']:+.2f} dB)"


def main() -> None:
    methods = [SPLINE, "cubic B-spline + consistency", MODEL, "RRLSRN through-plane, no consistency",
               "in-plane RRLSRN, naive"]
    print("### ×4 through-plane, held-out isotropic volumes (mean PSNR dB / SSIM in the brain over "
          f"{load('x4_gaussian')['summary'][0]['volumes']} volumes; Δ vs cubic B-spline)\n")
    print("| experiment | " + " | ".join(methods) + " |")
    print("|---" * (len(methods) + 1) + "|")
    for name, label in EXPERIMENTS:
        rows = by_method(load(name))
        cells = [cell(rows[m], None if m == SPLINE else rows[SPLINE]) if m in rows else "–" for m in methods]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("\n### Ratio sweep, Gaussian profile told right (PSNR dB / SSIM; slice thickness at 0.8 mm voxels)\n")
    print(f"| ratio | slices (0.8 mm volumes) | {SPLINE} | cubic B-spline + consistency | {MODEL} | in-plane RRLSRN, naive |")
    print("|---|---|---|---|---|---|")
    for name in RATIOS:
        result = load(name)
        rows = by_method(result)
        r = result["settings"]["ratio"]
        cells = [cell(rows[m], None if m == SPLINE else rows[SPLINE]) if m in rows else "–"
                 for m in (SPLINE, "cubic B-spline + consistency", MODEL, "in-plane RRLSRN, naive")]
        print(f"| ×{r} | {0.8 * r:.1f} mm | " + " | ".join(cells) + " |")
    print("\n### Per volume, ×4 Gaussian (PSNR dB / SSIM)\n")
    result = load("x4_gaussian")
    volumes = list(dict.fromkeys(r["volume"] for r in result["records"]))
    found = {(r["volume"], r["method"]): r for r in result["records"]}
    shown = [m for m in methods if (volumes[0], m) in found]
    print("| volume | slices | " + " | ".join(shown) + " |")
    print("|---" * (len(shown) + 2) + "|")
    for v in volumes:
        print(f"| {v} | {found[v, SPLINE]['slice_mm']} mm | "
              + " | ".join(f"{found[v, m]['psnr']:.2f} / {found[v, m]['ssim']:.4f}" for m in shown) + " |")


if __name__ == "__main__":
    main()
