"""What `ls` and `info` show: index entries and storage facts, read without item data.

Everything here reads attributes and dataset headers only (shape, dtype, filters, allocated
bytes), never dataset values, so listing a workspace of many GB takes milliseconds. Entries
come from the workspace package's own reader (:func:`read_entry`, the function
``LazyAnalysisWorkspace.load`` builds its index with), so they equal what ``get_info``
returns.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import h5py

from ..errors import CorruptWorkspaceError, ItemNotFoundError
from ..workspace.damage import decoding
from ..workspace.index.entries import damaged_entry
from ..ondisk import h5_path
from ..workspace.h5file import disk_bytes, open_workspace, read_root
from ..workspace.reading import (find_item, listing_hint, open_item, ordered_names,
                                 read_item_entry)

__all__ = ["ItemRecord", "DatasetRecord", "Inventory", "read_inventory", "read_item",
           "item_keys", "listing_hint"]



@dataclass(frozen=True)
class DatasetRecord:
    """One HDF5 dataset of an item: path inside the item, type, layout and bytes on disk."""

    path: str
    dtype: str
    shape: tuple[int, ...]
    size_bytes: int
    compression: str | None
    chunks: tuple[int, ...] | None

    def as_json(self) -> dict:
        return {"path": self.path, "dtype": self.dtype, "shape": list(self.shape),
                "size_bytes": self.size_bytes, "compression": self.compression,
                "chunks": None if self.chunks is None else list(self.chunks)}


@dataclass(frozen=True)
class ItemRecord:
    """An item's index entry (as ``get_info`` gives it) and its bytes on disk; for an item
    that cannot be read, what is wrong (``damaged``) and what little is known."""

    namespace: str
    key: str
    entry: dict
    size_bytes: int
    datasets: list[DatasetRecord] = field(default_factory=list)
    damaged: str | None = None


@dataclass(frozen=True)
class Inventory:
    """A workspace file's identity and items, in insertion order."""

    path: str
    workspace_id: str
    name: str | None
    created_at: float
    format_version: int
    file_bytes: int
    items: list[ItemRecord]

    def namespaces(self) -> list[str]:
        return list(dict.fromkeys(item.namespace for item in self.items))


def _dtype_text(dtype: object) -> str:
    text = h5py.check_string_dtype(dtype)
    if text is not None:
        return f"str ({text.encoding}, {'variable' if text.length is None else text.length})"
    return str(dtype)


def _compression_text(ds: h5py.Dataset) -> str | None:
    filters = []
    if ds.compression is not None:
        opts = ds.compression_opts
        filters.append(ds.compression if opts is None else f"{ds.compression}:{opts}")
    filters += [name for name, on in (("shuffle", ds.shuffle), ("fletcher32", ds.fletcher32))
                if on]
    return "+".join(filters) or None


def _walk(group: h5py.Group, prefix: str = "") -> Iterator[tuple[str, h5py.Dataset]]:
    """``(path, dataset)`` of every dataset under ``group``, in stored order."""
    for name, child in group.items():
        path = f"{prefix}{name}"
        if isinstance(child, h5py.Group):
            yield from _walk(child, path + "/")
        else:
            yield path, child


def _datasets(group: h5py.Group) -> list[DatasetRecord]:
    # get_storage_size is the allocated size; variable-length strings count their 16-byte
    # references only (their text lives in the file's global heap).
    return [DatasetRecord(path, _dtype_text(ds.dtype), tuple(ds.shape),
                          int(ds.id.get_storage_size()), _compression_text(ds), ds.chunks)
            for path, ds in _walk(group)]


def _record(target: str, ns: str, key: str, group: h5py.Group) -> ItemRecord:
    with decoding(target, ns, key):
        entry = read_item_entry(group)
        datasets = _datasets(group)
    return ItemRecord(ns, key, entry, sum(d.size_bytes for d in datasets), datasets)


def _record_or_damaged(f: h5py.File, target: str, ns: str, key: str) -> ItemRecord:
    """The item's record, or one that says it is damaged (listing goes on)."""
    group = None
    try:
        with decoding(target, ns, key):
            group = open_item(f, ns, key)
        return _record(target, ns, key, group)
    except CorruptWorkspaceError as exc:
        entry = damaged_entry(group, str(exc)) if group is not None else {
            "type": "unknown", "created_at": 0.0, "damaged": str(exc)}
        return ItemRecord(ns, key, entry, 0, [], damaged=str(exc))


def read_inventory(path: str | os.PathLike, namespace: str | None = None) -> Inventory:
    """Index entries and sizes of every item of the workspace file ``path``.

    Parameters
    ----------
    path : str or PathLike
        Workspace path, with or without ``.h5``.
    namespace : str, optional
        Only the items of this namespace.

    Raises
    ------
    FileNotFoundError, NotAWorkspaceError, CorruptWorkspaceError, FormatVersionError
    ItemNotFoundError
        ``namespace`` is not in the file (the message lists the namespaces).
    """
    target = h5_path(path)
    with open_workspace(target) as f:
        root = read_root(f)
        found = ordered_names(f, target)
        items = [_record_or_damaged(f, target, ns, key) for ns, key in found
                 if namespace is None or ns == namespace]
        file_bytes = disk_bytes(f)
    if namespace is not None and not items:
        present = list(dict.fromkeys(ns for ns, _ in found))
        raise ItemNotFoundError(f"{target}: namespace {namespace!r} not found; namespaces: "
                                f"{listing_hint(present)}")
    return Inventory(target, root.workspace_id, root.name, root.created_at,
                     root.format_version, file_bytes, items)


def read_item(path: str | os.PathLike, namespace: str, key: str) -> tuple[Inventory, ItemRecord]:
    """The file's identity and one item's record (entry, size, datasets).

    Raises
    ------
    ItemNotFoundError
        The namespace or key is missing (the message lists the valid ones).
    """
    target = h5_path(path)
    with open_workspace(target) as f:
        root = read_root(f)
        record = _record(target, namespace, key, find_item(f, target, namespace, key))
        file_bytes = disk_bytes(f)
    inventory = Inventory(target, root.workspace_id, root.name, root.created_at,
                          root.format_version, file_bytes, [record])
    return inventory, record


def item_keys(path: str | os.PathLike) -> list[tuple[str, str]]:
    """``(namespace, key)`` of every item of the workspace ``path`` (``[]`` if no file)."""
    target = h5_path(path)
    if not os.path.exists(target):
        return []
    with open_workspace(target) as f:
        return ordered_names(f, target)
