"""``PairwiseCompMatrix``: ``matrix`` (n, n) float64, optional ``labels``, ``__metadata__``."""

from __future__ import annotations

import h5py
import numpy as np

from ...spikedata import PairwiseCompMatrix
from .common import inconsistent, read_array, rebuilding, require_array, write_array
from .jsonmeta import check_metadata, decode_metadata, encode_metadata
from .labels import check_labels, decode_labels, encode_labels
from .registry import Codec, register

__all__ = ["CODEC"]


def check(pcm: PairwiseCompMatrix, where: str) -> None:
    """Its constructor accepts its fields (no copy for a float64 array)."""
    require_array(pcm.matrix, where, "PairwiseCompMatrix", "matrix", 2)
    with rebuilding("PairwiseCompMatrix", where):
        PairwiseCompMatrix(pcm.matrix, pcm.labels, pcm.metadata)
    if not isinstance(pcm.metadata, dict):
        raise inconsistent(where, "PairwiseCompMatrix", "metadata is not a dict")
    check_labels(pcm.labels, where)
    check_metadata(pcm.metadata, where)


def encode(group: h5py.Group, pcm: PairwiseCompMatrix) -> None:
    write_array(group, "matrix", np.asarray(pcm.matrix, dtype=np.float64))
    encode_labels(group, pcm.labels)
    encode_metadata(group, pcm.metadata)


def decode(group: h5py.Group) -> PairwiseCompMatrix:
    return PairwiseCompMatrix(
        read_array(group["matrix"]), decode_labels(group), decode_metadata(group)
    )


def summary(pcm: PairwiseCompMatrix) -> dict:
    return {"type": "PairwiseCompMatrix", "shape": tuple(pcm.matrix.shape)}


def peek(group: h5py.Group) -> dict:
    return {"type": "PairwiseCompMatrix", "shape": tuple(group["matrix"].shape)}


CODEC = register(Codec("PairwiseCompMatrix", PairwiseCompMatrix, encode, decode, summary, peek,
                       check))
