"""Item provenance: what produced an item (the pipeline's cache key) and what it contains.

- :func:`canonical_json`: one text per value. Keys sorted, no whitespace, ASCII only,
  tuples as lists, sets as sorted lists, numpy values as Python ones, and integral floats as
  ints, so ``{"bin_ms": 8}`` and ``{"bin_ms": 8.0}`` agree; NaN and infinities are rejected
  (they have no JSON form and NaN != NaN would make a cache key never match).
- :func:`fingerprint`: sha256 (hex) of the canonical JSON of
  ``{"step", "params", "inputs", "version"}``.
- :func:`group_content_hash`: sha256 (hex) of an item's stored data: every dataset (path,
  dtype, shape, values) and attribute (name, value), groups and names in sorted order,
  excluding the header attributes (created_at, note, provenance, fingerprint, content
  hash). It depends on values, not on HDF5 storage details, so a copied or re-saved item
  keeps its hash. It costs one read of the item, so it is computed only for items stored
  with provenance (at ``store`` and again at ``save`` for in-memory items, which may have
  been modified in place); :func:`content_hash` gives it for any object.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

import h5py
import numpy as np

from .._version import __version__
from ..errors import ProvenanceError
from .codecs import encode_item
from .h5file import scratch_file

__all__ = ["canonical_json", "fingerprint", "check_provenance", "content_hash",
           "group_content_hash", "PROVENANCE_FIELDS"]

PROVENANCE_FIELDS = ("step", "params", "inputs", "version")
_EXCLUDED = frozenset({"__created_at__", "__note__", "__provenance__", "__fingerprint__",
                       "__content_hash__"})
_BLOCK_BYTES = 64 * 2**20  # hash large datasets in slabs of about this size


def _normalise(value: Any, where: str) -> Any:
    """The canonical JSON-ready form of ``value`` (see module docstring)."""
    if value is None or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if not math.isfinite(value):
            raise ProvenanceError(
                f"{where}: {value} has no canonical JSON form (use null or a str)")
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Mapping):
        bad = [k for k in value if not isinstance(k, str)]
        if bad:
            raise ProvenanceError(f"{where}: mapping keys must be str, got {bad[0]!r}")
        return {k: _normalise(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return _normalise(value.tolist(), where)
    if isinstance(value, (list, tuple)):
        return [_normalise(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, (set, frozenset)):
        items = [_normalise(v, f"{where}{{}}") for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    raise ProvenanceError(
        f"{where}: {type(value).__name__} has no canonical JSON form; use str, numbers, bool, "
        "None, lists, tuples, sets, dicts or numpy arrays"
    )


def canonical_json(obj: Any) -> str:
    """The canonical JSON text of ``obj`` (same text for equal parameters).

    Examples
    --------
    >>> canonical_json({"b": 8.0, "a": (1, 2.5)})
    '{"a":[1,2.5],"b":8}'
    """
    return json.dumps(_normalise(obj, "value"), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True, allow_nan=False)


def fingerprint(step: str, params: Mapping[str, Any], inputs: str, version: str) -> str:
    """sha256 hex of the canonical JSON of ``{step, params, inputs, version}``."""
    record = {"step": step, "params": params, "inputs": inputs, "version": version}
    return hashlib.sha256(canonical_json(record).encode("ascii")).hexdigest()


def check_provenance(provenance: Mapping[str, Any]) -> dict:
    """Validate and normalise a provenance mapping; returns ``{step, params, inputs, version}``.

    ``step`` is required; ``params`` defaults to ``{}``, ``inputs`` to ``""`` and ``version``
    to the spikelab version.
    """
    if not isinstance(provenance, Mapping):
        raise ProvenanceError(f"provenance must be a mapping, got {type(provenance).__name__}")
    unknown = sorted(set(provenance) - set(PROVENANCE_FIELDS))
    if unknown:
        raise ProvenanceError(
            f"unknown provenance fields {unknown}; valid: {list(PROVENANCE_FIELDS)}")
    step = provenance.get("step")
    if not isinstance(step, str) or not step:
        raise ProvenanceError(f"provenance 'step' must be a non-empty str, got {step!r}")
    params = provenance.get("params", {})
    if not isinstance(params, Mapping):
        raise ProvenanceError(
            f"provenance 'params' must be a mapping, got {type(params).__name__}")
    record = {"step": step, "params": _normalise(params, "provenance['params']"),
              "inputs": provenance.get("inputs", ""),
              "version": provenance.get("version", __version__)}
    for field in ("inputs", "version"):
        if not isinstance(record[field], str):
            raise ProvenanceError(f"provenance {field!r} must be a str, got {record[field]!r}")
    return record


# --------------------------------------------------------------------- content hash
def _value_bytes(value: Any) -> bytes:
    """Type-tagged bytes of an attribute value."""
    if isinstance(value, bytes):
        return b"b:" + value
    if isinstance(value, str):
        return b"s:" + value.encode("utf-8")
    arr = np.asarray(value)
    if arr.dtype.kind == "O":  # variable-length strings
        return b"O:" + b"\x00".join(
            (v if isinstance(v, bytes) else str(v).encode("utf-8")) for v in arr.ravel())
    return f"{arr.dtype.str}{arr.shape}:".encode() + np.ascontiguousarray(arr).tobytes()


def _hash_attrs(h: Any, obj: h5py.HLObject, path: str) -> None:
    for name in sorted(obj.attrs):
        if name not in _EXCLUDED:
            h.update(f"A {path}@{name}\n".encode("utf-8"))
            h.update(_value_bytes(obj.attrs[name]))


def _hash_dataset(h: Any, ds: h5py.Dataset, path: str) -> None:
    text = h5py.check_string_dtype(ds.dtype)
    dtype = "vlen-str" if text is not None and text.length is None else str(ds.dtype.descr)
    h.update(f"D {path} {dtype} {ds.shape}\n".encode("utf-8"))
    if ds.ndim == 0 or ds.size == 0:
        h.update(_value_bytes(ds[()]))
        return
    row_bytes = max(1, ds.size // ds.shape[0] * ds.dtype.itemsize)
    step = max(1, _BLOCK_BYTES // row_bytes)
    for start in range(0, ds.shape[0], step):
        h.update(_value_bytes(ds[start:start + step]))


def _hash_group(h: Any, group: h5py.Group, path: str) -> None:
    _hash_attrs(h, group, path)
    for name in sorted(group):
        child = group[name]
        child_path = f"{path}/{name}"
        if isinstance(child, h5py.Group):
            h.update(f"G {child_path}\n".encode("utf-8"))
            _hash_group(h, child, child_path)
        else:
            _hash_dataset(h, child, child_path)
            _hash_attrs(h, child, child_path)


def group_content_hash(group: h5py.Group) -> str:
    """sha256 hex of the data of the item stored in ``group`` (header attributes excluded)."""
    h = hashlib.sha256(b"spikelab-content-1\n")
    _hash_group(h, group, "")
    return h.hexdigest()


def content_hash(obj: Any) -> str:
    """The content hash ``obj`` gets when stored (encoded in memory, nothing on disk)."""
    with scratch_file() as f:
        group = f.create_group("item", track_order=True)
        encode_item(group, obj)
        return group_content_hash(group)
