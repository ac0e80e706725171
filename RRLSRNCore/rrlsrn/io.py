"""Volume input and output through SimpleITK, geometry kept, writes atomic.

Readable: NIfTI (.nii, .nii.gz), NRRD (.nrrd, .nhdr), MetaImage (.mha, .mhd) and a DICOM
series given as a directory. Written: .nii, .nii.gz, .nrrd, .mha.
"""
from __future__ import annotations

import gzip
import os
import re
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import SimpleITK as sitk

from .errors import RRLSRNError
from .publish import check_destination, publishing
from .publish import publishing as atomic_path  # noqa: F401  (the writers of logs, reports, weights)
from .publish import suffix_of as _suffix

WRITABLE_SUFFIXES = (".nii.gz", ".nii", ".nrrd", ".mha")
NIFTI_SUFFIXES = (".nii", ".nii.gz", ".hdr", ".img")
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff")
_NAME_GEOMETRY = re.compile(r"Res(\d+(?:\.\d+)?)_(\d+(?:\.\d+)?)_Spac(\d+(?:\.\d+)?)")
SPACING_RANGE_MM = (1e-4, 1e4)  # beyond it a spacing is a broken header, not a scan
DEFLATE_MAX_RATIO = 1032  # deflate (gzip, zlib) cannot compress more than ~1032:1


def parse_spacing(text: str) -> tuple[float, float, float]:
    """``"0.78,0.78,4"`` → (0.78, 0.78, 4.0), spacing along index axes i, j, k in mm."""
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    low, high = SPACING_RANGE_MM
    if len(values) != 3 or not all(np.isfinite(v) and low <= v <= high for v in values):
        raise RRLSRNError(f"spacing must be three numbers X,Y,Z between {low:g} and {high:g} mm, not {text!r}.")
    return values


def spacing_from_name(path: Path | str) -> tuple[float, float, float]:
    """Spacing written in a file name as ``Res<si>_<sj>_Spac<sk>`` (the dev stacks' convention)."""
    match = _NAME_GEOMETRY.search(Path(path).name)
    if not match:
        raise RRLSRNError(f"{Path(path).name} has no 'Res<x>_<y>_Spac<z>' part to take the spacing from.")
    return tuple(float(v) for v in match.groups())


def header_lost_spacing(spacing: Sequence[float], named: Sequence[float]) -> bool:
    """Whether a 1 × 1 × 1 mm spacing is a lost header, given the spacing a file name states."""
    return bool(np.allclose(spacing, 1.0) and not np.allclose(named, spacing))


def spacing_warning(path: Path | str) -> str | None:
    """A sentence when the header says 1×1×1 mm but the file name states another spacing (a
    clinical stack whose header lost its geometry); None otherwise. Reads the header only."""
    try:
        named = spacing_from_name(path)
        reader = sitk.ImageFileReader()
        reader.SetFileName(str(path))
        reader.ReadImageInformation()
    except (RRLSRNError, RuntimeError):
        return None
    if not header_lost_spacing(reader.GetSpacing()[:3], named):
        return None
    return (f"the header of {Path(path).name} says 1 × 1 × 1 mm voxels but its name says "
            f"{' × '.join(f'{v:g}' for v in named)} mm; pass --spacing-from-name to use the name's.")


def _slice_positions(files: Sequence[str]) -> np.ndarray:
    """Each DICOM file's position along the slice normal (ImagePositionPatient · normal), mm."""
    positions = []
    normal = None
    for name in files:
        reader = sitk.ImageFileReader()
        reader.SetFileName(name)
        reader.ReadImageInformation()
        if not (reader.HasMetaDataKey("0020|0032") and reader.HasMetaDataKey("0020|0037")):
            return np.array([])
        origin = np.array([float(v) for v in reader.GetMetaData("0020|0032").split("\\")])
        if normal is None:
            row_col = np.array([float(v) for v in reader.GetMetaData("0020|0037").split("\\")])
            normal = np.cross(row_col[:3], row_col[3:])
        positions.append(float(origin @ normal))
    return np.array(positions)


