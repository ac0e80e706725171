"""3D Slicer's scene without its application: for scripts, tests and web front ends (no Qt).

Slicer's application normally creates the MRML scene and the module logics that volumes,
segmentations and the subject hierarchy need; slicer-core (PyPI) gives the same C++ scene and
logics, and :func:`new_scene` wires them as the application would.
"""
from __future__ import annotations

import types

import slicer
import vtk


def new_scene():
    """A fresh MRML scene with the Colors, Volumes, Segmentations and SubjectHierarchy logics; it
    becomes ``slicer.mrmlScene``, and ``scene.logics`` maps lower-case module names to them."""
    scene = slicer.vtkMRMLScene()
    app = slicer.vtkSlicerApplicationLogic()
    app.SetMRMLScene(scene)
    colors = app.GetColorLogic()
    colors.SetMRMLScene(scene)
    colors.AddDefaultColorNodes()
    app.SetModuleLogic("Colors", colors)
    app.SetSliceLogics(vtk.vtkCollection())
    app.SetViewLogics(vtk.vtkCollection())
    logics = {"colors": colors}
    for name, cls in [("Volumes", slicer.vtkSlicerVolumesLogic),
                      ("Segmentations", slicer.vtkSlicerSegmentationsModuleLogic),
                      ("SubjectHierarchy", slicer.vtkSlicerSubjectHierarchyModuleLogic)]:
        logic = cls()
        logic.SetMRMLScene(scene)
        logic.SetMRMLApplicationLogic(app)
        app.SetModuleLogic(name, logic)
        logics[name.lower()] = logic
    wire_modules(scene, logics)
    scene.application_logic = app  # keeps the logics' application alive as long as the scene
    return scene


def wire_modules(scene, logics: dict) -> None:
    """Make ``scene`` and ``logics`` (lower-case module name → logic) what ``slicer.mrmlScene`` and
    ``slicer.modules.<name>.logic()`` return, as Slicer's application does: slicer.util's segment
    helpers, which the Logic uses, look them up there. ``scene.logics`` keeps them at hand."""
    slicer.mrmlScene = scene
    slicer.modules = types.SimpleNamespace(
        **{k: types.SimpleNamespace(logic=(lambda lg=lg: lg)) for k, lg in logics.items()})
    scene.logics = logics


def markups_from_ijk(scene, volume, points_ijk, name: str):
    """A point list with one control point at each (i, j, k) voxel of ``volume``."""
    node = scene.AddNewNodeByClass("vtkMRMLMarkupsFiducialNode", name)
    ijk_to_ras = vtk.vtkMatrix4x4()
    volume.GetIJKToRASMatrix(ijk_to_ras)
    for p in points_ijk:
        node.AddControlPoint(ijk_to_ras.MultiplyPoint([*map(float, p), 1.0])[:3])
    return node
