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


# ---------------------------------------------------------------- v2: acquisition model

def test_partial_fourier_removes_the_lines_on_one_side():
    from rrlsrn.degrade import Acquisition, acquire, acquisition_mask

    m = 32
    acq = Acquisition(partial_fourier=0.625, phase_axis=0, pf_side=-1)
    mask = acquisition_mask((m, m), acq)
    f = torch.fft.fftfreq(m)
    acquired_rows = mask[:, 0] > 0
    assert acquired_rows.sum() == round(0.625 * m)  # 20 of 32 lines
    assert bool((f[~acquired_rows] < 0).all())      # the missing ones are the lowest (negative) frequencies
    assert bool((mask[:, 1:] == mask[:, :1]).all())  # every column alike: only phase-encode lines go
    flipped = acquisition_mask((m, m), Acquisition(partial_fourier=0.625, phase_axis=1, pf_side=1))
    assert bool((f[flipped[0] == 0] > 0).all()) and (flipped[0] > 0).sum() == 20
    out = acquire(torch.rand(64, 64), acq)
    assert out.shape == (32, 32) and bool((out >= 0).all())  # a magnitude image


def test_full_acquisition_without_options_is_kspace_truncation():
    from rrlsrn.degrade import Acquisition, acquire

    from scipy import ndimage

    # smooth, so the unpaired Nyquist line (whose imaginary part the magnitude keeps) is empty
    hr = torch.from_numpy(ndimage.gaussian_filter(np.random.default_rng(1).random((3, 48, 40)), (0, 2, 2))
                          .astype(np.float32)) + 0.5
    assert torch.allclose(acquire(hr, Acquisition()), kspace_downsample(hr), atol=1e-5)


def test_anisotropic_matrix_window_and_complex_noise():
    from rrlsrn.degrade import Acquisition, acquire, acquisition_mask

    mask = acquisition_mask((40, 40), Acquisition(keep=(1.0, 0.5)))
    assert (mask[0] > 0).sum() == 21 and bool((mask[:, 0] > 0).all())  # |f| ≤ 0.25 of the columns only
    hann = acquisition_mask((40, 40), Acquisition(window=1.0))
    assert hann[0, 0] == 1 and hann[20, 20] < 1e-3  # Tukey 1 = Hann: DC kept, the edge gone
    hr = torch.zeros(64, 64)
    g = torch.Generator().manual_seed(0)
    noisy = acquire(hr, Acquisition(noise=0.1), generator=g)
    # magnitude of complex Gaussian noise on zero signal: Rayleigh, mean σ·√(π/2)
    assert abs(noisy.mean().item() - 0.1 * np.sqrt(np.pi / 2)) < 0.01


def test_sample_acquisition_is_seeded_and_simulate_lr_acquisition():
    from rrlsrn.degrade import sample_acquisition

    a = [sample_acquisition(torch.Generator().manual_seed(3)) for _ in range(2)]
    assert a[0] == a[1]
    hr = torch.rand(5, 32, 32)
    x = simulate_lr(hr, "acquisition", generator=torch.Generator().manual_seed(0))
    y = simulate_lr(hr, "acquisition")  # seed 0 by default
    assert x.shape == (5, 16, 16) and torch.allclose(x, y)


def test_zero_fill_upsample_inverts_kspace_truncation_and_zero_fill_interpolate():
    from scipy import ndimage

    from rrlsrn.degrade import zero_fill_interpolate, zero_fill_upsample

    smooth = torch.from_numpy(ndimage.gaussian_filter(np.random.default_rng(2).random((2, 32, 32)), (0, 2, 2)).astype(np.float32))
    big = zero_fill_upsample(smooth)
    assert big.shape == (2, 64, 64)
    assert (kspace_downsample(big) - smooth).abs().max() < 5e-3  # up to the unpaired Nyquist line
    hr = torch.rand(64, 64) + 4  # positive after band-limiting, so the magnitude changes nothing
    banded = zero_fill_interpolate(hr, (0.5, 1.0))
    spectrum = torch.fft.fft2(banded.double()).abs()
    f = torch.fft.fftfreq(64).abs()
    assert banded.shape == hr.shape
    assert spectrum[f > 0.26].max() < 1e-6 * spectrum.max()  # rows: only the central half is left
    assert spectrum[:, f > 0.26].max() > 1e-2 * spectrum[0, 0] / 64  # cols: untouched


def test_spline_matrix_equals_the_cubic_spline():
    from rrlsrn.degrade import spline_upsample_torch

    from scipy import ndimage

    x = np.random.default_rng(0).random((2, 17, 24))
    exact = np.stack([ndimage.zoom(s, 2, order=3, mode="reflect", grid_mode=True) for s in x])
    np.testing.assert_allclose(spline_upsample_torch(torch.from_numpy(x)).numpy(), exact, atol=1e-9)
    # the float32 batched baseline differs only by its rounding (and scipy's edge along the batch axis)
    np.testing.assert_allclose(spline_upsample_torch(torch.from_numpy(x)).numpy(), cubic_spline_upsample(x), atol=3e-3)
