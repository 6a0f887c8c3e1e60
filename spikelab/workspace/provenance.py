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
  hash) and the checksums of :mod:`.checksums` and :mod:`.seals`. It depends on values,
  not on HDF5 storage details, so a copied or re-saved item keeps its hash. It costs one
  read of the item, so it is computed only for items stored with provenance (at ``store``
  and again at ``save`` for in-memory items, which may have been modified in place);
  :func:`content_hash` gives it for any object.
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
from ..ondisk import CHECKSUM_ATTR, HEADER_ATTRS, SEAL_ATTR
from .checksums import hash_tree
from .codecs import encode_item
from .h5file import scratch_file

__all__ = ["canonical_json", "fingerprint", "check_provenance", "content_hash",
           "group_content_hash", "PROVENANCE_FIELDS"]

PROVENANCE_FIELDS = ("step", "params", "inputs", "version")
# header and integrity attributes: a note, a re-save or a checksum does not change the data
_EXCLUDED = frozenset(HEADER_ATTRS) | {CHECKSUM_ATTR, SEAL_ATTR}


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
def group_content_hash(group: h5py.Group) -> str:
    """sha256 hex of the data of the item stored in ``group`` (header attributes excluded)."""
    h = hashlib.sha256(b"spikelab-content-1\n")
    hash_tree(h, group, _EXCLUDED, values=True)
    return h.hexdigest()


def content_hash(obj: Any) -> str:
    """The content hash ``obj`` gets when stored (encoded in memory, nothing on disk)."""
    with scratch_file() as f:
        group = f.create_group("item", track_order=True)
        encode_item(group, obj)
        return group_content_hash(group)
