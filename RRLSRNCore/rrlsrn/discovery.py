"""Finding volume files: named directly or in folders, masks and label maps left out."""
from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

from .errors import RRLSRNError

VOLUME_SUFFIXES = (".nii.gz", ".nii", ".nrrd", ".nhdr", ".mha", ".mhd")
DEFAULT_EXCLUDES = ("*mask*", "*brainparts*", "*seg*", "*label*", "*dseg*")


def find_volumes(items: list[str], exclude: list[str]) -> list[Path]:
    """Volume files named directly or found in folders (not matching ``exclude`` patterns)."""
    found: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.name.lower().endswith(VOLUME_SUFFIXES)
                            and not any(fnmatch(p.name.lower(), pat) for pat in exclude))
        elif path.exists():
            found.append(path)
        else:
            raise RRLSRNError(f"{path} does not exist.")
    if not found:
        raise RRLSRNError(f"no volumes found in {', '.join(items) or 'the inputs'}.")
    return found
