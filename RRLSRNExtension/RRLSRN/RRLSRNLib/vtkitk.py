"""The one place that finds Slicer's vtkITK image kernels, in desktop Slicer and in slicer-core.

Desktop Slicer (Base/Python/vtkITK.py, and its ``slicer`` package, which imports only the kits
of Base/Python/CMakeLists.txt) has them in a ``vtkITK`` module, as Slicer's own Segment Editor
effects use them (``import vtkITK``); ``slicer.vtkITKImageMargin`` is an AttributeError there.
slicer-core (PyPI) has no ``vtkITK`` module and puts the classes on ``slicer``.
"""
from __future__ import annotations

import importlib

import slicer


def vtkitk_class(name: str):
    """The vtkITK class ``name`` (e.g. "vtkITKIslandMath"), from wherever this Slicer keeps it."""
    try:
        module = importlib.import_module("vtkITK")
    except ImportError:
        module = None
    found = getattr(module, name, None) or getattr(slicer, name, None)
    if found is None:
        raise RuntimeError(f"{name} is in neither vtkITK nor slicer: this Slicer lacks its vtkITK kernels.")
    return found
