"""Nothing a user does may lose data, write a wrong file with exit 0, hang or eat the machine:
one test per case of the reliability issue (inputs generated here), through the command line."""
import gzip
import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk

from rrlsrn import io
from rrlsrn.cli import main
from rrlsrn.errors import RRLSRNError
from rrlsrn.geometry import Grid
from rrlsrn.publish import TEMP_MARK, is_temporary, publishing
from test_cli import assert_one_sentence
from test_unusual_inputs import smooth_volume


def volume(path: Path, shape=(10, 12, 4), spacing=(0.8, 0.8, 3.0), direction=None, array=None) -> Path:
    image = sitk.GetImageFromArray(smooth_volume(shape).astype(np.float32) if array is None else array)
    image.SetSpacing(spacing)
    if direction is not None:
        image.SetDirection(direction)
    sitk.WriteImage(image, str(path))
    return path


def snapshot(folder: Path) -> dict:
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size, p.read_bytes()[:64]) for p in sorted(folder.iterdir())}


def refused(capsys, *argv, message: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 1
    error = capsys.readouterr().err
    assert_one_sentence(error)
    assert message in error, error
    return error


def run_cli(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rrlsrn", *args], capture_output=True, text=True, timeout=300,
                          **kwargs)


# ------------------------------------------------------------- data loss, wrong output with exit 0

def test_brainmask_never_replaces_its_input_or_an_existing_mask(tmp_path, capsys):
    mri = volume(tmp_path / "mri.nii.gz")
    before = snapshot(tmp_path)
    refused(capsys, "brainmask", str(mri), "-o", str(mri), "--seed-ijk", "5,6,2", message="is one of the inputs")
    link = tmp_path / "also_mri.nii.gz"
    os.symlink(mri, link)  # another name for the same file (as a case-insensitive disk gives)
    refused(capsys, "brainmask", str(mri), "-o", str(link), "--seed-ijk", "5,6,2", "--overwrite",
            message="is one of the inputs")
    link.unlink()
    assert snapshot(tmp_path) == before
    mask = tmp_path / "mask.nii.gz"
    mask.write_bytes(b"an earlier mask")
    refused(capsys, "brainmask", str(mri), "-o", str(mask), "--seed-ijk", "5,6,2", message="--overwrite")
    assert mask.read_bytes() == b"an earlier mask"


def test_upscale_never_replaces_its_mask(tmp_path, capsys, random_weights):
    mri = volume(tmp_path / "in.nii.gz")
    mask = volume(tmp_path / "mask.nii.gz", array=np.ones((4, 12, 10), np.uint8))
    before = snapshot(tmp_path)
    refused(capsys, "upscale", str(mri), "-o", str(mask), "--mask", str(mask), "--overwrite", "--weights",
            str(random_weights), "-q", message="is one of the inputs")
    assert snapshot(tmp_path) == before


def _limited_write(limit_bytes: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return apply


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".nii.gz", ".nii", ".nrrd"])
def test_a_write_cut_short_is_never_published(tmp_path, random_weights, suffix):
    """ITK's NIfTI writer prints an error and returns when the disk fills: what was written is
    verified, and nothing is renamed into place."""
    src = volume(tmp_path / "in.nrrd", shape=(6, 64, 64), array=np.random.default_rng(0).random((6, 64, 64),
                                                                                              np.float32))
    out = tmp_path / f"out{suffix}"
    done = subprocess.run([sys.executable, "-m", "rrlsrn", "upscale", str(src), "-o", str(out), "--weights",
                           str(random_weights), "--device", "cpu", "-q"], capture_output=True, text=True,
                          timeout=300, preexec_fn=_limited_write(40_000))
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert_one_sentence(done.stderr)
    assert "nothing was written" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.nrrd"]


