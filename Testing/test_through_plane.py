"""Through-plane restoration: the slice-profile operators, the exact output grid on oblique,
anisotropic stacks, data consistency, the command line's contract, and (real data) the gain."""
import subprocess
import sys

import numpy as np
import pytest
import SimpleITK as sitk

from rrlsrn import slice_profile
from rrlsrn.geometry import Grid, resized_grid, through_plane_size
from rrlsrn.jobs import UpscaleSettings
from rrlsrn.through_plane import restore_image
from rrlsrn.weights import load_model
from test_geometry import oblique_image


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rrlsrn", *args], capture_output=True, text=True, timeout=600)


# ---------------------------------------------------------------------------- operators

@pytest.mark.parametrize("profile", slice_profile.PROFILES)
def test_thick_slices_weigh_the_cells_of_their_own_extent(profile):
    a = slice_profile.profile_matrix(5, 20, 4.0, profile)
    assert a.shape == (5, 20) and np.allclose(a.sum(axis=1), 1)
    centres = a @ np.arange(20)  # each slice's centre of mass (edges cut the Gaussian's tails)
    assert np.allclose(centres[1:-1], (np.arange(1, 4) + 0.5) * 4 - 0.5, atol=0.01)
    if profile == "rect":  # a rectangular slice as thick as its spacing is the mean of its 4 cells
        assert np.allclose(a[2, 8:12], 0.25) and np.allclose(np.delete(a[2], range(8, 12)), 0)


def test_a_thinner_slice_leaves_a_gap_and_the_gaussian_has_its_fwhm():
    gap = slice_profile.profile_matrix(4, 24, 3.0, "rect")  # spacing 6, thickness 3: slice 1 is [7, 10]
    assert np.allclose(gap[1, 7:11], [1 / 6, 1 / 3, 1 / 3, 1 / 6]) and np.allclose(gap[1, [4, 5, 6, 11, 12]], 0)
    fine = slice_profile.profile_matrix(1, 401, 100.0, "gaussian")[0]  # FWHM 100 cells
    assert abs((fine > fine.max() / 2).sum() - 100) <= 1


