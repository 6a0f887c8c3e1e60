"""Replacing a file atomically, with the permissions a user expects, and the writers' lock.

Every file spikelab writes for users (workspaces, their sidecars, NWB files) is written as
"new file beside the target, then rename": a uniquely named hidden temporary file in the
target's directory is written, flushed to disk (``fsync``) and moved over the target with
``os.replace``, which is atomic on POSIX. A reader therefore sees the old file or the new
one, whole; a killed writer leaves the old file untouched (and a hidden
``.<name>.XXXXXXXX.tmp`` that the next writer of the same target removes).

Permissions are those of a plain ``open(target, "w")``: a new file gets ``0666`` filtered by
the process umask (``0644`` with the usual ``022``, ``0664`` with a group's ``002``), and a
file that replaces an existing one keeps that file's mode and, where the user may set it,
its group. (``tempfile.mkstemp`` would give ``0600``, and the rename would carry that over,
hiding a shared cache from the rest of a lab.)

Writers of one target take turns on an ``fcntl.flock`` lock of a hidden ``.<name>.lock``
beside it, which exists only while someone writes (see :func:`locked`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
import stat
import time
import warnings
from collections.abc import Iterator

from .errors import WorkspaceFileError, WorkspaceLockedError

__all__ = ["DEFAULT_LOCK_TIMEOUT", "fsync_path", "atomic_target", "atomic_write_text",
           "locked", "lock_path"]

DEFAULT_LOCK_TIMEOUT = 600.0  # s; a merge of many GB may hold the lock for a while
_TMP_SUFFIX = ".tmp"
_POLL_S = 0.05


def fsync_path(path: str, directory: bool = False) -> None:
    """Flush ``path`` (a file, or a directory entry list) to disk."""
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------- temporary files
def _tmp_pattern(target: str, suffix: str) -> re.Pattern:
    name = re.escape(os.path.basename(target))
    return re.compile(rf"^\.{name}\.[A-Za-z0-9_]{{8}}{re.escape(suffix)}$")


def _remove_orphans(target: str, suffix: str) -> None:
    """Delete temp files of ``target`` left by killed writers (call with the lock held)."""
    directory = os.path.dirname(target) or "."
    pattern = _tmp_pattern(target, suffix)
    for entry in os.listdir(directory):
        if pattern.match(entry):
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(directory, entry))


def _create_temp(target: str, suffix: str) -> str:
    """An empty new file ``.<name>.XXXXXXXX<suffix>`` beside ``target``, mode
    ``0666 & ~umask``.

    ``os.open`` with ``O_EXCL`` applies the umask itself (no process-wide ``os.umask``
    call, which would race with other threads creating files).
    """
    directory = os.path.dirname(os.path.abspath(target))
    for _ in range(100):
        tmp = os.path.join(directory,
                           f".{os.path.basename(target)}.{secrets.token_hex(4)}{suffix}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary file name", target)


def _take_over_permissions(tmp: str, target: str) -> None:
    """Give ``tmp`` the mode (and if possible the group) of the file it will replace."""
    try:
        old = os.stat(target)
    except FileNotFoundError:
        return  # a new file: the umask's mode, already set at creation
    if old.st_gid != os.stat(tmp).st_gid:
        with contextlib.suppress(OSError):  # allowed only for a group the user is in
            os.chown(tmp, -1, old.st_gid)
    os.chmod(tmp, stat.S_IMODE(old.st_mode))  # after chown, which may clear setgid bits


@contextlib.contextmanager
def atomic_target(target: str, suffix: str = _TMP_SUFFIX) -> Iterator[str]:
    """Yield a temporary path beside ``target``; on success fsync it and move it over.

    The temporary file ``.<name>.XXXXXXXX<suffix>`` exists (empty) with the permissions the
    target will have: those of the file it replaces, or ``0666 & ~umask`` for a new one. On
    any exception (including KeyboardInterrupt) it is removed and ``target`` is left as it
    was. Temporary files of ``target`` left by killed writers are removed first, so hold
    :func:`locked` around this.
    """
    if os.path.isdir(target):  # found now, not by os.replace once everything is written
        raise WorkspaceFileError(f"{target} is a directory: give the path of a file to write "
                                 "(nothing was written)")
    _remove_orphans(target, suffix)
    tmp = _create_temp(target, suffix)
    try:
        _take_over_permissions(tmp, target)
        yield tmp
        fsync_path(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
    fsync_path(os.path.dirname(os.path.abspath(target)), directory=True)


def atomic_write_text(target: str, text: str) -> None:
    """Write ``text`` to ``target`` atomically (temp file, fsync, replace)."""
    with atomic_target(target) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)


# --------------------------------------------------------------------- the writers' lock
def lock_path(target: str) -> str:
    """The lock file of ``target``: ``.<name>.lock`` in the same directory (hidden)."""
    directory, name = os.path.split(target)
    return os.path.join(directory, f".{name}.lock")


def _open_lock(path: str) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except PermissionError:
        if not os.path.exists(path):
            raise  # the directory is not writable: so is the target
        # another user's lock file we may not write: a read-only descriptor still takes
        # an flock lock on local file systems
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)


def _same_file(fd: int, path: str) -> bool:
    """Is ``path`` still the file open as ``fd`` (not removed or replaced meanwhile)?"""
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _warn_no_locks(path: str) -> None:
    warnings.warn(f"{path}: the file system does not support locks (ENOLCK, e.g. NFS without "
                  "a lock daemon); writing without the writers' lock. The write itself stays "
                  "atomic, but two processes writing the same file at once may lose one "
                  "write", RuntimeWarning, stacklevel=4)


@contextlib.contextmanager
def locked(target: str, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive ``fcntl.flock`` lock for writing ``target``.

    Waits up to ``timeout`` seconds for another writer, then raises
    :class:`WorkspaceLockedError`. The lock dies with its process, so a killed writer never
    blocks the next one.

    The lock file ``.<name>.lock`` is removed on release, so nothing is left beside the
    target. Removing a lock file is safe only with this protocol: a writer that gets the
    lock checks that the path still names the file it locked (the previous holder may have
    removed it while the writer waited on it) and otherwise starts over; a holder removes
    the file while it still holds the lock. So at any moment only the file at the path
    grants the lock. A writer killed while holding the lock leaves the file, which the next
    writer reuses and removes. On a file system without locks (``ENOLCK``) the write goes
    ahead unlocked with a ``RuntimeWarning``.
    """
    path = lock_path(target)
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    deadline = time.monotonic() + timeout
    while True:
        fd = _open_lock(path)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WorkspaceLockedError(
                            f"{target} is being written by another process (lock {path} "
                            f"held for more than {timeout} s)") from None
                    time.sleep(_POLL_S)
                except OSError as exc:
                    if exc.errno != errno.ENOLCK:
                        raise
                    _warn_no_locks(path)
                    break
            if _same_file(fd, path):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # we locked a file its holder had removed: start over
    try:
        yield
    finally:
        with contextlib.suppress(OSError):  # e.g. another user's file in a sticky directory
            os.remove(path)
        os.close(fd)  # closing releases the lock
