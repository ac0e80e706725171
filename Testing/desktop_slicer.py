"""Make slicer-core's ``slicer`` package look like desktop 3D Slicer's, for the Logic's tests.

Facts, read in github Slicer/Slicer (v5.10.0 … main, 2026-08):
- Base/Python/CMakeLists.txt (Slicer_PYTHON_MODULES_CONFIG) lists the kits the desktop
  ``slicer`` package imports: mrml (MRMLCore, MRMLCLI, MRMLLogic, MRMLDisplayableManager, see
  Base/Python/mrml.py), vtkAddon, vtkSegmentationCore, qMRMLWidgets, logic (vtkSlicerBaseLogic)
  and the qSlicerBase* Qt kits;
- Base/QTCore/qSlicerScriptedUtils.cxx adds each loadable module's
  vtkSlicer*Module{Logic,MRML,MRMLDisplayableManager,VTKWidgets}Python classes to ``slicer``;
- vtkITK and vtkTeem are separate modules there (Base/Python/vtkITK.py, vtkTeem.py), imported as
  ``import vtkITK`` (e.g. Modules/Loadable/Segmentations/EditorEffects/Python/
  SegmentEditorEffects/SegmentEditorMarginEffect.py).
slicer-core (PyPI) instead puts vtkITK, vtkTeem and vtkRemoteIO classes on ``slicer`` and has
no ``vtkITK`` module. ``desktop_layout()`` hides every class whose kit desktop Slicer does not
import into ``slicer`` and provides ``vtkITK``/``vtkTeem`` modules with their classes.
"""
from __future__ import annotations

import re
import sys
import types
from contextlib import contextmanager
from typing import Iterator

# Kits (slicer-core's module suffixes) whose classes desktop Slicer has on ``slicer``.
DESKTOP_KITS = re.compile(r"(MRMLCore|MRMLCLI|MRMLLogic|MRMLDisplayableManager|vtkAddon(Python)?|vtkSegmentationCore"
                          r"|vtkSlicerBaseLogic|vtkSlicer\w+Module(Logic|MRML|MRMLDisplayableManager|VTKWidgets))$")
SEPARATE_MODULES = ("vtkITK", "vtkTeem")  # ``import vtkITK`` in desktop Slicer


def slicer_core_only_names(slicer) -> dict[str, str]:
    """Classes on slicer-core's ``slicer`` that desktop Slicer does not have there: name → kit."""
    names = {}
    for name in dir(slicer):
        value = getattr(slicer, name)
        module = getattr(value, "__module__", "") or ""
        if isinstance(value, type) and module.startswith("slicer_core."):
            kit = module.split(".", 1)[1]
            if not DESKTOP_KITS.match(kit):
                names[name] = kit
    return names


@contextmanager
def desktop_layout() -> Iterator[dict[str, str]]:
    """Within the block, ``slicer`` has desktop Slicer's names and ``import vtkITK`` works."""
    import slicer

    hidden = slicer_core_only_names(slicer)
    saved = {name: getattr(slicer, name) for name in hidden}
    modules = {}
    for kit in SEPARATE_MODULES:
        module = types.ModuleType(kit, f"desktop Slicer's {kit} module (test double over slicer-core)")
        for name, owner in hidden.items():
            if owner == kit:
                setattr(module, name, saved[name])
        modules[kit] = module
    previous = {kit: sys.modules.get(kit) for kit in modules}
    for name in hidden:
        delattr(slicer, name)
    sys.modules.update(modules)
    try:
        yield hidden
    finally:
        for name, value in saved.items():
            setattr(slicer, name, value)
        for kit, module in previous.items():
            if module is None:
                sys.modules.pop(kit, None)
            else:
                sys.modules[kit] = module