def test_a_dicom_folder_with_an_unreadable_file_is_refused(tmp_path, capsys, random_weights):
    pydicom = pytest.importorskip("pydicom")
    series = Path(pydicom.__file__).parent / "data" / "test_files" / "dicomdirtests" / "98892001" / "CT5N"
    if not series.is_dir():
        pytest.skip(f"pydicom's bundled series is not at {series}")
    broken = tmp_path / "broken"
    shutil.copytree(series, broken)
    (broken / "2693").write_bytes((broken / "2693").read_bytes()[:200])  # one slice unreadable
    refused(capsys, "upscale", str(broken), "-o", str(tmp_path / "a.nii.gz"), "--weights", str(random_weights),
            "-q", message="2693")
    gap = tmp_path / "gap"
    shutil.copytree(series, gap)
    names = sorted((p for p in gap.iterdir()), key=lambda p: io._slice_positions([str(p)])[0])
    names[2].unlink()  # a middle slice missing: the others would be displaced
    refused(capsys, "upscale", str(gap), "-o", str(tmp_path / "b.nii.gz"), "--weights", str(random_weights),
            "-q", message="not evenly spaced")
    assert not (tmp_path / "a.nii.gz").exists() and not (tmp_path / "b.nii.gz").exists()
    assert io.read_volume(series).GetSize()[2] == 5  # the whole series still reads


def test_batch_mode_collisions_own_outputs_and_temporaries(tmp_path, capsys, random_weights):
    folder = tmp_path / "cohort"
    folder.mkdir()
    volume(folder / "a.nii.gz")
    volume(folder / "a.nrrd")
    volume(folder / "b.nii.gz")
    (folder / f".c.nii.gz.4242.abcd{TEMP_MARK}.nii.gz").write_bytes(b"a killed run's temporary")
    capsys.readouterr()
    args = ["upscale", "--input-dir", str(folder), "--output-dir", str(folder), "--weights", str(random_weights),
            "--device", "cpu", "-q"]
    assert main(args) == 1  # a.nii.gz and a.nrrd: both refused, neither silently skipped
    report = capsys.readouterr().out
    assert "1 done" in report and "2 failed" in report and "would both be written to a_SRx2.nii.gz" in report
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "a.nii.gz", "a.nrrd", "b.nii.gz", "b_SRx2.nii.gz"]
    (folder / "a.nrrd").unlink()
    assert main(args) == 0  # the re-run does not super-resolve its own b_SRx2 output
    report = capsys.readouterr().out
    assert "1 done, 1 skipped" in report
    assert not (folder / "b_SRx2_SRx2.nii.gz").exists()
    assert not any(is_temporary(p) for p in folder.iterdir())  # the dead run's temporary was cleaned


def test_two_runs_onto_one_output_never_replace_each_other(tmp_path):
    target = tmp_path / "out.nii.gz"
    with pytest.raises(RRLSRNError, match="appeared while this run was writing"):
        with publishing(target, replace=False) as tmp:
            tmp.write_bytes(b"second result")
            target.write_bytes(b"first result")  # the other run finished meanwhile
    assert target.read_bytes() == b"first result"
    assert [p.name for p in tmp_path.iterdir()] == ["out.nii.gz"]
    with publishing(target, replace=True) as tmp:  # --overwrite: replaced, as asked
        tmp.write_bytes(b"asked for")
    assert target.read_bytes() == b"asked for"


def test_weights_with_nan_are_refused(tmp_path, capsys):
    import torch

    from rrlsrn.models import RRLSRN
    from rrlsrn.weights import save_weights

    model = RRLSRN(scale=2)
    with torch.no_grad():
        next(model.parameters())[0] = float("nan")
    weights = save_weights(model, tmp_path / "nan.pt", "rrlsrn", {"scale": 2})
    mri = volume(tmp_path / "in.nii.gz")
    refused(capsys, "upscale", str(mri), "-o", str(tmp_path / "out.nii.gz"), "--weights", str(weights), "-q",
            message="NaN or infinite parameters")
    assert not (tmp_path / "out.nii.gz").exists()


SKEWED = (1.0, 0.3, 0.0, 0.0, 0.954, 0.0, 0.0, 0.0, 1.0)  # unit columns, not orthogonal


def test_a_skewed_direction_is_kept_or_refused_never_moved(tmp_path, capsys, random_weights):
    src = volume(tmp_path / "in.nrrd", direction=SKEWED)
    refused(capsys, "upscale", str(src), "-o", str(tmp_path / "out.nii.gz"), "--weights", str(random_weights),
            "-q", message="NIfTI cannot store")
    assert main(["upscale", str(src), "-o", str(tmp_path / "out.nrrd"), "--weights", str(random_weights), "-q"]) == 0
    a, b = Grid.of(io.read_volume(src)).corner_bounds(), Grid.of(io.read_volume(tmp_path / "out.nrrd")).corner_bounds()
    assert np.allclose(a[0], b[0], atol=1e-3) and np.allclose(a[1], b[1], atol=1e-3)
    image = sitk.ReadImage(str(src))
    image.SetDirection((2.0, 0, 0, 0, 1, 0, 0, 0, 1))  # a column of length 2: a broken header
    sitk.WriteImage(image, str(tmp_path / "scaled.mha"))
    refused(capsys, "upscale", str(tmp_path / "scaled.mha"), "-o", str(tmp_path / "s.nrrd"), "--weights",
            str(random_weights), "-q", message="not unit vectors")


