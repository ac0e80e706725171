"""Volume input and output through SimpleITK, geometry kept, writes atomic.

Readable: NIfTI (.nii, .nii.gz), NRRD (.nrrd, .nhdr), MetaImage (.mha, .mhd) and a DICOM
series given as a directory. Written: .nii, .nii.gz, .nrrd, .mha.
"""
from __future__ import annotations

import gzip
import os
import re
import tempfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import SimpleITK as sitk

from .errors import RRLSRNError

WRITABLE_SUFFIXES = (".nii.gz", ".nii", ".nrrd", ".mha")
_NAME_GEOMETRY = re.compile(r"Res(\d+(?:\.\d+)?)_(\d+(?:\.\d+)?)_Spac(\d+(?:\.\d+)?)")


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return ".nii.gz" if name.endswith(".nii.gz") else path.suffix.lower()


def parse_spacing(text: str) -> tuple[float, float, float]:
    """``"0.78,0.78,4"`` → (0.78, 0.78, 4.0), spacing along index axes i, j, k in mm."""
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 3 or not all(np.isfinite(v) and v > 0 for v in values):
        raise RRLSRNError(f"spacing must be three positive numbers X,Y,Z in mm, not {text!r}.")
    return values


def spacing_from_name(path: Path | str) -> tuple[float, float, float]:
    """Spacing written in a file name as ``Res<si>_<sj>_Spac<sk>`` (the dev stacks' convention)."""
    match = _NAME_GEOMETRY.search(Path(path).name)
    if not match:
        raise RRLSRNError(f"{Path(path).name} has no 'Res<x>_<y>_Spac<z>' part to take the spacing from.")
    return tuple(float(v) for v in match.groups())


def _read_dicom_series(directory: Path) -> sitk.Image:
    reader = sitk.ImageSeriesReader()
    series = reader.GetGDCMSeriesIDs(str(directory))
    if not series:
        raise RRLSRNError(f"{directory} is a directory without a DICOM series in it.")
    if len(series) > 1:
        raise RRLSRNError(f"{directory} holds {len(series)} DICOM series; give a directory with one.")
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(directory), series[0]))
    return reader.Execute()


_NIFTI_FLOATS = {16: "f4", 64: "f8"}  # NIfTI-1 datatype codes of float32 / float64


def _nifti_problem(path: Path, image: sitk.Image) -> str | None:
    """What ITK hides when it reads a NIfTI-1 file: a truncated file comes back zero-filled and
    NaN/Inf voxels come back as 0, so the file's own bytes are checked (streamed)."""
    needed = 348 + sitk.GetArrayViewFromImage(image).nbytes
    opener = open if _suffix(path) == ".nii" else gzip.open
    try:
        with opener(path, "rb") as f:
            header = f.read(352)
            length = len(header)
            order = "<" if int.from_bytes(header[:4], "little") == 348 else ">"
            kind = _NIFTI_FLOATS.get(int(np.frombuffer(header[70:72], order + "i2")[0])) if length >= 352 else None
            offset = int(np.frombuffer(header[108:112], order + "f4")[0]) if length >= 352 else 352
            f.read(max(0, offset - length))
            length = max(length, offset)
            finite = True
            while block := f.read(1 << 22):  # a multiple of every item size, so items never straddle
                length += len(block)
                if kind and finite:
                    usable = len(block) - len(block) % int(kind[1])
                    finite = bool(np.isfinite(np.frombuffer(block[:usable], order + kind)).all())
    except (EOFError, OSError, zlib.error):
        return "truncated"
    if length < needed:
        return "truncated"
    return None if finite else "not finite"


def read_volume(path: Path | str, spacing: Sequence[float] | None = None,
                spacing_in_name: bool = False, volume: int | None = None,
                component: int | None = None) -> sitk.Image:
    """Read a scalar 3D volume (a 2D image becomes one slice), optionally fixing its spacing.

    ``spacing`` (i, j, k mm) overrides a broken header; ``spacing_in_name`` takes it from
    a ``Res.._.._Spac..`` file name. The origin and direction are kept as read. A 4D image
    needs ``volume`` (index along its 4th axis), a vector/RGB image ``component``.
    """
    path = Path(path)
    if not path.exists():
        raise RRLSRNError(f"{path} does not exist.")
    try:
        image = _read_dicom_series(path) if path.is_dir() else sitk.ReadImage(str(path))
        problem = _nifti_problem(path, image) if _suffix(path) in (".nii", ".nii.gz") else None
        if problem == "truncated":
            raise RuntimeError(problem)
    except RuntimeError:
        raise RRLSRNError(f"{path} could not be read as a medical image (corrupt, truncated or "
                          "not NIfTI/NRRD/MHA/DICOM).") from None
    if problem == "not finite":
        raise RRLSRNError(f"{path} contains NaN or infinite voxels; fix or mask them first.")
    components = image.GetNumberOfComponentsPerPixel()
    if components != 1 and component is None:
        raise RRLSRNError(f"{path} has {components} components per voxel (RGB or vector image); "
                          "pick one with --component N.")
    if component is not None:
        if not 0 <= component < components:
            raise RRLSRNError(f"--component {component} is not one of the {components} components "
                              f"(0 to {components - 1}) of {path}.")
        if components > 1:
            image = sitk.VectorIndexSelectionCast(image, component)
    if image.GetDimension() == 4:
        count = image.GetSize()[3]
        if volume is None and count != 1:
            raise RRLSRNError(f"{path} is a 4D image of {count} volumes; pick one with --volume N.")
        index = 0 if volume is None else volume
        if not 0 <= index < count:
            raise RRLSRNError(f"--volume {index} is not one of the {count} volumes (0 to {count - 1}) of {path}.")
        image = image[:, :, :, index]
    elif volume not in (None, 0):
        raise RRLSRNError(f"--volume {volume} was given but {path} holds a single volume.")
    if image.GetDimension() == 2:
        image = sitk.JoinSeries(image)
    elif image.GetDimension() != 3:
        raise RRLSRNError(f"{path} is a {image.GetDimension()}D image of size {image.GetSize()}; "
                          "give a single 3D volume.")
    if spacing_in_name:
        spacing = spacing_from_name(path)
    if spacing is not None:
        image.SetSpacing(tuple(float(s) for s in spacing))
    return image


def check_output_path(path: Path | str) -> Path:
    """The output path, refused early when its format cannot be written."""
    path = Path(path)
    if _suffix(path) not in WRITABLE_SUFFIXES:
        raise RRLSRNError(f"cannot write {path.name}: use one of {', '.join(WRITABLE_SUFFIXES)}.")
    return path


@contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """A temporary path beside ``path`` (same suffix) to write to; renamed over ``path`` only when
    the block succeeds, deleted otherwise, so readers never see a partial file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_suffix(path), dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the permissions a plain open() would
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def write_volume(image: sitk.Image, path: Path | str, compress: bool = True) -> Path:
    """Write atomically (see :func:`atomic_path`) in the format the suffix names."""
    path = check_output_path(path)
    with atomic_path(path) as tmp:
        sitk.WriteImage(image, str(tmp), compress)
    return path


def cast_like(array: np.ndarray, pixel_id: int) -> np.ndarray:
    """Round and clip a float array into the numpy type of a SimpleITK pixel type."""
    dtype = sitk.GetArrayFromImage(sitk.Image([1, 1], pixel_id)).dtype
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return np.clip(np.rint(array), info.min, info.max).astype(dtype)
    return array.astype(dtype)
