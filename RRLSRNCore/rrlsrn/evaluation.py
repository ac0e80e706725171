"""``rrlsrn evaluate``: simulate low resolution from HR volumes and score upsamplers.

Protocol: :func:`protocol_text`, the one statement of it, written into every ``summary.md`` and
``results.json`` (of ``rrlsrn evaluate`` and ``rrlsrn demo``) with the settings filled in.
"""
from __future__ import annotations

import csv
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import SimpleITK as sitk
import torch
from scipy import ndimage, stats
from torch import nn

from . import io
from .adapt import adapt_in_plane
from .degrade import bicubic_upsample, cubic_spline_upsample, kspace_resample_axis, simulate_lr
from .errors import RRLSRNError
from .geometry import AXIS_NAMES
from .runner import super_resolve_slices
from .intensity import TISSUE, Normalisation
from .metrics import score
from .weights import load_lapsrn_mat, load_model, shipped_weights

Upsampler = Callable[[np.ndarray], np.ndarray]


@dataclass
class EvalSettings:
    """The evaluation protocol's free choices (:func:`protocol_text`)."""

    scale: int = 2
    degradation: str = "bicubic"
    slice_axis: str = "k"
    region: str = "brain"
    min_tissue: float = 0.2
    max_slices: int | None = None
    grid: str = "stored"


GRIDS = ("stored", "acquired")
SPECTRUM_BIN = 0.025       # cycles/pixel
FLOOR_FACTOR = 3.0         # "at the floor": within this factor of the power at 0.45–0.5 cycles/px,
FLOOR_RELATIVE = 1e-4      # or below this share of the power at 0.025–0.05 cycles/px
CLIFF_FACTOR = 10.0        # a zero-filled edge: the 0.05 cycles/px below it ≥ this × the floor
EMPTY_ABOVE_HALF = 5e-4    # share of the axis' non-DC energy above 0.25 cycles/px


