"""Shared fixtures: where the real data lives, and skips with a reason when it does not."""
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("RRLSRN_SHARED_DATA", REPO.parent / "shared" / "data"))
LAPSRN_MAT = SHARED_DATA.parent / "pretrained" / "LapSRN_x2.mat"


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
