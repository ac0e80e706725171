"""Shared fixtures: where the real data lives, and skips with a reason when it does not."""
import os
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("RRLSRN_SHARED_DATA", REPO.parent / "shared" / "data"))
LAPSRN_MAT = SHARED_DATA.parent / "pretrained" / "LapSRN_x2.mat"
# The Python that runs the Slicer Lib's super-resolution child: in the Python 3.12 lane (Slicer's
# Python, no torch, as before the first Apply) it is the main test venv's interpreter.
CHILD_PYTHON = os.environ.get("RRLSRN_CHILD_PYTHON") or None


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes more than ~5 s on an idle 2-core CPU; "
                            "`pytest Testing -m 'not slow'` is the everyday fast lane (about 2 minutes)")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real MRI of ../shared/data; tests that need it skip elsewhere."""
    if not (SHARED_DATA / "README.md").exists():
        pytest.skip(f"real MRI data not found at {SHARED_DATA} (set RRLSRN_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def dev_stacks(shared_data: Path) -> list[Path]:
    """The four clinical fetal stacks (not their brainparts files)."""
    stacks = sorted(p for p in (shared_data / "fetal_stacks_dev").glob("*.nii.gz")
                    if "_brainparts" not in p.name)
    assert len(stacks) == 4
    return stacks


@pytest.fixture
def scene():
    """A fresh headless MRML scene (slicer_scene.py), cleared afterwards."""
    from slicer_scene import new_scene

    scene = new_scene()
    yield scene
    scene.Clear(True)


@pytest.fixture(scope="module")
def desktop_slicer():
    """slicer-core shaped like desktop 3D Slicer (desktop_slicer.py) for a whole test module."""
    from desktop_slicer import desktop_layout

    with desktop_layout() as hidden:
        yield hidden


@pytest.fixture(scope="session")
def random_weights(tmp_path_factory) -> Path:
    """A valid but untrained ×2 RRLSRN weights file (for plumbing tests, not quality)."""
    import torch

    from rrlsrn.models import RRLSRN
    from rrlsrn.weights import save_weights

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("weights") / "random_x2.pt"
    return save_weights(RRLSRN(scale=2), path, "rrlsrn", {"scale": 2})


@pytest.fixture(scope="session")
def mni_slices():
    """Axial slices of the real MNI152 T1 (shipped in nilearn), normalised, even-sized."""
    import numpy as np

    nilearn = pytest.importorskip("nilearn.datasets", reason="nilearn (test extra) is not installed")
    from rrlsrn.intensity import Normalisation

    volume = np.asarray(nilearn.load_mni152_template(resolution=1).get_fdata(), np.float32)
    volume = Normalisation.fit(volume).apply(volume)
    return np.ascontiguousarray(volume[:196, :232, 50:110:10].transpose(2, 0, 1))


# Two references fall short of the brain, not the other way round (see the closing notes):
# Pat13055_Se4's labels cover about half of the brain in its labelled slices and none of the
# brain in 6 of its 16 slices; 4 of Pat13055_Se11's slices are motion-corrupted and their
# labels cover part of the visible brain or none of it (2 slices). The tests check them
# against regression floors on what can be measured, and xfail the 0.85 target.
SHORT_REFERENCE = {
    "Pat13055_Se4": "reference labels cover only part of the brain (half of it in the labelled slices)",
    "Pat13055_Se11": "4 motion-corrupted slices whose reference covers part of the brain or none of it",
}
STACKS = ["Pat13055_Se11", "Pat13055_Se4", "Pat3759_Se10", "Pat3759_Se8"]


def reference_brain(parts: np.ndarray) -> np.ndarray:
    """The reference of the core issue: per slice, brainparts > 0 closed (3) and hole-filled."""
    from scipy import ndimage

    return np.stack([ndimage.binary_fill_holes(ndimage.binary_closing(s > 0, iterations=3)) for s in parts])


def clicks(reference: np.ndarray, spacing) -> tuple[list, list]:
    """Where a user would click (rrlsrn.brainmask.simulated_clicks)."""
    from rrlsrn.brainmask import simulated_clicks

    return simulated_clicks(reference, spacing)


def dice(a, b) -> float:
    return float(2 * (a & b).sum() / (a.sum() + b.sum()))


@pytest.fixture(scope="session")
def random_through_plane_weights(tmp_path_factory) -> Path:
    """A valid but untrained through-plane weights file (for plumbing tests, not quality)."""
    import torch

    from rrlsrn.models import ThroughPlaneRRLSRN
    from rrlsrn.weights import save_weights

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("weights") / "random_through_plane.pt"
    return save_weights(ThroughPlaneRRLSRN(), path, "through_plane", {})
