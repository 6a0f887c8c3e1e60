"""Whole items: tag a group with its codec and write, read, check or summarise through it."""

from __future__ import annotations

from typing import Any

import h5py

from ...ondisk import OWN_TYPE_ATTR, TYPE_ATTR
from .registry import codec_for, codec_for_tag, read_tag

__all__ = ["encode_item", "decode_item", "check_item", "summarize", "peek_item"]


def encode_item(group: h5py.Group, obj: Any) -> None:
    """Write ``obj`` into the empty ``group`` and tag it with the codec's ``__type__``
    (or with the type 0.1.2 reads it as, plus our own tag: see :class:`Codec`)."""
    codec = codec_for(obj)
    written = codec.tag_for(obj)
    group.attrs[TYPE_ATTR] = written
    if written != codec.tag:
        group.attrs[OWN_TYPE_ATTR] = codec.tag
    codec.encode(group, obj)


def decode_item(group: h5py.Group) -> Any:
    """Rebuild the object stored in ``group`` (dispatch on its ``__type__``)."""
    return codec_for_tag(read_tag(group), group.name).decode(group)


def check_item(obj: Any, where: str) -> None:
    """Raise if ``obj`` cannot be stored; ``where`` names the place for the message."""
    codec_for(obj, where).check(obj, where)


def summarize(obj: Any) -> dict:
    """Index fields (``type`` first) of ``obj``."""
    return codec_for(obj).summary(obj)


def peek_item(group: h5py.Group) -> dict:
    """Index fields of the item in ``group``, from attributes and dataset shapes."""
    return codec_for_tag(read_tag(group), group.name).peek(group)
