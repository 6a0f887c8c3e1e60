"""`AnalysisWorkspace` (in memory) and `LazyAnalysisWorkspace` (on disk): the user-facing API.

Both share their behaviour through :class:`~spikelab.workspace.base.WorkspaceBase`; they
differ in where stored data lives. See ``docs/guide/workspace_persistence.rst``.
"""

from __future__ import annotations

import os
import warnings
import weakref
from collections.abc import Callable
from typing import Any

import h5py

from ..errors import CorruptWorkspaceError, DamagedItemWarning, WorkspaceFileError
from .base import WorkspaceBase, _Item
from .attrmemo import attribute_memo
from .codecs import summarize
from .damage import decoding
from .index.entries import damaged_entry, read_entry
from .index.infile import trusted_index
from ..ondisk import h5_path
from .h5file import open_workspace, read_root
from .reading import open_item, ordered_names, read_item, read_item_entry
from .slots import BackingFile, DamagedSlot, GroupSlot, ObjectSlot, Slot

__all__ = ["AnalysisWorkspace", "LazyAnalysisWorkspace"]


class AnalysisWorkspace(WorkspaceBase):
    """Named, namespaced store of analysis results, held in memory.

    Items are addressed by ``(namespace, key)``; ``get`` returns the stored object itself.
    ``save`` writes ``path.h5`` (compatible with spikelab 0.1.2) and ``path.json``.

    Attributes
    ----------
    workspace_id : str
        uuid4 of the workspace (kept by save/load).
    name : str or None
    created_at : float
        POSIX time (s) of creation.

    Examples
    --------
    >>> import numpy as np
    >>> ws = AnalysisWorkspace(name="demo")
    >>> ws.store("D0", "rates", np.zeros(3), note="placeholder")
    >>> ws.list_keys("D0")
    ['rates']
    >>> ws.get_info("D0", "rates")["shape"]
    (3,)
    """

    def _put(self, obj: Any) -> ObjectSlot:
        return ObjectSlot(obj)

    def _adopt(self, slot: Slot, namespace: str, key: str) -> ObjectSlot:
        if isinstance(slot, ObjectSlot):
            return slot
        with decoding(slot.where, namespace, key):
            return ObjectSlot(slot.load())

    @classmethod
    def load(cls, path: str | os.PathLike) -> AnalysisWorkspace:
        """Load every item of a saved workspace (``path`` with or without ``.h5``).

        An item that cannot be read (damaged, or of a type this version does not know)
        does not stop the others from loading: it stays listed, ``get`` raises
        :class:`~spikelab.errors.CorruptWorkspaceError` naming the file and the item,
        :attr:`damaged` lists it with what is wrong, and one
        :class:`~spikelab.errors.DamagedItemWarning` names the bad items.

        Raises
        ------
        FileNotFoundError, NotAWorkspaceError, FormatVersionError
        CorruptWorkspaceError
            The file as a whole cannot be read (truncated, damaged structure).
        """
        target = h5_path(path)
        with open_workspace(target) as f:
            ws = cls._from_root(read_root(f))
            for ns, key in ordered_names(f, target):
                ws._items.setdefault(ns, {})[key] = _item_or_damaged(f, target, ns, key,
                                                                     _decoded)
        _warn_damaged(ws, target)
        return ws

    @classmethod
    def _from_root(cls, root: Any, **kwargs: Any) -> AnalysisWorkspace:
        ws = cls(name=root.name, **kwargs)
        ws.workspace_id = root.workspace_id
        ws.created_at = root.created_at
        return ws


def _decoded(group: h5py.Group) -> tuple[dict, ObjectSlot]:
    with attribute_memo():
        obj = read_item(group)
        return read_entry(group, summarize(obj)), ObjectSlot(obj)


def _indexed(group: h5py.Group) -> tuple[dict, GroupSlot]:
    return read_item_entry(group), GroupSlot.of(group)


def _item_or_damaged(f: h5py.File, target: str, ns: str, key: str,
                     read: Callable[[h5py.Group], tuple[dict, Any]]) -> _Item:
    """The item ``read(group)`` makes of item ``(ns, key)``, or a damaged item if it
    cannot be read."""
    group = None
    try:
        with decoding(target, ns, key):
            group = open_item(f, ns, key)
            entry, slot = read(group)
    except CorruptWorkspaceError as exc:
        entry = damaged_entry(group, str(exc)) if group is not None else {
            "type": "unknown", "created_at": 0.0, "damaged": str(exc)}
        return _Item(entry, DamagedSlot(exc, target))
    return _Item(entry, slot)


