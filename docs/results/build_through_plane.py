"""The tables of docs/THROUGH_PLANE.md from the results of reproduce_through_plane.sh: the
simulated-thick-slice tables (results.json of each evaluation) and the real-stack tables
(through_plane/real.md) replace what stands between their markers in the document.

    python docs/results/build_through_plane.py
"""
from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent / "through_plane"
DOCUMENT = Path(__file__).resolve().parents[1] / "THROUGH_PLANE.md"
SPLINE, MODEL, CONSISTENT = ("cubic B-spline", "RRLSRN through-plane (default: no consistency)",
                             "RRLSRN through-plane + consistency")
EXPERIMENTS = [  # (folder, what the row means)
    ("x4_gaussian", "Gaussian profile, thickness = spacing (told right)"),
    ("x4_rect", "rectangular profile, thickness = spacing (told right)"),
    ("x4_gaussian_gap", "Gaussian, thickness 0.6 × spacing: a 40 % gap (told right)"),
    ("x4_rect_told_gaussian", "mismatch: rectangular slices, told Gaussian"),
    ("x4_gap_told_none", "mismatch: 40 % gap, told no gap"),
    ("x4_none_told_gap", "mismatch: no gap, told a 40 % gap"),
]
RATIOS = ["x2_gaussian", "x3_gaussian", "x4_gaussian", "x5_gaussian", "x6_gaussian", "x8_gaussian"]


def load(name: str) -> dict:
    return json.loads((HERE / name / "results.json").read_text())


def by_method(result: dict) -> dict[str, dict]:
    return {row["method"]: row for row in result["summary"]}


def cell(row: dict, spline: dict | None = None) -> str:
    text = f"{row['psnr_mean']:.2f} / {row['ssim_mean']:.4f}"
    return text if spline is None else f"{text} ({row['psnr_mean'] - spline['psnr_mean']:+.2f} dB)"


def simulated_tables() -> None:
    adapted = [m for m in by_method(load("x4_gaussian")) if "adapted" in m]
    methods = [SPLINE, "cubic B-spline + consistency", MODEL, CONSISTENT, *adapted, "in-plane RRLSRN, naive"]
    print("### ×4 through-plane, held-out isotropic volumes (mean PSNR dB / SSIM in the brain over "
          f"{load('x4_gaussian')['summary'][0]['volumes']} volumes; Δ vs cubic B-spline)\n")
    print("| experiment | " + " | ".join(methods) + " |")
    print("|---" * (len(methods) + 1) + "|")
    for name, label in EXPERIMENTS:
        rows = by_method(load(name))
        cells = [cell(rows[m], None if m == SPLINE else rows[SPLINE]) if m in rows else "–" for m in methods]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("\n### Ratio sweep, Gaussian profile told right (PSNR dB / SSIM; slice thickness at 0.8 mm voxels)\n")
    print(f"| ratio | slices (0.8 mm volumes) | {SPLINE} | cubic B-spline + consistency | {MODEL} | {CONSISTENT} | "
          "in-plane RRLSRN, naive |")
    print("|---|---|---|---|---|---|---|")
    for name in RATIOS:
        result = load(name)
        rows = by_method(result)
        r = result["settings"]["ratio"]
        cells = [cell(rows[m], None if m == SPLINE else rows[SPLINE]) if m in rows else "–"
                 for m in (SPLINE, "cubic B-spline + consistency", MODEL, CONSISTENT, "in-plane RRLSRN, naive")]
        print(f"| ×{r} | {0.8 * r:.1f} mm | " + " | ".join(cells) + " |")
    print("\n" + effective_ratio_text())
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


def effective_ratio_text() -> str:
    """The resolution one may claim: the ratio at which a cubic B-spline of thick slices would be
    as close to the truth as the model is at each ratio (PSNR interpolated linearly in the ratio)."""
    import numpy as np

    ratios, spline, model = [], [], []
    for name in RATIOS:
        result = load(name)
        rows = by_method(result)
        ratios.append(result["settings"]["ratio"])
        spline.append(rows[SPLINE]["psnr_mean"])
        model.append(rows[MODEL]["psnr_mean"])
    # spline PSNR falls with the ratio; np.interp needs increasing x, hence the reversal
    equivalent = [float(np.interp(m, spline[::-1], ratios[::-1])) for m in model]
    cells = ", ".join(f"×{r} → ×{e:.1f}" + (" (or finer: above the ×2 spline)" if m > spline[0] else "")
                      for r, e, m in zip(ratios, equivalent, model))
    return ("**Effective slice spacing** — the default through-plane output at ratio ×r is as close to the truth (mean PSNR) as a "
            f"cubic B-spline of slices at ratio ×e would be: {cells}.")


def replace_block(text: str, name: str, content: str) -> str:
    pattern = re.compile(rf"(<!-- {name} -->\n)(?:.*?\n)?(<!-- /{name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{DOCUMENT} has no <!-- {name} --> … <!-- /{name} --> block")
    return pattern.sub(lambda m: m.group(1) + content.strip() + "\n" + m.group(2), text)


def main() -> None:
    tables = io.StringIO()
    with contextlib.redirect_stdout(tables):
        simulated_tables()
    text = replace_block(DOCUMENT.read_text(), "simulated", tables.getvalue())
    text = replace_block(text, "real", (HERE / "real.md").read_text())
    DOCUMENT.write_text(text)


if __name__ == "__main__":
    main()
