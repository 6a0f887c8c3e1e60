"""Every place a workspace HDF5 file is opened: reading, writing, private and scratch files.

Workspace files are written through :mod:`spikelab.atomicfile` (temporary file beside the
target, fsync, atomic rename, the umask's or the replaced file's mode) under its writers'
lock; this module creates and opens the HDF5 files themselves.
"""

from __future__ import annotations

import contextlib
import errno
import os
import uuid
import weakref
from dataclasses import dataclass

import h5py
import numpy as np

from .._version import __version__
from ..errors import CorruptWorkspaceError, FormatVersionError, NotAWorkspaceError
from ..ondisk import (CREATED_AT_ATTR, FORMAT_VERSION, FORMAT_VERSION_ATTR, SAVE_ID_ATTR,
                      SPIKELAB_VERSION_ATTR, SUFFIX, WORKSPACE_ID_ATTR, WORKSPACE_NAME_ATTR,
                      )
from .attrmemo import all_attrs, attribute_memo, get_attr, has_attr
from .checksums import DataDamage
from .codecs.common import read_str_attr
from .damage import RAW_ERRORS, reading_file
from .links import describe_link, link_kind, open_child
from .seals import check_root_seal, seal_root
from .shards import check_shard_identity, shard_path

__all__ = ["RootInfo", "WorkspaceFile", "open_workspace", "open_for_update", "read_root",
           "disk_bytes", "file_state", "open_state", "write_root",
           "stamp", "new_file", "scratch_file"]

_LIBVER = ("v108", "v114")  # 1.8+ object headers: attributes larger than 64 kB allowed


@dataclass(frozen=True)
class RootInfo:
    """Identity of a workspace file (root attributes)."""

    workspace_id: str
    name: str | None
    created_at: float
    format_version: int


# --------------------------------------------------------------------- reading
def _format_version(f: h5py.File, path: str) -> int:
    raw = get_attr(f.attrs, FORMAT_VERSION_ATTR, 0)  # 0.1.2 files have none
    if isinstance(raw, (bool, np.bool_)) or not isinstance(raw, (int, np.integer)):
        raise CorruptWorkspaceError(f"{path}: the root attribute __format_version__ is {raw!r}, "
                                    "not an integer (damaged, or written by another tool)")
    return int(raw)


def _check_is_workspace(f: h5py.File, path: str) -> None:
    if not has_attr(f.attrs, WORKSPACE_ID_ATTR):
        raise NotAWorkspaceError(
            f"{path} is an HDF5 file but not a spikelab workspace (no __workspace_id__ root "
            "attribute)"
        )
    version = _format_version(f, path)
    if version > FORMAT_VERSION:
        writer = read_str_attr(f.attrs, SPIKELAB_VERSION_ATTR, "a newer spikelab")
        raise FormatVersionError(
            f"{path} uses workspace format version {version} (written by spikelab {writer}); "
            f"this spikelab ({__version__}) reads versions up to {FORMAT_VERSION}: upgrade spikelab"
        )


_ROOTS: weakref.WeakKeyDictionary[h5py.File, RootInfo] = weakref.WeakKeyDictionary()


def _root_info(f: h5py.File, path: str) -> RootInfo:
    name = read_str_attr(f.attrs, WORKSPACE_NAME_ATTR, "")
    return RootInfo(
        workspace_id=read_str_attr(f.attrs, WORKSPACE_ID_ATTR),
        name=name or None,
        created_at=float(get_attr(f.attrs, CREATED_AT_ATTR, 0.0)),
        format_version=_format_version(f, path),
    )


