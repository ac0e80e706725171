"""Output geometry (FIELD_NOTES §5) on oblique, anisotropic grids, checked against SimpleITK."""
import numpy as np
import pytest
import SimpleITK as sitk

from rrlsrn.geometry import (Grid, bounding_box_with_margin, choose_slice_axis, in_plane_factors,
                             ras_to_lps, upsampled_grid)


def oblique_image(size=(40, 36, 9), spacing=(0.47, 0.47, 4.0)) -> sitk.Image:
    """An oblique grid (rotated about two axes) holding a linear function of the LPS position."""
    image = sitk.Image(size, sitk.sitkFloat32)
    image.SetSpacing(spacing)
    image.SetOrigin((-12.3, 40.1, 7.7))
    rotation = sitk.VersorTransform((0.3, -0.5, 0.8), 0.6).GetMatrix()
    image.SetDirection(rotation)
    grid = Grid.of(image)
    k, j, i = np.meshgrid(*(np.arange(n) for n in size[::-1]), indexing="ij")
    points = grid.matrix @ np.stack([i.ravel(), j.ravel(), k.ravel(), np.ones(i.size)])
    values = (0.7 * points[0] - 0.2 * points[1] + 0.05 * points[2] + 3).reshape(i.shape)
    array_image = sitk.GetImageFromArray(values.astype(np.float32))
    return grid.apply_to(array_image)


def test_upsampled_grid_keeps_corner_bounds_on_oblique_anisotropic_grid():
    image = oblique_image()
    grid = Grid.of(image)
    out = upsampled_grid(grid, in_plane_factors(choose_slice_axis(grid.spacing), 2))
    assert out.size == (80, 72, 9)
    assert np.allclose(out.spacing, (0.235, 0.235, 4.0))
    for a, b in zip(grid.corner_bounds(), out.corner_bounds()):
        assert np.allclose(a, b, atol=1e-9)
    # FIELD_NOTES §5 closed form for ×2: origin moves by a quarter of the input spacing.
    d = np.reshape(grid.direction, (3, 3))
    expected = np.array(grid.origin) - 0.47 / 4 * d[:, 0] - 0.47 / 4 * d[:, 1]
    assert np.allclose(out.origin, expected)


@pytest.mark.parametrize("factors", [(2, 2, 1), (4, 4, 1), (1, 2, 2)])
def test_output_voxel_centres_agree_with_simpleitk_resampling(factors):
    """Resampling the linear field onto the output grid with SimpleITK gives the field's value at
    each output voxel centre: the output grid sits where the geometry says, unshifted."""
    image = oblique_image()
    out = upsampled_grid(Grid.of(image), factors)
    reference = out.apply_to(sitk.Image(out.size, sitk.sitkFloat32))
    resampled = sitk.GetArrayFromImage(sitk.Resample(image, reference, sitk.Transform(), sitk.sitkLinear))
    k, j, i = np.meshgrid(*(np.arange(n) for n in out.size[::-1]), indexing="ij")
    points = out.matrix @ np.stack([i.ravel(), j.ravel(), k.ravel(), np.ones(i.size)])
    expected = (0.7 * points[0] - 0.2 * points[1] + 0.05 * points[2] + 3).reshape(i.shape)
    # Interior only: outside the input's voxel centres SimpleITK has nothing to interpolate.
    inner = tuple(slice(f, n - f) for f, n in zip(factors[::-1], out.size[::-1]))
    assert np.abs(resampled[inner] - expected[inner]).max() < 1e-3
    # The ITK index→point map agrees with ours at a corner voxel.
    assert np.allclose(reference.TransformIndexToPhysicalPoint((3, 5, 2)), out.index_to_lps((3, 5, 2)))


def test_slice_axis_auto_takes_the_thickest_axis_and_ties_go_to_k():
    assert choose_slice_axis((0.78, 0.78, 4.0)) == 2
    assert choose_slice_axis((3.0, 0.5, 0.5)) == 0
    assert choose_slice_axis((1.0, 1.0, 1.0)) == 2
    assert choose_slice_axis((2.0, 2.0, 1.0)) == 1
    assert choose_slice_axis((1.0, 1.0, 1.0), "i") == 0


def test_ras_lps_flip_and_index_roundtrip():
    assert np.allclose(ras_to_lps((1, 2, 3)), (-1, -2, 3))
    grid = Grid.of(oblique_image())
    assert np.allclose(grid.lps_to_index(grid.index_to_lps((1.5, 2, 3))), (1.5, 2, 3))


def test_bounding_box_margin_is_in_millimetres_and_clipped():
    mask = np.zeros((10, 50, 60), bool)  # [k, j, i]
    mask[4:6, 20:30, 25:35] = True
    start, size = bounding_box_with_margin(mask, (0.5, 0.5, 4.0), 2.0)
    assert start == (21, 16, 3) and size == (18, 18, 4)
    start, size = bounding_box_with_margin(mask, (0.5, 0.5, 4.0), 100.0)
    assert start == (0, 0, 0) and size == (60, 50, 10)


def test_slicer_ijk_to_ras_roundtrip():
    grid = Grid.of(oblique_image())
    ras = grid.ijk_to_ras
    assert np.allclose(ras[:3, 3], ras_to_lps(grid.origin))
    back = Grid.from_ijk_to_ras(ras, grid.size)
    assert np.allclose(back.matrix, grid.matrix)


def test_single_slice_images_are_sliced_across_their_flat_axis():
    assert choose_slice_axis((2.0, 2.0, 1.0), size=(64, 64, 1)) == 2
    assert choose_slice_axis((0.5, 3.0, 0.5), size=(64, 1, 64)) == 1
