"""What the sources of a merge held, so that merging them again need not open them.

The workflow merges every part file on every run, nearly always finding each item already
in the merged workspace with the same fingerprint: at a thousand recordings that is ten
thousand files opened, and their roots and indexes read and checked, only to skip them.
So each merge that writes the target also stores, in the target's root dataset
``__sources__`` (JSON, checksummed), for every source whose index it read: the source's
file identity and state (device, inode, size, modification and status-change times in ns)
and its items' names and fingerprints. The next merge takes a source's names and
fingerprints from there when its ``os.stat`` gives exactly the recorded state, and opens
it only if one of its items must be copied.

Why the state is enough: our writers replace a file by renaming a new one over it (a new
inode), and any change in place changes the modification and status-change times, which
no user can set back (the status-change time is the kernel's clock). A record is made
only when the state was the same before and after the source was read.
"""

from __future__ import annotations

import json
import os

import h5py
import numpy as np

from ...ondisk import SOURCES_MEMO
from ..checksums import DataDamage, read_verified, set_checksum
from ..damage import RAW_ERRORS
from ..h5file import file_state

__all__ = ["Record", "state", "read_memo", "write_memo"]

_VERSION = 1

#: (state, [(namespace, key, fingerprint or None), ...]) of one source file
Record = tuple[list[int], list[tuple[str, str, str | None]]]


def state(path: str) -> list[int] | None:
    """The identity and state of the file ``path`` (None if it cannot be read)."""
    try:
        return file_state(os.stat(path))
    except OSError:
        return None


def read_memo(f: h5py.File) -> dict[str, Record]:
    """``{source path: record}`` stored in the target root ``f`` (empty when there is none
    or it cannot be read: the sources are then opened, as without a memo)."""
    try:
        ds = f.get(SOURCES_MEMO)
        if not isinstance(ds, h5py.Dataset):
            return {}
        raw = read_verified(ds)[()]
        doc = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        if doc.get("version") != _VERSION:
            return {}
        return {path: ([int(v) for v in rec["state"]],
                       [(str(ns), str(key), fp) for ns, key, fp in rec["items"]])
                for path, rec in doc["sources"].items()}
    except (DataDamage, *RAW_ERRORS):
        return {}


def write_memo(f: h5py.File, records: dict[str, Record]) -> None:
    """Store ``records`` in the root ``f`` being written."""
    doc = {"version": _VERSION, "sources": {
        path: {"state": rec_state, "items": [list(item) for item in items]}
        for path, (rec_state, items) in records.items()}}
    text = json.dumps(doc)
    ds = f.create_dataset(SOURCES_MEMO, data=text, dtype=h5py.string_dtype("utf-8"))
    set_checksum(ds, np.asarray(text, dtype=object))
