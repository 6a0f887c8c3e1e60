"""The codec registry: one codec per stored type, found by type (MRO walk) or by tag.

A codec turns one kind of object into the contents of an HDF5 group and back. Each codec
module builds a :class:`Codec` and registers it in one line; nothing else in the package
dispatches on types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import h5py

from ...ondisk import OWN_TYPE_ATTR, TYPE_ATTR
from ...errors import UnknownItemTypeError, UnsupportedTypeError
from ..attrmemo import get_attr

__all__ = ["Codec", "register", "codec_for", "codec_for_tag", "known_tags", "read_tag"]

#: Set on an item written under another type's ``__type__`` (a form 0.1.2 reads, for an
#: object 0.1.2 cannot build, e.g. a RateSliceStack without slices): the tag we read it by.


def _no_check(obj: Any, where: str) -> None:
    """Default store-time check: the type alone makes the object storable."""


@dataclass(frozen=True)
class Codec:
    """How one type is written to and read from an HDF5 group.

    Attributes
    ----------
    tag : str
        Value of the group's ``__type__`` attribute (the 0.1.2 names).
    type : type
        The Python type handled (subclasses are handled too, via the MRO).
    encode : callable(group, obj)
        Write ``obj`` into the empty ``group`` (datasets and attributes, no ``__type__``).
    decode : callable(group) -> obj
        Rebuild the object from ``group``.
    summary : callable(obj) -> dict
        Index entry fields (``type`` plus shape-like facts) computed from the object.
    peek : callable(group) -> dict
        The same fields computed from the stored group, reading attributes and dataset
        shapes only (the lazy workspace builds its index with it).
    check : callable(obj, where)
        Raise if ``obj`` cannot be written (run by ``store`` before anything changes).
    written_tag : callable(obj) -> str, optional
        The ``__type__`` to write for ``obj`` when 0.1.2 could not read it under ``tag``
        (the item then also gets :data:`OWN_TYPE_ATTR` = ``tag``); None: always ``tag``.
    """

    tag: str
    type: type
    encode: Callable[[h5py.Group, Any], None]
    decode: Callable[[h5py.Group], Any]
    summary: Callable[[Any], dict]
    peek: Callable[[h5py.Group], dict]
    check: Callable[[Any, str], None] = _no_check
    written_tag: Callable[[Any], str] | None = None

    def tag_for(self, obj: Any) -> str:
        """The ``__type__`` written for ``obj``: :attr:`tag` unless :attr:`written_tag` says."""
        return self.tag if self.written_tag is None else self.written_tag(obj)


_BY_TYPE: dict[type, Codec] = {}
_BY_TAG: dict[str, Codec] = {}


def register(codec: Codec) -> Codec:
    """Make ``codec`` the handler of its type and its tag."""
    if codec.tag in _BY_TAG or codec.type in _BY_TYPE:
        raise ValueError(f"a codec for tag {codec.tag!r} / type {codec.type!r} already exists")
    _BY_TYPE[codec.type] = codec
    _BY_TAG[codec.tag] = codec
    return codec


def known_tags() -> list[str]:
    """The ``__type__`` tags this package reads, in registration order."""
    return list(_BY_TAG)


def find_codec(obj: Any) -> Codec | None:
    """The codec of the closest registered class in ``type(obj).__mro__``, or None."""
    for klass in type(obj).__mro__:
        codec = _BY_TYPE.get(klass)
        if codec is not None:
            return codec
    return None


def codec_for(obj: Any, where: str = "") -> Codec:
    """The codec for ``obj``; :class:`UnsupportedTypeError` naming type and place if none."""
    codec = find_codec(obj)
    if codec is None:
        at = f" at {where}" if where else ""
        raise UnsupportedTypeError(
            f"cannot store an object of type {type(obj).__module__}.{type(obj).__qualname__}"
            f"{at}; supported types: {', '.join(c.type.__name__ for c in _BY_TAG.values())}"
        )
    return codec


def read_tag(group: h5py.Group) -> str:
    """The tag this package reads ``group`` by, as str: its :data:`OWN_TYPE_ATTR` if set,
    else its ``__type__`` ('' when absent)."""
    tag = get_attr(group.attrs, OWN_TYPE_ATTR, None)
    if tag is None:
        tag = get_attr(group.attrs, TYPE_ATTR, "")
    return tag.decode("utf-8") if isinstance(tag, bytes) else str(tag)


def codec_for_tag(tag: str, where: str = "") -> Codec:
    """The codec reading ``tag``; :class:`UnknownItemTypeError` listing known tags if none."""
    codec = _BY_TAG.get(tag)
    if codec is None:
        at = f" at {where}" if where else ""
        shown = repr(tag) if tag else "missing"
        raise UnknownItemTypeError(
            f"unknown item __type__ {shown}{at}; known types: {', '.join(_BY_TAG)}"
        )
    return codec
