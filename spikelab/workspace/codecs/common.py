"""Small helpers shared by the codecs: attributes, string datasets, time windows, exactness.

The 0.1.2 layout loses information in a few places (lists come back as arrays, NaN and ""
mean "missing" in neuron attributes, ...). Our codecs write that layout for 0.1.2 and,
only where it would not give back exactly what was stored, an exact copy in a child group
``__spikelab__`` that 0.1.2 never opens. :func:`strict_equal` decides "exactly".
"""

from __future__ import annotations

import contextlib
import contextvars
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import h5py
import numpy as np

from ...ondisk import EXTRAS
from ...errors import InvalidItemError
from ..attrmemo import get_attr
from ..checksums import read_verified, set_checksum

__all__ = [
    "COMPRESSIONS",
    "read_str_attr",
    "write_array",
    "read_array",
    "write_strings",
    "read_strings",
    "write_times",
    "read_times",
    "strict_equal",
    "extras_group",
    "get_extras",
    "child_group",
    "compressed",
    "inconsistent",
    "rebuilding",
    "require_array",
]


_STR = h5py.string_dtype(encoding="utf-8")
COMPRESSIONS = ("gzip", "lzf")  # filters every h5py build (0.1.2's included) can read


@dataclass(frozen=True)
class _Compression:
    name: str
    min_bytes: int


_COMPRESSION: contextvars.ContextVar[_Compression | None] = contextvars.ContextVar(
    "spikelab_compression", default=None)


@contextlib.contextmanager
def compressed(name: str | None, min_bytes: int = 2**20) -> Iterator[None]:
    """Within the block, numeric arrays of ``min_bytes`` or more are written chunked and
    compressed with ``name`` (``"gzip"`` or ``"lzf"``); None writes them contiguous."""
    if name is not None and name not in COMPRESSIONS:
        raise ValueError(f"compression must be None or one of {COMPRESSIONS}, got {name!r}")
    token = _COMPRESSION.set(None if name is None else _Compression(name, min_bytes))
    try:
        yield
    finally:
        _COMPRESSION.reset(token)


def write_array(group: h5py.Group, name: str, data: Any) -> h5py.Dataset:
    """Create dataset ``name`` from a (non-text) array, with its checksum; numeric arrays are
    compressed if :func:`compressed` asks.

    Chunked storage is what makes compression (and cheap partial reads) possible; small
    arrays stay contiguous, where chunk indexing would cost more than it saves.
    """
    arr = np.asarray(data)
    options = _COMPRESSION.get()
    if options is not None and arr.ndim and arr.nbytes >= options.min_bytes \
            and arr.dtype.kind in "biufc":
        ds = group.create_dataset(name, data=arr, chunks=True, compression=options.name,
                                  shuffle=True)
    else:
        ds = group.create_dataset(name, data=arr)
    set_checksum(ds, arr)
    return ds


def read_array(ds: h5py.Dataset) -> np.ndarray:
    """All values of ``ds`` (a 0-d dataset as a 0-d array), checked against its checksum."""
    return read_verified(ds)


def read_str_attr(attrs: h5py.AttributeManager, name: str, default: str | None = None
                  ) -> str | None:
    """A text attribute as ``str`` (h5py may hand back bytes for fixed-length strings)."""
    value = get_attr(attrs, name, None)
    if value is None:
        return default
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def child_group(parent: h5py.Group, name: str) -> h5py.Group:
    """Create a child group that keeps its children in creation order."""
    return parent.create_group(name, track_order=True)


def write_strings(group: h5py.Group, name: str, values: Any) -> h5py.Dataset:
    """Write text as a variable-length UTF-8 dataset (h5py cannot store numpy ``U``)."""
    data = np.asarray(values, dtype=object)
    ds = group.create_dataset(name, data=data, dtype=_STR)
    set_checksum(ds, data)
    return ds


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def read_strings(ds: h5py.Dataset) -> np.ndarray:
    """A string dataset as an object array of ``str`` (variable-length, or fixed-length
    bytes written by another tool), checked against its checksum."""
    raw = read_verified(ds)
    return np.vectorize(_text, otypes=[object])(raw) if raw.size else raw.astype(object)


def write_times(group: h5py.Group, times: Sequence[tuple[float, float]] | None,
                name: str = "times") -> None:
    """Store (start, end) windows in ms as an ``(S, 2)`` float64 dataset (None: nothing)."""
    if times is not None:
        write_array(group, name, np.array(times, dtype=np.float64).reshape(-1, 2))


def read_times(group: h5py.Group, name: str = "times") -> list[tuple[float, float]] | None:
    """The windows written by :func:`write_times`, or None when absent."""
    if name not in group:
        return None
    arr = np.asarray(read_array(group[name]), dtype=np.float64).reshape(-1, 2)
    return [(float(a), float(b)) for a, b in arr]


def extras_group(group: h5py.Group) -> h5py.Group:
    """The item's ``__spikelab__`` group, created on first use."""
    if EXTRAS in group:
        return group[EXTRAS]
    return child_group(group, EXTRAS)


def get_extras(group: h5py.Group, name: str) -> h5py.Group | None:
    """``__spikelab__/name`` if present (files from 0.1.2 never have it)."""
    extras = group.get(EXTRAS)
    if extras is None or name not in extras:
        return None
    return extras[name]


def _arrays_equal(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind in "fcmM":
        return bool(np.array_equal(a, b, equal_nan=True))
    if a.dtype.kind == "V":
        return a.tobytes() == b.tobytes()
    return bool(np.array_equal(a, b))


def strict_equal(a: Any, b: Any) -> bool:
    """Equal values of identical types, recursively; NaN equals NaN; dict order counts.

    ``1 == 1.0 == True`` in Python, but a round trip that turns one into another is not
    exact, so types are compared first.
    """
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return _arrays_equal(a, b)
    if isinstance(a, dict):  # keys compared strictly too: {1: x} is not {True: x} or {"1": x}
        return len(a) == len(b) and all(
            strict_equal(ka, kb) and strict_equal(va, vb)
            for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True)
        )
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (float, np.floating)):
        return bool(a == b) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, (set, frozenset, str, bytes, int, np.generic, type(None))):
        return bool(a == b)
    return False  # objects without value semantics are never "exactly" reproduced


# --------------------------------------------------------------------- store-time invariants
def inconsistent(where: str, type_name: str, problem: str) -> InvalidItemError:
    """The error for an object whose fields contradict each other (checked at store/save)."""
    return InvalidItemError(f"{where}: this {type_name} is inconsistent: {problem} (was it "
                            "changed after it was created?)")


@contextlib.contextmanager
def rebuilding(type_name: str, where: str) -> Iterator[None]:
    """Run the type's own constructor on an object's fields (what reading the item back
    will do): its ValueError/TypeError becomes :class:`InvalidItemError` naming ``where``."""
    try:
        yield
    except (ValueError, TypeError) as exc:
        raise inconsistent(where, type_name, str(exc)) from None


def require_array(value: Any, where: str, type_name: str, field: str, ndim: int) -> np.ndarray:
    """``value`` if it is a real-valued ndarray of ``ndim`` dimensions, else the error."""
    if not isinstance(value, np.ndarray):
        raise inconsistent(where, type_name, f"{field} is a {type(value).__name__}, not an ndarray")
    if value.ndim != ndim:
        raise inconsistent(where, type_name, f"{field} has shape {value.shape}, not {ndim}-D")
    if value.dtype.kind not in "biuf":
        raise inconsistent(where, type_name, f"{field} has dtype {value.dtype}, not real numbers")
    return value
