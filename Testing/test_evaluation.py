"""Evaluation protocol, benchmark and demo: values a user reads, on real MRI."""
import csv
import json
import math

import numpy as np
import pytest
import SimpleITK as sitk
import torch
from scipy import stats

from rrlsrn import io
from rrlsrn.cli import main
from rrlsrn.degrade import cubic_spline_upsample
from rrlsrn.evaluation import (EvalSettings, evaluate_volumes, json_safe, markdown_table, protocol_text, region_masks,
                               score, summarise, write_report)
from rrlsrn.geometry import Grid
from rrlsrn.runner import super_resolve_slices
from rrlsrn.weights import load_model, shipped_weights


@pytest.fixture(scope="module")
def mni_volume(tmp_path_factory, mni_slices):
    """A few real MNI152 axial slices as a small volume file (slices across k)."""
    path = tmp_path_factory.mktemp("mni") / "mni.nii.gz"
    image = sitk.GetImageFromArray(mni_slices)  # [k, j, i]
    image.SetSpacing((1.0, 1.0, 10.0))
    return io.write_volume(image, path)


def test_score_on_known_errors():
    hr = np.full((1, 16, 16), 0.5, np.float32)
    masks = np.ones(hr.shape, bool)
    psnr, ssim = score(hr, hr, masks)
    assert math.isinf(psnr[0]) and ssim[0] == pytest.approx(1.0)
    psnr, _ = score(hr + 0.1, hr, masks)  # MSE 0.01 → 20 dB
    assert psnr[0] == pytest.approx(20.0, abs=1e-4)
    half = masks.copy()
    half[0, :, 8:] = False
    noisy = hr.copy()
    noisy[0, :, 8:] += 0.3  # errors outside the region do not count
    assert math.isinf(score(noisy, hr, half)[0][0])


def test_summary_statistics_match_scipy():
    records = [{"volume": f"v{i}", "method": "m", "psnr": p, "ssim": s, "slices": 3}
               for i, (p, s) in enumerate([(30.0, 0.90), (32.0, 0.92), (34.5, 0.95)])]
    row = summarise(records)[0]
    values = np.array([30.0, 32.0, 34.5])
    low, high = stats.t.interval(0.95, 2, loc=values.mean(), scale=stats.sem(values))
    assert row["psnr_mean"] == pytest.approx(values.mean())
    assert row["psnr_sd"] == pytest.approx(values.std(ddof=1))
    assert (row["psnr_ci_low"], row["psnr_ci_high"]) == pytest.approx((low, high))


def test_statistics_that_the_volumes_cannot_support_are_left_out():
    """One volume: the mean alone; two: mean ± SD; three or more: the 95 % CI too, SSIM's stopping at 1."""
    def summary(values):
        return summarise([{"volume": f"v{i}", "method": "m", "psnr": p, "ssim": s, "slices": 1}
                          for i, (p, s) in enumerate(values)])[0]

    one, two = summary([(30.0, 0.9)]), summary([(30.0, 0.9), (31.0, 0.95)])
    assert math.isnan(one["psnr_sd"]) and math.isnan(one["psnr_ci_low"]) and math.isnan(two["ssim_ci_high"])
    assert two["psnr_sd"] == pytest.approx(np.std([30.0, 31.0], ddof=1))
    near_one = summary([(30.0, 0.90), (31.0, 0.99), (32.0, 0.999)])
    assert near_one["ssim_ci_high"] == 1.0 and near_one["ssim_ci_low"] < near_one["ssim_mean"]
    table = markdown_table([one, two, near_one])
    rows = table.splitlines()[2:]
    assert rows[0] == "| m | 30.00 | 0.9000 | 1 |"
    assert rows[1] == "| m | 30.50 ± 0.71 | 0.9250 ± 0.0354 | 2 |"
    assert rows[2].endswith(", 1.0000] | 3 |") and "nan" not in table
    # as results.json holds them (null for what n cannot support), the same table
    assert markdown_table(json.loads(json.dumps(json_safe([one, two, near_one]), allow_nan=False))) == table


def strict_json(path) -> dict:
    """A results.json, refusing NaN and infinities (not JSON, though Python writes them by default)."""
    return json.loads(path.read_text(encoding="utf-8"), parse_constant=lambda c: pytest.fail(f"{c} in {path}"))


def test_brain_region_is_the_filled_tissue_mask(mni_slices):
    masks = region_masks(mni_slices, "brain")
    assert masks.any() and not masks.all()
    assert region_masks(mni_slices, "slice").all()


def shipped_methods() -> dict:
    device = torch.device("cpu")
    rrlsrn, srcnn = load_model(shipped_weights("rrlsrn")), load_model(shipped_weights("srcnn"))
    return {"cubic spline": lambda lr: cubic_spline_upsample(lr, 2),
            "SRCNN": lambda lr: super_resolve_slices(srcnn, lr, device),
            "RRLSRN": lambda lr: super_resolve_slices(rrlsrn, lr, device)}


