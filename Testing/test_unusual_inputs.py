"""Issue #5's list of unusual inputs through `rrlsrn upscale`: each that must work does, with the
right output grid and values; each that must fail exits 1 with one sentence, writes nothing and
leaves every other file as it was."""
import gzip
import subprocess
import sys

import numpy as np
import pytest
import SimpleITK as sitk

from rrlsrn import io
from rrlsrn.cli import main
from rrlsrn.geometry import Grid
from rrlsrn.models import SRCNN
from rrlsrn.weights import save_weights
from test_cli import assert_one_sentence
from test_geometry import oblique_image


def upscale(tmp_path, image: sitk.Image, *options: str, name: str = "in.nii.gz") -> sitk.Image:
    source = tmp_path / name
    sitk.WriteImage(image, str(source))
    out = tmp_path / "out.nii.gz"
    assert main(["upscale", str(source), "-o", str(out), "-q", *options]) == 0
    return io.read_volume(out)


def smooth_volume(size=(24, 20, 4), low=0.0, high=1.0) -> np.ndarray:
    """A smooth blob in [low, high] as a [k, j, i] array."""
    k, j, i = np.meshgrid(*(np.linspace(-1, 1, n) for n in size[::-1]), indexing="ij")
    return low + (high - low) * np.exp(-2 * (i**2 + j**2 + 0.3 * k**2))


# ------------------------------------------------------------------ must work

@pytest.mark.parametrize("size, spacing, expected", [
    ((13, 11, 5), (1.0, 1.0, 3.0), (26, 22, 5)),  # odd sizes
    ((10, 12, 1), (0.5, 0.5, 0.5), (20, 24, 1)),  # a single slice: its flat axis is the slice axis
    ((16, 12, 6), (0.5, 0.5, 10.0), (32, 24, 6)),  # 20:1 anisotropy
    ((4, 16, 12), (7.0, 0.6, 0.6), (4, 32, 24)),  # thick slices across i
])
def test_sizes_and_spacings(tmp_path, random_weights, size, spacing, expected):
    image = sitk.GetImageFromArray(smooth_volume(size).astype(np.float32))
    image.SetSpacing(spacing)
    out = upscale(tmp_path, image, "--weights", str(random_weights))
    assert out.GetSize() == expected
    assert np.allclose(np.array(out.GetSpacing()) * np.array(expected), np.array(spacing) * np.array(size))


def test_all_zero_volume_gives_zeros(tmp_path, random_weights):
    out = upscale(tmp_path, sitk.Image([12, 10, 3], sitk.sitkInt16), "--weights", str(random_weights))
    assert out.GetSize() == (24, 20, 3) and not sitk.GetArrayViewFromImage(out).any()


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.uint16, np.int16, np.uint32, np.int32,
                                   np.uint64, np.int64, np.float32, np.float64])
def test_every_voxel_type_and_negative_intensities(tmp_path, dtype):
    """The shipped model on a smooth blob: the output follows the input's intensities (mean within
    2% of the range, nothing far outside it), whatever the type, negatives included."""
    info = np.iinfo(dtype) if np.issubdtype(dtype, np.integer) else None
    low, high = (-800.0, 1200.0) if info is None or info.min < 0 else (0.0, 200.0)
    if info is not None:
        high = min(high, info.max)
    array = np.rint(smooth_volume(low=low, high=high)).astype(dtype)
    image = sitk.GetImageFromArray(array)
    image.SetSpacing((0.8, 0.8, 3.0))
    out = sitk.GetArrayFromImage(upscale(tmp_path, image, "--keep-dtype"))
    assert out.dtype == array.dtype and out.shape == (4, 40, 48)
    span = float(high - low)
    assert abs(out.astype(float).mean() - array.astype(float).mean()) < 0.02 * span
    assert out.min() >= low - 0.1 * span and out.max() <= high + 0.1 * span


def test_oblique_grid_keeps_its_bounds(tmp_path, random_weights):
    image = oblique_image(size=(12, 10, 3))
    out = upscale(tmp_path, image, "--weights", str(random_weights))
    assert np.allclose(np.array(Grid.of(out).corner_bounds()), np.array(Grid.of(image).corner_bounds()), atol=1e-4)


