"""Finding the bundled `rrlsrn` core library and what it needs to run (no Qt).

The extension ships the core beside the module (CMake installs ``rrlsrn/`` next to
``RRLSRN.py``); from a source checkout it is ``RRLSRNCore/`` two levels up. Packages the
core needs that Slicer lacks are installed on demand, never at import, and never replacing
the numpy and SimpleITK that Slicer bundles.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import sys
from pathlib import Path

MODULE_DIR = Path(__file__).resolve().parents[1]
# import name → pip requirement, for what `rrlsrn upscale` imports beyond Slicer's bundle.
REQUIREMENTS = {"torch": "torch==2.13.0", "tqdm": "tqdm>=4.60", "skimage": "scikit-image>=0.21",
                "matplotlib": "matplotlib>=3.6", "scipy": "scipy>=1.10"}
MASK_REQUIREMENTS = ("skimage", "scipy")  # the brain mask needs no torch
BUNDLED_WITH_SLICER = ("numpy", "SimpleITK")


def core_path() -> Path:
    """The folder that holds the ``rrlsrn`` package (for sys.path and a child's PYTHONPATH)."""
    for candidate in (MODULE_DIR, MODULE_DIR.parents[1] / "RRLSRNCore"):
        if (candidate / "rrlsrn" / "__init__.py").exists():
            return candidate
    spec = importlib.util.find_spec("rrlsrn")
    if spec is None or spec.origin is None:
        raise RuntimeError("The RRLSRN core library (rrlsrn) is missing from this installation.")
    return Path(spec.origin).parents[1]


def core_module(name: str):
    """Import a module of the core library, making the bundled copy importable first."""
    path = str(core_path())
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module(name)


def missing_requirements(names=tuple(REQUIREMENTS)) -> list[str]:
    """pip requirements among ``names`` (import names; default: all the core needs) that are not
    importable in this Python."""
    return [REQUIREMENTS[name] for name in names if importlib.util.find_spec(name) is None]


def constraints_text() -> str:
    """pip constraints pinning the packages Slicer bundles at their installed versions."""
    lines = []
    for name in BUNDLED_WITH_SLICER:
        try:
            lines.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return "\n".join(lines) + "\n"
