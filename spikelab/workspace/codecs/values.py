"""Values inside stored dicts (and exact copies of metadata, labels, neuron attributes).

The 0.1.2 tags are kept: ``none``, ``scalar`` (``__scalar_value__`` + ``__scalar_kind__``),
``scalar_str``, ``tuple`` / ``set`` / ``frozenset`` (a ``data`` dataset) and any item type
(``ndarray``, ``dict``, data classes). A list is an ``ndarray`` group. Exactness beyond
0.1.2, through attributes 0.1.2 ignores:

- ``__py_type__ = "list"`` on a list stored as an ndarray (0.1.2 gives the array back);
- ``__numpy_dtype__`` on numpy scalars (0.1.2 gives a Python number back);
- lists, tuples and sets that an array cannot hold exactly (mixed types, nested containers,
  None, numpy scalars) are ``dict`` groups with children ``"0"``, ``"1"``, ... and
  ``__py_type__`` naming the container: 0.1.2 reads them as dicts, we read the container;
- a dict whose keys are not all valid link names (``{0: 12, 1: 15}``, a tuple or ``"a/b"``
  as key) is a ``dict`` group with ``__py_type__ = "dict"`` and two children, ``keys`` and
  ``values`` (lists, in order). Keys may be any hashable scalar, tuple or frozenset value.

Dispatch is by the MRO of the value's type in :data:`_KINDS`; anything else goes to the
item codecs (ndarray, dict, data classes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import h5py
import numpy as np

from ...ondisk import (NUMPY_DTYPE_ATTR, PY_TYPE_ATTR, SCALAR_KIND_ATTR, SCALAR_VALUE_ATTR,
                       TYPE_ATTR)
from ...errors import InvalidNameError, UnknownItemTypeError, UnsupportedTypeError
from ..attrmemo import get_attr
from ..names import check_name, check_text
from . import ndarray
from .common import child_group, read_str_attr
from .items import check_item, decode_item, encode_item
from .registry import read_tag

__all__ = ["encode_value", "decode_value", "check_value", "canonical_order"]

_KEYS, _VALUES = "keys", "values"  # children of a dict whose keys are not link names
_PACKABLE = (bool, int, float, str)  # one of these throughout -> an ndarray holds it exactly
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


class _Ragged(Exception):
    """Raised inside :func:`_pack_shape` when a list is not a rectangular one-type array."""


def _pack_shape(value: Any) -> tuple[type | None, tuple[int, ...]]:
    """(leaf type, shape) of nested lists of one :data:`_PACKABLE` type, else _Ragged."""
    if isinstance(value, list):
        if not value:
            return None, (0,)
        parts = [_pack_shape(v) for v in value]
        shapes = {shape for _, shape in parts}
        leaves = {leaf for leaf, _ in parts} - {None}
        if len(shapes) > 1 or len(leaves) > 1:
            raise _Ragged
        return (leaves.pop() if leaves else None), (len(value), *shapes.pop())
    if type(value) in _PACKABLE:
        return type(value), ()
    raise _Ragged


def _is_packable_list(value: list) -> bool:
    try:
        _pack_shape(value)
    except _Ragged:
        return False
    return True


def _is_flat_one_type(items: Any) -> bool:
    types = {type(v) for v in items}
    return len(types) <= 1 and types <= set(_PACKABLE)


def canonical_order(items: Any) -> list:
    """Set elements in a deterministic order (same file bytes for equal sets)."""
    return sorted(items, key=_sort_key)


def _sort_key(v: Any) -> tuple:
    if isinstance(v, (tuple, frozenset)):
        inner = [_sort_key(x) for x in v]
        return (type(v).__name__, tuple(sorted(inner) if isinstance(v, frozenset) else inner))
    return (type(v).__name__, repr(v))


# --------------------------------------------------------------------- encoders
def _tagged(parent: h5py.Group, name: str, tag: str) -> h5py.Group:
    group = child_group(parent, name)
    group.attrs[TYPE_ATTR] = tag
    return group


def _encode_none(parent: h5py.Group, name: str, value: None) -> None:
    _tagged(parent, name, "none")


def _encode_str(parent: h5py.Group, name: str, value: str) -> None:
    _tagged(parent, name, "scalar_str").attrs[SCALAR_VALUE_ATTR] = str(value)


def _encode_scalar(parent: h5py.Group, name: str, value: Any) -> None:
    group = _tagged(parent, name, "scalar")
    if isinstance(value, np.generic):
        group.attrs[SCALAR_VALUE_ATTR] = value  # keeps its dtype
        group.attrs[NUMPY_DTYPE_ATTR] = value.dtype.str
        group.attrs[SCALAR_KIND_ATTR] = type(value).__name__  # what 0.1.2 itself writes
        return
    kind = type(value).__name__  # 'bool', 'int' or 'float'
    group.attrs[SCALAR_VALUE_ATTR] = np.int64(value) if kind == "int" else value
    group.attrs[SCALAR_KIND_ATTR] = kind


def _encode_generic(parent: h5py.Group, name: str, items: Any, py_type: str) -> None:
    group = _tagged(parent, name, "dict")
    group.attrs[PY_TYPE_ATTR] = py_type
    for i, item in enumerate(items):
        encode_value(group, str(i), item)


def _encode_packed(parent: h5py.Group, name: str, tag: str, items: Any) -> h5py.Group:
    group = _tagged(parent, name, tag)
    ndarray.encode(group, np.asarray(items))
    return group


def _encode_list(parent: h5py.Group, name: str, value: list) -> None:
    if _is_packable_list(value):
        _encode_packed(parent, name, "ndarray", value).attrs[PY_TYPE_ATTR] = "list"
    else:
        _encode_generic(parent, name, value, "list")


def _encode_tuple(parent: h5py.Group, name: str, value: tuple) -> None:
    if _is_flat_one_type(value):
        _encode_packed(parent, name, "tuple", value)
    else:
        _encode_generic(parent, name, value, "tuple")


def _named_keys(d: dict) -> bool:
    """Can every key of ``d`` be an HDF5 link name (the 0.1.2 dict layout)?"""
    for key in d:
        try:
            check_name(key, "dict key")
        except InvalidNameError:
            return False
    return True


def _encode_dict(parent: h5py.Group, name: str, value: dict) -> None:
    if _named_keys(value):
        encode_item(child_group(parent, name), value)
        return
    group = _tagged(parent, name, "dict")
    group.attrs[PY_TYPE_ATTR] = "dict"
    encode_value(group, _KEYS, list(value))
    encode_value(group, _VALUES, list(value.values()))


def _encode_set(parent: h5py.Group, name: str, value: set | frozenset) -> None:
    tag = "frozenset" if isinstance(value, frozenset) else "set"
    if _is_flat_one_type(value):
        _encode_packed(parent, name, tag, sorted(value))
    else:
        _encode_generic(parent, name, canonical_order(value), tag)


# --------------------------------------------------------------------- checks
def _check_nothing(value: Any, where: str) -> None:
    pass


def _check_str(value: str, where: str) -> None:
    check_text(value, where)


def _check_scalar(value: Any, where: str) -> None:
    if isinstance(value, np.generic):
        ndarray.check_dtype(value.dtype, where)
    elif isinstance(value, int) and not isinstance(value, bool):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise UnsupportedTypeError(f"integer {value} at {where} does not fit in 64 bits")


def _check_items(value: Any, where: str) -> None:
    for i, item in enumerate(value):
        check_value(item, f"{where}[{i}]")


def _check_key(key: Any, where: str) -> None:
    kind = _kind_of(key)
    if kind is None or isinstance(key, (list, set)):
        raise UnsupportedTypeError(
            f"dict key {key!r} at {where} cannot be stored: keys must be str, int, float, "
            f"bool, None, numpy scalars, tuples or frozensets, got {type(key).__name__}")
    kind.check(key, f"{where} key {key!r}")


def _check_dict(value: dict, where: str) -> None:
    if _named_keys(value):
        check_item(value, where)
        return
    for key, item in value.items():
        _check_key(key, where)
        check_value(item, f"{where}[{key!r}]")


@dataclass(frozen=True)
class _Kind:
    encode: Callable[[h5py.Group, str, Any], None]
    check: Callable[[Any, str], None]


_KINDS: dict[type, _Kind] = {
    type(None): _Kind(_encode_none, _check_nothing),
    str: _Kind(_encode_str, _check_str),
    bool: _Kind(_encode_scalar, _check_nothing),
    int: _Kind(_encode_scalar, _check_scalar),
    float: _Kind(_encode_scalar, _check_nothing),
    np.bool_: _Kind(_encode_scalar, _check_scalar),
    np.integer: _Kind(_encode_scalar, _check_scalar),
    np.floating: _Kind(_encode_scalar, _check_scalar),
    list: _Kind(_encode_list, _check_items),
    tuple: _Kind(_encode_tuple, _check_items),
    set: _Kind(_encode_set, _check_items),
    frozenset: _Kind(_encode_set, _check_items),
    dict: _Kind(_encode_dict, _check_dict),
}


def _kind_of(value: Any) -> _Kind | None:
    for klass in type(value).__mro__:
        kind = _KINDS.get(klass)
        if kind is not None:
            return kind
    return None


def encode_value(parent: h5py.Group, name: str, value: Any) -> None:
    """Write ``value`` as the child group ``name`` of ``parent``."""
    kind = _kind_of(value)
    if kind is not None:
        kind.encode(parent, name, value)
    else:
        encode_item(child_group(parent, name), value)


def check_value(value: Any, where: str) -> None:
    """Raise :class:`UnsupportedTypeError` (naming ``where``) if ``value`` cannot be stored."""
    kind = _kind_of(value)
    if kind is not None:
        kind.check(value, where)
    else:
        check_item(value, where)


# --------------------------------------------------------------------- decoders
def _decode_scalar(group: h5py.Group) -> Any:
    value = get_attr(group.attrs, SCALAR_VALUE_ATTR)
    numpy_dtype = read_str_attr(group.attrs, NUMPY_DTYPE_ATTR)
    if numpy_dtype is not None:
        return np.dtype(numpy_dtype).type(value)
    kind = read_str_attr(group.attrs, SCALAR_KIND_ATTR, "float")
    if "int" in kind:  # 'int', 'int64', 'uint8', ... as 0.1.2 reads them
        return int(value)
    if kind in ("bool", "bool_"):
        return bool(value)
    return float(value)


def _children(group: h5py.Group) -> list:
    return [decode_value(group[str(i)]) for i in range(len(group))]


_VALUE_TAGS: dict[str, Callable[[h5py.Group], Any]] = {
    "none": lambda g: None,
    "scalar": _decode_scalar,
    "scalar_str": lambda g: read_str_attr(g.attrs, SCALAR_VALUE_ATTR),
    "tuple": lambda g: tuple(ndarray.decode(g).tolist()),
    "set": lambda g: set(ndarray.decode(g).tolist()),
    "frozenset": lambda g: frozenset(ndarray.decode(g).tolist()),
}
_CONTAINERS: dict[str, type] = {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}
_SEQUENCE_READERS: dict[str, Callable[[h5py.Group], Any]] = {
    "ndarray": lambda g: ndarray.decode(g).tolist(),
    "dict": _children,
}


def decode_value(group: h5py.Group) -> Any:
    """Rebuild the value written by :func:`encode_value` (or by 0.1.2's dict writer)."""
    tag = read_tag(group)
    reader = _VALUE_TAGS.get(tag)
    if reader is not None:
        return reader(group)
    py_type = read_str_attr(group.attrs, PY_TYPE_ATTR)
    if py_type is None:
        return decode_item(group)
    if py_type == "dict" and tag == "dict":
        return dict(zip(decode_value(group[_KEYS]), decode_value(group[_VALUES]), strict=True))
    if py_type not in _CONTAINERS or tag not in _SEQUENCE_READERS:
        raise UnknownItemTypeError(
            f"unknown container {py_type!r} stored as {tag!r} at {group.name}; "
            f"known: {', '.join([*_CONTAINERS, 'dict'])}"
        )
    return _CONTAINERS[py_type](_SEQUENCE_READERS[tag](group))
