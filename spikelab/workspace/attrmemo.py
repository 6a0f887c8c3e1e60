"""One read per attribute while an item is read: its seal check's values serve the decoder.

Reading an HDF5 attribute costs tens of microseconds, and attributes are most of what a
small item is made of. Checking an item's seal (:mod:`.seals`) reads every attribute of
every object of the item; decoding it then needs many of them again. Within
:func:`attribute_memo` the seal walk records each object's attributes (:func:`all_attrs`:
all of them, so absence is known too) and :func:`get_attr` / :func:`has_attr` answer from
the record:
the decoder sees exactly the values whose checksum was just verified, and reads each once.
Outside the block (writing, listing) they read the file directly.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

import h5py
import numpy as np
from h5py import h5a, h5s, h5t

__all__ = ["attribute_memo", "all_attrs", "get_attr", "has_attr", "MISSING"]

MISSING = object()
_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("spikelab_attr_memo",
                                                                    default=None)


@contextlib.contextmanager
def attribute_memo() -> Iterator[None]:
    """Within the block, attributes recorded by :func:`remember` are not read again (an
    enclosing block's record is shared)."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def all_attrs(attrs: h5py.AttributeManager) -> dict[str, Any]:
    """Every attribute of the object of ``attrs``, read once and recorded in the memo."""
    recorded = _recorded(attrs)
    if recorded is not None:
        return recorded
    values = _read_all(attrs)
    memo = _MEMO.get()
    if memo is not None:
        memo[attrs._id] = values
    return values


def _recorded(attrs: h5py.AttributeManager) -> dict | None:
    memo = _MEMO.get()
    return None if memo is None else memo.get(attrs._id)


def get_attr(attrs: h5py.AttributeManager, name: str, default: Any = MISSING) -> Any:
    """``attrs[name]`` (KeyError if absent and no ``default``), from the memo when there."""
    recorded = _recorded(attrs)
    if recorded is None:
        if default is MISSING:
            return attrs[name]
        return attrs.get(name, default)
    if name in recorded:
        return recorded[name]
    if default is MISSING:
        raise KeyError(f"Can't open attribute (attribute {name!r} not found)")
    return default


def has_attr(attrs: h5py.AttributeManager, name: str) -> bool:
    """``name in attrs``, from the memo when there."""
    recorded = _recorded(attrs)
    return name in attrs if recorded is None else name in recorded


# Reading every attribute of an object is most of what checking a small item costs. h5py's
# AttributeManager works out each attribute's numpy type, and the HDF5 type back from it,
# at every read; the two kinds of attribute our items are made of (scalar variable-length
# text, scalar numbers) are read here with types worked out once. Any other kind is read
# by h5py. Values are exactly what ``attrs[name]`` gives (tested against it).
_TEXT = {cset: h5py.string_dtype(encoding)
         for cset, encoding in ((h5t.CSET_UTF8, "utf-8"), (h5t.CSET_ASCII, "ascii"))}
_TEXT_TYPES = {cset: h5t.py_create(dtype) for cset, dtype in _TEXT.items()}
_NUMBER_TYPES: dict[np.dtype, h5t.TypeID] = {}


def _read_all(attrs: h5py.AttributeManager) -> dict[str, Any]:
    values = {}
    for index in range(h5a.get_num_attrs(attrs._id)):
        attr = h5a.open(attrs._id, index=index)
        name = attr.name.decode("utf-8")
        value = _read_common(attr)
        values[name] = attrs[name] if value is MISSING else value
    return values


def _read_common(attr: h5a.AttrID) -> Any:
    """The value of a scalar text or number attribute; MISSING for any other kind."""
    if attr.get_space().get_simple_extent_type() != h5s.SCALAR:
        return MISSING
    htype = attr.get_type()
    kind = htype.get_class()
    if kind == h5t.STRING and htype.is_variable_str():
        cset = htype.get_cset()
        if cset not in _TEXT:
            return MISSING
        arr = np.zeros((), dtype=_TEXT[cset])
        attr.read(arr, mtype=_TEXT_TYPES[cset])
        value = arr[()]
        return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value
    if kind in (h5t.INTEGER, h5t.FLOAT):
        dtype = htype.dtype
        mtype = _NUMBER_TYPES.get(dtype)
        if mtype is None:
            mtype = _NUMBER_TYPES[dtype] = h5t.py_create(dtype)
        arr = np.zeros((), dtype=dtype)
        attr.read(arr, mtype=mtype)
        return arr[()]
    return MISSING
