"""The Slicer module's Qt-free Lib (RRLSRNExtension/RRLSRN/RRLSRNLib), imported from this checkout.

RRLSRN Web runs the very Logic of the Slicer module (brain mask, background super-resolution,
side-by-side views): it is imported from the extension's folder, never copied.
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXTENSION_MODULE = REPO / "RRLSRNExtension" / "RRLSRN"


def import_lib():
    """The ``RRLSRNLib`` package, with the bundled core importable (RuntimeError when absent)."""
    if not (EXTENSION_MODULE / "RRLSRNLib" / "__init__.py").exists():
        raise RuntimeError(f"RRLSRN Web runs from a checkout of RRLSRN: {EXTENSION_MODULE / 'RRLSRNLib'} is missing "
                           "(install it with pip install -e RRLSRNWeb).")
    if str(EXTENSION_MODULE) not in sys.path:
        sys.path.insert(0, str(EXTENSION_MODULE))
    import RRLSRNLib  # noqa: F401

    return RRLSRNLib
