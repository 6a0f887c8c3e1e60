"""``SpikeSliceStack``: ``times`` (S, 2) ms and ``spike_stack/0..S-1``, each a SpikeData body.

Attr ``N`` (units) and optional ``neuron_attributes/`` as in 0.1.2. The unit count of an
empty stack (no slices) comes back from ``N``.
"""

from __future__ import annotations

import h5py

from ...spikedata import SpikeData, SpikeSliceStack
from ..attrmemo import get_attr
from .common import child_group, inconsistent, read_times, rebuilding, write_times
from .neuron_attrs import (check_neuron_attributes, decode_neuron_attributes,
                           encode_neuron_attributes)
from .registry import Codec, register
from .spikedata import check as check_slice
from .spikedata import decode_body, encode_body

__all__ = ["CODEC"]


def check(sss: SpikeSliceStack, where: str) -> None:
    """Every slice is a sound SpikeData, all with the stack's ``N``, and the stack takes
    its parts back as :func:`decode` gives them (stacks are stored as built: the rules a
    stack is built by, e.g. one start time for all slices, are not asked again)."""
    slices = sss.spike_stack
    if not isinstance(slices, (list, tuple)) or not all(isinstance(sd, SpikeData)
                                                       for sd in slices):
        raise inconsistent(where, "SpikeSliceStack", "spike_stack is not a list of SpikeData")
    for i, sd in enumerate(slices):
        check_slice(sd, f"{where}.spike_stack[{i}]")
    if sss.times is None or len(sss.times) != len(slices):
        raise inconsistent(where, "SpikeSliceStack", f"{len(slices)} slices but times is "
                                                     f"{sss.times!r}")
    with rebuilding("SpikeSliceStack", where):
        SpikeSliceStack._assemble(list(slices), sss.times, sss.neuron_attributes, sss.N)
    units = {sd.N for sd in slices} or {sss.N}
    attrs = sss.neuron_attributes
    if units != {sss.N} or (attrs is not None and len(attrs) != sss.N):
        raise inconsistent(where, "SpikeSliceStack", f"N is {sss.N!r} but the slices have "
                           f"{sorted(units)} units and neuron_attributes "
                           f"{'None' if attrs is None else len(attrs)}")
    check_neuron_attributes(attrs, where)


def encode(group: h5py.Group, sss: SpikeSliceStack) -> None:
    group.attrs["N"] = int(sss.N)
    write_times(group, sss.times)
    slices = child_group(group, "spike_stack")
    for i, sd in enumerate(sss.spike_stack):
        encode_body(child_group(slices, str(i)), sd)
    encode_neuron_attributes(group, sss.neuron_attributes)


def decode(group: h5py.Group) -> SpikeSliceStack:
    slices_group = group["spike_stack"]
    slices = [decode_body(slices_group[str(i)]) for i in range(len(slices_group))]
    attrs = decode_neuron_attributes(group)
    # Stored as written: the stack's own checks ran when it was built (files from other
    # writers may hold stacks those checks would now refuse, e.g. mixed start times).
    n_units = slices[0].N if slices else int(get_attr(group.attrs, "N", 0))
    return SpikeSliceStack._assemble(slices, read_times(group) or [], attrs, n_units)


def _length_summary(times: list[tuple[float, float]]) -> float | tuple[float, float] | None:
    """One duration (ms) if all slices share it, else (shortest, longest); None if empty."""
    if not times:
        return None
    durations = [float(b - a) for a, b in times]
    lo, hi = min(durations), max(durations)
    return lo if lo == hi else (lo, hi)


def summary(sss: SpikeSliceStack) -> dict:
    return {"type": "SpikeSliceStack", "N_slices": len(sss.spike_stack), "N_units": int(sss.N),
            "length_ms": _length_summary(sss.times)}


def peek(group: h5py.Group) -> dict:
    times = read_times(group) or []
    return {"type": "SpikeSliceStack", "N_slices": len(group["spike_stack"]),
            "N_units": int(get_attr(group.attrs, "N", 0)), "length_ms": _length_summary(times)}


CODEC = register(Codec("SpikeSliceStack", SpikeSliceStack, encode, decode, summary, peek, check))
