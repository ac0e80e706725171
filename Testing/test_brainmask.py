"""Brain mask from seeds (core): the clinical fetal stacks against their reference, synthetic heads,
the geometry paths (slice axis, block-averaged working grid) and the user errors."""
import re
import time

import numpy as np
import pytest
import SimpleITK as sitk

from conftest import SHORT_REFERENCE, STACKS, clicks, dice, reference_brain
from rrlsrn import brainmask
from rrlsrn.brainmask import brain_mask_from_seeds
from rrlsrn.errors import RRLSRNError

TARGET = 0.85


def read_stack(path) -> sitk.Image:
    """The stack with the spacing its file name states (``Res<i>_<j>_Spac<k>``): its header says 1, 1, 1."""
    found = re.search(r"Res(\d+(?:\.\d+)?)_(\d+(?:\.\d+)?)_Spac(\d+(?:\.\d+)?)", path.name)
    assert found, path.name
    image = sitk.ReadImage(str(path))
    image.SetSpacing(tuple(float(v) for v in found.groups()))
    return image


@pytest.fixture(scope="module")
def dev_results(dev_stacks) -> dict:
    """Per stack: Dice, recall of the reference, seconds, and the clicks used."""
    results = {}
    for path in dev_stacks:
        image = read_stack(path)
        parts = sitk.GetArrayFromImage(sitk.ReadImage(str(path).replace(".nii.gz", "_brainparts.nii.gz")))
        reference = reference_brain(parts)
        inside, outside = clicks(reference, image.GetSpacing())
        assert 1 <= len(inside) <= 5 and len(outside) <= 8
        start = time.perf_counter()
        result = brain_mask_from_seeds(image, inside, outside)
        seconds = time.perf_counter() - start
        assert result.GetSpacing() == image.GetSpacing() and result.GetSize() == image.GetSize()
        mask = sitk.GetArrayFromImage(result) > 0
        name = re.match(r"Pat\d+_Se\d+", path.name).group(0)
        results[name] = dict(dice=dice(mask, reference), recall=float((mask & reference).sum() / reference.sum()),
                             seconds=seconds, outside=outside, mask=mask)
        print(f"{name}: Dice {results[name]['dice']:.3f}, recall {results[name]['recall']:.3f}, {seconds:.1f} s")
    return results


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(reason=SHORT_REFERENCE[n], strict=False)) if n in SHORT_REFERENCE else n
    for n in STACKS])
def test_dev_stack_reaches_the_target(dev_results, name):
    result = dev_results[name]
    print(f"{name}: Dice {result['dice']:.3f}")
    assert result["dice"] >= TARGET, f"{name}: Dice {result['dice']:.3f} < {TARGET}"


@pytest.mark.parametrize("name", STACKS)
def test_dev_stack_regression_floor(dev_results, name):
    result = dev_results[name]
    if name == "Pat13055_Se4":  # the reference is a part of the brain: all of it must be found
        assert result["recall"] >= 0.9, result["recall"]
    else:
        assert result["dice"] >= (0.80 if name in SHORT_REFERENCE else TARGET), result["dice"]
    assert result["seconds"] < 15
    assert not any(result["mask"][k, j, i] for i, j, k in result["outside"]), "an outside point was masked"


def _ball(shape, centre, radii):
    zz, yy, xx = np.mgrid[: shape[0], : shape[1], : shape[2]]
    return sum(((g - c) / r) ** 2 for g, c, r in zip((zz, yy, xx), centre, radii)) < 1


def _image(array, spacing=(0.8, 0.8, 2.0)) -> sitk.Image:
    image = sitk.GetImageFromArray(array.astype(np.float32))
    image.SetSpacing(spacing)
    image.SetOrigin((10.0, -5.0, 3.0))
    return image


def test_bright_ball_in_noise_from_one_seed():
    rng = np.random.default_rng(0)
    ball = _ball((20, 64, 64), (10, 34, 30), (7, 12, 14))
    image = _image(ball * 100 + 30 + rng.normal(0, 5, ball.shape))
    result = brain_mask_from_seeds(image, [(30, 34, 10)])
    mask = sitk.GetArrayFromImage(result)
    assert result.GetPixelID() == sitk.sitkUInt8 and set(np.unique(mask)) <= {0, 1}
    assert result.GetOrigin() == image.GetOrigin() and result.GetSpacing() == image.GetSpacing()
    assert dice(mask > 0, ball) > 0.9


