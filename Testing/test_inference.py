"""Volume super-resolution: exact output grid, tiling, masks, crops, dtypes, devices."""
import numpy as np
import pytest
import SimpleITK as sitk
import torch

from rrlsrn import io
from rrlsrn.errors import RRLSRNError
from rrlsrn.geometry import Grid
from rrlsrn.inference import UpscaleJob, UpscaleSettings, upscale_file, upscale_image
from rrlsrn.runner import _forward, resolve_device, super_resolve_slices
from rrlsrn.models import RRLSRN
from rrlsrn.weights import load_model
from test_geometry import oblique_image


def assert_same_bounds(a: sitk.Image, b: sitk.Image) -> None:
    for x, y in zip(Grid.of(a).corner_bounds(), Grid.of(b).corner_bounds()):
        assert np.allclose(x, y, atol=1e-4)


@pytest.mark.slow
@pytest.mark.parametrize("scale", [2, 4])
def test_tiled_output_equals_untiled(scale):
    torch.manual_seed(0)
    model = RRLSRN(scale=scale).eval()
    x = torch.rand(1, 1, 130, 70)
    with torch.inference_mode():
        assert torch.allclose(_forward(model, x, tile=100), model(x), atol=1e-5)


def test_upscale_image_geometry_voxels_and_slice_axis(random_weights):
    image = oblique_image(size=(20, 18, 6), spacing=(0.47, 0.47, 4.0))
    out = upscale_image(image, load_model(random_weights), UpscaleSettings(device="cpu"))
    assert out.GetSize() == (40, 36, 6)
    assert out.GetNumberOfPixels() == 4 * image.GetNumberOfPixels()
    assert out.GetPixelID() == sitk.sitkFloat32
    assert_same_bounds(image, out)
    # A thick first axis is the slice axis: SR happens in j and k.
    thick_i = oblique_image(size=(5, 18, 16), spacing=(3.0, 0.5, 0.5))
    assert upscale_image(thick_i, load_model(random_weights)).GetSize() == (5, 36, 32)


def test_normalisation_is_undone_and_constant_volume_stays_constant(random_weights):
    model = load_model(random_weights)
    slices = np.random.default_rng(0).uniform(100, 900, (2, 16, 16)).astype(np.float32)
    from rrlsrn.intensity import Normalisation

    out = super_resolve_slices(model, slices, normalisation=Normalisation.fit(slices))
    assert 50 < out.mean() < 950  # back in the input's intensity range, not [0, 1]
    flat = sitk.Image([8, 8, 3], sitk.sitkFloat32) + 7.0
    assert np.all(sitk.GetArrayViewFromImage(upscale_image(flat, model)) == 7.0)


@pytest.mark.slow
def test_real_stack_mask_crop_and_keep_dtype(dev_stacks, random_weights, tmp_path):
    stack = dev_stacks[3]  # the smallest: 136×136×22 at 0.78×0.78×4 mm
    parts = stack.with_name(stack.name.replace(".nii.gz", "_brainparts.nii.gz"))
    image = io.read_volume(stack, spacing_in_name=True)
    out_path = upscale_file(UpscaleJob(stack, tmp_path / "sr.nii.gz", str(random_weights), UpscaleSettings(device="cpu"),
                                       mask=parts, crop_margin_mm=5.0, keep_dtype=True, spacing_in_name=True))
    out = io.read_volume(out_path)
    assert out.GetPixelID() == image.GetPixelID()
    assert np.allclose(out.GetSpacing(), (0.7813 / 2, 0.7813 / 2, 4.0))
    # Cropped: inside the input's bounds, around the brain plus 5 mm (not the whole field of view).
    lo_in, hi_in = Grid.of(image).corner_bounds()
    lo, hi = Grid.of(out).corner_bounds()
    assert np.all(lo >= lo_in - 1e-4) and np.all(hi <= hi_in + 1e-4)
    assert out.GetSize()[0] < 2 * image.GetSize()[0]
    # Zero outside the mask: no voxel outside the (resampled) brain parts is non-zero.
    mask = sitk.ReadImage(str(parts))
    mask.SetSpacing(image.GetSpacing())
    inside = sitk.GetArrayFromImage(sitk.Resample(sitk.NotEqual(mask, 0), out, sitk.Transform(),
                                                      sitk.sitkNearestNeighbor))
    values = sitk.GetArrayViewFromImage(out)
    assert np.all(values[inside == 0] == 0) and np.count_nonzero(values[inside == 1]) > 0.9 * inside.sum()


def test_user_errors(tmp_path, random_weights):
    image = io.write_volume(oblique_image(size=(8, 8, 3)), tmp_path / "in.nii.gz")
    with pytest.raises(RRLSRNError, match="is one of the inputs"):
        upscale_file(UpscaleJob(image, image, str(random_weights)))
    with pytest.raises(RRLSRNError, match="needs --mask"):
        upscale_file(UpscaleJob(image, tmp_path / "o.nii.gz", str(random_weights), crop_margin_mm=3))
    empty = io.write_volume(sitk.Image([8, 8, 3], sitk.sitkUInt8), tmp_path / "empty_mask.nii.gz")
    with pytest.raises(RRLSRNError, match="marks no voxel"):
        upscale_file(UpscaleJob(image, tmp_path / "o.nii.gz", str(random_weights), mask=empty))
    nan = oblique_image(size=(8, 8, 3))
    nan[1, 1, 1] = float("nan")
    with pytest.raises(RRLSRNError, match="NaN"):
        upscale_image(nan, load_model(random_weights))
    with pytest.raises(RRLSRNError, match="not available"):
        resolve_device("cuda" if not torch.cuda.is_available() else "mps")
    assert not (tmp_path / "o.nii.gz").exists()