class WorkspaceFile(h5py.File):
    """A workspace file open for reading, whose names are checked before they are followed.

    Behaves as the ``h5py.File`` it is, except that opening a path (``f[...]``, ``get``,
    ``in``) follows hard links only (:mod:`.links`), and that a namespace of a sharded root
    (:mod:`.shards`) is read from its shard file, which this object opens itself (checked
    link, checked workspace id) and keeps open until it is closed: a reader keeps reading
    the shards it has opened even after a writer replaced the root and deleted them.
    """

    _path: str
    _shard_links: dict[str, str]
    _shards: dict[str, h5py.File]

    def _scan(self, path: str) -> None:
        """Check every root name without following it; note the sharded namespaces."""
        self._path, self._shard_links, self._shards = path, {}, {}
        for name in self:
            kind = link_kind(self, name)
            if kind == "hard":
                continue
            if kind == "external" and not name.startswith("__"):
                filename, target = self.id.links.get_val(name.encode("utf-8"))
                link = h5py.ExternalLink(filename.decode("utf-8", "replace"),
                                         target.decode("utf-8", "replace"))
                self._shard_links[name] = shard_path(path, name, link)
                continue
            raise DataDamage(f"namespace {name!r} is {describe_link(self, name)}; a workspace's "
                             "root names only its own groups and shards: refused, not followed")

    @property
    def attrs(self) -> h5py.AttributeManager:
        """The root attributes (h5py opens the root group at each access; this opens it
        once per file: a few root reads per file add up over a thousand files)."""
        cached = self.__dict__.get("_root_attrs")
        if cached is None:
            cached = self._root_attrs = super().attrs
        return cached

    @property
    def is_sharded(self) -> bool:
        """Does any namespace live in a shard file?"""
        return bool(self._shard_links)

    @property
    def shard_files(self) -> dict[str, str]:
        """``{namespace: shard path}`` of a sharded root (empty for a single file)."""
        return dict(self._shard_links)

    def _namespace(self, name: str, lapl: object = None) -> h5py.HLObject:
        shard_file = self._shard_links.get(name)
        if shard_file is None:
            if link_kind(self, name) != "hard":
                open_child(self, name)  # raises, naming the link
            return super()._get(name, lapl)
        shard = self._shards.get(name)
        if shard is None:
            shard = self._open_shard(name, shard_file)
        return open_child(shard, name)

    def _open_shard(self, name: str, path: str) -> h5py.File:
        if os.path.islink(path):  # our writer makes files: a link may lead anywhere
            raise DataDamage(f"namespace {name!r} lives in the shard {path}, which is a "
                             f"symbolic link (to {os.readlink(path)!r}): refused, not followed")
        if not os.path.exists(path):
            raise DataDamage(f"namespace {name!r} lives in the shard {path}, which is missing "
                             "(copy or move the results folder as a whole, or share one "
                             "file made by `spikelab pack`)")
        try:
            shard = h5py.File(path, "r")
        except RAW_ERRORS as exc:
            raise DataDamage(f"the shard {path} of namespace {name!r} cannot be opened "
                             f"({exc})") from exc
        try:
            with attribute_memo():
                all_attrs(shard.attrs)
                _check_is_workspace(shard, path)
                check_root_seal(shard)
                check_shard_identity(shard, read_root(self).workspace_id, name, path)
        except BaseException:
            shard.close()
            raise
        self._shards[name] = shard
        return shard

    def _get(self, name: object, lapl: object = None) -> h5py.HLObject:
        if isinstance(name, bytes):
            name = name.decode("utf-8")
        if not isinstance(name, str):
            return super()._get(name, lapl)
        parts = [part for part in name.split("/") if part]
        if not parts:
            return super()._get("/", lapl)
        obj = self._namespace(parts[0], lapl)
        for part in parts[1:]:
            obj = open_child(obj, part)
        return obj

    def __contains__(self, name: object) -> bool:
        try:
            self._get(name)
        except KeyError:
            return False
        return True

    def close(self) -> None:
        """Close the shards this root opened, then the root."""
        for shard in getattr(self, "_shards", {}).values():
            with contextlib.suppress(Exception):
                shard.close()
        self._shards = {}
        super().close()