def axis_power(slices: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean 1D power spectrum along ``axis`` (1 rows, 2 cols) of slices ``(N, h, w)``, Hann
    windowed, each slice's mean removed; returns (|frequency| in cycles/pixel, power)."""
    n = slices.shape[axis]
    window = np.hanning(n)
    x = (slices - slices.mean(axis=(1, 2), keepdims=True)) * (window[None, :, None] if axis == 1 else window[None, None, :])
    power = (np.abs(np.fft.fft(x, axis=axis)) ** 2).mean(axis=(0, 3 - axis))
    return np.abs(np.fft.fftfreq(n)), power


def acquired_matrix(slices: np.ndarray) -> tuple[tuple[int, int], list[str]]:
    """The matrix (rows, cols) the slices ``(N, h, w)`` were acquired on, and why, per axis.

    Rule, per in-plane axis, on the mean 1D power spectrum in bins of 0.025 cycles/pixel:
    the floor is the median power of the bins at 0.45–0.5 cycles/px, the band edge f_c the
    lowest frequency above which every bin is under 3× the floor (or under 10⁻⁴ of the power at
    0.025–0.05 cycles/px). The axis is *interpolated* when
    (a) less than 0.05 % of its non-DC energy lies above 0.25 cycles/px (a ×2 zero-fill: f_c =
    0.25), or else (b) there is a cliff at f_c: the two bins below it hold ≥ 10× the floor (a
    zero-filled k-space edge; f_c < 0.45). Its acquired matrix is then 2·round(f_c·n) lines,
    n/2 when f_c is within 0.03 of 0.25 (the window's leakage raises f_c by up to a bin);
    bringing it back keeps the central lines. Otherwise the axis is native (n lines)."""
    shape, notes = [], []
    for axis in (1, 2):
        n = slices.shape[axis]
        freq, power = axis_power(slices, axis)
        nondc = power[freq > 0].sum()
        above = float(power[freq >= 0.25].sum() / nondc) if nondc > 0 else 0.0
        edges = np.arange(0, 0.5, SPECTRUM_BIN)
        bins = np.array([power[(freq >= a) & (freq < a + SPECTRUM_BIN)].mean() for a in edges])
        floor = float(np.median(bins[edges >= 0.45]))
        k = len(bins)
        while k > 0 and bins[k - 1] < max(FLOOR_FACTOR * floor, FLOOR_RELATIVE * bins[1]):
            k -= 1
        edge = float(edges[k]) if k < len(bins) else 0.5
        cliff = float(bins[max(k - 2, 0):k].mean() / max(floor, 1e-30)) if 0 < k < len(bins) else 0.0
        name = "rows" if axis == 1 else "cols"
        if nondc > 0 and above < EMPTY_ABOVE_HALF:
            m, why = n // 2, f"{name}: {100 * above:.3f} % of the energy above 0.25 cycles/px → ×2 zero-filled"
        elif cliff >= CLIFF_FACTOR and edge < 0.45:
            # a window's leakage puts the edge up to a bin high: one near 0.25 is a ×2 zero-fill
            m = n // 2 if abs(edge - 0.25) <= 0.03 else 2 * round(edge * n)
            why = f"{name}: zero-filled beyond {edge:.3f} cycles/px ({min(cliff, 1e6):.0f}× the floor below that edge)"
        else:
            m, why = n, f"{name}: native ({100 * above:.2f} % above 0.25 cycles/px, no zero-filled edge)"
        shape.append(min(m, n))
        notes.append(why)
    return (shape[0], shape[1]), notes


def to_acquired_grid(slices: np.ndarray, matrix: tuple[int, int]) -> np.ndarray:
    """Slices ``(N, h, w)`` brought back to the acquired ``matrix``: central k-space lines kept."""
    x = torch.from_numpy(np.ascontiguousarray(slices, np.float32))
    x = kspace_resample_axis(x, matrix[0], -2)
    x = kspace_resample_axis(x, matrix[1], -1)
    return x.numpy()


def select_slices(slices: np.ndarray, settings: EvalSettings) -> np.ndarray:
    """Indices of the normalised slices ``(N, h, w)`` with enough tissue, evenly thinned to ``max_slices``."""
    keep = np.flatnonzero((slices > TISSUE).mean(axis=(1, 2)) >= settings.min_tissue)
    if settings.max_slices and keep.size > settings.max_slices:
        keep = keep[np.linspace(0, keep.size - 1, settings.max_slices).round().astype(int)]
    return keep


def hr_slices(path: Path | str, settings: EvalSettings, notes: list | None = None) -> np.ndarray:
    """The normalised, selected, even-cropped HR slices ``(N, h, w)`` of a volume (on the
    acquired grid with ``settings.grid == "acquired"``; ``notes`` then receives the matrix
    and the reason per axis)."""

    array = sitk.GetArrayFromImage(io.read_data_volume(path)).astype(np.float32)
    array = Normalisation.fit(array).apply(array)
    slices = np.moveaxis(array, 2 - AXIS_NAMES.index(settings.slice_axis), 0)
    keep = select_slices(slices, settings)
    if keep.size == 0:
        raise RRLSRNError(f"{path} has no slice with {settings.min_tissue:.0%} tissue across axis {settings.slice_axis}.")
    if settings.grid == "acquired":  # the rule sees every eligible slice, whatever max_slices keeps
        eligible = select_slices(slices, EvalSettings(min_tissue=settings.min_tissue))
        matrix, why = acquired_matrix(slices[eligible])
    slices = slices[keep]
    if settings.grid == "acquired":
        if notes is not None:
            notes += [f"acquired {matrix[0]}×{matrix[1]} (stored {slices.shape[1]}×{slices.shape[2]})", *why]
        slices = to_acquired_grid(slices, matrix)
    elif settings.grid != "stored":
        raise RRLSRNError(f"grid must be one of {GRIDS}, not {settings.grid!r}.")
    s = settings.scale
    h, w = slices.shape[1] // s * s, slices.shape[2] // s * s
    return np.ascontiguousarray(slices[:, :h, :w])


def region_masks(hr: np.ndarray, region: str) -> np.ndarray:
    if region == "slice":
        return np.ones(hr.shape, bool)
    if region != "brain":
        raise RRLSRNError(f"region must be 'brain' or 'slice', not {region!r}.")
    return np.stack([ndimage.binary_fill_holes(s > TISSUE) for s in hr])


def network_upsampler(model: nn.Module, device: torch.device) -> Upsampler:
    return lambda lr: super_resolve_slices(model, lr, device)


def adapted_upsampler(model: nn.Module, device: torch.device, seconds: float) -> Upsampler:
    """``model`` first fine-tuned for ``seconds`` on the LR slices it is given, as
    ``rrlsrn upscale --adapt`` does with a scan (the HR reference is never seen)."""
    return lambda lr: super_resolve_slices(adapt_in_plane(model, lr, seconds, device), lr, device)


def default_methods(scale: int, device: torch.device, weights: str | None = None, srcnn_weights: str | None = None,
                    lapsrn_mat: str | None = None) -> dict[str, Upsampler]:
    """Cubic spline, bicubic, SRCNN (given or shipped weights), RRLSRN, and LapSRN if asked."""
    methods: dict[str, Upsampler] = {
        "cubic spline": lambda lr: cubic_spline_upsample(lr, scale),
        "bicubic": lambda lr: bicubic_upsample(torch.from_numpy(lr), scale).numpy(),
    }
    srcnn = srcnn_weights or (shipped_weights("srcnn") if (Path(__file__).parent / "weights" / "srcnn_x2.pt").exists() else None)
    if srcnn:
        methods["SRCNN"] = network_upsampler(load_model(srcnn, scale), device)
    if lapsrn_mat:
        from .models import Cascade

        lapsrn = load_lapsrn_mat(lapsrn_mat)
        methods["LapSRN (natural images)"] = network_upsampler(lapsrn if scale == 2 else Cascade(lapsrn, scale // 2), device)
    methods["RRLSRN"] = network_upsampler(load_model(weights or shipped_weights("rrlsrn"), scale), device)
    return methods


def evaluate_volumes(paths: list[Path], methods: dict[str, Upsampler], settings: EvalSettings,
                     progress: Callable[[int, int], None] | None = None) -> tuple[list[dict], dict]:
    """Score every method on every volume. Returns per-volume records and, for the figure, the
    middle selected slice of the first volume with each method's output."""
    records, example, grids = [], {}, {}
    for n, path in enumerate(paths):
        notes: list[str] = []
        hr = hr_slices(path, settings, notes)
        grid = notes[0] if notes else f"stored {hr.shape[1]}×{hr.shape[2]}"
        grids[Path(path).name] = notes or [grid]
        lr = simulate_lr(torch.from_numpy(hr), settings.degradation, settings.scale,
                         generator=torch.Generator().manual_seed(0)).numpy()
        masks = region_masks(hr, settings.region)
        mid = len(hr) // 2
        if n == 0:
            example = {"volume": Path(path).name, "hr": hr[mid], "lr": lr[mid], "mask": masks[mid], "outputs": {}}
        for name, upsample in methods.items():
            out = upsample(lr)
            psnr, ssim = score(out, hr, masks)
            records.append({"volume": Path(path).name, "method": name, "psnr": float(np.mean(psnr)),
                            "ssim": float(np.mean(ssim)), "slices": len(hr), "grid": grid})
            if n == 0:
                example["outputs"][name] = (out[mid], float(psnr[mid]), float(ssim[mid]))
        if progress:
            progress(n + 1, len(paths))
    example["grids"] = grids
    return records, example


CI_MIN_VOLUMES = 3  # fewer volumes give an interval too wide to read (t = 12.7 for 2)
UPPER_BOUND = {"psnr": math.inf, "ssim": 1.0}


def summarise(records: list[dict]) -> list[dict]:
    """Per method: mean, SD and 95 % CI (t distribution) of the per-volume PSNR and SSIM, as far as
    the number of volumes supports them (SD from 2, CI from :data:`CI_MIN_VOLUMES`; NaN otherwise);
    SSIM's interval stops at 1."""
    rows = []
    for method in dict.fromkeys(r["method"] for r in records):
        row: dict = {"method": method}
        for metric, top in UPPER_BOUND.items():
            values = np.array([r[metric] for r in records if r["method"] == method])
            n, mean = len(values), float(values.mean())
            sd = float(values.std(ddof=1)) if n > 1 else math.nan
            half = float(stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)) if n >= CI_MIN_VOLUMES else math.nan
            row.update({f"{metric}_mean": mean, f"{metric}_sd": sd, f"{metric}_ci_low": mean - half,
                        f"{metric}_ci_high": mean + half if math.isnan(half) else min(mean + half, top), "volumes": n})
        rows.append(row)
    return rows


def protocol_text(settings: EvalSettings) -> str:
    """The evaluation protocol with these settings, in one paragraph (what every report records)."""
    grid = ("the grid as stored" if settings.grid == "stored" else
            "the acquired grid (each stack brought back from an interpolated display grid first: per in-plane "
            "axis from its power spectrum, k-space cropped to that many lines; `evaluation.acquired_matrix`)")
    s = settings.scale
    lr = {"bicubic": f"bicubic ×1/{s} with antialiasing (MATLAB imresize, as the paper)",
          "kspace": f"k-space truncation (the central 1/{s} of k-space)",
          "acquisition": "the MR acquisition model (seed 0: k-space truncation with random anisotropic "
          "matrix, partial Fourier, Tukey apodisation, complex noise, magnitude; `degrade.AcquisitionMix`)"}
    return (f"×{s}, HR on {grid}; each HR volume normalised (0.5th percentile → 0, 99.5th percentile "
            f"of the voxels above it → 1); 2D slices across index axis {settings.slice_axis} with ≥ "
            f"{settings.min_tissue:.0%} tissue (normalised intensity > 0.05)"
            f"{f', at most {settings.max_slices}, evenly spaced' if settings.max_slices else ''}, cropped to a "
            f"multiple of the scale; LR = {lr.get(settings.degradation, settings.degradation)} of each HR slice, "
            "upsampled by every method onto the same cell-centred grid; outputs and HR clipped to [0, 1]; PSNR "
            "(the MSE over the region) and SSIM (the mean of the SSIM map over the region, 7×7 window; scikit-image, "
            f"data range 1) over the {settings.region} region"
            f"{' (HR > 0.05, holes filled, per slice)' if settings.region == 'brain' else ' (the whole slice)'}; mean "
            f"over slices per volume, then mean ± SD [95 % t-CI] over volumes (the SD from 2 volumes, the CI from "
            f"{CI_MIN_VOLUMES}; SSIM's CI bounded by 1).")


def _supported(value: float | None) -> bool:
    return value is not None and math.isfinite(value)  # results.json holds what n cannot support as null


def markdown_table(summary: list[dict]) -> str:
    """Markdown: per method, PSNR and SSIM as mean ± SD [95 % CI] over volumes, each part only
    where the volumes support it (a summary from :func:`summarise`, or read back from results.json)."""
    lines = ["| method | PSNR (dB) mean ± SD [95% CI] | SSIM mean ± SD [95% CI] | volumes |", "|---|---|---|---|"]
    for r in summary:
        cells = []
        for metric, digits in (("psnr", 2), ("ssim", 4)):
            text = f"{r[f'{metric}_mean']:.{digits}f}"
            if _supported(r[f"{metric}_sd"]):
                text += f" ± {r[f'{metric}_sd']:.{digits}f}"
            if _supported(r[f"{metric}_ci_low"]):
                text += f" [{r[f'{metric}_ci_low']:.{digits}f}, {r[f'{metric}_ci_high']:.{digits}f}]"
            cells.append(text)
        lines.append(f"| {r['method']} | {cells[0]} | {cells[1]} | {r['volumes']} |")
    return "\n".join(lines)


def per_volume_table(records: list[dict]) -> str:
    """Markdown table: one row per volume, one column per method, PSNR / SSIM."""
    methods = list(dict.fromkeys(r["method"] for r in records))
    volumes = list(dict.fromkeys(r["volume"] for r in records))
    found = {(r["volume"], r["method"]): r for r in records}
    lines = ["| volume | " + " | ".join(methods) + " |", "|---" * (len(methods) + 1) + "|"]
    for volume in volumes:
        cells = [f"{found[volume, m]['psnr']:.2f} / {found[volume, m]['ssim']:.4f}" if (volume, m) in found else "-"
                 for m in methods]
        lines.append(f"| {volume} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot_figure(example: dict, path: Path, scale: int) -> Path:
    """Like the paper's Figures 2–3: LR, each method, HR, and each method's absolute error."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [n for n in example["outputs"] if n != "bicubic"]
    columns = 2 + len(names)
    fig, axes = plt.subplots(2, columns, figsize=(2.6 * columns, 5.6))
    hr = np.clip(example["hr"], 0, 1)
    lr = np.kron(np.clip(example["lr"], 0, 1), np.ones((scale, scale)))
    panels = [("LR (nearest)", lr, None)] + [(n, *example["outputs"][n]) for n in names]
    for ax, (name, image, *metrics) in zip(axes[0], panels):
        ax.imshow(np.clip(image, 0, 1), cmap="gray", vmin=0, vmax=1)
        ax.set_title(name if metrics[0] is None else f"{name}\n{metrics[0]:.2f} dB / {metrics[1]:.4f}", fontsize=9)
    axes[0, -1].imshow(hr, cmap="gray", vmin=0, vmax=1)
    axes[0, -1].set_title("HR", fontsize=9)
    error_max = 0.15
    for ax, name in zip(axes[1, 1:], names):
        shown = ax.imshow(np.abs(np.clip(example["outputs"][name][0], 0, 1) - hr), cmap="inferno", vmin=0, vmax=error_max)
        ax.set_title(f"|{name} − HR|", fontsize=9)
    fig.colorbar(shown, ax=axes[1, -1], fraction=0.9, label="absolute error")
    for ax in axes.ravel():
        ax.axis("off")
    fig.suptitle(example["volume"], fontsize=10)
    fig.tight_layout()
    with io.atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=90, format="png")
    plt.close(fig)
    return path


def json_safe(value):
    """A copy fit for strict JSON: NaN and infinities (what n cannot support) become null."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_results(out: Path, title: str, command: str, protocol: str, settings: dict, records: list[dict],
                  details: str = "") -> dict:
    """The report of a scoring run, in ``out``: metrics.csv (a row per volume and method),
    results.json (command, protocol, settings, summary, records) and summary.md (title, command,
    protocol, the summary table, then ``details``)."""
    summary = summarise(records)
    out.mkdir(parents=True, exist_ok=True)
    with io.atomic_path(out / "metrics.csv") as tmp, open(tmp, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    results = {"command": command, "protocol": protocol, "settings": settings, "summary": summary, "records": records}
    with io.atomic_path(out / "results.json") as tmp:
        tmp.write_text(json.dumps(json_safe(results), indent=1, ensure_ascii=False, allow_nan=False) + "\n",
                       encoding="utf-8")
    text = (f"# {title}\n\nCommand: `{command}`\n\nProtocol: {protocol}\n\n{markdown_table(summary)}\n"
            + (f"\n{details}\n" if details else ""))
    with io.atomic_path(out / "summary.md") as tmp:
        tmp.write_text(text, encoding="utf-8")
    return {"summary": summary, "markdown": text}


def write_report(records: list[dict], example: dict, settings: EvalSettings, out: Path, command: str) -> dict:
    """``rrlsrn evaluate``'s report: :func:`write_results` with the per-volume and grid tables, and figure.png."""
    grids = "\n".join(f"- {v}: " + "; ".join(notes) for v, notes in example.get("grids", {}).items())
    report = write_results(out, "Evaluation", command, protocol_text(settings), asdict(settings), records,
                           f"Per volume, PSNR (dB) / SSIM:\n\n{per_volume_table(records)}\n\nGrid per volume:\n\n{grids}")
    plot_figure(example, out / "figure.png", settings.scale)
    return report
