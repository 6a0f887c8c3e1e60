"""Reading items out of an open workspace file: names in order, groups, checked objects.

Errors name the file and the item (see :mod:`.damage`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import h5py

from ..errors import CorruptWorkspaceError, ItemNotFoundError
from .attrmemo import attribute_memo
from .checksums import DataDamage, verify_dataset
from .codecs import decode_item
from .damage import decoding, reading_file
from .index.entries import read_entry
from .h5file import read_root
from .links import has_link, open_child
from .seals import check_item_seal
from .index.sidecar import order_hint, sidecar_path

__all__ = [
    "read_item",
    "read_item_entry",
    "check_intact",
    "open_item",
    "find_item",
    "listing_hint",
    "item_names",
    "ordered_names",
    "ordered_items",
]


def read_item(group: h5py.Group) -> Any:
    """The object stored in ``group``, once its seal is checked (use within ``decoding``;
    the datasets' checksums are checked as they are read)."""
    with attribute_memo():
        check_item_seal(group)
        return decode_item(group)


def check_intact(group: h5py.Group, data: bool) -> bool:
    """Raise unless the item in ``group`` can be copied on as it is; True if it is sealed.

    A sealed item must match its seal and, with ``data``, every dataset its checksum (all data
    is read). An item without checksums (spikelab 0.1.2) is decoded instead, so that
    nothing unreadable gets sealed as if it were sound.
    """
    with attribute_memo():  # the checksums read by the seal check serve the data check
        if not check_item_seal(group):
            decode_item(group)
            return False
        if data:
            group.visititems(lambda name, obj: verify_dataset(obj)
                             if isinstance(obj, h5py.Dataset) else None)
    return True


def read_item_entry(group: h5py.Group, summary: dict | None = None) -> dict:
    """The index entry of the item in ``group``, once its seal is checked."""
    with attribute_memo():
        check_item_seal(group)
        return read_entry(group, summary)


def item_names(f: h5py.File, path: str | None = None) -> list[tuple[str, str]]:
    """(namespace, key) of every item in HDF5 order, from link names (items not opened).

    Root names starting with ``__`` are reserved (skipped, as 0.1.2 does).
    """
    path = path or f.filename
    names = []
    with reading_file(path, "the list of items"):
        for ns in f:
            if ns.startswith("__"):
                continue
            group = f[ns]
            if not isinstance(group, h5py.Group):
                raise CorruptWorkspaceError(f"{path}: namespace {ns!r} is a dataset, not a group")
            names.extend((ns, key) for key in group)
    return names


def ordered_names(f: h5py.File, path: str) -> list[tuple[str, str]]:
    """Item names in insertion order.

    Our files keep creation order in HDF5. 0.1.2 files list groups by name, so their
    order comes from their sidecar when that lists exactly the same items.
    """
    names = item_names(f, path)
    if read_root(f).format_version > 0:
        return names
    present: dict[str, list[str]] = {}
    for ns, key in names:
        present.setdefault(ns, []).append(key)
    return [(ns, key) for ns, keys in order_hint(sidecar_path(path), present).items()
            for key in keys]


def open_item(f: h5py.File, namespace: str, key: str) -> h5py.Group:
    """The group of an item listed by :func:`item_names` (use within ``decoding``)."""
    group = open_child(f[namespace], key)
    if not isinstance(group, h5py.Group):
        raise DataDamage("it is a dataset, not a group")
    return group


def ordered_items(f: h5py.File, path: str) -> Iterator[tuple[str, str, h5py.Group]]:
    """``(namespace, key, group)`` in insertion order; an item that cannot be opened is
    :class:`CorruptWorkspaceError` naming it."""
    for ns, key in ordered_names(f, path):
        with decoding(path, ns, key):
            group = open_item(f, ns, key)
        yield ns, key, group


_MAX_LISTED = 20  # names listed in a "not found" message


def listing_hint(names: list[str]) -> str:
    """``names`` for an error message, cut after :data:`_MAX_LISTED`."""
    if not names:
        return "none"
    shown = ", ".join(repr(n) for n in names[:_MAX_LISTED])
    more = len(names) - _MAX_LISTED
    return shown + (f", ... ({more} more)" if more > 0 else "")


def _plain(name: object) -> bool:
    """Can ``name`` be one path component (not a path into other groups)?"""
    return isinstance(name, str) and bool(name) and "/" not in name and name not in (".", "..")


def find_item(f: h5py.File, path: str, namespace: str, key: str) -> h5py.Group:
    """The group of item ``(namespace, key)``, opening nothing else.

    Raises
    ------
    ItemNotFoundError
        No such namespace (the message lists the namespaces) or key (it lists the keys).
    CorruptWorkspaceError
        The item or the file is damaged.
    """
    with decoding(path, namespace, key):
        reserved = isinstance(namespace, str) and namespace.startswith("__")  # __index__
        ns_group = f.get(namespace) if _plain(namespace) and not reserved else None
        if not isinstance(ns_group, h5py.Group):
            present = list(dict.fromkeys(ns for ns, _ in item_names(f, path)))
            raise ItemNotFoundError(f"{path}: namespace {namespace!r} not found; namespaces: "
                                    f"{listing_hint(present)}")
        group = open_child(ns_group, key) if _plain(key) and has_link(ns_group, key) else None
        if not isinstance(group, h5py.Group):
            raise ItemNotFoundError(f"{path}: item ({namespace!r}, {key!r}) not found; keys "
                                    f"in {namespace!r}: {listing_hint(list(ns_group))}")
        return group
