"""Super-resolution in a background process, so Slicer's GUI thread never waits (no Qt).

The child runs ``python -m rrlsrn upscale`` — the same code as the command line — on
temporary files and prints progress lines (``rrlsrn.jobs``: the contract with the child is
defined there once); reader threads collect them.
Cancelling kills the child's whole process tree. The child's standard input is a pipe this
process never writes to: when Slicer dies, the pipe closes and the child stops itself
(``--stop-with-parent``) instead of running on unseen. On Windows it gets no console window.
"""
from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from rrlsrn.jobs import parse_error, parse_progress

from .dependencies import CREATE_NEW_PROCESS_GROUP, CREATE_NO_WINDOW, hidden_window_flags


def python_executable() -> str:
    """Slicer's own Python launcher when inside Slicer, else this interpreter."""
    return shutil.which("PythonSlicer") or sys.executable


def child_process_options(os_name: str = os.name) -> dict:
    """Popen arguments for the child: its own process group (so cancel reaches its children) and,
    on Windows, no console window."""
    if os_name == "nt":
        return {"creationflags": CREATE_NEW_PROCESS_GROUP | CREATE_NO_WINDOW}
    return {"start_new_session": True}


class UpscaleProcess:
    """One running ``rrlsrn`` command (``UpscaleJob.command_line(child=True)``); poll it from a timer,
    cancel it any time."""

    def __init__(self, arguments: list[str], core_path: Path, python: str | None = None):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(core_path), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen([python or python_executable(), "-m", "rrlsrn", *arguments],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=env, **child_process_options())
        self.progress = (0, 0)
        self.cancelled = False
        self._lines: queue.Queue[str] = queue.Queue()
        self._errors: list[str] = []
        self._threads = [threading.Thread(target=self._read, args=(self.process.stdout, self._lines.put), daemon=True),
                         threading.Thread(target=self._read, args=(self.process.stderr, self._errors.append), daemon=True)]
        for thread in self._threads:
            thread.start()

    @staticmethod
    def _read(stream, sink) -> None:
        for line in stream:
            sink(line.rstrip("\n"))

    def poll(self) -> int | None:
        """Update ``progress``; the exit code once the process has ended, else None."""
        while not self._lines.empty():
            progress = parse_progress(self._lines.get())
            if progress is not None:
                self.progress = progress
        code = self.process.poll()
        if code is not None:
            for thread in self._threads:
                thread.join(timeout=5)
            if not self.process.stdin.closed:
                self.process.stdin.close()
        return code

    def wait(self) -> int:
        self.process.wait()
        return self.poll()

    def error_message(self) -> str:
        """The child's one-sentence error (or the last line it printed)."""
        sentence = parse_error(self._errors)
        if sentence is not None:
            return sentence
        lines = [line for line in self._errors if line.strip()]
        return lines[-1] if lines else f"the super-resolution process ended with code {self.process.returncode}."

    def cancel(self) -> None:
        """Kill the process and everything it started; returns once it is gone."""
        self.cancelled = True
        if self.process.poll() is None:
            if os.name == "nt":
                subprocess.run(["taskkill", "/F", "/T", "/PID", str(self.process.pid)], capture_output=True)
            else:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


_PROBE = """
import torch
found = ["CPU"]
if torch.cuda.is_available():
    found += [f"CUDA: {torch.cuda.get_device_name(i)}" for i in range(torch.cuda.device_count())]
if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
    found.append("Apple MPS")
print(f"PyTorch {torch.__version__}; " + ", ".join(found))
"""


def probe_devices(python: str | None = None, timeout_s: float = 60.0) -> str:
    """The compute devices PyTorch sees, probed in a child process (CUDA is never initialised in
    Slicer's own process), as one line for the panel; never raises."""
    try:
        done = subprocess.run([python or python_executable(), "-c", _PROBE], capture_output=True, text=True,
                              timeout=timeout_s, stdin=subprocess.DEVNULL, **hidden_window_flags())
    except subprocess.TimeoutExpired:
        return f"The device check did not answer within {timeout_s:.0f} s."
    except Exception as error:  # noqa: BLE001 - a probe must not break the panel
        return f"The device check could not run ({error})."
    if done.returncode != 0:
        if "No module named 'torch'" in done.stderr:
            return "PyTorch is not installed yet: the first Apply installs it."
        last = [line for line in done.stderr.splitlines() if line.strip()]
        return f"The device check failed: {last[-1] if last else f'exit code {done.returncode}'}"
    return done.stdout.strip()