def _warn_damaged(ws: WorkspaceBase, target: str) -> None:
    damaged = ws.damaged
    if damaged:
        names = ", ".join(f"{ns}/{key}" for ns, key in damaged)
        warnings.warn(DamagedItemWarning(
            f"{target}: {len(damaged)} item(s) could not be read and were not loaded: "
            f"{names}; the other {len(ws) - len(damaged)} were (see .damaged, spikelab "
            "verify)"), stacklevel=3)


def _close_files(backing: BackingFile, sources: list) -> None:
    """Finalizer: close source files, close and delete the backing file."""
    for f in sources:
        try:
            f.close()
        except Exception:  # interpreter shutdown may have torn h5py down already
            pass
    sources.clear()
    backing.close()


class LazyAnalysisWorkspace(WorkspaceBase):
    """The workspace API with data on disk: only the index is kept in memory.

    ``store`` encodes the object into a private HDF5 file (in ``dir``, default the system
    temp directory) and keeps nothing else; ``get`` reads it back on every call;
    ``list_*``, ``describe`` and ``get_info`` never touch the disk. The private file is
    deleted by :meth:`close`, on leaving a ``with`` block, when the workspace is garbage
    collected, at exit, and on SIGTERM (e.g. a SLURM time limit) unless the program
    handles SIGTERM itself; a file left by a killed process (SIGKILL) is deleted when the
    next lazy workspace makes its file in the same directory (see
    ``spikelab.workspace.backing``).

    Parameters
    ----------
    name : str, optional
    dir : str or PathLike, optional
        Directory of the private file.
    compression : {None, "gzip", "lzf"}
        Compress numeric arrays of 1 MiB or more as they are stored (saves copy them as
        they are).
    """

    def __init__(self, name: str | None = None, dir: str | os.PathLike | None = None,
                 compression: str | None = None) -> None:
        super().__init__(name)
        self._backing = BackingFile(dir, compression)
        self._sources: list = []
        self._closed = False
        self._finalizer = weakref.finalize(self, _close_files, self._backing, self._sources)

    def _check_open(self) -> None:
        if self._closed:
            raise WorkspaceFileError(f"{self!r} is closed; its data is no longer available")

    def _put(self, obj: Any) -> GroupSlot:
        return self._backing.put(obj)

    def _adopt(self, slot: Slot, namespace: str, key: str) -> GroupSlot:
        if slot.in_memory:
            return self._backing.put(slot.load())
        with decoding(slot.where, namespace, key):
            slot.check()
        return self._backing.put_copy(slot)

    def _release(self, slot: Slot) -> None:
        self._backing.discard(slot)

    @classmethod
    def load(cls, path: str | os.PathLike, dir: str | os.PathLike | None = None
             ) -> LazyAnalysisWorkspace:
        """Open a saved workspace lazily: read its index only, never modify the file.

        The file stays open (read-only) while the workspace lives, so replacing it on disk
        (a later save to the same path) does not change what this workspace reads. Items
        stored later go to the private file in ``dir``.
        """
        target = h5_path(path)
        f = open_workspace(target)
        try:
            root = read_root(f)
            ws = cls(name=root.name, dir=dir)
            ws._sources.append(f)
            ws.workspace_id, ws.created_at = root.workspace_id, root.created_at
            index = trusted_index(f)
            if index is not None:
                for (ns, key), entry in index.items():
                    ws._items.setdefault(ns, {})[key] = _Item(entry,
                                                              GroupSlot(f, f"/{ns}/{key}"))
            else:  # read each item's entry from its group; a damaged one is kept as such
                for ns, key in ordered_names(f, target):
                    ws._items.setdefault(ns, {})[key] = _item_or_damaged(f, target, ns, key,
                                                                         _indexed)
        except BaseException:
            f.close()
            raise
        _warn_damaged(ws, target)
        return ws

    def close(self) -> None:
        """Close the files and delete the private one (idempotent)."""
        self._closed = True
        self._finalizer()

    def __repr__(self) -> str:
        state = ", closed" if self._closed else ""
        return super().__repr__()[:-1] + f", on disk{state})"
