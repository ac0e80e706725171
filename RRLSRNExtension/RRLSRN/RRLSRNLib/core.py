"""Finding the bundled `rrlsrn` core library (no Qt).

The extension ships the core beside the module (CMake installs ``rrlsrn/`` next to
``RRLSRN.py``); from a source checkout it is ``RRLSRNCore/`` two levels up.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

MODULE_DIR = Path(__file__).resolve().parents[1]


def core_path() -> Path:
    """The folder that holds the ``rrlsrn`` package (for sys.path and a child's PYTHONPATH)."""
    for candidate in (MODULE_DIR, MODULE_DIR.parents[1] / "RRLSRNCore"):
        if (candidate / "rrlsrn" / "__init__.py").exists():
            return candidate
    spec = importlib.util.find_spec("rrlsrn")
    if spec is None or spec.origin is None:
        raise RuntimeError("The RRLSRN core library (rrlsrn) is missing from this installation.")
    return Path(spec.origin).parents[1]


def make_core_importable() -> None:
    """Put the bundled ``rrlsrn`` first on sys.path (the package's __init__ does it, so that the
    Lib's modules import the core as usual: ``from rrlsrn.io import ...``)."""
    path = str(core_path())
    if path not in sys.path:
        sys.path.insert(0, path)
