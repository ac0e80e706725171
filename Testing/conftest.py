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