def test_spline_interpolation_keeps_constants_and_lines_at_any_ratio():
    for n, m in ((40, 160), (40, 100), (35, 75)):
        s = slice_profile.spline_matrix(n, m)
        assert s.shape == (m, n) and np.allclose(s @ np.ones(n), 1)
        positions = (np.arange(n) + 0.5) * m / n - 0.5  # the samples' fine positions
        line = s @ positions
        inner = slice(m // 4, 3 * m // 4)  # the reflecting edges bend a line near them only
        assert np.allclose(line[inner], np.arange(m)[inner], atol=1e-3)


def test_consistency_makes_the_output_reproduce_the_input_with_the_least_change():
    rng = np.random.default_rng(0)
    thick = rng.random((3, 4, 6)).astype(np.float32)
    guess = rng.random((3, 4, 24)).astype(np.float32)
    fixed = slice_profile.enforce_consistency(guess, thick, 4.0, "gaussian")
    assert np.abs(slice_profile.thick_slices(fixed, 6, 4.0, "gaussian") - thick).max() < 1e-4
    again = slice_profile.enforce_consistency(fixed, thick, 4.0, "gaussian")
    assert np.abs(again - fixed).max() < 1e-4  # an already consistent volume is left as it is


# ---------------------------------------------------------------------------- geometry

@pytest.mark.parametrize("factor", [4.0, 2.5])
def test_output_covers_the_input_box_exactly_on_an_oblique_anisotropic_stack(random_through_plane_weights, factor):
    image = oblique_image(size=(20, 18, 9), spacing=(0.47, 0.6, 4.0))
    out = restore_image(image, load_model(random_through_plane_weights), UpscaleSettings(through_plane=factor))
    m = through_plane_size(9, factor)
    assert out.GetSize() == (20, 18, m) and m == round(9 * factor)
    assert np.allclose(out.GetSpacing(), (0.47, 0.6, 9 * 4.0 / m))
    assert np.allclose(out.GetDirection(), image.GetDirection())
    for a, b in zip(Grid.of(image).corner_bounds(), Grid.of(out).corner_bounds()):
        assert np.allclose(a, b, atol=1e-6)
    # A linear field stays that field at the new slice centres (away from the first/last slice).
    grid = Grid.of(out)
    k, j, i = np.meshgrid(*(np.arange(n) for n in out.GetSize()[::-1]), indexing="ij")
    points = grid.matrix @ np.stack([i.ravel(), j.ravel(), k.ravel(), np.ones(i.size)])
    expected = (0.7 * points[0] - 0.2 * points[1] + 0.05 * points[2] + 3).reshape(i.shape)
    inner = slice(int(2 * factor), m - int(2 * factor))
    error = np.abs(sitk.GetArrayFromImage(out)[inner] - expected[inner])
    assert np.median(error) < 0.02 * np.ptp(expected)


def test_slice_axis_other_than_k_and_the_corner_rule_of_resized_grid(random_through_plane_weights):
    image = oblique_image(size=(7, 20, 16), spacing=(3.0, 0.5, 0.5))
    out = restore_image(image, load_model(random_through_plane_weights), UpscaleSettings(through_plane=3))
    assert out.GetSize() == (21, 20, 16)
    grid = resized_grid(Grid.of(image), (21, 20, 16))
    assert np.allclose(out.GetOrigin(), grid.origin) and np.allclose(grid.spacing, (1.0, 0.5, 0.5))
    first = np.array(image.GetOrigin()) + np.reshape(image.GetDirection(), (3, 3))[:, 0] * (-1.5 + 0.5)
    assert np.allclose(out.GetOrigin(), first)  # first new centre half a new voxel inside the box


def test_restored_stack_measured_with_its_profile_gives_back_the_input(random_through_plane_weights):
    """In image units: thick slices of the output (declared thickness, with a gap) equal the input."""
    rng = np.random.default_rng(1)
    image = sitk.GetImageFromArray((rng.random((6, 16, 16)) * 900 + 100).astype(np.float32))
    image.SetSpacing((0.8, 0.8, 5.0))
    settings = UpscaleSettings(through_plane=4, slice_thickness=3.5, slice_profile="rect", consistency=True)
    out = sitk.GetArrayFromImage(restore_image(image, load_model(random_through_plane_weights), settings))
    remeasured = slice_profile.thick_slices(np.moveaxis(out, 0, -1), 6, 3.5 / 1.25, "rect")
    assert np.abs(np.moveaxis(remeasured, -1, 0) - sitk.GetArrayFromImage(image)).max() < 0.05


# ---------------------------------------------------------------------------- command line

@pytest.mark.slow
def test_upscale_through_plane_writes_the_stack_and_refuses_what_makes_no_sense(tmp_path, random_through_plane_weights,
                                                                                 random_weights):
    image = oblique_image(size=(12, 10, 5), spacing=(0.5, 0.5, 3.0))
    sitk.WriteImage(image, str(tmp_path / "in.nrrd"))
    weights = ["--through-plane-weights", str(random_through_plane_weights)]
    done = run_cli("upscale", str(tmp_path / "in.nrrd"), "-o", str(tmp_path / "z.nii.gz"), "--through-plane", "3",
                   *weights, "-q")
    assert done.returncode == 0, done.stderr
    assert sitk.ReadImage(str(tmp_path / "z.nii.gz")).GetSize() == (12, 10, 15)
    both = run_cli("upscale", str(tmp_path / "in.nrrd"), "-o", str(tmp_path / "xz.nrrd"), "--through-plane", "2",
                   "--scale", "2", "--weights", str(random_weights), *weights, "--progress-lines", "-q")
    assert both.returncode == 0, both.stderr
    assert sitk.ReadImage(str(tmp_path / "xz.nrrd")).GetSize() == (24, 20, 10)
    assert both.stdout.strip().splitlines()[-1] == "progress 2000 2000"
    for args, sentence in ((["--slice-thickness", "2"], "only apply with --through-plane"),
                           (["--scale", "1"], "nothing to do")):
        refused = run_cli("upscale", str(tmp_path / "in.nrrd"), "-o", str(tmp_path / "no.nii.gz"), *args)
        assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and sentence in refused.stderr
    bad = run_cli("upscale", str(tmp_path / "in.nrrd"), "-o", str(tmp_path / "no.nii.gz"), "--through-plane", "1")
    assert bad.returncode == 2 and "a factor above 1" in bad.stderr
    flat = sitk.Image((12, 10, 1), sitk.sitkFloat32)
    sitk.WriteImage(flat + 1.0, str(tmp_path / "flat.nrrd"))
    single = run_cli("upscale", str(tmp_path / "flat.nrrd"), "-o", str(tmp_path / "no.nii.gz"), "--through-plane", "2",
                     *weights)
    assert single.returncode == 1 and "single slice" in single.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flat.nrrd", "in.nrrd", "xz.nrrd", "z.nii.gz"]


@pytest.mark.slow
def test_cohort_names_say_what_was_done(tmp_path, random_through_plane_weights):
    (tmp_path / "in").mkdir()
    sitk.WriteImage(oblique_image(size=(8, 8, 4), spacing=(0.5, 0.5, 3.0)), str(tmp_path / "in" / "a.nii.gz"))
    done = run_cli("upscale", "--input-dir", str(tmp_path / "in"), "--output-dir", str(tmp_path / "out"),
                   "--through-plane", "2.5", "--through-plane-weights", str(random_through_plane_weights), "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["a_SRz2.5.nii.gz"]
    assert sitk.ReadImage(str(tmp_path / "out" / "a_SRz2.5.nii.gz")).GetSize() == (8, 8, 10)
    assert UpscaleSettings(scale=2, through_plane=4).output_suffix() == "_SRx2z4"
    assert UpscaleSettings().output_suffix() == "_SRx2"


def test_adapt_fine_tunes_a_copy(random_through_plane_weights):
    import torch

    from rrlsrn.adapt import adapt

    model = load_model(random_through_plane_weights)
    before = [p.detach().clone() for p in model.parameters()]
    volume = np.random.default_rng(2).random((40, 40, 6)).astype(np.float32)
    tuned = adapt(model, volume, 4.0, 4.0, "gaussian", seconds=1.0)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))  # the shipped model untouched
    assert any(not torch.equal(a, b) for a, b in zip(model.parameters(), tuned.parameters()))
    assert not tuned.training


