"""Where an item's data lives: a Python object, or a group in an open HDF5 file.

The two workspaces differ only in which slot ``store`` creates: the in-memory workspace
keeps an :class:`ObjectSlot`, the lazy one encodes into its private :class:`BackingFile` and
keeps a :class:`GroupSlot`. An item that ``load`` could not read is a :class:`DamagedSlot`.
Saving and merging ask the slot to write itself into a destination group: an object is
encoded, a group is copied at the HDF5 level (no decode).
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Protocol, runtime_checkable

import h5py

from ..errors import CorruptWorkspaceError
from ..ondisk import SEAL_ATTR
from .codecs import encode_item
from .codecs.common import child_group, compressed
from . import backing
from .h5file import new_file
from .provenance import content_hash, group_content_hash
from .reading import check_intact, read_item

__all__ = ["Slot", "ObjectSlot", "GroupSlot", "DamagedSlot", "BackingFile", "copy_group"]


@runtime_checkable
class Slot(Protocol):
    """What a workspace asks of an item's data, wherever it is held.

    Attributes
    ----------
    in_memory : bool
        True when the data is the stored Python object itself (:class:`ObjectSlot`).
    where : str
        The file holding the data (for messages), or ``"memory"``.
    """

    in_memory: bool

    @property
    def where(self) -> str: ...

    def load(self) -> Any:
        """The stored object (decoded, for data in a file)."""
        ...

    def check(self) -> None:
        """Raise unless the data may be copied on (and sealed) as it is."""
        ...

    def write(self, parent: h5py.Group, name: str) -> h5py.Group:
        """Write the item as ``parent[name]``; returns that group."""
        ...

    def content_hash(self) -> str:
        """The content hash of the item's data (:mod:`.provenance`)."""
        ...


def copy_group(source: h5py.Group, parent: h5py.Group, name: str) -> h5py.Group:
    """HDF5-level copy of ``source`` (data, attributes, children) to ``parent[name]``."""
    source.file.copy(source, parent, name=name)
    return parent[name]


class ObjectSlot:
    """An item held as the Python object that was stored."""

    in_memory = True

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    @property
    def where(self) -> str:
        return "memory"

    def load(self) -> Any:
        return self.obj

    def check(self) -> None:
        """Nothing to check: the object is in memory (``save`` checks its invariants)."""

    def write(self, parent: h5py.Group, name: str) -> h5py.Group:
        group = child_group(parent, name)
        encode_item(group, self.obj)
        return group

    def content_hash(self) -> str:
        return content_hash(self.obj)


class GroupSlot:
    """An item stored in a group of an open HDF5 file (opened only when used).

    ``own``: the group is in the lazy workspace's private file, written by this process
    (checked when it was stored, unsealed until saved); otherwise it is in a file that
    was loaded, and is checked before it is copied on.
    """

    in_memory = False

    def __init__(self, file: h5py.File, path: str, own: bool = False) -> None:
        self.file = file
        self.path = path
        self.own = own

    @classmethod
    def of(cls, group: h5py.Group, own: bool = False) -> GroupSlot:
        return cls(group.file, group.name, own)

    @property
    def where(self) -> str:
        return self.file.filename

    @property
    def group(self) -> h5py.Group:
        return self.file[self.path]

    def load(self) -> Any:
        return read_item(self.group)

    def check(self) -> None:
        """Raise unless the stored item may be copied on (and sealed): see
        :func:`~spikelab.workspace.reading.check_intact` (its data is left to its checksums)."""
        if not self.own:
            check_intact(self.group, data=False)

    def write(self, parent: h5py.Group, name: str) -> h5py.Group:
        return copy_group(self.group, parent, name)

    def content_hash(self) -> str:
        return group_content_hash(self.group)


class DamagedSlot:
    """An item that could not be read from its file: every use of its data raises the
    reading error (a :class:`CorruptWorkspaceError` naming the file and the item)."""

    in_memory = False

    def __init__(self, error: CorruptWorkspaceError, path: str) -> None:
        self.error_type = type(error)
        self.message = str(error)
        self.where = path

    def _error(self, hint: str = "") -> CorruptWorkspaceError:
        return self.error_type(self.message + hint)

    def load(self) -> Any:
        raise self._error()

    def check(self) -> None:
        raise self._error()

    @property
    def group(self) -> h5py.Group:
        raise self._error()

    def write(self, parent: h5py.Group, name: str) -> h5py.Group:
        raise self._error("; delete the item to save the others")

    def content_hash(self) -> str:
        raise self._error()


class BackingFile:
    """A lazy workspace's private HDF5 file: created on first write, deleted by :meth:`close`.

    Items live in root groups named by a counter; the workspace's index maps names to them,
    so renaming is free and an overwritten item's group is deleted after its replacement
    is complete. A file left behind by a killed process is never read by anyone, and is
    deleted by the next private file made in its directory (:mod:`.backing`).
    """

    def __init__(self, directory: str | os.PathLike | None, compression: str | None = None
                 ) -> None:
        self.directory = None if directory is None else os.fspath(directory)
        with compressed(compression):  # validates the name now, not at the first store
            self.compression = compression
        self.path: str | None = None
        self.file: h5py.File | None = None
        self._counter = 0

    def _open(self) -> h5py.File:
        if self.file is None:
            path = backing.new_backing_path(self.directory)
            try:
                self.file = new_file(path)
            except BaseException:
                backing.forget(path)
                os.remove(path)
                raise
            self.path = path
        return self.file

    def _new_name(self) -> str:
        self._open()
        self._counter += 1
        return str(self._counter)

    def _discard_name(self, name: str) -> None:
        if name in self.file:
            del self.file[name]

    def put(self, obj: Any) -> GroupSlot:
        """Encode ``obj`` into a new group; a failed encode leaves nothing behind."""
        name = self._new_name()
        try:
            group = child_group(self.file, name)
            with compressed(self.compression):
                encode_item(group, obj)
        except BaseException:
            self._discard_name(name)
            raise
        return GroupSlot.of(group, own=True)

    def put_copy(self, slot: GroupSlot) -> GroupSlot:
        """HDF5-level copy of another file's item into a new group (nothing left on failure).

        Check the item first (:meth:`GroupSlot.check`). Its seal, made for its place in the
        other file, is dropped here and made anew when it is saved.
        """
        name = self._new_name()
        try:
            group = copy_group(slot.group, self.file, name)
            if SEAL_ATTR in group.attrs:
                del group.attrs[SEAL_ATTR]
            return GroupSlot.of(group, own=True)
        except BaseException:
            self._discard_name(name)
            raise

    def owns(self, slot: Any) -> bool:
        return isinstance(slot, GroupSlot) and self.file is not None and slot.file == self.file

    def discard(self, slot: Any) -> None:
        """Delete the group of a slot of this file (no-op for other slots)."""
        if self.owns(slot):
            del self.file[slot.path]

    def close(self) -> None:
        """Close and delete the file (idempotent). A forked child closing its copy of a
        parent's workspace leaves the parent's file alone."""
        if self.file is not None:
            with contextlib.suppress(Exception):
                self.file.close()
            self.file = None
        if self.path is not None:
            if backing.forget(self.path):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(self.path)
            self.path = None