def test_a_full_mask_on_the_same_oblique_grid_keeps_every_voxel():
    from rrlsrn.inference import resample_mask

    image = oblique_image(size=(12, 10, 4))
    full = Grid.of(image).apply_to(sitk.GetImageFromArray(np.ones((4, 10, 12), np.uint8)))
    assert sitk.GetArrayFromImage(resample_mask(full, image)).all()


def test_out_of_memory_backs_off_to_smaller_batches_and_tiles(monkeypatch, random_weights):
    """A device that runs out of memory above one slice in 128-pixel tiles: the result is still
    the same as one pass; at one slice in 64-pixel tiles it gives up with one sentence."""
    from rrlsrn import runner

    model = load_model(random_weights)
    slices = np.random.default_rng(0).random((5, 80, 72), dtype=np.float32)
    expected = super_resolve_slices(model, slices, "cpu", batch_size=4, tile=512)
    real_forward, calls = runner._forward, []

    def forward(model, batch, tile):
        calls.append((batch.shape[0], tile))
        if batch.shape[0] > 1 or tile > 128:
            raise torch.OutOfMemoryError("simulated")
        return real_forward(model, batch, tile)

    monkeypatch.setattr(runner, "_forward", forward)
    out = super_resolve_slices(model, slices, "cpu", batch_size=4, tile=512)
    assert np.allclose(out, expected, atol=1e-4)
    assert calls[:6] == [(4, 512), (2, 512), (1, 512), (1, 256), (1, 128), (1, 128)]
    monkeypatch.setattr(runner, "_forward", lambda *a: (_ for _ in ()).throw(torch.OutOfMemoryError("x")))
    with pytest.raises(RRLSRNError, match="out of memory"):
        super_resolve_slices(model, slices, "cpu", batch_size=2, tile=128)


def test_in_plane_adapt_fine_tunes_a_copy_and_keeps_a_cascade(random_weights):
    """`upscale --adapt`: the ×2 model (inside a ×4 cascade too) is fine-tuned on the scan's own
    slices, the loaded model is left as it was, and the upscaled volume keeps its exact grid."""
    import torch

    from rrlsrn.adapt import adapt_in_plane
    from rrlsrn.models import Cascade

    model = load_model(random_weights, 4)
    before = [p.detach().clone() for p in model.parameters()]
    slices = np.random.default_rng(3).random((4, 48, 40)).astype(np.float32)
    tuned = adapt_in_plane(model, slices, seconds=1.0)
    assert isinstance(tuned, Cascade) and tuned.scale == 4 and not tuned.training
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(model.parameters(), tuned.parameters()))
    image = oblique_image(size=(24, 20, 3), spacing=(0.8, 0.8, 4.0))
    seen = []
    out = upscale_image(image, load_model(random_weights), UpscaleSettings(adapt_seconds=0.5),
                        progress=lambda done, total: seen.append((done, total)))
    assert out.GetSize() == (48, 40, 3) and seen[-1] == (6, 6)
    assert_same_bounds(out, image)


def test_precision_auto_keeps_float32_without_native_bf16_and_bf16_stays_close(random_weights, monkeypatch):
    """--precision: auto is float32 on a CPU without native bf16 (this project's), and on one with
    it only for a model whose image path stays float32 (the spline branch); bfloat16 when asked
    changes the output by bf16 rounding only."""
    from rrlsrn import runner
    from rrlsrn.jobs import UpscaleJob as Job

    cpu = torch.device("cpu")
    upconv, spline = load_model(random_weights), RRLSRN(image_branch="spline").eval()
    monkeypatch.setattr(runner, "native_bf16", lambda: False)
    assert not runner.autocast_for(spline, cpu)._enabled
    monkeypatch.setattr(runner, "native_bf16", lambda: True)
    assert runner.autocast_for(spline, cpu)._enabled and not runner.autocast_for(upconv, cpu)._enabled
    assert not runner.autocast_for(spline, cpu, "float32")._enabled and runner.autocast_for(upconv, cpu, "bfloat16")._enabled
    with pytest.raises(RRLSRNError, match="precision must be one of"):
        runner.autocast_for(upconv, cpu, "half")
    lr = np.random.default_rng(4).random((2, 24, 24), dtype=np.float32)
    exact = super_resolve_slices(spline, lr, cpu, precision="float32")
    bf16 = super_resolve_slices(spline, lr, cpu, precision="bfloat16")
    assert 0 < np.abs(bf16 - exact).max() < 0.02
    job = Job("a.nii.gz", "b.nii.gz", settings=UpscaleSettings(precision="bfloat16"))
    assert job.command_line()[job.command_line().index("--precision") + 1] == "bfloat16"
    assert "--precision" not in Job("a.nii.gz", "b.nii.gz").command_line()
