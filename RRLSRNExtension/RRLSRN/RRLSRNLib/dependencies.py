"""The Python packages the RRLSRN module needs beyond 3D Slicer's own, and installing them (no Qt).

Nothing is installed at import: the panel asks first, on the first Create brain mask or Apply.
torch comes through the PyTorch extension (``PyTorchUtils``), which picks the build for the
machine's GPU driver; a plain ``pip install torch`` gives CPU-only torch on Windows and gigabytes
of CUDA wheels on Linux. Requirements are lower bounds, never pins (no single torch version has
wheels for every platform Slicer runs on), and a constraints file keeps the numpy and SimpleITK
that Slicer bundles from being replaced.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import subprocess
from dataclasses import dataclass
from typing import Callable, Sequence

# torch.OutOfMemoryError (the device-agnostic out-of-memory error the core catches) is new in 2.5.
TORCH_REQUIREMENT = ">=2.5"
# import name → pip requirement, for what the core imports beyond Slicer's bundle.
PIP_REQUIREMENTS = {"tqdm": "tqdm>=4.60", "scipy": "scipy>=1.10", "skimage": "scikit-image>=0.21"}
SUPER_RESOLUTION = ("torch", "tqdm", "scipy")  # what `rrlsrn upscale` imports
BRAIN_MASK = ("scipy", "skimage")  # the brain mask needs no torch
BUNDLED_WITH_SLICER = ("numpy", "SimpleITK")
PIP_OUTPUT_LINES = 6  # of pip's output shown on the panel when it fails


class DependencyError(Exception):
    """Installing a dependency failed; the message is one sentence (plus pip's last lines)."""


@dataclass(frozen=True)
class InstallPlan:
    """What is missing for a task: torch (through the PyTorch extension) and pip requirements."""

    torch: bool
    pip: tuple[str, ...]

    def __bool__(self) -> bool:
        return self.torch or bool(self.pip)

    def question(self) -> str:
        """The confirmation the panel asks before anything is downloaded."""
        lines = ([f"PyTorch {TORCH_REQUIREMENT} (through the PyTorch extension, for this computer's GPU if any; "
                  "about 200 MB for CPU, 2-3 GB with CUDA)"] if self.torch else []) + list(self.pip)
        return ("RRLSRN needs these Python packages, which will be downloaded and installed into 3D Slicer "
                "now (this can take a few minutes):\n\n" + "\n".join(f"  • {line}" for line in lines))


def installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def pytorch_extension_available() -> bool:
    """Whether the PyTorch extension's PyTorchUtils module can be imported (the way to install torch)."""
    return installed("PyTorchUtils")


def install_plan(names: Sequence[str]) -> InstallPlan:
    """What of ``names`` (import names of SUPER_RESOLUTION / BRAIN_MASK) is not importable here."""
    importlib.invalidate_caches()  # packages installed since the last look are found
    return InstallPlan(torch="torch" in names and not installed("torch"),
                       pip=tuple(PIP_REQUIREMENTS[n] for n in names if n != "torch" and not installed(n)))


def constraints_text() -> str:
    """pip constraints pinning the packages Slicer bundles at their installed versions."""
    lines = []
    for name in BUNDLED_WITH_SLICER:
        try:
            lines.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return "\n".join(lines) + "\n"


# Windows process-creation flags (winbase.h); subprocess defines them only on Windows.
CREATE_NEW_PROCESS_GROUP = 0x00000200
CREATE_NO_WINDOW = 0x08000000


def hidden_window_flags(os_name: str = os.name) -> dict:
    """Popen arguments that keep a console window from opening on Windows (PythonSlicer is a console
    program there: its window would show, and closing it would kill the child)."""
    return {"creationflags": CREATE_NO_WINDOW} if os_name == "nt" else {}


def pip_install(python: str, requirements: Sequence[str], constraints_file: str,
                on_line: Callable[[str], None] | None = None) -> None:
    """``python -m pip install`` the requirements under the constraints; each output line goes to
    ``on_line`` (the panel shows it and keeps the GUI alive). Raises DependencyError with pip's
    last lines when pip fails."""
    command = [python, "-m", "pip", "install", "--disable-pip-version-check", *requirements, "-c", constraints_file]
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   errors="replace", stdin=subprocess.DEVNULL, **hidden_window_flags())
    except OSError as error:
        raise DependencyError(f"Could not start pip ({error}).") from None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line.rstrip())
        if on_line is not None:
            on_line(lines[-1])
    if process.wait() != 0:
        tail = "\n".join(line for line in lines if line.strip())
        tail = "\n".join(tail.splitlines()[-PIP_OUTPUT_LINES:])
        raise DependencyError(f"Installing {', '.join(requirements)} failed (pip exit code {process.returncode}):\n{tail}")
