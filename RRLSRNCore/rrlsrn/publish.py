"""Publishing files: the one place where every command's output reaches its final name.

What it guarantees (each point was a way to lose data or write a wrong file):
- readers never see a partial file: the content goes to a hidden temporary beside the target
  (same folder, so the final step is a rename), named so that this tool recognises its own
  leftovers (``.<name>.<pid>.rrlsrn-tmp<suffix>``) and removes those of dead runs;
- the destination is checked before any work: not a folder, its folder existing and writable
  (a typo creates no folders), not one of the command's inputs (compared as files, so a case-insensitive file system or a link cannot
  make ``-o IN.NII.GZ`` replace ``in.nii.gz``), not an existing file unless replacing was asked;
- what was written is verified (``verify``) before it is published: ITK's NIfTI writer reports
  a full disk on stderr and returns, leaving a truncated file;
- an existing file is replaced only when asked: without ``replace`` the final step is a
  hard link, which fails if the name appeared meanwhile (another run), so one result never
  silently replaces another;
- on any error, Ctrl-C or SIGTERM (the CLI turns it into KeyboardInterrupt) the temporary is
  deleted.
"""
from __future__ import annotations

import errno
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

from .errors import RRLSRNError

TEMP_MARK = ".rrlsrn-tmp"
# Write errors a user meets (full disk or quota, read-only or forbidden folder, file too big): a sentence.
_USER_WRITE_ERRORS = frozenset(code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None), errno.EROFS,
                                                 errno.EACCES, errno.EFBIG) if code is not None)
_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]*" + re.escape(TEMP_MARK))


def suffix_of(path: Path) -> str:
    """The format suffix, with ``.nii.gz`` as one."""
    name = path.name.lower()
    return ".nii.gz" if name.endswith(".nii.gz") else path.suffix.lower()


def is_temporary(path: Path | str) -> bool:
    """Whether a file is a temporary of this tool (an input finder must skip it)."""
    return _TEMP_NAME.match(Path(path).name) is not None


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # no cheap, safe probe: treat as alive, and age decides
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(folder: Path | str, max_age_s: float = 24 * 3600) -> list[Path]:
    """Delete this tool's temporaries in ``folder`` whose process is gone (or that are older than
    ``max_age_s``): what a killed run (SIGKILL, power loss) left behind. Returns what was removed."""
    import time

    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for path in entries:
        match = _TEMP_NAME.match(path.name)
        if not match or not path.is_file():
            continue
        try:
            old = time.time() - path.stat().st_mtime > max_age_s
            if old or not _pid_alive(int(match.group("pid"))):
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def same_file(a: Path | str, b: Path | str) -> bool:
    """Whether two paths name the same file or folder (links and letter case resolved by the file
    system; by name when one does not exist)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def check_destination(path: Path | str, replace: bool = False, inputs: Sequence[Path | str | None] = (),
                      what: str = "output") -> Path:
    """Refuse a destination before any work is done (see the module docstring); returns it."""
    path = Path(path)
    for source in inputs:
        if source is not None and same_file(path, source):
            raise RRLSRNError(f"the {what} {path} is one of the inputs ({source}); choose another name so "
                              "the input is kept.")
    if path.is_dir():
        raise RRLSRNError(f"the {what} {path} is a folder; give a file name.")
    if path.exists() and not replace:
        raise RRLSRNError(f"{path} already exists; pass --overwrite to replace it.")
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise RRLSRNError(f"cannot write {path}: {folder} is a file, not a folder.")
    if not folder.exists():  # a typo must not create folders: the user creates them
        raise RRLSRNError(f"the folder {folder} does not exist; create it first (or check the path).")
    try:
        probe = tempfile.NamedTemporaryFile(dir=folder, prefix=f".{path.name}.{os.getpid()}.probe", suffix=TEMP_MARK)
        probe.close()
    except OSError as error:
        raise RRLSRNError(f"cannot write to {folder}: {error.strerror or error}.") from None
    return path


def _publish(tmp: Path, path: Path, replace: bool) -> None:
    if replace:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails if the name exists: never replaces a file that appeared meanwhile
    except FileExistsError:
        raise RRLSRNError(f"{path} appeared while this run was writing (another run?); it was kept and "
                          "this result discarded. Pass --overwrite to replace it.") from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK,
                               getattr(errno, "ENOSYS", -1)):
            raise
        if os.name == "nt":  # rename refuses an existing target there
            os.rename(tmp, path)
            return
        if path.exists():  # a file system without hard links: check, then rename
            raise RRLSRNError(f"{path} appeared while this run was writing (another run?); it was kept.") from None
        os.rename(tmp, path)


@contextmanager
def publishing(path: Path | str, replace: bool = True,
               verify: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """A temporary path beside ``path`` (same suffix) to write to. When the block succeeds,
    ``verify(tmp)`` runs (it raises to refuse), then the file is published under ``path`` —
    replacing an existing one only with ``replace``. The temporary is deleted in every case."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path.parent)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_MARK + suffix_of(path),
                                dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the permissions a plain open() would
    try:
        yield tmp
        if verify is not None:
            verify(tmp)
        _publish(tmp, path, replace)
    except OSError as error:
        if error.errno in _USER_WRITE_ERRORS:
            raise RRLSRNError(f"could not write {path}: {error.strerror}; nothing was written.") from None
        raise
    finally:
        tmp.unlink(missing_ok=True)
