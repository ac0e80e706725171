"""Small helpers to put real data in a headless MRML scene (RRLSRNLib.headless), for the Slicer
Lib's tests."""
import sys
from pathlib import Path

import numpy as np

from conftest import REPO

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