@pytest.mark.slow
def test_upscale_adapt_runs_through_plane_and_in_plane(tmp_path, random_through_plane_weights, random_weights):
    sitk.WriteImage(oblique_image(size=(40, 36, 5), spacing=(0.5, 0.5, 3.0)), str(tmp_path / "in.nrrd"))
    done = run_cli("upscale", str(tmp_path / "in.nrrd"), "-o", str(tmp_path / "a.nrrd"), "--through-plane", "2",
                   "--adapt", "1", "--through-plane-weights", str(random_through_plane_weights), "-q")
    assert done.returncode == 0, done.stderr
    assert sitk.ReadImage(str(tmp_path / "a.nrrd")).GetSize() == (40, 36, 10)
    in_plane = run_cli("upscale", str(tmp_path / "in.nrrd"), "-o", str(tmp_path / "b.nrrd"), "--adapt", "1",
                       "--weights", str(random_weights), "-q")
    assert in_plane.returncode == 0, in_plane.stderr
    assert sitk.ReadImage(str(tmp_path / "b.nrrd")).GetSize() == (80, 72, 5)


@pytest.mark.slow
def test_shipped_model_beats_the_spline_on_a_held_out_atlas(shared_data):
    """×4 Gaussian thick slices of a validation atlas (never trained on): the shipped model, as
    `rrlsrn upscale --through-plane 4` runs it, is ≥ 2 dB above a cubic B-spline in the brain."""
    from rrlsrn.through_plane_evaluation import ThroughPlaneEvalSettings, evaluate_volume, model_restorer
    from rrlsrn.weights import shipped_weights

    settings = ThroughPlaneEvalSettings(ratio=4, slab=12)
    methods = {"spline": lambda thick, r: slice_profile.interpolate(thick, thick.shape[-1] * r),
               "model": model_restorer(load_model(shipped_weights("through_plane")), settings)}
    records = {r["method"]: r for r in evaluate_volume(
        shared_data / "fetal_atlas" / "gholipour2017_GA30_T2w.nii.gz", methods, settings)}
    assert records["model"]["psnr"] > records["spline"]["psnr"] + 2.0
    assert records["model"]["ssim"] > records["spline"]["ssim"]


def test_weights_of_the_other_kind_are_refused_in_one_sentence(random_weights, random_through_plane_weights):
    from rrlsrn.errors import RRLSRNError
    from rrlsrn.inference import models_for

    with pytest.raises(RRLSRNError, match="holds a through-plane model, not an in-plane one: give it with "
                                          "--through-plane-weights"):
        load_model(random_through_plane_weights, 2)
    with pytest.raises(RRLSRNError, match="holds an in-plane model, not a through-plane one"):
        models_for(UpscaleSettings(scale=1, through_plane=2), through_plane_weights=str(random_weights))
    model, through_plane_model = models_for(UpscaleSettings(scale=2, through_plane=2), str(random_weights),
                                            str(random_through_plane_weights))
    assert model.scale == 2 and through_plane_model.scale == 1
    assert models_for(UpscaleSettings(scale=1, through_plane=2), None, str(random_through_plane_weights))[0] is None
