"""Super-resolution in a background process, so Slicer's GUI thread never waits (no Qt).

The child runs ``python -m rrlsrn upscale`` — the same code as the command line — on
temporary files and prints ``progress DONE TOTAL`` lines; reader threads collect them.
Cancelling kills the child's whole process tree.
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


def python_executable() -> str:
    """Slicer's own Python launcher when inside Slicer, else this interpreter."""
    return shutil.which("PythonSlicer") or sys.executable


class UpscaleProcess:
    """One running ``rrlsrn upscale``; poll it from a timer, cancel it any time."""

    def __init__(self, arguments: list[str], core_path: Path, python: str | None = None):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(core_path), os.environ.get("PYTHONPATH")]))}
        popen_kwargs = ({"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt"
                        else {"start_new_session": True})  # its own group, so cancel reaches its children
        self.process = subprocess.Popen([python or python_executable(), "-m", "rrlsrn", "upscale", *arguments],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                        **popen_kwargs)
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
            words = self._lines.get().split()
            if len(words) == 3 and words[0] == "progress":
                self.progress = (int(words[1]), int(words[2]))
        code = self.process.poll()
        if code is not None:
            for thread in self._threads:
                thread.join(timeout=5)
        return code

    def wait(self) -> int:
        self.process.wait()
        return self.poll()

    def error_message(self) -> str:
        """The child's one-sentence error (or the last line it printed)."""
        for line in reversed(self._errors):
            if line.startswith("rrlsrn: error: "):
                return line[len("rrlsrn: error: "):]
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
