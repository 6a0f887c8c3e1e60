"""``RateSliceStack``: ``event_stack`` (U, T, S) float64, ``times`` (S, 2) ms, ``step_size``."""

from __future__ import annotations

import h5py
import numpy as np

from ...spikedata import RateSliceStack
from .common import read_times, write_array, write_times
from .neuron_attrs import (check_neuron_attributes, decode_neuron_attributes,
                           encode_neuron_attributes)
from .registry import Codec, register

__all__ = ["CODEC"]


def check(rss: RateSliceStack, where: str) -> None:
    check_neuron_attributes(rss.neuron_attributes, where)


def encode(group: h5py.Group, rss: RateSliceStack) -> None:
    write_array(group, "event_stack", np.asarray(rss.event_stack, dtype=np.float64))
    write_times(group, rss.times)
    group.attrs["step_size"] = float(rss.step_size)
    encode_neuron_attributes(group, rss.neuron_attributes)


def decode(group: h5py.Group) -> RateSliceStack:
    # As written (a stack without slices included): the stack's checks ran when it was built.
    return RateSliceStack._assemble(group["event_stack"][()], read_times(group),
                                    float(group.attrs["step_size"]), decode_neuron_attributes(group))


def summary(rss: RateSliceStack) -> dict:
    return {"type": "RateSliceStack", "shape": tuple(rss.event_stack.shape)}


def peek(group: h5py.Group) -> dict:
    return {"type": "RateSliceStack", "shape": tuple(group["event_stack"].shape)}


CODEC = register(Codec("RateSliceStack", RateSliceStack, encode, decode, summary, peek, check))