def test_mask_on_another_grid_is_resampled(tmp_path, random_weights):
    image = sitk.GetImageFromArray((smooth_volume((24, 20, 4)) * 100).astype(np.float32))
    image.SetSpacing((1.0, 1.0, 3.0))
    # Another grid over the same field of view: 3 × 2 × 1 mm voxels; its 4 first columns (centres
    # 1 to 10 mm) are brain, so its edge is at x = 11.5 mm, between output columns 23 and 24
    # (output centres at -0.25 + 0.5 c mm).
    mask_array = np.zeros((12, 10, 8), np.uint8)
    mask_array[:, :, :4] = 1
    mask = sitk.GetImageFromArray(mask_array)
    mask.SetSpacing((3.0, 2.0, 1.0))
    mask.SetOrigin((1.0, 0.5, -1.0))
    sitk.WriteImage(mask, str(tmp_path / "mask.nrrd"))
    out = sitk.GetArrayFromImage(upscale(tmp_path, image, "--weights", str(random_weights),
                                         "--mask", str(tmp_path / "mask.nrrd")))
    kept = (out != 0).any(axis=(0, 1))  # per output column i
    assert kept[:23].all() and not kept[25:].any()


def test_4d_and_vector_images_with_the_option_that_picks_one(tmp_path, random_weights):
    frames = [smooth_volume((10, 8, 3), 0, 10 * (t + 1)).astype(np.float32) for t in range(3)]
    series = sitk.JoinSeries([sitk.GetImageFromArray(f) for f in frames])
    out = upscale(tmp_path, series, "--weights", str(random_weights), "--volume", "2", name="bold.nii.gz")
    assert out.GetSize() == (20, 16, 3)
    assert abs(sitk.GetArrayViewFromImage(out).mean() - frames[2].mean()) < 0.1 * frames[2].mean()
    rgb = sitk.Compose([sitk.GetImageFromArray(f) for f in frames])
    out = upscale(tmp_path, rgb, "--weights", str(random_weights), "--component", "0", "--overwrite",
                  name="rgb.nrrd")
    assert abs(sitk.GetArrayViewFromImage(out).mean() - frames[0].mean()) < 0.1 * frames[0].mean()


def test_a_detached_nrrd_header_is_found_in_folders_and_by_batch_runs(tmp_path, random_weights):
    """A .nhdr header (its voxels in a file beside it) counts as a volume wherever a folder is searched."""
    from rrlsrn.discovery import DEFAULT_EXCLUDES, find_volumes

    cohort = tmp_path / "cohort"
    cohort.mkdir()
    sitk.WriteImage(sitk.GetImageFromArray(smooth_volume((10, 8, 3)).astype(np.float32)), str(cohort / "stack.nhdr"))
    assert len(list(cohort.iterdir())) == 2  # the header and its data file
    assert find_volumes([str(cohort)], list(DEFAULT_EXCLUDES)) == [cohort / "stack.nhdr"]
    out = tmp_path / "sr"
    assert main(["upscale", "--input-dir", str(cohort), "--output-dir", str(out), "--weights", str(random_weights),
                 "-q"]) == 0
    assert [p.name for p in out.iterdir()] == ["stack_SRx2.nii.gz"]
    assert io.read_volume(out / "stack_SRx2.nii.gz").GetSize() == (20, 16, 3)


def test_overwrite_replaces_an_existing_output(tmp_path, random_weights):
    image = sitk.GetImageFromArray(smooth_volume((10, 8, 3)).astype(np.float32))
    sitk.WriteImage(image, str(tmp_path / "in.nii.gz"))
    out = tmp_path / "out.nii.gz"
    out.write_bytes(b"old")
    args = ["upscale", str(tmp_path / "in.nii.gz"), "-o", str(out), "--weights", str(random_weights), "-q"]
    assert main(args) == 1 and out.read_bytes() == b"old"
    assert main(args + ["--overwrite"]) == 0 and io.read_volume(out).GetSize() == (20, 16, 3)


@pytest.mark.slow
def test_2048_matrix_is_tiled_within_the_memory_bound(tmp_path, random_weights):
    """A 2048×2048 slice (4096² out) through the console command, 512-pixel tiles: the process
    peaks below 3 GB resident and the output has the full grid."""
    array = np.tile(smooth_volume((256, 256, 1)).astype(np.float32), (1, 8, 8))
    image = sitk.GetImageFromArray(array)
    image.SetSpacing((0.25, 0.25, 3.0))
    sitk.WriteImage(image, str(tmp_path / "big.nii.gz"))
    code = ("import resource, sys; from rrlsrn.cli import main; rc = main(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(rc)")
    run = subprocess.run([sys.executable, "-c", code, "upscale", str(tmp_path / "big.nii.gz"), "-o",
                          str(tmp_path / "out.nii.gz"), "--weights", str(random_weights), "--tile", "512", "-q"],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    peak_gb = int(run.stdout.split()[-1]) / 2**20  # ru_maxrss is in KiB on Linux
    print(f"2048² slice: peak resident {peak_gb:.2f} GB")
    assert peak_gb < 3.0
    assert io.read_volume(tmp_path / "out.nii.gz").GetSize() == (4096, 4096, 1)


# ------------------------------------------------------------------ must fail

def _snapshot(folder) -> dict:
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir()}