def _read_dicom_series(directory: Path) -> sitk.Image:
    """The one DICOM series of a folder, refused when it does not use every file of the folder (GDCM
    silently drops a file it cannot read) or when its slices are not evenly spaced (one is missing)."""
    reader = sitk.ImageSeriesReader()
    series = reader.GetGDCMSeriesIDs(str(directory))
    if not series:
        raise RRLSRNError(f"{directory} is a directory without a DICOM series in it.")
    if len(series) > 1:
        raise RRLSRNError(f"{directory} holds {len(series)} DICOM series; give a directory with one.")
    files = reader.GetGDCMSeriesFileNames(str(directory), series[0])
    used = {os.path.normcase(os.path.abspath(f)) for f in files}
    others = sorted(p.name for p in directory.iterdir() if p.is_file() and not p.name.startswith(".")
                    and p.name.upper() != "DICOMDIR" and os.path.normcase(os.path.abspath(p)) not in used)
    if others:
        listed = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        raise RRLSRNError(f"{len(others)} file(s) of {directory} are not part of its DICOM series "
                          f"(unreadable, or not DICOM): {listed}; remove or repair them so that no slice is lost.")
    positions = np.sort(_slice_positions(files))
    if positions.size > 2:
        gaps = np.diff(positions)
        if gaps.min() <= 0 or gaps.max() - gaps.min() > max(0.01, 0.01 * np.median(gaps)):
            raise RRLSRNError(f"the slices of {directory} are not evenly spaced (gaps from {gaps.min():.3g} to "
                              f"{gaps.max():.3g} mm): a slice is missing or the series is not one volume.")
    reader.SetFileNames(files)
    return reader.Execute()


_NIFTI_FLOATS = {16: "f4", 64: "f8"}  # NIfTI-1 datatype codes of float32 / float64
# NIfTI-1 datatype code → bytes per voxel (nifti1.h): uint8, int16, int32, float32, complex64,
# float64, RGB24, int8, uint16, uint32, int64, uint64, float128, complex128, complex256, RGBA32.
_NIFTI_ITEM_BYTES = {2: 1, 4: 2, 8: 4, 16: 4, 32: 8, 64: 8, 128: 3, 256: 1, 512: 2, 768: 4, 1024: 8, 1280: 8,
                     1536: 16, 1792: 16, 2048: 32, 2304: 4}
_NIFTI_MULTI_VALUED = (32, 128, 1792, 2048, 2304)  # complex and RGB(A) datatypes


def _nifti_files(path: Path) -> tuple[Path, Path]:
    """(header file, voxel file) of a NIfTI-1 image: one .nii(.gz), or an .hdr/.img pair."""
    suffix = _suffix(path)
    if suffix in (".hdr", ".img"):
        return path.with_suffix(".hdr"), path.with_suffix(".img")
    return path, path


def _nifti_problem(path: Path) -> str | None:
    """What ITK hides when it reads or writes a NIfTI-1 file: a truncated file comes back
    zero-filled (RGB ones crash ITK's reader), a full disk makes the writer print an error and
    return, and NaN/Inf voxels come back as 0; so the file's own bytes are checked (streamed)
    against the voxel bytes its header's dims and bitpix claim (not ITK's pixel type: a scaled
    uint8 file reads as float32)."""
    header_path, data_path = _nifti_files(path)
    opener = gzip.open if data_path.name.lower().endswith(".gz") else open
    try:
        with open(header_path, "rb") if header_path != data_path else opener(header_path, "rb") as f:
            header = f.read(352)
        if len(header) < 348:
            return "truncated"
        order = "<" if int.from_bytes(header[:4], "little") == 348 else ">"
        dims = np.frombuffer(header[40:56], order + "i2").astype(np.int64)
        bitpix = int(np.frombuffer(header[72:74], order + "i2")[0])
        datatype = int(np.frombuffer(header[70:72], order + "i2")[0])
        if (not 1 <= dims[0] <= 7 or np.any(dims[1: dims[0] + 1] < 1) or datatype not in _NIFTI_ITEM_BYTES
                or bitpix < 1):
            return "corrupt"
        slope, inter = (float(v) for v in np.frombuffer(header[112:120], order + "f4"))
        scaled = np.isfinite(slope) and slope != 0 and (slope != 1 or (np.isfinite(inter) and inter != 0))
        if scaled and datatype in _NIFTI_MULTI_VALUED:
            return "corrupt"  # scaling is undefined for colour/complex voxels, and crashes ITK's reader
        # What ITK will read: the datatype's item size (a bitpix that disagrees must not shrink it).
        item = max(_NIFTI_ITEM_BYTES[datatype], bitpix // 8)
        nbytes = int(np.prod(dims[1: dims[0] + 1], dtype=np.float64)) * item
        kind = _NIFTI_FLOATS.get(datatype)
        offset = float(np.frombuffer(header[108:112], order + "f4")[0])
        if not np.isfinite(offset) or offset < 0 or offset > 1 << 31:
            return "corrupt"
        start = max(int(offset), 348) if header_path == data_path else int(offset)
        with opener(data_path, "rb") as f:
            f.read(start)
            length, finite = 0, True
            while block := f.read(1 << 22):  # a multiple of every item size, so items never straddle
                length += len(block)
                if kind and finite:
                    usable = len(block) - len(block) % int(kind[1])
                    finite = bool(np.isfinite(np.frombuffer(block[:usable], order + kind)).all())
    except (EOFError, OSError, zlib.error):
        return "truncated"
    if length < nbytes:
        return "truncated"
    return None if finite else "not finite"


def _available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux: MemAvailable), None if unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def _data_files(path: Path) -> list[Path]:
    if _suffix(path) in (".hdr", ".img"):
        return [path.with_suffix(".img")]
    if _suffix(path) == ".nhdr":
        return [path.parent / p for p in os.listdir(path.parent) if p.startswith(path.stem)]
    return [path]


