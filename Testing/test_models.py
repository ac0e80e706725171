"""Networks, losses, weight files and the LapSRN port."""
import numpy as np
import pytest
import torch

from conftest import LAPSRN_MAT
from rrlsrn.degrade import bicubic_downsample, bicubic_upsample
from rrlsrn.errors import RRLSRNError
from rrlsrn.losses import SRLoss, charbonnier, gradient_difference
from rrlsrn.models import RRLSRN, SRCNN, Cascade
from rrlsrn.weights import load_lapsrn_mat, load_model, save_weights


def n_params(model) -> int:
    return sum(p.numel() for p in model.parameters())


def test_rrlsrn_has_lapsrn_level_structure():
    model = RRLSRN(feature_upconv_kernel=3)
    assert n_params(model) == 407_441  # released LapSRN ×2, FIELD_NOTES §2
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    upconvs = [m for m in model.modules() if isinstance(m, torch.nn.ConvTranspose2d)]
    assert len(convs) == 12 and len(upconvs) == 2  # 11 feature convs + residual, two transposed
    slopes = {m.negative_slope for m in model.modules() if isinstance(m, torch.nn.LeakyReLU)}
    assert slopes == {0.2}


@pytest.mark.parametrize("kernel", [3, 4])
@pytest.mark.parametrize("scale", [2, 4, 8])
def test_output_shapes(kernel, scale):
    model = RRLSRN(scale=scale, feature_upconv_kernel=kernel)
    assert model(torch.rand(2, 1, 13, 10)).shape == (2, 1, 13 * scale, 10 * scale)


def test_image_branch_starts_bilinear():
    model = RRLSRN()
    torch.nn.init.zeros_(model.levels[0].residual.weight)
    x = torch.rand(1, 1, 8, 8)
    y = model(x)
    # Interior of a bilinear ×2 on cell centres: HR pixel 2m+1 = 3/4 x[m] + 1/4 x[m+1].
    expected = 0.75 * (0.75 * x[0, 0, 3, 3] + 0.25 * x[0, 0, 4, 3]) + 0.25 * (0.75 * x[0, 0, 3, 4] + 0.25 * x[0, 0, 4, 4])
    assert y[0, 0, 7, 7].item() == pytest.approx(expected.item(), abs=1e-6)


def test_ablation_without_feature_upconv_and_srcnn_shapes():
    assert RRLSRN(feature_upconv=False)(torch.rand(1, 1, 9, 9)).shape == (1, 1, 18, 18)
    assert SRCNN(2)(torch.rand(1, 1, 9, 9)).shape == (1, 1, 18, 18)
    assert n_params(SRCNN()) == 1 * 64 * 81 + 64 + 64 * 32 * 25 + 32 + 32 * 25 + 1


def test_losses_against_hand_computed_values():
    pred = torch.tensor([[[[0.0, 1.0], [2.0, 4.0]]]])
    target = torch.tensor([[[[0.0, 0.0], [2.0, 1.0]]]])
    eps = 1e-3
    hand = (eps + np.sqrt(1 + eps**2) + eps + np.sqrt(9 + eps**2)) / 4
    assert charbonnier(pred, target, eps).item() == pytest.approx(hand, rel=1e-6)
    assert charbonnier(pred, target, eps, "sum").item() == pytest.approx(hand * 4, rel=1e-6)
    # Vertical |Δ|: target (2, 1), pred (2, 3) → (0, 4); horizontal: target (0, 1), pred (1, 2) → (1, 1).
    assert gradient_difference(pred, target).item() == pytest.approx((0 + 4) / 2 + (1 + 1) / 2)
    assert gradient_difference(pred, target, "sum").item() == pytest.approx(4 + 2)
    both = SRLoss(1.0, 0.5)(pred, target).item()
    assert both == pytest.approx(hand + 0.5 * 3.0, rel=1e-6)
    assert SRLoss(1.0, 0.0)(pred, target).item() == pytest.approx(hand, rel=1e-6)


def test_weights_roundtrip_sha256_and_cascade(tmp_path):
    model = RRLSRN()
    path = save_weights(model, tmp_path / "m.pt", "rrlsrn", {"scale": 2}, {"note": "test"})
    loaded = load_model(path)
    x = torch.rand(1, 1, 12, 12)
    with torch.no_grad():
        assert torch.equal(loaded(x), model.eval()(x))
        x4 = load_model(path, scale=4)
        assert isinstance(x4, Cascade) and x4.scale == 4 and x4(x).shape == (1, 1, 48, 48)
    with pytest.raises(RRLSRNError, match="×3"):
        load_model(path, scale=3)
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(RRLSRNError, match="sha256"):
        load_model(path)