def test_adult_t1_from_one_click_in_white_matter():
    """Real MNI152 T1 (1 mm, nilearn): one click at the deepest brain voxel (white matter)
    must give the whole brain, grey matter included, against nilearn's brain mask."""
    datasets = pytest.importorskip("nilearn.datasets", reason="nilearn (test extra) is not installed")
    from scipy import ndimage

    volume = np.asarray(datasets.load_mni152_template(resolution=1).get_fdata(), np.float32).T
    reference = np.asarray(datasets.load_mni152_brain_mask(resolution=1).get_fdata()).T > 0.5
    k, j, i = np.unravel_index(np.argmax(ndimage.distance_transform_edt(reference)), reference.shape)
    mask = sitk.GetArrayFromImage(brain_mask_from_seeds(sitk.GetImageFromArray(volume), [(i, j, k)])) > 0
    assert dice(mask, reference) > 0.95


def test_seed_in_a_bright_ventricle_still_finds_the_tissue_around_it():
    rng = np.random.default_rng(1)
    brain = _ball((24, 80, 80), (12, 40, 40), (9, 28, 28))
    ventricle = _ball((24, 80, 80), (12, 40, 40), (3, 7, 7))
    array = 20 + 80 * brain + 120 * ventricle + rng.normal(0, 5, brain.shape)
    mask = sitk.GetArrayFromImage(brain_mask_from_seeds(_image(array), [(40, 40, 12)])) > 0
    assert dice(mask, brain) > 0.9  # the ventricle is inside the brain and filled


def test_t1_like_head_keeps_the_scalp_out():
    """Brain (grey/white) in dark CSF and skull, wrapped in bright scalp fat: one click, 1 mm voxels."""
    rng = np.random.default_rng(2)
    shape, centre = (64, 72, 72), (32, 36, 36)
    brain = _ball(shape, centre, (20, 24, 24))
    white = _ball(shape, centre, (14, 18, 18))
    head = _ball(shape, centre, (26, 30, 30))
    scalp = head & ~_ball(shape, centre, (23, 27, 27))
    array = 10 + 60 * brain + 30 * white + 90 * scalp + rng.normal(0, 4, shape)
    mask = sitk.GetArrayFromImage(brain_mask_from_seeds(_image(array, (1.0, 1.0, 1.0)), [(36, 36, 32)])) > 0
    assert dice(mask, brain) > 0.9
    assert (mask & scalp).sum() < 0.01 * scalp.sum()


def test_thick_slices_along_another_axis():
    """Spacing decides the slice axis: here the thick axis is i (numpy's last)."""
    rng = np.random.default_rng(3)
    ball = _ball((64, 64, 20), (34, 30, 10), (14, 12, 6))
    image = _image(ball * 100 + 30 + rng.normal(0, 5, ball.shape), (3.0, 0.8, 0.8))
    mask = sitk.GetArrayFromImage(brain_mask_from_seeds(image, [(10, 30, 34)])) > 0
    assert dice(mask, ball) > 0.9


def test_large_volume_goes_through_the_working_grid(monkeypatch):
    monkeypatch.setattr(brainmask, "MAX_WORK_VOXELS", 20_000)
    rng = np.random.default_rng(4)
    ball = _ball((20, 64, 64), (10, 34, 30), (7, 12, 14))
    image = _image(ball * 100 + 30 + rng.normal(0, 5, ball.shape))
    assert np.prod(brainmask._work_steps((20, 64, 64), np.array([2.0, 0.8, 0.8]))) > 1
    mask = sitk.GetArrayFromImage(brain_mask_from_seeds(image, [(30, 34, 10)])) > 0
    assert mask.shape == ball.shape and dice(mask, ball) > 0.9