def _claimed_bytes(path: Path) -> int | None:
    """Bytes of voxels the header claims, refused when more than its file can hold or the memory
    can take — before anything is allocated (a 16 KB file claiming 32000×32000×4 voxels). None
    when the header cannot be read (read_volume then says so in its own words)."""
    reader = sitk.ImageFileReader()
    reader.SetFileName(str(path))
    try:
        reader.ReadImageInformation()
    except RuntimeError:
        return None
    voxels = int(np.prod([int(n) for n in reader.GetSize()], dtype=np.float64))
    components = reader.GetNumberOfComponents()
    try:  # bytes of one voxel, all components
        probe = sitk.Image([1, 1], reader.GetPixelID(), *([components] if components > 1 else []))
        item = sitk.GetArrayViewFromImage(probe).nbytes
    except RuntimeError:  # a type/component mix SimpleITK cannot make: assume the widest
        item = 8 * components
    claimed = voxels * item
    stored = sum(p.stat().st_size for p in _data_files(path) if p.is_file())
    if claimed > DEFLATE_MAX_RATIO * max(stored, 1) + 4096:
        raise RRLSRNError(f"{path} claims {'×'.join(str(n) for n in reader.GetSize())} voxels "
                          f"({claimed / 2**30:.1f} GiB), more than its {stored} bytes can hold: the header is corrupt.")
    available = _available_memory()
    if available is not None and 4 * voxels * components > available:
        raise RRLSRNError(f"{path} holds {claimed / 2**30:.1f} GiB of voxels ({voxels * components * 4 / 2**30:.1f} GiB as "
                          f"float32), more than this machine's {available / 2**30:.1f} GiB of free memory.")
    return claimed


def check_grid(image: sitk.Image, path: Path | str) -> None:
    """Refuse geometry no scanner writes: a spacing out of range or a direction matrix whose
    columns are not unit vectors (a broken header; ITK would read it as is)."""
    low, high = SPACING_RANGE_MM
    spacing = np.array(image.GetSpacing())
    if not np.all(np.isfinite(spacing) & (spacing >= low) & (spacing <= high)):
        raise RRLSRNError(f"{path} has voxel spacing {tuple(float(s) for s in spacing)} mm, outside "
                          f"{low:g}–{high:g} mm: a broken header; give the real one with --spacing.")
    n = image.GetDimension()
    direction = np.reshape(image.GetDirection(), (n, n))
    if not np.all(np.isfinite(direction)) or not np.allclose(np.linalg.norm(direction, axis=0), 1, atol=1e-4):
        raise RRLSRNError(f"{path} has a direction matrix whose columns are not unit vectors: a broken header.")
    if not np.all(np.isfinite(image.GetOrigin())):
        raise RRLSRNError(f"{path} has a non-finite origin: a broken header.")


