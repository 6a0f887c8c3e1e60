"""Index entries: what ``get_info`` shows, and the item header attributes that carry it.

An entry is the codec summary (``type`` plus shape-like fields) followed by ``created_at``
(POSIX s), ``note`` when set, and ``provenance`` / ``fingerprint`` / ``content_hash`` for
items stored with provenance. On disk the last five are item-group attributes
(``__created_at__``, ``__note__`` as in 0.1.2; ``__provenance__`` as canonical JSON,
``__fingerprint__``, ``__content_hash__``, which 0.1.2 ignores). The codec data never holds
them, so a note can change without touching the data.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import h5py

from ...ondisk import (CONTENT_HASH_ATTR, CREATED_AT_ATTR, FINGERPRINT_ATTR, HEADER_FIELDS,
                       NOTE_ATTR, PROVENANCE_ATTR)
from ..attrmemo import get_attr
from ..codecs import peek_item, read_tag
from ..codecs.common import read_str_attr
from ..provenance import canonical_json

__all__ = ["make_entry", "write_header", "read_entry", "damaged_entry",
           "copy_entry", "jsonable"]



def make_entry(summary: dict, created_at: float, note: str | None = None,
               provenance: dict | None = None, fingerprint: str | None = None,
               content_hash: str | None = None) -> dict:
    """An index entry in display order: summary, created_at, note, provenance, hashes."""
    entry = dict(summary)
    entry["created_at"] = float(created_at)
    optional = {"note": note, "provenance": provenance, "fingerprint": fingerprint,
                "content_hash": content_hash}
    entry.update({k: v for k, v in optional.items() if v is not None})
    return entry


def copy_entry(entry: dict) -> dict:
    """A deep copy (callers may mutate what ``get_info`` returns)."""
    return copy.deepcopy(entry)


def write_header(group: h5py.Group, entry: dict) -> None:
    """Set the item header attributes of ``group`` from ``entry`` (removing stale ones)."""
    attrs = group.attrs
    attrs[CREATED_AT_ATTR] = float(entry["created_at"])
    wanted = {attr: entry.get(field) for field, attr in HEADER_FIELDS}
    if entry.get("provenance") is not None:
        wanted[PROVENANCE_ATTR] = canonical_json(entry["provenance"])
    else:
        wanted[PROVENANCE_ATTR] = None
    for attr, value in wanted.items():
        if value is not None:
            attrs[attr] = value
        elif attr in attrs:
            del attrs[attr]


def read_entry(group: h5py.Group, summary: dict | None = None) -> dict:
    """The entry of the item in ``group`` (``summary`` from a decoded object, else peeked)."""
    attrs = group.attrs
    text = read_str_attr(attrs, PROVENANCE_ATTR)
    return make_entry(
        summary if summary is not None else peek_item(group),
        created_at=float(get_attr(attrs, CREATED_AT_ATTR, 0.0)),
        note=read_str_attr(attrs, NOTE_ATTR),
        provenance=_provenance_in_order(json.loads(text)) if text is not None else None,
        fingerprint=read_str_attr(attrs, FINGERPRINT_ATTR),
        content_hash=read_str_attr(attrs, CONTENT_HASH_ATTR),
    )


def damaged_entry(group: h5py.Group, problem: str) -> dict:
    """The entry of an item that cannot be read: its type tag and creation time if those
    can still be read, and ``damaged``, what is wrong."""
    try:
        tag = read_tag(group) or "unknown"
    except Exception:  # best effort on a damaged group: any failure means "unknown"
        tag = "unknown"
    try:
        created_at = float(group.attrs[CREATED_AT_ATTR])
    except Exception:
        created_at = 0.0
    return {"type": tag, "created_at": created_at, "damaged": problem}


def _provenance_in_order(record: dict) -> dict:
    """Stored canonical JSON has sorted keys; show step, params, inputs, version first."""
    order = ("step", "params", "inputs", "version")
    return {**{k: record[k] for k in order if k in record}, **record}


def jsonable(value: Any) -> Any:
    """``value`` with tuples turned into lists, for the JSON sidecar."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value