def open_workspace(path: str, known: tuple[list[int], RootInfo] | None = None
                   ) -> WorkspaceFile:
    """Open the workspace file ``path`` (``.h5``) read-only, with one clear error per failure.

    The root attributes are checked (their seal, when the file has one), and its names
    (:class:`WorkspaceFile`), before the file is handed out. A sharded root opens its
    shards as they are used.

    ``known`` is ``(state, root)`` of this file as an earlier call found it (state as
    :func:`file_state`): when the file opened is in that very state (``os.fstat``),
    its root attributes are not read and checked again (a merge opens its sources twice).

    Raises
    ------
    FileNotFoundError, NotAWorkspaceError, CorruptWorkspaceError, FormatVersionError
    """
    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, "workspace file not found", path)
    try:
        f = WorkspaceFile(path, "r")
    except RAW_ERRORS as exc:
        # told apart only on failure: checking the signature first is one more open of
        # every file, which a merge of a thousand parts felt
        if os.path.isdir(path):
            raise NotAWorkspaceError(f"{path} is a directory, not a workspace file") from None
        if not h5py.is_hdf5(path):
            raise NotAWorkspaceError(f"{path} is not an HDF5 file (no HDF5 signature)") from None
        raise CorruptWorkspaceError(
            f"{path} has an HDF5 signature but cannot be opened (truncated or damaged): {exc}"
        ) from exc
    try:
        if known is not None and open_state(f) == known[0]:
            _ROOTS[f] = known[1]
        else:
            with reading_file(path, "its root attributes"), attribute_memo():
                all_attrs(f.attrs)  # a handful, all needed: read them once
                _check_is_workspace(f, path)
                check_root_seal(f)
                _ROOTS[f] = _root_info(f, path)
        with reading_file(path, "its namespaces"):
            f._scan(path)
    except BaseException:
        f.close()
        raise
    return f


def file_state(st: os.stat_result) -> list[int]:
    """A file's identity and state from its ``os.stat``: device, inode, size, modification
    and status-change times (ns). Equal states: the same file, unchanged (see
    :mod:`.merge.sourcememo` for why)."""
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def open_state(f: h5py.File) -> list[int] | None:
    """:func:`file_state` of the file open as ``f`` itself (not of whatever its path names
    now); None when its driver gives no file descriptor."""
    try:
        return file_state(os.fstat(f.id.get_vfd_handle()))
    except (OSError, ValueError, TypeError, NotImplementedError):
        return None


def disk_bytes(f: WorkspaceFile) -> int:
    """Bytes on disk of the workspace open as ``f``: its file, plus its shards."""
    return os.path.getsize(f.filename) + sum(
        os.path.getsize(p) for p in set(f.shard_files.values()) if os.path.exists(p))


def read_root(f: h5py.File) -> RootInfo:
    """The workspace identity stored in the root attributes (read and checked once, by
    :func:`open_workspace`)."""
    info = _ROOTS.get(f)
    if info is None:
        with reading_file(f.filename, "its root attributes"):
            info = _ROOTS[f] = _root_info(f, f.filename)
    return info


# --------------------------------------------------------------------- writing
def new_file(path: str) -> h5py.File:
    """Create (truncate) ``path`` as an empty HDF5 file that keeps creation order."""
    return h5py.File(path, "w", track_order=True, libver=_LIBVER)


def open_for_update(path: str) -> h5py.File:
    """Open a private copy of a workspace (e.g. a temp file) for appending items."""
    return h5py.File(path, "r+")


def write_root(f: h5py.File, workspace_id: str, name: str | None, created_at: float) -> str:
    """Write the identity plus format version, writer version and a fresh save id (returned)."""
    f.attrs[WORKSPACE_ID_ATTR] = workspace_id
    f.attrs[WORKSPACE_NAME_ATTR] = name or ""
    f.attrs[CREATED_AT_ATTR] = float(created_at)
    return stamp(f)


def stamp(f: h5py.File) -> str:
    """Mark ``f`` as written now by this package, and seal its root attributes; returns the
    new save id (also in the sidecar)."""
    save_id = uuid.uuid4().hex
    f.attrs[FORMAT_VERSION_ATTR] = FORMAT_VERSION
    f.attrs[SPIKELAB_VERSION_ATTR] = __version__
    f.attrs[SAVE_ID_ATTR] = save_id
    seal_root(f)
    return save_id


# --------------------------------------------------------------------- scratch files
def scratch_file() -> h5py.File:
    """An in-memory HDF5 file (never touches disk), for hashing an object's encoding."""
    return h5py.File(f"scratch-{uuid.uuid4().hex}{SUFFIX}", "w", driver="core", backing_store=False,
                     track_order=True, libver=_LIBVER)
