"""``RateSliceStack``: ``event_stack`` (U, T, S) float64, ``times`` (S, 2) ms, ``step_size``.

0.1.2 reads a stack through its constructor, which refuses a stack without slices (S = 0,
what the workflow stores when no burst fits a window) or without time bins (T = 0): one
such item would make 0.1.2 refuse the whole workspace. Such a stack is written as the
``ndarray`` 0.1.2 reads (``__type__ = "ndarray"``, its (U, T, S) rates as ``data``), with
``__spikelab_type__ = "RateSliceStack"`` and the usual ``times``, ``step_size`` and
``neuron_attributes`` next to it, from which this package rebuilds the exact stack.
"""

from __future__ import annotations

import h5py
import numpy as np

from ...spikedata import RateSliceStack
from ..attrmemo import get_attr
from . import ndarray
from .common import (inconsistent, read_array, read_times, rebuilding, require_array,
                     write_array, write_times)
from .neuron_attrs import (check_neuron_attributes, decode_neuron_attributes,
                           encode_neuron_attributes)
from .registry import Codec, register

__all__ = ["CODEC"]

_STACK = "event_stack"
_AS_ARRAY = "data"  # the dataset 0.1.2 reads from an ndarray item


def _reference_builds(rss: RateSliceStack) -> bool:
    """Whether 0.1.2's constructor accepts the stack's shape (at least one bin and slice)."""
    return 0 not in rss.event_stack.shape[1:]


def written_tag(rss: RateSliceStack) -> str:
    return CODEC.tag if _reference_builds(rss) else ndarray.CODEC.tag


def _stack(group: h5py.Group) -> h5py.Dataset:
    return group[_STACK] if _STACK in group else group[_AS_ARRAY]


def check(rss: RateSliceStack, where: str) -> None:
    """(U, T, S) rates, S windows, a positive step and U neuron attribute dicts: the stack
    takes its parts back as :func:`decode` gives them (no copy of a float64 stack)."""
    require_array(rss.event_stack, where, "RateSliceStack", "event_stack", 3)
    if rss.times is None:
        raise inconsistent(where, "RateSliceStack", "times is None")
    with rebuilding("RateSliceStack", where):
        RateSliceStack._assemble(rss.event_stack, rss.times, rss.step_size,
                                 rss.neuron_attributes)
    check_neuron_attributes(rss.neuron_attributes, where)


def encode(group: h5py.Group, rss: RateSliceStack) -> None:
    write_array(group, _STACK if _reference_builds(rss) else _AS_ARRAY,
                np.asarray(rss.event_stack, dtype=np.float64))
    write_times(group, rss.times)
    group.attrs["step_size"] = float(rss.step_size)
    encode_neuron_attributes(group, rss.neuron_attributes)


def decode(group: h5py.Group) -> RateSliceStack:
    # As written (a stack without slices included): the stack's checks ran when it was built.
    return RateSliceStack._assemble(read_array(_stack(group)), read_times(group),
                                    float(get_attr(group.attrs, "step_size")),
                                    decode_neuron_attributes(group))


def summary(rss: RateSliceStack) -> dict:
    return {"type": "RateSliceStack", "shape": tuple(rss.event_stack.shape)}


def peek(group: h5py.Group) -> dict:
    return {"type": "RateSliceStack", "shape": tuple(_stack(group).shape)}


CODEC = register(Codec("RateSliceStack", RateSliceStack, encode, decode, summary, peek, check,
                       written_tag))