def _write(path, image: sitk.Image) -> None:
    sitk.WriteImage(image, str(path))


def _valid(path) -> None:
    _write(path, sitk.GetImageFromArray(smooth_volume((10, 8, 3)).astype(np.float32)))


def _nan(path) -> None:
    array = smooth_volume((10, 8, 3)).astype(np.float32)
    array[1, 2, 3] = np.nan
    _write(path, sitk.GetImageFromArray(array))


def _truncated(path) -> None:
    _valid(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _weights_of(kind: str):
    def make(path) -> list[str]:
        _valid(path)
        weights = path.parent / "w.pt"
        if kind == "corrupt":
            weights.write_bytes(b"PK\x03\x04 not a torch file")
        elif kind == "other-arch":  # SRCNN tensors under an RRLSRN entry
            save_weights(SRCNN(), weights, "rrlsrn", {"scale": 2})
        elif kind == "tampered":
            save_weights(SRCNN(), weights, "srcnn", {})
            weights.write_bytes(weights.read_bytes() + b"\0")
        return ["--weights", str(weights)]
    return make


@pytest.mark.parametrize("make, options, message", [
    (lambda p: None, [], "does not exist"),
    (lambda p: p.write_bytes(gzip.compress(b"\x5c\x01\x00\x00" + bytes(400))), [], "could not be read"),
    (_truncated, [], "could not be read"),
    (lambda p: p.write_text("patient notes, not an image\n"), [], "could not be read"),
    (lambda p: _write(p, sitk.Image([6, 6, 3, 2], sitk.sitkFloat32)), [], "--volume"),
    (lambda p: _write(p, sitk.Image([6, 6, 3, 2], sitk.sitkFloat32)), ["--volume", "2"], "not one of the 2 volumes"),
    (lambda p: _write(p, sitk.Image([6, 6, 3], sitk.sitkVectorUInt8, 3)), [], "--component"),
    (_nan, [], "NaN"),
    (lambda p: (_valid(p), _write(p.parent / "mask.nii.gz", sitk.Image([10, 8, 3], sitk.sitkUInt8))),
     ["--mask", "{dir}/mask.nii.gz"], "marks no voxel"),
    (_valid, ["-o", "{dir}/in.nii.gz"], "is one of the inputs"),
    (lambda p: (_valid(p), (p.parent / "out.nii.gz").write_bytes(b"precious")), [], "--overwrite"),
    (_weights_of("corrupt"), [], "not a readable"),
    (_weights_of("other-arch"), [], "another architecture"),
    (_weights_of("tampered"), [], "sha256"),
    (_valid, ["--weights", "{dir}/missing.pt"], "does not exist"),
    (_valid, ["--spacing", "1,1"], "three numbers X,Y,Z between"),
], ids=["missing", "corrupt", "truncated", "not-an-image", "4d", "4d-bad-index", "rgb", "nan",
        "empty-mask", "output-is-input", "output-exists", "weights-corrupt", "weights-other-arch",
        "weights-sha256", "weights-missing", "bad-spacing"])
def test_refused_with_one_sentence_nothing_written_nothing_touched(tmp_path, capsys, random_weights,
                                                                 make, options, message):
    source = tmp_path / "in.nii.gz"
    extra = make(source)
    options = [o.replace("{dir}", str(tmp_path)) for o in options] + (extra if isinstance(extra, list) else [])
    if "--weights" not in options:
        options += ["--weights", str(random_weights)]
    before = _snapshot(tmp_path)
    out = ["-o", str(tmp_path / "out.nii.gz")] if "-o" not in options else []
    capsys.readouterr()
    assert main(["upscale", str(source), *out, "-q", *options]) == 1
    error = capsys.readouterr().err
    assert_one_sentence(error)
    assert message in error, error
    assert _snapshot(tmp_path) == before  # no output, no temporary file, nothing else changed