def test_outside_points_stay_outside():
    rng = np.random.default_rng(5)
    ball = _ball((20, 64, 64), (10, 34, 30), (7, 12, 14))
    image = _image(ball * 100 + 30 + rng.normal(0, 5, ball.shape))
    outside = [(30, 44, 10), (40, 34, 10)]  # clicked inside the ball: the user's word wins there
    mask = sitk.GetArrayFromImage(brain_mask_from_seeds(image, [(30, 34, 10)], outside)) > 0
    assert not any(mask[k, j, i] for i, j, k in outside)
    assert dice(mask, ball) > 0.8


def test_user_errors():
    image = sitk.Image([10, 10, 4], sitk.sitkFloat32)
    with pytest.raises(RRLSRNError, match="at least one point"):
        brain_mask_from_seeds(image, [])
    with pytest.raises(RRLSRNError, match="outside the image"):
        brain_mask_from_seeds(image, [(5, 5, 4)])
    with pytest.raises(RRLSRNError, match="outside the image"):
        brain_mask_from_seeds(image, [(-1, 5, 2)])
    with pytest.raises(RRLSRNError, match="outside the image"):
        brain_mask_from_seeds(image, [(5, 5)])
    with pytest.raises(RRLSRNError, match="outside the image"):
        brain_mask_from_seeds(image, [(5, 5, 2)], [(5, 10, 2)])
    with pytest.raises(RRLSRNError, match="scalar 3D"):
        brain_mask_from_seeds(sitk.Image([10, 10, 4], sitk.sitkVectorFloat32, 2), [(5, 5, 2)])
    with pytest.raises(RRLSRNError, match="scalar 3D"):
        brain_mask_from_seeds(sitk.Image([10, 10, 4, 3], sitk.sitkFloat32), [(5, 5, 2)])


def test_empty_result_is_a_user_error(monkeypatch):
    monkeypatch.setattr(brainmask, "_segment", lambda volume, *args: np.zeros(volume.shape, bool))
    with pytest.raises(RRLSRNError, match="came out empty"):
        brain_mask_from_seeds(sitk.Image([10, 10, 4], sitk.sitkFloat32), [(5, 5, 2)])


@pytest.mark.parametrize("run, floor", [(5, 0.5), (6, 0.65)])
def test_whole_uterus_stacks_do_not_leak_into_the_mother(shared_data, run, floor):
    """fetal_haste validation runs: the whole uterus in view, brain-like maternal tissue around.
    Before the fence of outside points, the brain flooded the mother's body (Dice 0.06, 32× the
    brain's volume). The manual masks hold the CSF around the brain too, so Dice stays below ~0.8."""
    folder = shared_data / "fetal_haste"
    image = sitk.ReadImage(str(folder / f"sub-01_run-{run}_T2w.nii.gz"))
    manual = sitk.GetArrayFromImage(sitk.ReadImage(str(folder / f"sub-01_run-{run}_T2w_brainmask.nii.gz"))) > 0
    inside, outside = clicks(manual, image.GetSpacing())
    mask = sitk.GetArrayFromImage(brain_mask_from_seeds(image, inside, outside)) > 0
    assert mask.sum() <= 1.3 * manual.sum()
    assert dice(mask, manual) >= floor, dice(mask, manual)


def test_the_fence_needs_outside_points_that_surround_the_brain():
    spacing = np.array([3.0, 1.0, 1.0])
    around = [(5, 10, 10), (5, 10, 30), (5, 30, 30), (5, 30, 10)]
    fence = brainmask._fence((40, 40), spacing, [(5, 20, 20)], around)
    assert fence[20, 20] and fence[10 + 1, 10 + 1] and not fence[0, 0] and not fence[39, 20]
    assert fence[33, 20] and not fence[34, 20]  # the hull grown by 3 mm
    assert brainmask._fence((40, 40), spacing, [(5, 35, 35)], around) is None  # not surrounded
    assert brainmask._fence((40, 40), spacing, [(5, 20, 20)], around[:2]) is None  # too few
    assert brainmask._fence((40, 40), spacing, [(5, 20, 20)], [(5, 1, 1), (5, 2, 2), (5, 3, 3)]) is None  # a line
