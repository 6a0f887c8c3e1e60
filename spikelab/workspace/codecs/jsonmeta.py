"""``__metadata__``: free-form metadata as JSON text, in the 0.1.2 dialect, plus an exact copy.

0.1.2 writes metadata with ``json.dumps`` where every ndarray becomes
``{"__ndarray__": true, "dtype": ..., "shape": [...], "values": [...]}`` and numpy scalars
become Python numbers, and reads it back with the inverse. That loses tuples, sets, numpy
scalar types, non-text dict keys (``{0: 12}`` comes back as ``{"0": 12}``) and nested data
classes. We write the same JSON (so 0.1.2 reads it) and, when
decoding that JSON would not give back exactly the stored dict, also the dict itself under
``__spikelab__/metadata`` with the generic value codec.
"""

from __future__ import annotations

import json
from typing import Any

import h5py
import numpy as np

from ...ondisk import METADATA_ATTR, NDARRAY_SENTINEL
from . import values
from .common import extras_group, get_extras, read_str_attr, strict_equal

__all__ = ["encode_metadata", "decode_metadata", "check_metadata", "to_json", "from_json"]

_JSON_ARRAY_KINDS = "biufU"  # kinds whose tolist() 0.1.2 can turn back into the dtype


def _default(obj: Any) -> Any:
    """JSON fallback: ndarrays as sentinels, numpy scalars as numbers, the rest as text."""
    if isinstance(obj, np.ndarray) and obj.dtype.kind in _JSON_ARRAY_KINDS:
        return {NDARRAY_SENTINEL: True, "dtype": str(obj.dtype), "shape": list(obj.shape),
                "values": obj.tolist()}
    if isinstance(obj, np.generic) and obj.dtype.kind in "biuf":
        return obj.item()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=repr)
    return repr(obj)  # readable in 0.1.2; the exact value goes to __spikelab__/metadata


def _json_key(key: Any) -> Any:
    """A dict key ``json.dumps`` accepts: numbers, bool, None and str as they are (JSON
    turns them into text, as 0.1.2 does), numpy scalars as Python ones, others as repr."""
    if isinstance(key, np.generic):
        key = key.item()
    return key if isinstance(key, (str, int, float, bool, type(None))) else repr(key)


def _json_keys(obj: Any) -> Any:
    """``obj`` with every nested dict's keys made acceptable to ``json.dumps``."""
    if isinstance(obj, dict):
        return {_json_key(k): _json_keys(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_keys(v) for v in obj]
    return obj


def _restore(obj: Any) -> Any:
    if isinstance(obj, dict):
        if obj.get(NDARRAY_SENTINEL) is True:
            return np.asarray(obj["values"], dtype=obj["dtype"]).reshape(obj["shape"])
        return {k: _restore(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_restore(v) for v in obj]
    return obj


def to_json(metadata: dict) -> str:
    """The 0.1.2 JSON text of ``metadata``."""
    return json.dumps(_json_keys(metadata), default=_default)


def from_json(text: str) -> dict:
    """Parse 0.1.2 metadata JSON, rebuilding ndarrays from their sentinels."""
    return _restore(json.loads(text))


def check_metadata(metadata: Any, where: str) -> None:
    """Metadata must be a dict the generic value codec can store."""
    values.check_value(dict(metadata), f"{where}.metadata")


def encode_metadata(group: h5py.Group, metadata: dict) -> None:
    """Write ``__metadata__`` and, if that JSON is lossy for this dict, the exact copy."""
    text = to_json(metadata)
    group.attrs[METADATA_ATTR] = text
    if not strict_equal(from_json(text), metadata):
        values.encode_value(extras_group(group), "metadata", metadata)


def decode_metadata(group: h5py.Group) -> dict:
    """The stored metadata: the exact copy when present, else the JSON attribute."""
    exact = get_extras(group, "metadata")
    if exact is not None:
        return values.decode_value(exact)
    return from_json(read_str_attr(group.attrs, METADATA_ATTR, "{}"))