def is_orthonormal(image: sitk.Image) -> bool:
    n = image.GetDimension()
    direction = np.reshape(image.GetDirection(), (n, n))
    return bool(np.allclose(direction.T @ direction, np.eye(n), atol=1e-4))


def read_volume(path: Path | str, spacing: Sequence[float] | None = None,
                spacing_in_name: bool = False, volume: int | None = None,
                component: int | None = None, pickable: bool = True) -> sitk.Image:
    """Read a scalar 3D volume (a 2D image becomes one slice), optionally fixing its spacing.

    ``spacing`` (i, j, k mm) overrides a broken header; ``spacing_in_name`` takes it from
    a ``Res.._.._Spac..`` file name. The origin and direction are kept as read. A 4D image
    needs ``volume`` (index along its 4th axis), a vector/RGB image ``component``; where the user
    cannot pick them (``pickable`` false: a mask) such an image is refused as not 3D scalar.
    """
    path = Path(path)
    if not path.exists():
        raise RRLSRNError(f"{path} does not exist.")
    claimed = None if path.is_dir() else _claimed_bytes(path)
    try:
        # A NIfTI file's bytes are checked before ITK reads them (a short RGB file crashes it).
        problem = _nifti_problem(path) if claimed is not None and _suffix(path) in NIFTI_SUFFIXES else None
        if problem in ("truncated", "corrupt"):
            raise RuntimeError(problem)
        image = _read_dicom_series(path) if path.is_dir() else sitk.ReadImage(str(path))
    except RuntimeError:
        raise RRLSRNError(f"{path} could not be read as a medical image (corrupt, truncated or "
                          "not NIfTI/NRRD/MHA/DICOM).") from None
    if problem == "not finite":
        raise RRLSRNError(f"{path} contains NaN or infinite voxels; fix or mask them first.")
    components = image.GetNumberOfComponentsPerPixel()
    if image.GetDimension() == 2 and components in (3, 4) or _suffix(path) in PICTURE_SUFFIXES and components > 1:
        raise RRLSRNError(f"{path} is a 2D colour picture (a screenshot or photo), not a scan: rrlsrn "
                          "super-resolves MRI volumes (NIfTI, NRRD, MHA or a DICOM series).")
    if not pickable and (components != 1 or (image.GetDimension() == 4 and image.GetSize()[3] != 1)):
        raise RRLSRNError(f"{path} is not a single 3D scalar volume ({image.GetDimension()}D, {components} "
                          "component(s) per voxel); give a 3D mask.")
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
    check_grid(image, path)
    return image


def _check_writable_format(path: Path) -> None:
    if _suffix(path) not in WRITABLE_SUFFIXES:
        raise RRLSRNError(f"cannot write {path.name}: use one of {', '.join(WRITABLE_SUFFIXES)}.")


def check_output_path(path: Path | str, overwrite: bool = False, inputs: Sequence[Path | str | None] = ()) -> Path:
    """The output path, refused before any work when its format cannot be written or it is not a
    place to write (see :func:`rrlsrn.publish.check_destination`)."""
    path = Path(path)
    _check_writable_format(path)
    return check_destination(path, overwrite, inputs)


def check_geometry_writable(image: sitk.Image, path: Path | str) -> None:
    """Refuse, before any work, geometry the output format would change: NIfTI stores a rotation
    (plus a flip), so a skewed direction matrix would be coerced and the volume moved."""
    if _suffix(Path(path)) in (".nii", ".nii.gz") and not is_orthonormal(image):
        raise RRLSRNError(f"the image's direction matrix is skewed (not a rotation), which NIfTI cannot store; "
                          f"write .nrrd or .mha instead of {Path(path).name}.")


