"""Volume I/O: formats, geometry kept, spacing fixes, DICOM, clear errors, atomic writes."""
import gzip
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk

from rrlsrn import io
from rrlsrn.errors import RRLSRNError
from test_geometry import oblique_image


@pytest.mark.parametrize("suffix", [".nii.gz", ".nii", ".nrrd", ".mha"])
def test_roundtrip_keeps_geometry_and_values(tmp_path, suffix):
    image = oblique_image()
    path = io.write_volume(image, tmp_path / f"v{suffix}")
    back = io.read_volume(path)
    assert back.GetSize() == image.GetSize()
    assert np.allclose(back.GetSpacing(), image.GetSpacing(), atol=1e-5)
    assert np.allclose(back.GetOrigin(), image.GetOrigin(), atol=1e-4)
    assert np.allclose(back.GetDirection(), image.GetDirection(), atol=1e-5)
    assert np.allclose(sitk.GetArrayViewFromImage(back), sitk.GetArrayViewFromImage(image), atol=1e-4)
    assert [p.name for p in tmp_path.iterdir()] == [f"v{suffix}"]  # no temporary left behind


def test_spacing_override_and_from_name(tmp_path):
    path = io.write_volume(sitk.Image([8, 8, 4], sitk.sitkInt16), tmp_path / "Pat1_Se2_Res0.7813_0.7813_Spac4.0.nii.gz")
    assert io.read_volume(path).GetSpacing() == (1.0, 1.0, 1.0)
    assert io.read_volume(path, spacing_in_name=True).GetSpacing() == (0.7813, 0.7813, 4.0)
    assert io.read_volume(path, spacing=io.parse_spacing("0.5,0.5,3")).GetSpacing() == (0.5, 0.5, 3.0)
    with pytest.raises(RRLSRNError, match="three numbers X,Y,Z between"):
        io.parse_spacing("0.5,0")
    with pytest.raises(RRLSRNError, match="Res"):
        io.spacing_from_name("brain.nii.gz")


def test_real_dev_stack_spacing_from_name(dev_stacks):
    image = io.read_volume(dev_stacks[0], spacing_in_name=True)
    assert image.GetSpacing() == pytest.approx((0.46875, 0.46875, 3.0))


def test_dicom_series_directory():
    pydicom = pytest.importorskip("pydicom")
    series = Path(pydicom.__file__).parent / "data" / "test_files" / "dicomdirtests" / "98892001" / "CT5N"
    if not series.is_dir():
        pytest.skip(f"pydicom's bundled series is not at {series}")
    image = io.read_volume(series)
    assert image.GetSize() == (16, 16, 5) and image.GetSpacing()[2] == pytest.approx(2.5)


def test_2d_image_becomes_one_slice(tmp_path):
    path = tmp_path / "slice.nrrd"
    sitk.WriteImage(sitk.Image([16, 12], sitk.sitkUInt8), str(path))
    assert io.read_volume(path).GetSize() == (16, 12, 1)


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "does not exist"),
    (lambda p: p.write_bytes(gzip.compress(b"not an image at all" * 10)), "could not be read"),
    (lambda p: sitk.WriteImage(sitk.Image([4, 4, 4, 3], sitk.sitkFloat32), str(p)), "4D"),
    (lambda p: sitk.WriteImage(sitk.Image([4, 4, 4], sitk.sitkVectorUInt8, 3), str(p)), "components"),
])
def test_bad_inputs_are_one_sentence_errors(tmp_path, make, message):
    path = tmp_path / "bad.nii.gz"
    make(path)
    with pytest.raises(RRLSRNError, match=message):
        io.read_volume(path)


def test_truncated_nifti_is_refused(tmp_path):
    good = io.write_volume(oblique_image(), tmp_path / "good.nii.gz")
    cut = tmp_path / "cut.nii.gz"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(RRLSRNError, match="corrupt"):
        io.read_volume(cut)


def test_unwritable_format_is_refused_before_work(tmp_path):
    with pytest.raises(RRLSRNError, match="cannot write"):
        io.check_output_path(tmp_path / "out.png")


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        Path(args[1]).write_bytes(b"partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(sitk, "WriteImage", broken)
    with pytest.raises(RRLSRNError, match="could not write .*disk full; nothing was written"):
        io.write_volume(oblique_image(), tmp_path / "out.nii.gz")
    assert list(tmp_path.iterdir()) == []


def test_cast_like_rounds_and_clips():
    out = io.cast_like(np.array([-3.4, 2.5, 3.6, 70000.0]), sitk.sitkUInt16)
    assert out.dtype == np.uint16 and out.tolist() == [0, 2, 4, 65535]


def test_written_files_get_ordinary_permissions(tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        path = io.write_volume(oblique_image(size=(4, 4, 2)), tmp_path / "out.nii.gz")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644
