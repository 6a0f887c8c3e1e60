"""Checksums of stored data, and reading datasets only after checking them.

HDF5 checksums its own structure (object headers, B-trees, heaps of the 1.8+ format we
write) but not the data: a flipped byte in an array, or in a string kept in the file's
global heap, reads back as a wrong value without any error. So every dataset we write
carries ``__xxh3__``, the 64-bit XXH3 hash of its values (a uint64 attribute, which HDF5
keeps inside the checksummed object header), and every read of a dataset goes through
:func:`read_verified`, which also refuses a dataset whose declared size cannot be real
before anything is allocated. The checksum covers values, not storage, so it survives
HDF5-level copies, compression and re-saves. Attributes are covered per item by
:mod:`.seals`.

XXH3 rather than CRC-32 or a cryptographic hash: it is there to detect damage (bad disks,
truncated copies, bit flips), which a 64-bit hash misses with probability 2**-64, and it
runs at memory speed (zlib's CRC-32 took as long as reading the data from the page cache,
doubling load times). A hostile file can forge any checksum stored in it; what it cannot
do here is make us run code (no pickle) or allocate what it declares.

:func:`hash_tree` is the one walker over an item's groups, datasets and attributes, shared
by the content hash (:mod:`.provenance`, values included) and the seals (values left to
the checksums).
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import os
from collections.abc import Iterable, Iterator
from typing import Any

import h5py
import numpy as np
import xxhash

from h5py import h5d

from ..ondisk import CHECKSUM_ATTR
from .attrmemo import all_attrs, get_attr
from .hashed_reads import hash_reading, overlappable, read_hashing, row_ranges

__all__ = ["DataDamage", "array_checksum", "set_checksum", "read_verified",
           "verify_dataset", "datasets_read", "check_size", "check_dataset_storage",
           "hash_tree", "hash_attrs", "value_bytes"]

_SLAB_BYTES = 64 * 2**20  # whole-dataset checks read big datasets in slabs of this size
# deflate cannot shrink data more than 1032:1 (lzf far less): a compressed dataset that
# declares more than this many times its stored bytes is not real
_MAX_COMPRESSION = 1100


class DataDamage(ValueError):
    """Stored data is not what was written (or cannot be): raised inside item reading and
    turned into :class:`~spikelab.errors.CorruptWorkspaceError` naming file and item."""


# --------------------------------------------------------------------- checksum of values
def _feed(h: Any, arr: np.ndarray) -> None:
    """Feed ``h`` the values of ``arr``.

    Numbers: their bytes in C order; text (object arrays of ``str``/``bytes``): each
    string's UTF-8 bytes after its length; structured arrays: field by field (padding
    bytes between fields carry no value and differ from one read to the next).
    """
    if arr.dtype.names:
        for name in arr.dtype.names:
            _feed(h, arr[name])
        return
    if arr.dtype.kind == "O":
        for value in np.asarray(arr).ravel():
            raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
            h.update(len(raw).to_bytes(8, "little"))
            h.update(raw)
        return
    h.update(np.ascontiguousarray(arr).reshape(-1).view(np.uint8))


def array_checksum(arr: np.ndarray) -> int:
    """The XXH3-64 checksum of the values of ``arr`` (see :func:`_feed`)."""
    h = xxhash.xxh3_64()
    _feed(h, arr)
    return h.intdigest()


def set_checksum(ds: h5py.Dataset, values: Any) -> None:
    """Record the checksum of ``values``, just written to ``ds``, as read back from it."""
    arr = np.asarray(values)
    if arr.dtype != ds.dtype and arr.dtype.kind != "O":
        arr = arr.astype(ds.dtype)  # what a read gives back (e.g. a converted byte order)
    ds.attrs[CHECKSUM_ATTR] = np.uint64(array_checksum(arr))


# --------------------------------------------------------------------- reading
def _memory_bytes() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 2**40


def _human(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def check_dataset_storage(ds: h5py.Dataset) -> None:
    """Raise :class:`DataDamage` unless the values of ``ds`` are stored in its own file
    (not a virtual dataset, no external raw storage)."""
    dcpl = ds.id.get_create_plist()
    if dcpl.get_layout() == h5d.VIRTUAL:
        sources = {dcpl.get_virtual_filename(i) for i in range(dcpl.get_virtual_count())}
        raise DataDamage(f"dataset {ds.name} is a virtual dataset mapping data from "
                         f"{sorted(sources)}; workspace data is stored in the workspace "
                         "itself: refused, not read")
    if dcpl.get_external_count():
        name = dcpl.get_external(0)[0].decode("utf-8", "replace")
        raise DataDamage(f"dataset {ds.name} keeps its bytes in the outside file {name!r} "
                         "(external storage); workspace data is stored in the workspace "
                         "itself: refused, not read")


def check_size(ds: h5py.Dataset) -> None:
    """Refuse, before allocating anything, a dataset whose values are kept outside its file
    (:func:`check_dataset_storage`) or whose declared size cannot be real: more than this
    machine's memory, or more than its stored bytes can hold."""
    check_dataset_storage(ds)
    nbytes = math.prod(ds.shape) * ds.dtype.itemsize
    if nbytes > _memory_bytes():
        raise DataDamage(f"dataset {ds.name} declares shape {ds.shape} ({_human(nbytes)}), "
                         "more than this machine's memory")
    if nbytes <= _SLAB_BYTES:
        return  # harmless to allocate: skip the storage lookup (a few per item add up)
    stored = ds.id.get_storage_size()
    compressed = ds.compression is not None or ds.scaleoffset is not None
    limit = stored * _MAX_COMPRESSION if compressed else stored
    if nbytes > limit:
        raise DataDamage(f"dataset {ds.name} declares {_human(nbytes)} but only "
                         f"{_human(stored)} are stored")


