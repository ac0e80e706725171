"""Hostile image headers, generated at random (seeded), fed to ``rrlsrn.io``: every file must be
read into a sound image or refused with RRLSRNError — never another exception, a crash, a hang or
a runaway allocation. Run by test_fuzz_headers.py in a child process under memory and time limits:

    python Testing/fuzz_headers.py --seed 0 --seconds 40 --folder /tmp/fuzz
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import struct
import sys
import time
import traceback
from pathlib import Path

import numpy as np
import SimpleITK as sitk

from rrlsrn import io
from rrlsrn.errors import RRLSRNError

DATATYPES = {2: 8, 4: 16, 8: 32, 16: 32, 64: 64, 256: 8, 512: 16, 768: 32, 1024: 64, 1280: 64, 128: 24, 2304: 32}
ODD_DATATYPES = (0, 1, 3, 32, 1536, 1792, 2048, 9999, -4)
SIZES = (0, 1, 2, 3, 5, 16, 17, 300, 32767, -1, -32768)
SPACINGS = (1.0, 0.5, 3.0, 0.0, -1.0, float("nan"), float("inf"), 1e-300, 1e-8, 1e30)
OFFSETS = (352.0, 352.0, 348.0, 0.0, 100.0, 353.0, 1e9, -5.0, float("nan"), float("inf"))


def pick(rng: random.Random, values, p_odd: float = 0.3):
    """Mostly sane values (the first), sometimes a hostile one."""
    return rng.choice(values) if rng.random() < p_odd else values[0]


def nifti_header(rng: random.Random) -> tuple[bytes, dict]:
    ndim = rng.choice([3, 3, 3, 2, 4, 0, 1, 5, 7, 8, -1])
    dims = [rng.choice(SIZES[1:6]) if rng.random() > 0.2 else rng.choice(SIZES) for _ in range(7)]
    datatype = rng.choice(list(DATATYPES)) if rng.random() > 0.15 else rng.choice(ODD_DATATYPES)
    bitpix = DATATYPES.get(datatype, 8) if rng.random() > 0.1 else rng.choice([0, 7, 64, 128])
    pixdim = [pick(rng, SPACINGS) for _ in range(8)]
    offset = pick(rng, OFFSETS)
    case = dict(ndim=ndim, dims=dims, datatype=datatype, bitpix=bitpix, pixdim=pixdim, vox_offset=offset,
                qform=rng.choice([0, 1, 1, 2, 5]), sform=rng.choice([0, 0, 1, 2, 7]),
                quatern=[pick(rng, (0.0, 0.5, -0.9, 1.5, float("nan")), 0.4) for _ in range(3)],
                srow=[pick(rng, (1.0, 0.0, 1e20, float("nan"), -3.0), 0.3) for _ in range(12)],
                scl=[pick(rng, (1.0, 0.0, float("nan"), -2.0, 1e30), 0.2), pick(rng, (0.0, 5.0, float("inf")), 0.2)],
                magic=rng.choice([b"n+1\0", b"n+1\0", b"n+1\0", b"ni1\0", b"xxxx"]),
                big_endian=rng.random() < 0.2, sizeof_hdr=348 if rng.random() > 0.05 else rng.choice([0, 540, 347]))
    order = ">" if case["big_endian"] else "<"
    header = bytearray(348)

    def put(fmt, at, *values):
        try:
            struct.pack_into(order + fmt, header, at, *values)
        except struct.error:
            pass

    put("i", 0, case["sizeof_hdr"])
    put("8h", 40, ndim, *dims)
    put("hh", 70, datatype, bitpix)
    put("8f", 76, *pixdim)
    put("f", 108, offset)
    put("ff", 112, *case["scl"])
    put("hh", 252, case["qform"], case["sform"])
    put("3f", 256, *case["quatern"])
    put("3f", 268, 0.0, 0.0, 0.0)
    put("12f", 280, *case["srow"])
    header[344:348] = case["magic"]
    return bytes(header), case


def payload(rng: random.Random, case: dict) -> bytes:
    voxels = math.prod(max(d, 0) for d in case["dims"][: max(min(case["ndim"], 7), 0)]) if case["ndim"] > 0 else 0
    needed = min(voxels * max(case["bitpix"], 8) // 8, 1 << 20)  # never write more than 1 MiB
    size = int(needed * rng.choice([0, 0.5, 1, 1, 1, 2])) + rng.choice([0, 0, 1, 7])
    data = rng.randbytes(min(size, 1 << 20))
    if case["datatype"] == 16 and rng.random() < 0.3 and len(data) >= 4:  # a NaN somewhere
        data = data[:-4] + struct.pack(">f" if case["big_endian"] else "<f", float("nan"))
    return data


def write_case(rng: random.Random, folder: Path, n: int) -> tuple[Path, dict]:
    header, case = nifti_header(rng)
    kind = rng.choice([".nii", ".nii.gz", ".nii.gz", ".hdr", ".nrrd"])
    case["kind"] = kind
    if kind == ".nrrd":
        return write_nrrd(rng, folder / f"case{n}.nrrd", case), case
    gap = bytes(4)
    body = payload(rng, case)
    if kind == ".hdr":
        path = folder / f"case{n}.hdr"
        path.write_bytes(header)
        path.with_suffix(".img").write_bytes(body)
        return path, case
    path = folder / f"case{n}{kind}"
    raw = header + gap + body
    path.write_bytes(gzip.compress(raw) if kind == ".nii.gz" else raw)
    return path, case


def write_nrrd(rng: random.Random, path: Path, case: dict) -> Path:
    sizes = " ".join(str(rng.choice(SIZES)) for _ in range(3))
    spacing = lambda: repr(pick(rng, SPACINGS))  # noqa: E731
    vector = lambda: f"({spacing()},{pick(rng, ('0', '0.3', 'nan'))},{pick(rng, ('0', '2'))})"  # noqa: E731
    text = (f"NRRD0004\ntype: {rng.choice(['float', 'short', 'uchar', 'double', 'int', 'bogus'])}\n"
            f"dimension: {rng.choice([3, 3, 2, 4, 0, 17])}\nspace: {rng.choice(['left-posterior-superior', 'RAS', 'x'])}\n"
            f"sizes: {sizes}\nspace directions: {vector()} {vector()} {vector()}\n"
            f"encoding: {rng.choice(['raw', 'raw', 'gzip', 'ascii', 'bzip2'])}\n"
            f"space origin: ({spacing()},{spacing()},{spacing()})\n\n")
    case["nrrd"] = text
    path.write_bytes(text.encode() + rng.randbytes(rng.choice([0, 10, 1000, 40000])))
    return path


def sound(image: sitk.Image) -> str | None:
    """Why an image read without error is not sound, or None."""
    if image.GetDimension() != 3 or image.GetNumberOfComponentsPerPixel() != 1:
        return f"{image.GetDimension()}D / {image.GetNumberOfComponentsPerPixel()} components"
    if min(image.GetSize()) < 1:
        return f"size {image.GetSize()}"
    spacing = np.array(image.GetSpacing())
    if not (np.isfinite(spacing).all() and (spacing > 0).all()):
        return f"spacing {tuple(spacing)}"
    if not (np.isfinite(image.GetOrigin()).all() and np.isfinite(image.GetDirection()).all()):
        return "non-finite geometry"
    return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--folder", type=Path, required=True)
    args = parser.parse_args()
    sitk.ProcessObject.SetGlobalWarningDisplay(False)
    rng = random.Random(args.seed)
    args.folder.mkdir(parents=True, exist_ok=True)
    stop = time.monotonic() + args.seconds
    counts = {"read": 0, "refused": 0, "written": 0}
    problems = []
    n = 0
    while time.monotonic() < stop:
        path, case = write_case(rng, args.folder, n)
        print(f"case {n}: {path.name}", file=sys.stderr, flush=True)  # the last line names a crash's case
        try:
            image = io.read_volume(path)
            why = sound(image)
            if why:
                problems.append(dict(case=case, problem=f"read as unsound image: {why}"))
            else:
                counts["read"] += 1
                io.write_volume(image, args.folder / f"out{n}.nrrd")
                counts["written"] += 1
        except RRLSRNError:
            counts["refused"] += 1
        except Exception:  # noqa: BLE001 - what the battery is for
            problems.append(dict(case=case, problem=traceback.format_exc(limit=3)))
        for leftover in args.folder.iterdir():
            leftover.unlink()
        n += 1
    print(json.dumps(dict(cases=n, **counts, problems=problems[:10], problem_count=len(problems)), default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