def nifti_pair(folder: Path, array: np.ndarray) -> Path:
    image = sitk.GetImageFromArray(array)
    sitk.WriteImage(image, str(folder / "pair.hdr"))
    return folder / "pair.hdr"


def test_nifti_pairs_get_the_nan_and_truncation_checks(tmp_path, capsys, random_weights):
    array = smooth_volume((4, 12, 10)).astype(np.float32)
    array[1, 2, 3] = np.nan
    hdr = nifti_pair(tmp_path, array)
    refused(capsys, "upscale", str(hdr), "-o", str(tmp_path / "o.nii.gz"), "--weights", str(random_weights), "-q",
            message="NaN or infinite")
    fine = smooth_volume((4, 12, 10)).astype(np.float32)
    hdr = nifti_pair(tmp_path, fine)
    img = hdr.with_suffix(".img")
    img.write_bytes(img.read_bytes()[:200])
    refused(capsys, "upscale", str(hdr), "-o", str(tmp_path / "o.nii.gz"), "--weights", str(random_weights), "-q",
            message="could not be read")


def test_keep_dtype_clips_at_the_type_limits():
    values = np.array([2147483647.0, 3e9, -3e9, 1.6], np.float32)
    assert io.cast_like(values, sitk.sitkInt32).tolist() == [2147483647, 2147483647, -2147483648, 2]
    big = np.array([1.9e19, -5.0, 1.8e19])
    out = io.cast_like(big, sitk.sitkUInt64)
    assert out.dtype == np.uint64 and out[1] == 0 and out[0] >= out[2] > 10**19  # clipped, not wrapped


def test_extreme_intensities_survive_normalisation(tmp_path, random_weights):
    array = smooth_volume((4, 12, 10)).astype(np.float64)
    array = ((array - array.min()) / np.ptp(array) * 6e38 - 3e38).astype(np.float32)  # ±3e38
    src = volume(tmp_path / "in.nii.gz", array=array)
    assert main(["upscale", str(src), "-o", str(tmp_path / "out.nii.gz"), "--weights", str(random_weights),
                 "-q"]) == 0
    out = sitk.GetArrayFromImage(sitk.ReadImage(str(tmp_path / "out.nii.gz")))
    assert np.isfinite(out).all() and float(out.max()) - float(out.min()) > 1e38  # not all zero


def test_absurd_spacing_is_refused(tmp_path, capsys, random_weights):
    src = volume(tmp_path / "in.nii.gz")
    refused(capsys, "upscale", str(src), "-o", str(tmp_path / "o.nii.gz"), "--spacing", "1e-300,1,1", "--weights",
            str(random_weights), "-q", message="between")
    assert not (tmp_path / "o.nii.gz").exists()


# ------------------------------------------------------------- hang, memory, leftovers

def lying_nifti(path: Path, dims=(32000, 32000, 4), datatype=16, bitpix=32, vox_offset=352.0, payload=16000):
    header = bytearray(348)
    struct.pack_into("<i", header, 0, 348)
    struct.pack_into("<8h", header, 40, 3, *dims, 1, 1, 1, 1)
    struct.pack_into("<hh", header, 70, datatype, bitpix)
    struct.pack_into("<8f", header, 76, 1, 1, 1, 1, 1, 1, 1, 1)
    struct.pack_into("<f", header, 108, vox_offset)
    struct.pack_into("<h", header, 252, 1)  # qform code
    header[344:348] = b"n+1\0"
    path.write_bytes(gzip.compress(bytes(header) + bytes(4) + bytes(payload)))
    return path


@pytest.mark.slow
def test_a_header_claiming_more_voxels_than_its_file_holds_is_refused_at_once(tmp_path):
    src = lying_nifti(tmp_path / "liar.nii.gz")
    assert src.stat().st_size < 20_000
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "rrlsrn", "upscale", str(src), "-o", str(tmp_path / "o.nii.gz"),
                           "-q"], capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30)))
    assert done.returncode == 1 and time.monotonic() - started < 60
    assert_one_sentence(done.stderr)
    assert "more than its" in done.stderr


