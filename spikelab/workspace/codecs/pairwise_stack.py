"""``PairwiseCompMatrixStack``: ``stack`` (n, n, S) float64, optional ``labels`` and
``times`` (S, 2) ms, ``__metadata__``."""

from __future__ import annotations

import h5py
import numpy as np

from ...spikedata import PairwiseCompMatrixStack
from .common import (inconsistent, read_array, read_times, rebuilding, require_array, write_array,
                     write_times)
from .jsonmeta import check_metadata, decode_metadata, encode_metadata
from .labels import check_labels, decode_labels, encode_labels
from .registry import Codec, register

__all__ = ["CODEC"]


def check(stack: PairwiseCompMatrixStack, where: str) -> None:
    """Its constructor accepts its fields (no copy for a float64 array)."""
    require_array(stack.stack, where, "PairwiseCompMatrixStack", "stack", 3)
    with rebuilding("PairwiseCompMatrixStack", where):
        PairwiseCompMatrixStack(stack.stack, stack.labels, stack.times, stack.metadata)
    if not isinstance(stack.metadata, dict):
        raise inconsistent(where, "PairwiseCompMatrixStack", "metadata is not a dict")
    check_labels(stack.labels, where)
    check_metadata(stack.metadata, where)


def encode(group: h5py.Group, stack: PairwiseCompMatrixStack) -> None:
    write_array(group, "stack", np.asarray(stack.stack, dtype=np.float64))
    encode_labels(group, stack.labels)
    write_times(group, stack.times)
    encode_metadata(group, stack.metadata)


def decode(group: h5py.Group) -> PairwiseCompMatrixStack:
    return PairwiseCompMatrixStack(
        read_array(group["stack"]), decode_labels(group), read_times(group), decode_metadata(group)
    )


def summary(stack: PairwiseCompMatrixStack) -> dict:
    return {"type": "PairwiseCompMatrixStack", "shape": tuple(stack.stack.shape)}


def peek(group: h5py.Group) -> dict:
    return {"type": "PairwiseCompMatrixStack", "shape": tuple(group["stack"].shape)}


CODEC = register(Codec("PairwiseCompMatrixStack", PairwiseCompMatrixStack, encode, decode,
                       summary, peek, check))
