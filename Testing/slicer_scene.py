"""Small helpers to put real or synthetic data in a headless MRML scene (RRLSRNLib.headless), and
untrained weights, for the Slicer Lib's and the web app's tests."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from conftest import CHILD_PYTHON, REPO

sys.path.insert(0, str(REPO / "RRLSRNExtension" / "RRLSRN"))
from RRLSRNLib.headless import markups_from_ijk as markups  # noqa: E402,F401
from RRLSRNLib.headless import new_scene  # noqa: E402,F401


def load_stack(scene, path: Path):
    """A clinical stack as a volume node, its spacing fixed from its name (broken header)."""
    from rrlsrn.io import spacing_from_name

    node = scene.logics["volumes"].AddArchetypeVolume(str(path), path.name.split("_Res")[0], 0)
    node.SetSpacing(spacing_from_name(path))
    node.CreateDefaultDisplayNodes()
    return node


def ras_bounds(node) -> np.ndarray:
    bounds = [0.0] * 6
    node.GetRASBounds(bounds)
    return np.array(bounds)


def small_volume(scene, spacing=(0.8, 0.8, 3.0), shape=(6, 16, 12), name="stack"):
    """Random intensities on a (k, j, i) ``shape`` grid of ``spacing`` mm, as a volume node of ``scene``."""
    import slicer

    slicer.mrmlScene = scene
    array = np.random.default_rng(0).random(shape, dtype=np.float32) * 100
    node = slicer.util.addVolumeFromArray(array, name=name)
    node.SetSpacing(spacing)
    return node


def oblique_volume(scene, shape=(6, 16, 12), name="stack"):
    """Thick slices along k (0.7 × 0.7 × 4 mm), with k pointing mostly anterior (a coronal-ish oblique stack)."""
    import vtk

    node = small_volume(scene, spacing=(0.7, 0.7, 4.0), shape=shape, name=name)
    angle = np.deg2rad(20)
    m = vtk.vtkMatrix4x4()
    # columns: i → R, j → mostly S, k → mostly A (20° off)
    directions = np.array([[1, 0, 0], [0, np.sin(angle), np.cos(angle)], [0, np.cos(angle), -np.sin(angle)]]).T
    for r in range(3):
        for c in range(3):
            m.SetElement(r, c, directions[r, c])
    node.SetIJKToRASDirectionMatrix(m)
    return node


def random_through_plane_weights(path: Path) -> Path:
    """An untrained through-plane weights file (plumbing, not quality), written by the Python that
    runs the super-resolution child: the Slicer-Python lane's own interpreter has no torch."""
    code = ("import sys, torch; from rrlsrn.models import ThroughPlaneRRLSRN; from rrlsrn.weights import save_weights;"
            " torch.manual_seed(0); save_weights(ThroughPlaneRRLSRN(), sys.argv[1], 'through_plane', {})")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "RRLSRNCore"),
                                                                    os.environ.get("PYTHONPATH")]))}
    subprocess.run([CHILD_PYTHON or sys.executable, "-c", code, str(path)], check=True, env=env)
    return path