def _stored_checksum(ds: h5py.Dataset) -> int | None:
    value = get_attr(ds.attrs, CHECKSUM_ATTR, None)
    return None if value is None else int(value)


def _mismatch(ds: h5py.Dataset) -> DataDamage:
    return DataDamage(f"dataset {ds.name} does not match its checksum: its data changed "
                      "since it was written")


_READ: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("spikelab_read",
                                                                       default=None)


@contextlib.contextmanager
def datasets_read() -> Iterator[set[str]]:
    """Within the block, the set yielded collects the names of the datasets
    :func:`read_verified` read whole and checked (checksum matched, or none stored): a
    checker that decodes an item need not read those again."""
    names: set[str] = set()
    token = _READ.set(names)
    try:
        yield names
    finally:
        _READ.reset(token)


def read_verified(ds: h5py.Dataset) -> np.ndarray:
    """``ds[...]`` (0-d kept as 0-d), after :func:`check_size`, checked against its checksum.

    Datasets without one (written by spikelab 0.1.2 or other tools) are read unchecked.
    """
    check_size(ds)
    expected = _stored_checksum(ds)
    if expected is not None and overlappable(ds):  # hashed while read (:mod:`.hashed_reads`)
        data, actual = read_hashing(ds)
    else:
        data = ds[...]
        actual = None if expected is None else array_checksum(data)
    if actual != expected:
        raise _mismatch(ds)
    read = _READ.get()
    if read is not None:
        read.add(ds.name)
    return data


def _slabs(ds: h5py.Dataset) -> Iterable[np.ndarray]:
    if ds.ndim == 0 or ds.shape[0] == 0:
        yield ds[...]
        return
    for start, stop in row_ranges(ds, _SLAB_BYTES):
        yield ds[start:stop]


def verify_dataset(ds: h5py.Dataset) -> bool:
    """Read all of ``ds`` in slabs and compare with its checksum; False when it has none."""
    check_size(ds)
    expected = _stored_checksum(ds)
    if expected is None:
        for _ in _slabs(ds):  # still read it: HDF5 checks what it can (filters, heaps)
            pass
        return False
    if overlappable(ds):
        actual = hash_reading(ds)
    else:
        h = xxhash.xxh3_64()
        for slab in _slabs(ds):
            _feed(h, slab)
        actual = h.intdigest()
    if actual != expected:
        raise _mismatch(ds)
    return True


# --------------------------------------------------------------------- tree hashing
def value_bytes(value: Any) -> bytes:
    """Type-tagged bytes of an attribute value (or of a small dataset's values)."""
    if isinstance(value, bytes):
        return b"b:" + value
    if isinstance(value, str):
        return b"s:" + value.encode("utf-8")
    arr = np.asarray(value)
    if arr.dtype.kind == "O":  # variable-length strings
        return b"O:" + b"\x00".join(
            (v if isinstance(v, bytes) else str(v).encode("utf-8")) for v in arr.ravel())
    return f"{arr.dtype.str}{arr.shape}:".encode() + np.ascontiguousarray(arr).tobytes()


def hash_attrs(h: Any, obj: h5py.HLObject, path: str, skip: frozenset) -> None:
    """Feed ``h`` the names and values of the attributes of ``obj`` (except ``skip``);
    the values read are remembered for the rest of an item's reading (:mod:`.attrmemo`)."""
    values = all_attrs(obj.attrs)
    for name in sorted(values):
        if name not in skip:
            h.update(f"A {path}@{name}\n".encode("utf-8"))
            h.update(value_bytes(values[name]))


def _hash_dataset(h: Any, ds: h5py.Dataset, path: str, values: bool) -> None:
    text = h5py.check_string_dtype(ds.dtype)
    dtype = "vlen-str" if text is not None and text.length is None else str(ds.dtype.descr)
    h.update(f"D {path} {dtype} {ds.shape}\n".encode("utf-8"))
    check_dataset_storage(ds)  # the seal walk opens every dataset: refuse outside storage
    if not values:
        return
    check_size(ds)
    if ds.ndim == 0 or ds.size == 0:
        h.update(value_bytes(ds[()]))
        return
    for slab in _slabs(ds):
        h.update(value_bytes(slab))


def hash_tree(h: Any, group: h5py.Group, skip: frozenset, values: bool, path: str = "") -> None:
    """Feed ``h`` the attributes (except ``skip``), child names, dataset types and shapes
    and, if ``values``, dataset values of everything under ``group``, in sorted order."""
    hash_attrs(h, group, path, skip)
    for name in sorted(group):
        child = group[name]
        child_path = f"{path}/{name}"
        if isinstance(child, h5py.Group):
            h.update(f"G {child_path}\n".encode("utf-8"))
            hash_tree(h, child, skip, values, child_path)
        else:
            _hash_dataset(h, child, child_path, values)
            hash_attrs(h, child, child_path, skip)
