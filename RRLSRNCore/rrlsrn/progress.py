"""Progress reporting for long loops: a terminal bar, and the machine-readable lines a parent
process reads (``rrlsrn.jobs``)."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

from tqdm import tqdm

from .jobs import progress_line


@contextmanager
def progress_bar(quiet: bool, unit: str = "slice", desc: str = "", lines: bool = False) -> Iterator:
    """A tqdm bar fed by ``(done, total)`` callbacks; silent when quiet or not on a terminal.
    With ``lines``, also ``progress DONE TOTAL`` lines on stdout, for a parent process to read."""
    bar = tqdm(total=0, unit=unit, desc=desc, disable=quiet or not sys.stderr.isatty(), leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
        if lines:
            print(progress_line(done, total), flush=True)

    try:
        yield update
    finally:
        bar.close()