def _verify_written(tmp: Path, image: sitk.Image, path: Path) -> None:
    """Re-read what was written: the header must give back the image's grid, and a NIfTI file
    must hold every voxel (ITK's NIfTI writer does not raise on a full disk)."""
    reader = sitk.ImageFileReader()
    reader.SetFileName(str(tmp))
    try:
        reader.ReadImageInformation()
    except RuntimeError:
        raise RRLSRNError(f"{path} could not be read back once written (the disk may be full); nothing was written.") from None
    if tuple(reader.GetSize()) != tuple(image.GetSize()):
        raise RRLSRNError(f"{path} did not hold the whole image once written (the disk may be full); nothing was written.")
    checks = {"spacing": (reader.GetSpacing(), image.GetSpacing(), 1e-5, 0.0),
              "origin": (reader.GetOrigin(), image.GetOrigin(), 1e-6, 1e-3),
              "direction": (reader.GetDirection(), image.GetDirection(), 0.0, 1e-4)}
    for what, (written, wanted, rtol, atol) in checks.items():
        if not np.allclose(written, wanted, rtol=rtol, atol=atol):
            raise RRLSRNError(f"{path.name} would not keep the image's {what} ({tuple(wanted)} became "
                              f"{tuple(written)}); nothing was written. Write .nrrd, which keeps any geometry.")
    if _suffix(tmp) in NIFTI_SUFFIXES and _nifti_problem(tmp) in ("truncated", "corrupt"):
        raise RRLSRNError(f"{path} came out truncated (the disk may be full); nothing was written.")


@contextmanager
def _quiet_c_stderr() -> Iterator[None]:
    """Silence what C libraries print on file descriptor 2 meanwhile (nifticlib's "** ERROR: NWAD"
    when a write fails): the failure is found by verification and said in one sentence."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def write_volume(image: sitk.Image, path: Path | str, compress: bool = True, overwrite: bool = True) -> Path:
    """Write in the format the suffix names, verify what was written, then publish it
    (:func:`rrlsrn.publish.publishing`): an existing file is replaced only with ``overwrite``."""
    path = Path(path)
    _check_writable_format(path)
    check_geometry_writable(image, path)
    with publishing(path, replace=overwrite, verify=lambda tmp: _verify_written(tmp, image, path)) as tmp:
        try:
            with _quiet_c_stderr():
                sitk.WriteImage(image, str(tmp), compress)
        except RuntimeError as error:
            reason = next((line.strip() for line in str(error).splitlines() if line.strip()), "unknown error")
            raise RRLSRNError(f"could not write {path}: {reason[:200]}; nothing was written.") from None
    return path


def cast_like(array: np.ndarray, pixel_id: int) -> np.ndarray:
    """Round and clip a float array into the numpy type of a SimpleITK pixel type."""
    dtype = sitk.GetArrayFromImage(sitk.Image([1, 1], pixel_id)).dtype
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        # Bounds as float64 values that fit the type: float(2**31 - 1) rounds up in float32 and
        # float(2**63 - 1) in float64, and the cast would wrap them to the most negative value.
        high = float(info.max) if int(float(info.max)) <= info.max else np.nextafter(float(info.max), 0.0)
        return np.clip(np.rint(np.asarray(array, np.float64)), float(info.min), high).astype(dtype)
    if np.issubdtype(dtype, np.floating):
        finfo = np.finfo(dtype)
        return np.clip(array, finfo.min, finfo.max).astype(dtype)
    return array.astype(dtype)


def _nifti_scaled(path: Path) -> bool:
    """Whether a NIfTI-1 file stores integers with an intensity scaling (scl_slope ∉ {0, 1})."""
    name = str(path).lower()
    if not name.endswith((".nii", ".nii.gz")):
        return False
    with (gzip.open if name.endswith(".gz") else open)(path, "rb") as f:
        header = f.read(348)
    if len(header) < 348:
        return False
    order = "<" if int.from_bytes(header[:4], "little") == 348 else ">"
    slope = float(np.frombuffer(header[112:116], order + "f4")[0])
    return np.isfinite(slope) and slope not in (0.0, 1.0)


def read_data_volume(path: Path | str) -> sitk.Image:
    """A data-set volume for training and evaluation: :func:`read_volume`, except for NIfTI files with integer voxels and an intensity scaling
    (``seg3d_T1w``, ``stroke_T2``): ITK returns them as float32 and the byte check then
    takes them for truncated, so they are read by SimpleITK directly."""
    try:
        return read_volume(path)
    except RRLSRNError:
        if not _nifti_scaled(Path(path)):
            raise
        return sitk.ReadImage(str(path))
