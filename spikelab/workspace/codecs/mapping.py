"""``dict``: one child group per key (str, a valid link name), values by the value codec.

Keys keep their order (the group tracks creation order). See :mod:`.values` for leaves.
"""

from __future__ import annotations

import h5py

from ..names import check_name
from . import values
from .registry import Codec, register

__all__ = ["CODEC"]


def check(d: dict, where: str) -> None:
    for key, value in d.items():
        check_name(key, "dict key", where)
        values.check_value(value, f"{where}[{key!r}]")


def encode(group: h5py.Group, d: dict) -> None:
    for key, value in d.items():
        values.encode_value(group, key, value)


def decode(group: h5py.Group) -> dict:
    return {key: values.decode_value(child) for key, child in group.items()}


def summary(d: dict) -> dict:
    return {"type": "dict"}


def peek(group: h5py.Group) -> dict:
    return {"type": "dict"}


CODEC = register(Codec("dict", dict, encode, decode, summary, peek, check))