@pytest.mark.slow
@pytest.mark.parametrize("degradation, gain", [("bicubic", 2.0), ("kspace", 1.0)])
def test_shipped_rrlsrn_beats_cubic_spline_on_validation_volumes(shared_data, degradation, gain):
    """Validation split (never trained on): infant T1 sub-0006 and the GA30 fetal atlas."""
    volumes = [shared_data / "infant_t1" / "sub-0006_ses-V01_T1w.nii.gz",
               shared_data / "fetal_atlas" / "gholipour2017_GA30_T2w.nii.gz"]
    settings = EvalSettings(degradation=degradation, max_slices=4)
    records, _ = evaluate_volumes(volumes, shipped_methods(), settings)
    for volume in {r["volume"] for r in records}:
        psnr = {r["method"]: r["psnr"] for r in records if r["volume"] == volume}
        ssim = {r["method"]: r["ssim"] for r in records if r["volume"] == volume}
        print(degradation, volume, psnr)
        assert psnr["RRLSRN"] >= psnr["cubic spline"] + gain, (degradation, volume, psnr)
        assert ssim["RRLSRN"] > ssim["cubic spline"], (degradation, volume, ssim)


def test_shipped_rrlsrn_on_an_unseen_adult_brain(mni_volume, tmp_path):
    """MNI152 (adult, not in the training data), bicubic LR as in the paper: RRLSRN beats cubic
    spline and SRCNN; the report files are written."""
    settings = EvalSettings(degradation="bicubic", min_tissue=0.1)
    records, example = evaluate_volumes([mni_volume], shipped_methods(), settings)
    psnr = {r["method"]: r["psnr"] for r in records}
    assert psnr["RRLSRN"] >= psnr["cubic spline"] + 1.5 and psnr["RRLSRN"] > psnr["SRCNN"], psnr
    report = write_report(records, example, settings, tmp_path, "test")
    assert (tmp_path / "figure.png").read_bytes()[:4] == b"\x89PNG"
    with open(tmp_path / "metrics.csv") as f:
        assert {r["method"] for r in csv.DictReader(f)} == {"cubic spline", "SRCNN", "RRLSRN"}
    assert "| RRLSRN |" in report["markdown"] and "data range 1" in report["markdown"]


def test_evaluate_command(mni_volume, tmp_path):
    """Baselines, an extra model (an ablation) under its own name, and a per-volume table."""
    from rrlsrn.weights import shipped_weights

    code = main(["evaluate", str(mni_volume), "--out", str(tmp_path), "--degradation", "kspace",
                 "--max-slices", "2", "--min-tissue", "0.1", "--device", "cpu", "-q",
                 "--model", f"same again={shipped_weights('rrlsrn')}"])
    assert code == 0
    text = (tmp_path / "summary.md").read_text()
    for method in ("cubic spline", "bicubic", "SRCNN", "RRLSRN", "same again"):
        assert f"| {method} |" in text
    assert "k-space" in text or "kspace" in text
    rows = {r["method"]: r for r in csv.DictReader(open(tmp_path / "metrics.csv"))}
    assert rows["same again"]["psnr"] == rows["RRLSRN"]["psnr"]  # the same weights score the same
    assert f"| {mni_volume.name} | " in text  # the per-volume table
    results = strict_json(tmp_path / "results.json")  # the same report, machine-readable
    assert results["command"].startswith("rrlsrn evaluate ") and results["settings"]["degradation"] == "kspace"
    assert f"Protocol: {results['protocol']}" in text
    assert results["protocol"] == protocol_text(EvalSettings(degradation="kspace", max_slices=2, min_tissue=0.1))
    assert [(r["method"], r["psnr"]) for r in results["records"]] == [(m, float(r["psnr"])) for m, r in rows.items()]
    rrlsrn = next(r for r in results["summary"] if r["method"] == "RRLSRN")
    assert rrlsrn["volumes"] == 1 and rrlsrn["psnr_sd"] is None and rrlsrn["ssim_ci_high"] is None
    assert "nan" not in text
    assert main(["evaluate", str(mni_volume), "--out", str(tmp_path), "--model", "no-equals-sign", "-q"]) == 1


