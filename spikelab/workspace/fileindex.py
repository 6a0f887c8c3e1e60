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

from .codecs.common import read_str_attr
from .entries import jsonable, read_entry
from .reading import decoding, item_names, ordered_items

__all__ = ["INDEX", "Entries", "write_index", "trusted_index", "walk_entries", "file_entries"]

INDEX = "__index__"
_VERSION = 1
_ENTRY_FIELDS = frozenset({"created_at", "note", "provenance", "fingerprint", "content_hash"})

Entries = dict[tuple[str, str], dict]


def write_index(f: h5py.File, entries: Entries) -> None:
    """(Re)write ``/__index__`` for ``entries`` ((ns, key) -> entry, in file order)."""
    doc = {"version": _VERSION, "save_id": read_str_attr(f.attrs, "__save_id__"),
           "items": [[ns, key, jsonable(entry)] for (ns, key), entry in entries.items()]}
    if INDEX in f:
        del f[INDEX]
    f.create_dataset(INDEX, data=json.dumps(doc), dtype=h5py.string_dtype("utf-8"))


def _restore(entry: dict) -> dict:
    """JSON lists back to the tuples summaries use (provenance keeps its lists)."""
    return {k: tuple(v) if k not in _ENTRY_FIELDS and isinstance(v, list) else v
            for k, v in entry.items()}


def trusted_index(f: h5py.File) -> Entries | None:
    """The stored entries if ``/__index__`` describes this file exactly, else None."""
    ds = f.get(INDEX)
    if not isinstance(ds, h5py.Dataset):
        return None
    try:
        doc = json.loads(ds.asstr()[()])
        if doc.get("version") != _VERSION or doc.get("save_id") != read_str_attr(
                f.attrs, "__save_id__"):
            return None
        entries = {(ns, key): _restore(entry) for ns, key, entry in doc["items"]}
    except (ValueError, TypeError, KeyError, OSError):
        return None
    return entries if list(entries) == item_names(f) else None


def walk_entries(f: h5py.File, path: str) -> Entries:
    """Every entry read from its item group (codec peek + header attributes)."""
    entries = {}
    for ns, key, group in ordered_items(f, path):
        with decoding(path, ns, key):
            entries[(ns, key)] = read_entry(group)
    return entries


def file_entries(f: h5py.File, path: str) -> Entries:
    """All entries of ``f`` in order: the trusted index, or read from each item group."""
    trusted = trusted_index(f)
    return trusted if trusted is not None else walk_entries(f, path)
