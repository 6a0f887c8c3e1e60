"""Seals: one checksum over everything of an item that its datasets' checksums do not cover.

Dataset values carry checksums (:mod:`.checksums`). What remains is the item's attributes (many
are text that HDF5 keeps, unchecksummed, in the file's global heap: type tags, notes,
metadata JSON, provenance, ``length_ms``...) and the shape of its tree. An item's seal,
the attribute ``__checksum__ = "sha256:<hex>"``, hashes the item's path in the file, every
attribute beneath it (the datasets' checksums included) and every group and dataset name,
dtype and shape. The root's seal covers the root attributes (identity, format version,
save id). Every writer of ours seals every item it writes, after its header; readers check
the seal before they use an item. A file written by spikelab 0.1.2 has no seals: its items
are read as they are, and :func:`~spikelab.workspace.verify` says so.
"""

from __future__ import annotations

import hashlib

import h5py

from ..ondisk import CHECKSUM_ATTR, SEAL_ATTR
from .checksums import DataDamage, hash_attrs, hash_tree, set_checksum, verify_dataset
from .codecs.common import read_str_attr
from .links import check_item_links

__all__ = ["seal_item", "check_item_seal", "seal_root", "check_root_seal",
           "is_sealed"]

_SKIP = frozenset({SEAL_ATTR})
_PREFIX = b"spikelab-seal-1\n"


def _digest(group: h5py.Group, tree: bool) -> str:
    h = hashlib.sha256(_PREFIX + group.name.encode("utf-8") + b"\n")
    if tree:
        hash_tree(h, group, _SKIP, values=False)
    else:
        hash_attrs(h, group, "", _SKIP)
    return "sha256:" + h.hexdigest()


def _add_missing_checksums(group: h5py.Group) -> None:
    """Checksums for datasets that have none (an item from a 0.1.2 file being sealed)."""
    missing = []
    group.visititems(lambda name, obj: missing.append(obj)
                     if isinstance(obj, h5py.Dataset) and CHECKSUM_ATTR not in obj.attrs else None)
    for ds in missing:
        verify_dataset(ds)  # size check before reading
        set_checksum(ds, ds[...])


def seal_item(group: h5py.Group) -> None:
    """Write the seal of the item in ``group`` (call after its last attribute is set)."""
    _add_missing_checksums(group)
    group.attrs[SEAL_ATTR] = _digest(group, tree=True)


def is_sealed(group: h5py.Group) -> bool:
    return SEAL_ATTR in group.attrs


def _check(group: h5py.Group, tree: bool, what: str) -> bool:
    stored = read_str_attr(group.attrs, SEAL_ATTR)
    if stored is None:
        return False
    if _digest(group, tree) != stored:
        raise DataDamage(f"{what} do not match the checksum they were written with: they "
                         "changed since (damaged file, or edited by another tool)")
    return True


def check_item_seal(group: h5py.Group) -> bool:
    """True if the item is sealed and matches its seal, False if it has no seal.

    Every reader checks an item with this before using it, so it first refuses, sealed or
    not, an item with a link out of itself (:func:`.links.check_item_links`).

    Raises
    ------
    DataDamage
        The item links outside itself, or its attributes or structure changed since it was
        sealed.
    """
    check_item_links(group)
    return _check(group, True, "its attributes and structure")


def seal_root(f: h5py.File) -> None:
    """Seal the root attributes (call after the last one is set)."""
    f.attrs[SEAL_ATTR] = _digest(f, tree=False)


def check_root_seal(f: h5py.File) -> bool:
    """As :func:`check_item_seal`, for the root attributes."""
    return _check(f, False, "the workspace's root attributes (identity, format version)")
