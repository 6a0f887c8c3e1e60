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
    values = {name: attrs[name] for name in attrs}
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
