"""The `rrlsrn` command end to end: real volumes, exit codes, one-sentence errors, no partial files."""
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk

from rrlsrn import io
from rrlsrn.cli import main
from rrlsrn.geometry import Grid, ras_to_lps
from test_geometry import oblique_image


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rrlsrn", *args], capture_output=True, text=True, timeout=600)


def assert_one_sentence(stderr: str) -> None:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("rrlsrn: error: ") and "Traceback" not in stderr, stderr


@pytest.mark.slow
def test_upscale_real_clinical_stack_with_shipped_model(dev_stacks, tmp_path):
    stack = dev_stacks[2]  # Pat3759_Se10: 135×135×20 at 0.78×0.78×5 mm
    out = tmp_path / "sr.nii.gz"
    run = run_cli("upscale", str(stack), "-o", str(out), "--spacing-from-name")
    assert run.returncode == 0, run.stderr
    image, result = io.read_volume(stack, spacing_in_name=True), io.read_volume(out)
    assert result.GetSize() == (270, 270, 20)
    assert result.GetNumberOfPixels() == 4 * image.GetNumberOfPixels()
    assert np.allclose(result.GetSpacing(), (0.7813 / 2, 0.7813 / 2, 5.0), atol=1e-5)
    for a, b in zip(Grid.of(image).corner_bounds(), Grid.of(result).corner_bounds()):
        assert np.allclose(a, b, atol=1e-3)  # RAS/LPS bounds identical
    values = sitk.GetArrayViewFromImage(result)
    source = sitk.GetArrayViewFromImage(image)
    # Same anatomy, same intensity scale: the SR volume downsampled is close to the input.
    assert abs(values.mean() - source.mean()) < 0.05 * source.mean()


def test_upscale_x4_dicom_series_in_nrrd_out(tmp_path):
    pydicom = pytest.importorskip("pydicom")
    series = Path(pydicom.__file__).parent / "data" / "test_files" / "dicomdirtests" / "98892001" / "CT5N"
    if not series.is_dir():
        pytest.skip(f"pydicom's bundled series is not at {series}")
    image = io.read_volume(series)
    out = tmp_path / "sr.nrrd"
    assert main(["upscale", str(series), "-o", str(out), "--scale", "4", "--tile", "128", "-q"]) == 0
    result = io.read_volume(out)
    axis = int(np.argmax(image.GetSpacing()))
    expected = tuple(n if a == axis else 4 * n for a, n in enumerate(image.GetSize()))
    assert result.GetSize() == expected


def test_brainmask_command_with_ras_seed(tmp_path):
    image = sitk.Image([64, 64, 12], sitk.sitkFloat32)
    image.SetSpacing((0.8, 0.8, 3.0))
    zz, yy, xx = np.mgrid[0:12, 0:64, 0:64]  # a 40 × 40 × 21 mm "brain": a fetal brain is larger
    ball = ((xx - 32) / 25.0) ** 2 + ((yy - 32) / 25.0) ** 2 + ((zz - 6) / 3.5) ** 2 < 1
    rng = np.random.default_rng(0)
    array = (ball * 100 + 20 + rng.normal(0, 3, ball.shape)).astype(np.float32)
    path = io.write_volume(Grid.of(image).apply_to(sitk.GetImageFromArray(array)), tmp_path / "ball.nii.gz")
    centre_ras = ras_to_lps(Grid.of(image).index_to_lps((32, 32, 6)))  # LPS→RAS is the same flip
    out = tmp_path / "mask.nii.gz"
    seed = ",".join(map(str, centre_ras))  # may start with '-': hence the --seed=... form
    assert main(["brainmask", str(path), f"--seed={seed}", "-o", str(out), "-q"]) == 0
    mask = sitk.GetArrayFromImage(io.read_volume(out)) > 0
    dice = 2 * (mask & ball).sum() / (mask.sum() + ball.sum())
    assert dice > 0.85


@pytest.mark.slow
def test_console_command_exit_codes(tmp_path):
    assert shutil.which("rrlsrn") or Path(sys.executable).with_name("rrlsrn").exists()
    missing = run_cli("upscale", str(tmp_path / "nope.nii.gz"), "-o", str(tmp_path / "o.nii.gz"))
    assert missing.returncode == 1
    assert_one_sentence(missing.stderr)
    bad_option = run_cli("upscale", "x.nii.gz", "-o", "y.nii.gz", "--device", "tpu")
    assert bad_option.returncode == 2 and "invalid choice" in bad_option.stderr
    assert run_cli("--version").stdout.startswith("rrlsrn ")


def test_a_2d_image_with_coarse_pixels_is_upscaled_in_its_plane(tmp_path, random_weights):
    image = sitk.GetImageFromArray(np.random.default_rng(0).random((20, 24), dtype=np.float32))
    image.SetSpacing((2.0, 2.0))  # read as one slice of spacing 1 across k: k is still the slice axis
    path = tmp_path / "slice.nrrd"
    sitk.WriteImage(image, str(path))
    out = tmp_path / "sr.nii.gz"
    assert main(["upscale", str(path), "-o", str(out), "--weights", str(random_weights), "-q"]) == 0
    assert io.read_volume(out).GetSize() == (48, 40, 1)


def test_cohort_keeps_going_past_a_bad_file_and_skips_finished_outputs(tmp_path, random_weights, capsys):
    source, target = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    for name in ("a.nii.gz", "b.nrrd"):
        io.write_volume(oblique_image(size=(10, 8, 3)), source / name)
    (source / "broken.nii.gz").write_bytes(b"\x1f\x8b not really")
    io.write_volume(sitk.Image([10, 8, 3], sitk.sitkUInt8), source / "a_mask.nii.gz")  # skipped: a mask
    args = ["upscale", "--input-dir", str(source), "--output-dir", str(target), "--weights", str(random_weights), "-q"]
    assert main(args) == 1
    report = capsys.readouterr().out
    assert "2 done, 0 skipped" in report and "1 failed" in report and "broken.nii.gz" in report
    assert sorted(p.name for p in target.iterdir()) == ["a_SRx2.nii.gz", "b_SRx2.nii.gz"]
    stamp = (target / "a_SRx2.nii.gz").stat().st_mtime_ns
    (source / "broken.nii.gz").unlink()
    assert main(args) == 0
    assert "0 done, 2 skipped" in capsys.readouterr().out
    assert (target / "a_SRx2.nii.gz").stat().st_mtime_ns == stamp


@pytest.mark.slow
def test_stop_with_parent_ends_the_run_when_standard_input_closes(tmp_path):
    """The Slicer module keeps a pipe on the child's stdin; its closing (Slicer died) stops the run."""
    image = sitk.GetImageFromArray(np.random.default_rng(0).random((40, 160, 160), dtype=np.float32))
    sitk.WriteImage(image, str(tmp_path / "in.nrrd"))
    child = subprocess.Popen([sys.executable, "-m", "rrlsrn", "upscale", str(tmp_path / "in.nrrd"), "-o",
                              str(tmp_path / "out.nrrd"), "--scale", "4", "--device", "cpu", "--progress-lines",
                              "--stop-with-parent"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().startswith("progress "), child.stderr.read()
        child.stdin.close()
        code = child.wait(timeout=60)
    finally:
        child.kill()
    assert code == 130
    assert "interrupted; no output was written" in child.stderr.read()
    assert [p.name for p in tmp_path.iterdir()] == ["in.nrrd"]
