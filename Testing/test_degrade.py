"""Degradations and classical upsamplers share one grid convention (no half-pixel shifts)."""
import numpy as np
import pytest
import torch

from rrlsrn.degrade import (bicubic_downsample, bicubic_upsample, cubic_spline_upsample, gaussian_blur,
                            kspace_downsample, resize_matrix, rician_noise, simulate_lr)

H = 64


def ramp() -> torch.Tensor:
    r = torch.arange(H, dtype=torch.float32)
    return 0.3 * r[:, None] + 0.7 * r[None, :]


def blob(cy=30.3, cx=25.7) -> torch.Tensor:
    yy, xx = np.mgrid[0:H, 0:H]
    return torch.tensor(np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * 4.0**2)), dtype=torch.float32)


def centroid(image: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Intensity centroid in the HR pixel coordinates of an image ``scale`` times coarser."""
    yy, xx = np.mgrid[0:image.shape[0], 0:image.shape[1]]
    c = np.array([(image * yy).sum(), (image * xx).sum()]) / image.sum()
    return scale * c + (scale - 1) / 2


def test_bicubic_downsample_samples_the_ramp_at_cell_centres():
    lr = bicubic_downsample(ramp())
    # LR pixel m covers HR pixels 2m, 2m+1: its value is the ramp at 2m + 0.5.
    m = torch.arange(4, 28, dtype=torch.float32)
    assert torch.allclose(lr[4:28, 4:28], 0.3 * (2 * m[:, None] + 0.5) + 0.7 * (2 * m[None, :] + 0.5), atol=1e-3)


@pytest.mark.parametrize("up", ["bicubic", "spline"])
def test_ramp_survives_down_then_up_without_shift(up):
    lr = bicubic_downsample(ramp())
    hr = bicubic_upsample(lr).numpy() if up == "bicubic" else cubic_spline_upsample(lr.numpy())
    assert np.abs(hr - ramp().numpy())[4:-4, 4:-4].max() < 0.02  # of a 0…63 ramp


@pytest.mark.parametrize("down", [bicubic_downsample, kspace_downsample])
def test_every_degradation_keeps_position_and_mean(down):
    hr = blob()
    lr = down(hr).numpy()
    assert np.allclose(centroid(lr, 2), centroid(hr.numpy()), atol=0.01)
    assert lr.mean() == pytest.approx(hr.numpy().mean(), rel=1e-3)
    assert np.allclose(centroid(cubic_spline_upsample(lr)), centroid(hr.numpy()), atol=0.01)


def test_kspace_truncation_keeps_exactly_the_central_half_of_kspace():
    x = torch.rand(2, 64, 48, generator=torch.Generator().manual_seed(0))
    lr = kspace_downsample(x)
    assert lr.shape == (2, 32, 24)
    spec_hr = torch.fft.fftshift(torch.fft.fft2(x), dim=(-2, -1))[:, 16:48, 12:36]
    spec_lr = torch.fft.fftshift(torch.fft.fft2(lr), dim=(-2, -1)) * 4
    # Magnitudes match away from the LR Nyquist row/column (where the half-pixel phase folds).
    assert torch.allclose(spec_lr.abs()[:, 1:, 1:], spec_hr.abs()[:, 1:, 1:], rtol=1e-3, atol=1e-2)


def test_resize_matrix_rows_sum_to_one_and_antialias_widens():
    down = resize_matrix(64, 32)
    assert np.allclose(down.sum(axis=1), 1)
    assert (np.abs(down[10]) > 1e-9).sum() == 8  # the cubic kernel stretched ×2: 8 taps
    assert np.allclose(resize_matrix(32, 64).sum(axis=1), 1)


def test_blur_and_noise():
    x = torch.zeros(1, 21, 21)
    x[0, 10, 10] = 1
    b = gaussian_blur(x, 1.5)
    assert b.sum() == pytest.approx(1, abs=1e-5) and b[0, 10, 10] < 0.1
    flat = torch.full((200, 200), 0.5)
    noisy = rician_noise(flat, 0.05, torch.Generator().manual_seed(1))
    assert noisy.std().item() == pytest.approx(0.05, rel=0.1)


def test_simulate_lr_shapes_and_unknown_degradation():
    hr = torch.rand(3, 1, 32, 32)
    assert simulate_lr(hr, "kspace", 2).shape == (3, 1, 16, 16)
    assert simulate_lr(hr, "bicubic", 4).shape == (3, 1, 8, 8)
    with pytest.raises(ValueError):
        simulate_lr(hr, "nearest")