def interrupt_a_run(folder: Path, sig: int, output: str) -> tuple[int, str]:
    """Start a ×4 run of a 40-slice volume, send ``sig`` once it reports progress; (exit code, stderr)."""
    src = volume(folder / "in.nrrd", shape=(40, 160, 160), array=np.random.default_rng(0).random((40, 160, 160),
                                                                                               np.float32))
    child = subprocess.Popen([sys.executable, "-m", "rrlsrn", "upscale", str(src), "-o", str(folder / output),
                              "--scale", "4", "--device", "cpu", "--progress-lines"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().startswith("progress ")
        child.send_signal(sig)
        code = child.wait(timeout=60)
    finally:
        child.kill()
    return code, child.stderr.read()


@pytest.mark.slow
def test_sigterm_cleans_up_like_ctrl_c_and_stale_temporaries_go(tmp_path):
    stale = tmp_path / f".old.nii.gz.{2**22 + 12345}.xyzw{TEMP_MARK}.nii.gz"  # a dead process's leftover
    stale.write_bytes(b"x" * 1000)
    code, stderr = interrupt_a_run(tmp_path, signal.SIGTERM, "out.nrrd")
    assert code == 130 and "interrupted; no output was written" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in.nrrd", stale.name])  # nothing new left
    with publishing(tmp_path / "next.nii.gz") as tmp:  # the next write cleans the dead run's temporary
        tmp.write_bytes(b"ok")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.nrrd", "next.nii.gz"]


# ------------------------------------------------------------- a sentence, never a traceback

def test_write_location_problems_are_found_before_the_work(tmp_path, capsys, random_weights):
    src = volume(tmp_path / "in.nii.gz")
    (tmp_path / "afile").write_text("a file, not a folder")
    refused(capsys, "upscale", str(src), "-o", str(tmp_path / "afile" / "out.nii.gz"), "--weights",
            str(random_weights), "-q", message="is a file, not a folder")
    (tmp_path / "adir.nii.gz").mkdir()
    refused(capsys, "upscale", str(src), "-o", str(tmp_path / "adir.nii.gz"), "--weights", str(random_weights),
            "-q", "--overwrite", message="is a folder")
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        refused(capsys, "upscale", str(src), "-o", str(locked / "o.nii.gz"), "--weights", str(random_weights), "-q",
                message="cannot write to")


def test_vox_offset_nan_is_a_sentence(tmp_path, capsys):
    src = lying_nifti(tmp_path / "nan_offset.nii.gz", dims=(4, 4, 2), vox_offset=float("nan"), payload=128)
    refused(capsys, "upscale", str(src), "-o", str(tmp_path / "o.nii.gz"), "-q", message="could not be read")


@pytest.mark.parametrize("argv", [
    ["upscale", "IN", "-o", "OUT", "--mask", "IN", "--crop-to-mask", "-1"],
    ["upscale", "IN", "-o", "OUT", "--mask", "IN", "--crop-to-mask", "nan"],
    ["upscale", "IN", "-o", "OUT", "--mask", "IN", "--crop-to-mask", "inf"],
    ["upscale", "IN", "-o", "OUT", "--volume", "-1"],
    ["upscale", "IN", "-o", "OUT", "--batch-size", "0"],
    ["brainmask", "IN", "-o", "OUT", "--seed", "nan,0,0"],
    ["brainmask", "IN", "-o", "OUT", "--seed-ijk", "1,inf,2"],
])
def test_bad_numbers_are_refused_by_the_command_line(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert "Traceback" not in error and "expected" in error


def test_a_4d_mask_is_told_to_be_3d(tmp_path, capsys, random_weights):
    src = volume(tmp_path / "in.nii.gz")
    sitk.WriteImage(sitk.Image([10, 12, 4, 2], sitk.sitkUInt8), str(tmp_path / "mask4d.nii.gz"))
    error = refused(capsys, "upscale", str(src), "-o", str(tmp_path / "o.nii.gz"), "--mask",
                    str(tmp_path / "mask4d.nii.gz"), "--weights", str(random_weights), "-q", message="give a 3D mask")
    assert "--volume" not in error


@pytest.mark.slow
def test_an_empty_folder_gives_one_sentence_without_itk_warnings(tmp_path):
    (tmp_path / "empty").mkdir()
    done = run_cli("upscale", str(tmp_path / "empty"), "-o", str(tmp_path / "o.nii.gz"), "-q")
    assert done.returncode == 1
    assert_one_sentence(done.stderr)
    assert "WARNING" not in done.stderr


@pytest.mark.slow
def test_a_lost_header_spacing_is_pointed_out(tmp_path, random_weights):
    src = volume(tmp_path / "Pat1_Se2_Res0.7813_0.7813_Spac4.0.nii.gz", spacing=(1, 1, 1))
    done = run_cli("upscale", str(src), "-o", str(tmp_path / "o.nii.gz"), "--weights", str(random_weights), "-q")
    assert done.returncode == 0
    assert done.stderr.count("\n") == 1 and "--spacing-from-name" in done.stderr and "0.7813" in done.stderr
    quiet = run_cli("upscale", str(src), "-o", str(tmp_path / "p.nii.gz"), "--weights", str(random_weights), "-q",
                    "--spacing-from-name")
    assert quiet.returncode == 0 and quiet.stderr == ""


# ------------------------------------------------------------- what a new user met

def test_a_colour_picture_is_refused_as_not_a_scan(tmp_path, capsys):
    picture = sitk.Image([32, 24], sitk.sitkVectorUInt8, 3)
    sitk.WriteImage(picture, str(tmp_path / "screenshot.png"))
    error = refused(capsys, "upscale", str(tmp_path / "screenshot.png"), "-o", str(tmp_path / "o.nii.gz"),
                    "--component", "0", "-q", message="colour picture")
    assert "--component" not in error


def test_a_missing_output_folder_is_not_created_by_a_typo(tmp_path, capsys, random_weights):
    src = volume(tmp_path / "in.nii.gz")
    refused(capsys, "upscale", str(src), "-o", str(tmp_path / "ouptut" / "o.nii.gz"), "--weights",
            str(random_weights), "-q", message="does not exist; create it first")
    assert not (tmp_path / "ouptut").exists()


def test_the_demo_keeps_earlier_results_unless_asked(tmp_path, capsys):
    from rrlsrn.demo import run_demo

    (tmp_path / "summary.md").write_text("an earlier run")
    with pytest.raises(RRLSRNError, match="--overwrite"):
        run_demo(tmp_path)
    assert (tmp_path / "summary.md").read_text() == "an earlier run"


def test_help_shows_the_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["upscale", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: 2," in text and "(default: 512)" in text and "(default: auto)" in text
    assert "``" not in text


def test_scale_8_cascades_the_x2_model(tmp_path, random_weights):
    src = volume(tmp_path / "in.nii.gz", shape=(2, 8, 6))
    assert main(["upscale", str(src), "-o", str(tmp_path / "o.nii.gz"), "--scale", "8", "--weights",
                 str(random_weights), "-q"]) == 0
    i, j, k = sitk.ReadImage(str(src)).GetSize()  # k holds the 3 mm slices
    assert sitk.ReadImage(str(tmp_path / "o.nii.gz")).GetSize() == (8 * i, 8 * j, k)


# ------------------------------------------------------------- every row of the README's tables

def test_inf_voxels_are_refused(tmp_path, capsys, random_weights):
    array = smooth_volume((4, 12, 10)).astype(np.float32)
    array[1, 2, 3] = np.inf
    src = volume(tmp_path / "in.nii.gz", array=array)
    refused(capsys, "upscale", str(src), "-o", str(tmp_path / "o.nii.gz"), "--weights", str(random_weights), "-q",
            message="NaN or infinite")


def test_a_4d_file_of_one_volume_is_read_as_3d(tmp_path, random_weights):
    image = sitk.JoinSeries([sitk.GetImageFromArray(smooth_volume((4, 12, 10)).astype(np.float32))])
    sitk.WriteImage(image, str(tmp_path / "one.nii.gz"))
    with gzip.open(tmp_path / "one.nii.gz") as f:
        assert struct.unpack("<h", f.read(42)[40:42])[0] == 4  # the file says 4D (dim[0] = 4, one volume)
    assert main(["upscale", str(tmp_path / "one.nii.gz"), "-o", str(tmp_path / "o.nii.gz"), "--weights",
                 str(random_weights), "-q"]) == 0
    assert sitk.ReadImage(str(tmp_path / "o.nii.gz")).GetDimension() == 3


def test_progress_lines_count_the_slices(tmp_path, capsys, random_weights):
    from rrlsrn.jobs import parse_progress

    src = volume(tmp_path / "in.nii.gz", shape=(5, 12, 10))
    capsys.readouterr()
    assert main(["upscale", str(src), "-o", str(tmp_path / "o.nii.gz"), "--weights", str(random_weights),
                 "--progress-lines", "-q"]) == 0
    progress = [parse_progress(line) for line in capsys.readouterr().out.splitlines()]
    slices = sitk.ReadImage(str(src)).GetSize()[2]
    assert progress and progress[-1] == (slices, slices) and all(p is not None for p in progress)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)  # counts only go up


@pytest.mark.slow
def test_ctrl_c_writes_nothing(tmp_path):
    code, stderr = interrupt_a_run(tmp_path, signal.SIGINT, "out.nii.gz")
    assert code == 130 and "interrupted; no output was written" in stderr
    assert [p.name for p in tmp_path.iterdir()] == ["in.nrrd"]


def test_a_detached_nrrd_header_is_read(tmp_path, random_weights):
    src = volume(tmp_path / "in.nhdr")
    assert sorted(p.suffix for p in tmp_path.iterdir()) != [".nhdr"]  # header plus a separate data file
    assert main(["upscale", str(src), "-o", str(tmp_path / "o.nrrd"), "--weights", str(random_weights), "-q"]) == 0
    assert np.allclose(sitk.ReadImage(str(tmp_path / "o.nrrd")).GetSpacing(), (0.4, 0.4, 3.0))


def test_a_scaled_uint8_nifti_is_not_mistaken_for_a_truncated_one(tmp_path):
    """uint8 voxels with scl_slope ≠ 1 read as float32: the byte check follows the header, not ITK."""
    path = tmp_path / "scaled.nii"
    sitk.WriteImage(sitk.GetImageFromArray(np.arange(240, dtype=np.uint8).reshape(4, 6, 10)), str(path))
    data = bytearray(path.read_bytes())
    struct.pack_into("<ff", data, 112, 2.0, 1.0)  # scl_slope, scl_inter
    path.write_bytes(bytes(data))
    image = io.read_volume(path)
    assert image.GetPixelID() == sitk.sitkFloat32
    assert sitk.GetArrayViewFromImage(image).max() == pytest.approx(2 * 239 + 1)
    path.write_bytes(bytes(data[:-20]))  # and a real truncation is still found
    with pytest.raises(RRLSRNError, match="could not be read"):
        io.read_volume(path)


@pytest.mark.parametrize("argv, message", [
    (["benchmark", "--batch-sizes=-1"], "positive integers"),
    (["benchmark", "--batch-sizes", "0"], "positive integers"),
    (["benchmark", "--batch-sizes", "a,b"], "positive integers"),
])
def test_benchmark_batch_sizes_are_validated(capsys, argv, message):
    refused(capsys, *argv, message=message)


def test_benchmark_numbers_are_validated(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["benchmark", "--repeats", "0"])
    assert exit_.value.code == 2 and "expected a positive integer" in capsys.readouterr().err


def test_a_weights_folder_is_called_a_folder(tmp_path, capsys):
    src = volume(tmp_path / "in.nii.gz")
    (tmp_path / "missing").mkdir()
    refused(capsys, "upscale", str(src), "-o", str(tmp_path / "o.nii.gz"), "--weights", str(tmp_path / "missing"),
            "-q", message="is a folder, not a weights file")


@pytest.mark.parametrize("text", ["[1, 2]", "null", "3"])
def test_a_train_config_that_is_not_an_object_is_one_sentence(tmp_path, capsys, text):
    (tmp_path / "config.json").write_text(text)
    refused(capsys, "train", "--config", str(tmp_path / "config.json"), "--out", str(tmp_path / "run"),
            message="must hold a JSON object")


def test_evaluate_names_a_missing_volume_without_calling_it_training_input(tmp_path, capsys):
    error = refused(capsys, "evaluate", str(tmp_path / "nowhere.nii.gz"), "--out", str(tmp_path / "e"),
                    message="does not exist")
    assert "training" not in error