def test_weights_of_another_architecture_or_not_weights_are_refused(tmp_path):
    path = save_weights(SRCNN(), tmp_path / "s.pt", "rrlsrn", {"scale": 2})
    with pytest.raises(RRLSRNError, match="another architecture"):
        load_model(path)
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"\x00" * 100)
    with pytest.raises(RRLSRNError, match="not a readable"):
        load_model(junk)
    with pytest.raises(RRLSRNError, match="does not exist"):
        load_model(tmp_path / "missing.pt")


def test_malicious_pickle_cannot_run_code(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    path = tmp_path / "evil.pt"
    torch.save({"arch": "rrlsrn", "config": {}, "state_dict": Evil()}, path)
    with pytest.raises(RRLSRNError):
        load_model(path)
    assert not marker.exists()


def psnr(a, b) -> float:
    return float(10 * np.log10(1.0 / np.mean((np.clip(a, 0, 1) - b) ** 2)))


def test_ported_lapsrn_beats_bicubic_on_real_brain_slices(mni_slices):
    if not LAPSRN_MAT.exists():
        pytest.skip(f"official LapSRN weights not found at {LAPSRN_MAT}")
    model = load_lapsrn_mat(LAPSRN_MAT)
    hr = torch.from_numpy(mni_slices)[:, None]
    lr = bicubic_downsample(hr).clamp(min=0)
    with torch.inference_mode():
        gain = psnr(model(lr).numpy(), hr.numpy()) - psnr(bicubic_upsample(lr).numpy(), hr.numpy())
    assert gain > 3.5, f"LapSRN gains only {gain:.2f} dB over bicubic (expected ≈ +4.4)"


# ---------------------------------------------------------------- v2: spline image branch

def test_spline_branch_with_zero_residual_is_the_cubic_spline():
    from rrlsrn.degrade import cubic_spline_upsample

    model = RRLSRN(image_branch="spline")
    torch.nn.init.zeros_(model.levels[0].residual.weight)
    torch.nn.init.zeros_(model.levels[0].residual.bias)
    x = torch.rand(2, 1, 23, 30)
    with torch.no_grad():
        y = model(x)
    np.testing.assert_allclose(y[:, 0].numpy(), cubic_spline_upsample(x[:, 0].numpy(), 2), atol=1e-3)
    assert not any("image_up" in name for name in model.state_dict())  # a fixed branch, no parameters


def test_spline_branch_stays_float32_under_bfloat16_autocast():
    model = RRLSRN(image_branch="spline").eval()
    torch.nn.init.zeros_(model.levels[0].residual.weight)
    torch.nn.init.zeros_(model.levels[0].residual.bias)
    x = torch.rand(1, 1, 16, 16)
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        y = model(x)
    with torch.no_grad():
        reference = model(x)
    assert y.dtype == torch.float32
    assert (y - reference).abs().max() < 1e-5  # the image path does not lose bf16 precision


@pytest.mark.parametrize("branch", ["upconv", "spline"])
def test_weight_files_record_their_image_branch_and_load(branch, tmp_path):
    model = RRLSRN(image_branch=branch)
    config = {"scale": 2, "feature_upconv_kernel": 4, "feature_upconv": True, "image_branch": branch}
    path = save_weights(model, tmp_path / f"{branch}.pt", "rrlsrn", config)
    loaded = load_model(path)
    assert loaded.levels[0].image_branch == branch
    assert torch.load(path, weights_only=True)["config"]["image_branch"] == branch
    x = torch.rand(1, 1, 12, 12)
    with torch.no_grad():
        assert torch.allclose(loaded(x), model.eval()(x), atol=1e-6)


def test_old_weight_files_without_image_branch_load_as_the_paper_form(tmp_path):
    old = RRLSRN()  # a file written before the option existed: its config has no image_branch
    path = save_weights(old, tmp_path / "old.pt", "rrlsrn", {"scale": 2, "feature_upconv_kernel": 4,
                                                              "feature_upconv": True})
    assert load_model(path).levels[0].image_branch == "upconv"


def test_shipped_weights_still_load():
    from rrlsrn.weights import shipped_weights

    for arch in ("rrlsrn", "srcnn"):
        model = load_model(shipped_weights(arch))
        with torch.no_grad():
            assert model(torch.rand(1, 1, 10, 10)).shape == (1, 1, 20, 20)
