"""Every place a workspace HDF5 file is opened: reading, atomic writing, locking, scratch.

Writing is always "new file beside the target, then rename": a uniquely named temporary
file in the target's directory is written, flushed to disk (``fsync``) and moved over the
target with ``os.replace``, which is atomic on POSIX. A reader therefore sees the old file
or the new one, whole; a killed writer leaves the old file untouched (and a hidden
``.<name>.XXXXXXXX.tmp`` that the next writer of the same target removes). Writers of one
target serialise on an ``fcntl`` lock of ``<target>.lock``.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import h5py

from .._version import __version__
from ..errors import (CorruptWorkspaceError, FormatVersionError, NotAWorkspaceError,
                      WorkspaceLockedError)
from .codecs.common import read_str_attr

__all__ = ["FORMAT_VERSION", "DEFAULT_LOCK_TIMEOUT", "RootInfo", "h5_path", "base_path",
           "open_workspace", "open_for_update", "read_root", "write_root", "stamp", "new_file",
           "atomic_target", "locked", "fsync_path", "create_backing_file", "scratch_file",
           "atomic_write_text"]

FORMAT_VERSION = 1
DEFAULT_LOCK_TIMEOUT = 600.0  # s; a merge of many GB may hold the lock for a while
_LIBVER = ("v108", "v114")  # 1.8+ object headers: attributes larger than 64 kB allowed
_TMP_SUFFIX = ".tmp"


@dataclass(frozen=True)
class RootInfo:
    """Identity of a workspace file (root attributes)."""

    workspace_id: str
    name: str | None
    created_at: float
    format_version: int


def base_path(path: str | os.PathLike) -> str:
    """``path`` as str without a trailing ``.h5`` (the form ``save`` and ``load`` accept)."""
    text = os.fspath(path)
    return text[:-3] if text.endswith(".h5") else text


def h5_path(path: str | os.PathLike) -> str:
    """The ``.h5`` file of a workspace path given with or without the suffix."""
    return base_path(path) + ".h5"


# --------------------------------------------------------------------- reading
def _check_is_workspace(f: h5py.File, path: str) -> None:
    if "__workspace_id__" not in f.attrs:
        raise NotAWorkspaceError(
            f"{path} is an HDF5 file but not a spikelab workspace (no __workspace_id__ root "
            "attribute)"
        )
    version = int(f.attrs.get("__format_version__", 0))
    if version > FORMAT_VERSION:
        writer = read_str_attr(f.attrs, "__spikelab_version__", "a newer spikelab")
        raise FormatVersionError(
            f"{path} uses workspace format version {version} (written by spikelab {writer}); "
            f"this spikelab ({__version__}) reads versions up to {FORMAT_VERSION}: upgrade spikelab"
        )


def open_workspace(path: str) -> h5py.File:
    """Open the workspace file ``path`` (``.h5``) read-only, with one clear error per failure.

    Raises
    ------
    FileNotFoundError, NotAWorkspaceError, CorruptWorkspaceError, FormatVersionError
    """
    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, "workspace file not found", path)
    if not h5py.is_hdf5(path):
        raise NotAWorkspaceError(f"{path} is not an HDF5 file (no HDF5 signature)")
    try:
        f = h5py.File(path, "r")
    except OSError as exc:
        raise CorruptWorkspaceError(
            f"{path} has an HDF5 signature but cannot be opened (truncated or damaged): {exc}"
        ) from exc
    try:
        _check_is_workspace(f, path)
    except BaseException:
        f.close()
        raise
    return f


def read_root(f: h5py.File) -> RootInfo:
    """The workspace identity stored in the root attributes."""
    name = read_str_attr(f.attrs, "__workspace_name__", "")
    return RootInfo(
        workspace_id=read_str_attr(f.attrs, "__workspace_id__"),
        name=name or None,
        created_at=float(f.attrs.get("__created_at__", 0.0)),
        format_version=int(f.attrs.get("__format_version__", 0)),
    )


# --------------------------------------------------------------------- writing
def new_file(path: str) -> h5py.File:
    """Create (truncate) ``path`` as an empty HDF5 file that keeps creation order."""
    return h5py.File(path, "w", track_order=True, libver=_LIBVER)


def open_for_update(path: str) -> h5py.File:
    """Open a private copy of a workspace (e.g. a temp file) for appending items."""
    return h5py.File(path, "r+")


def write_root(f: h5py.File, workspace_id: str, name: str | None, created_at: float) -> str:
    """Write the identity plus format version, writer version and a fresh save id (returned)."""
    f.attrs["__workspace_id__"] = workspace_id
    f.attrs["__workspace_name__"] = name or ""
    f.attrs["__created_at__"] = float(created_at)
    return stamp(f)


def stamp(f: h5py.File) -> str:
    """Mark ``f`` as written now by this package; returns the new save id (also in sidecar)."""
    save_id = uuid.uuid4().hex
    f.attrs["__format_version__"] = FORMAT_VERSION
    f.attrs["__spikelab_version__"] = __version__
    f.attrs["__save_id__"] = save_id
    return save_id


def fsync_path(path: str, directory: bool = False) -> None:
    """Flush ``path`` (a file, or a directory entry list) to disk."""
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _tmp_pattern(target: str) -> re.Pattern:
    name = re.escape(os.path.basename(target))
    return re.compile(rf"^\.{name}\.[A-Za-z0-9_]{{8}}{re.escape(_TMP_SUFFIX)}$")


def _remove_orphans(target: str) -> None:
    """Delete temp files of ``target`` left by killed writers (call with the lock held)."""
    directory = os.path.dirname(target) or "."
    pattern = _tmp_pattern(target)
    for entry in os.listdir(directory):
        if pattern.match(entry):
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(directory, entry))


@contextlib.contextmanager
def atomic_target(target: str) -> Iterator[str]:
    """Yield a temporary path beside ``target``; on success fsync it and move it over.

    On any exception (including KeyboardInterrupt) the temporary file is removed and
    ``target`` is left as it was. Hold :func:`locked` around this.
    """
    directory = os.path.dirname(os.path.abspath(target))
    _remove_orphans(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=_TMP_SUFFIX,
                               dir=directory)
    os.close(fd)
    try:
        yield tmp
        fsync_path(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
    fsync_path(directory, directory=True)


def atomic_write_text(target: str, text: str) -> None:
    """Write ``text`` to ``target`` atomically (temp file, fsync, replace)."""
    with atomic_target(target) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)


@contextlib.contextmanager
def locked(target: str, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive ``fcntl`` lock on ``<target>.lock`` (created if needed).

    Waits up to ``timeout`` seconds for another writer, then raises
    :class:`WorkspaceLockedError`. The lock dies with its process, so a killed writer never
    blocks the next one. The ``.lock`` file is left in place (removing it would race).
    """
    lock_path = f"{target}.lock"
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WorkspaceLockedError(
                        f"{target} is being written by another process (lock {lock_path} held "
                        f"for more than {timeout} s)"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


# --------------------------------------------------------------------- private files
def create_backing_file(directory: str | None) -> tuple[str, h5py.File]:
    """A new uniquely named HDF5 file for a lazy workspace (in ``directory`` or temp)."""
    fd, path = tempfile.mkstemp(prefix="spikelab-lazy-", suffix=".h5", dir=directory)
    os.close(fd)
    try:
        return path, h5py.File(path, "w", track_order=True, libver=_LIBVER)
    except BaseException:
        os.remove(path)
        raise


def scratch_file() -> h5py.File:
    """An in-memory HDF5 file (never touches disk), for hashing an object's encoding."""
    return h5py.File(f"scratch-{uuid.uuid4().hex}.h5", "w", driver="core", backing_store=False,
                     track_order=True, libver=_LIBVER)