def test_benchmark_command_names_the_machine(tmp_path):
    out = tmp_path / "bench.json"
    assert main(["benchmark", "--device", "cpu", "--batch-sizes", "1,2", "--size", "32", "--slices", "2",
                 "--repeats", "1", "--volume-slices", "3", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["machine"]["cores"] >= 1 and result["machine"]["cpu"]
    methods = {(r["method"], r["batch_size"]) for r in result["results"]}
    assert methods == {("cubic spline", None), ("SRCNN", 1), ("SRCNN", 2), ("RRLSRN", 1), ("RRLSRN", 2)}
    assert all(r["overhead"] > 0 for r in result["results"] if r["method"] != "cubic spline")
    assert all(r["slices_per_second"] > 0 for r in result["results"])
    assert result["rrlsrn_end_to_end_volume"]["seconds"] > 0


@pytest.mark.slow
def test_demo_writes_volumes_on_exact_grids_and_beats_spline(tmp_path, capsys):
    pytest.importorskip("nilearn")
    assert main(["demo", "--out", str(tmp_path), "--device", "cpu", "--max-slices", "6"]) == 0
    printed = capsys.readouterr().out
    lr, sr, hr = (io.read_volume(tmp_path / f"{n}.nii.gz") for n in ("lr", "rrlsrn_x2", "hr"))
    for a, b in zip(Grid.of(lr).corner_bounds(), Grid.of(sr).corner_bounds()):
        assert np.allclose(a, b, atol=1e-4)
    assert sr.GetSize() == hr.GetSize() and np.allclose(sr.GetOrigin(), hr.GetOrigin(), atol=1e-4)
    with open(tmp_path / "metrics.csv") as f:
        psnr = {r["method"]: float(r["psnr"]) for r in csv.DictReader(f)}
    assert psnr["RRLSRN"] > psnr["cubic spline"] + 0.5
    text = (tmp_path / "summary.md").read_text()
    assert (tmp_path / "figure.png").exists() and "| RRLSRN |" in text
    results = strict_json(tmp_path / "results.json")  # the evaluation's report pipeline and protocol
    assert results["command"] == f"rrlsrn demo --out {tmp_path} --device cpu --max-slices 6"
    assert results["protocol"].endswith(protocol_text(EvalSettings(degradation="kspace", max_slices=6)))
    assert f"Protocol: {results['protocol']}" in text
    for shown in (text, printed):  # one volume: no SD, no interval
        assert "nan" not in shown and "± 0.00" not in shown


# ---------------------------------------------------------------- v2: acquired grid

def _smooth_acquisition(n: int = 64, slices: int = 6, seed: int = 0) -> np.ndarray:
    """Random slices with an image-like 1/f amplitude spectrum on an n×n acquisition matrix."""
    rng = np.random.default_rng(seed)
    f = np.hypot(*np.meshgrid(np.fft.fftfreq(n), np.fft.fftfreq(n), indexing="ij"))
    spectrum = rng.standard_normal((slices, n, n)) + 1j * rng.standard_normal((slices, n, n))
    x = np.fft.ifft2(spectrum / (f + 0.02) ** 1.2).real
    x = (x - x.min()) / (x.max() - x.min())
    return x.astype(np.float32)


def test_acquired_grid_recovers_a_zero_filled_x2_grid():
    from rrlsrn.degrade import zero_fill_upsample
    from rrlsrn.evaluation import acquired_matrix, to_acquired_grid

    acquired = _smooth_acquisition()
    shown = zero_fill_upsample(torch.from_numpy(acquired)).numpy()  # what the scanner displays, 128²
    shown = shown + 1e-4 * np.random.default_rng(1).standard_normal(shown.shape).astype(np.float32)
    matrix, notes = acquired_matrix(shown)
    assert matrix == (64, 64), notes
    back = to_acquired_grid(shown, matrix)
    assert 10 * np.log10(1 / np.mean((back - acquired) ** 2)) > 45  # dB: the acquisition itself, bar its Nyquist line


def test_acquired_grid_leaves_native_slices_and_finds_a_one_axis_zero_fill():
    from rrlsrn.evaluation import acquired_matrix

    native = _smooth_acquisition(128)
    native = native + 2e-3 * np.random.default_rng(2).standard_normal(native.shape).astype(np.float32)
    assert acquired_matrix(native)[0] == (128, 128)
    # 90 of 128 columns' frequencies acquired (as fetal HASTE: 224 of 320), zero-filled
    spectrum = np.fft.fft(native, axis=2)
    f = np.abs(np.fft.fftfreq(128))
    spectrum[:, :, f > 45 / 128] = 0
    partial = np.fft.ifft(spectrum, axis=2).real.astype(np.float32)
    matrix, notes = acquired_matrix(partial)
    assert matrix[0] == 128 and abs(matrix[1] - 90) <= 6, notes


def test_evaluate_on_the_acquired_grid_reports_it(tmp_path):
    from rrlsrn.degrade import zero_fill_upsample

    acquired = _smooth_acquisition(48, slices=4) + 0.2
    shown = zero_fill_upsample(torch.from_numpy(acquired)).numpy()
    image = sitk.GetImageFromArray(np.clip(shown, 0, None))
    image.SetSpacing((0.47, 0.47, 3.0))
    volume = io.write_volume(image, tmp_path / "stack.nii.gz")
    out = tmp_path / "eval"
    assert main(["evaluate", str(volume), "--out", str(out), "--grid", "acquired", "--degradation", "acquisition",
                 "--device", "cpu", "-q", "--min-tissue", "0.1"]) == 0
    rows = list(csv.DictReader(open(out / "metrics.csv")))
    assert rows and all(r["grid"].startswith("acquired 48×48 (stored 96×96)") for r in rows)
    text = (out / "summary.md").read_text()
    assert "acquired grid" in text and "zero-filled" in text and "acquisition model" in text
