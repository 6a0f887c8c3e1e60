"""The index stored inside a workspace file: every entry in one dataset, ``/__index__``.

Reading an item's entry from its group costs an object open and a few attribute reads
(about a millisecond each with HDF5 2.0), so a lazy load or a merge plan over thousands of
items would be dominated by them. Each writer of ours therefore also stores all entries,
in order, as one JSON text in the root dataset ``__index__`` (0.1.2 skips root names
starting with ``__``), tagged with the file's ``__save_id__``.

The index is used only when it describes this very file: its save id equals the root
``__save_id__`` (every writer of ours sets a new one) and it lists exactly the items found
in the file, in the same order (a cheap listing of names). Otherwise, e.g. for files
written by 0.1.2, the entries are read from the item groups. Tools that edit a workspace in
place must delete ``__index__`` (or change ``__save_id__``); ``verify`` reports an index
that disagrees with the items.
"""

from __future__ import annotations

import json

import h5py
import numpy as np

from ...ondisk import INDEX, SAVE_ID_ATTR
from ..checksums import DataDamage, read_verified, set_checksum
from ..codecs.common import read_str_attr
from ..damage import RAW_ERRORS, decoding
from .entries import jsonable
from ..reading import item_names, open_item, ordered_names, read_item_entry

__all__ = ["Entries", "write_index", "trusted_index", "index_problem", "walk_entries",
           "file_entries"]

_VERSION = 1
_ENTRY_FIELDS = frozenset({"created_at", "note", "provenance", "fingerprint", "content_hash"})

Entries = dict[tuple[str, str], dict]


def write_index(f: h5py.File, entries: Entries) -> None:
    """(Re)write ``/__index__`` for ``entries`` ((ns, key) -> entry, in file order)."""
    doc = {"version": _VERSION, "save_id": read_str_attr(f.attrs, SAVE_ID_ATTR),
           "items": [[ns, key, jsonable(entry)] for (ns, key), entry in entries.items()]}
    if INDEX in f:
        del f[INDEX]
    text = json.dumps(doc)
    ds = f.create_dataset(INDEX, data=text, dtype=h5py.string_dtype("utf-8"))
    set_checksum(ds, np.asarray(text, dtype=object))


def _restore(entry: dict) -> dict:
    """JSON lists back to the tuples summaries use (provenance keeps its lists)."""
    return {k: tuple(v) if k not in _ENTRY_FIELDS and isinstance(v, list) else v
            for k, v in entry.items()}


def _read(f: h5py.File) -> tuple[Entries | None, str | None]:
    """(entries if ``/__index__`` describes this file exactly, else None; what is wrong
    with it if it is damaged, else None)."""
    try:
        ds = f.get(INDEX)
        if not isinstance(ds, h5py.Dataset):
            return None, None
        raw = read_verified(ds)[()]
        doc = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        if doc.get("version") != _VERSION or doc.get("save_id") != read_str_attr(
                f.attrs, SAVE_ID_ATTR):
            return None, None  # written for another version of the file: not used
        entries = {(ns, key): _restore(entry) for ns, key, entry in doc["items"]}
    except DataDamage as exc:
        return None, f"the file's index is damaged: {exc}"
    except RAW_ERRORS as exc:
        return None, f"the file's index cannot be read ({type(exc).__name__}: {exc})"
    return (entries if _describes(f, entries) else None), None


def _describes(f: h5py.File, entries: Entries) -> bool:
    """Do ``entries`` list exactly the items of ``f``, in order?

    A sharded root (:mod:`.shards`) is compared by namespaces only, without opening its
    shards: they are never changed once written, and a root links them by unique names.
    """
    if getattr(f, "is_sharded", False):
        listed = list(dict.fromkeys(ns for ns, _ in entries))
        return listed == [name for name in f if not name.startswith("__")]
    return list(entries) == item_names(f)


def trusted_index(f: h5py.File) -> Entries | None:
    """The stored entries if ``/__index__`` describes this file exactly, else None (also
    when it is damaged: readers then read each item's entry from the item itself)."""
    return _read(f)[0]


def index_problem(f: h5py.File) -> str | None:
    """What is wrong with ``/__index__`` if it is damaged (for ``verify``), else None."""
    return _read(f)[1]


def walk_entries(f: h5py.File, path: str) -> Entries:
    """Every entry read from its item group (seal checked, codec peek + header attributes)."""
    entries = {}
    for ns, key in ordered_names(f, path):
        with decoding(path, ns, key):
            entries[(ns, key)] = read_item_entry(open_item(f, ns, key))
    return entries


def file_entries(f: h5py.File, path: str) -> Entries:
    """All entries of ``f`` in order: the trusted index, or read from each item group."""
    trusted = trusted_index(f)
    return trusted if trusted is not None else walk_entries(f, path)
