"""``RateData``: ``inst_Frate_data`` (U, T) float64 and ``times`` (T,) in ms.

Layout (0.1.2) plus the attribute ``rate_unit`` (e.g. ``"Hz"``), which 0.1.2 does not
persist and ignores when reading; absent means None.
"""

from __future__ import annotations

import h5py
import numpy as np

from ...errors import UnsupportedTypeError
from ...spikedata import RateData
from ..names import check_text
from .common import inconsistent, read_array, read_str_attr, require_array, write_array
from .neuron_attrs import (check_neuron_attributes, decode_neuron_attributes,
                           encode_neuron_attributes)
from .registry import Codec, register

__all__ = ["CODEC"]


def check(rd: RateData, where: str) -> None:
    """(U, T) rates with T times and U neuron attribute dicts, as the constructor makes it
    (not rebuilt here: the constructor copies the rates, which may be large)."""
    data = require_array(rd.inst_Frate_data, where, "RateData", "inst_Frate_data", 2)
    times = require_array(rd.times, where, "RateData", "times", 1)
    if times.shape[0] != data.shape[1]:
        raise inconsistent(where, "RateData", f"inst_Frate_data has {data.shape[1]} time "
                                              f"points but times has {times.shape[0]}")
    attrs = rd.neuron_attributes
    if attrs is not None and len(attrs) != data.shape[0]:
        raise inconsistent(where, "RateData", f"neuron_attributes has {len(attrs)} entries "
                                              f"for {data.shape[0]} units")
    check_neuron_attributes(attrs, where)
    if rd.rate_unit is not None:
        if not isinstance(rd.rate_unit, str):
            raise UnsupportedTypeError(
                f"{where}.rate_unit must be a str or None, got {type(rd.rate_unit).__name__}")
        check_text(rd.rate_unit, f"{where}.rate_unit")


def encode(group: h5py.Group, rd: RateData) -> None:
    write_array(group, "inst_Frate_data", np.asarray(rd.inst_Frate_data, dtype=np.float64))
    write_array(group, "times", np.asarray(rd.times, dtype=np.float64))
    if rd.rate_unit is not None:
        group.attrs["rate_unit"] = rd.rate_unit
    encode_neuron_attributes(group, rd.neuron_attributes)


def decode(group: h5py.Group) -> RateData:
    return RateData(
        read_array(group["inst_Frate_data"]),
        read_array(group["times"]),
        neuron_attributes=decode_neuron_attributes(group),
        rate_unit=read_str_attr(group.attrs, "rate_unit"),
    )


def summary(rd: RateData) -> dict:
    return {"type": "RateData", "shape": tuple(rd.inst_Frate_data.shape)}


def peek(group: h5py.Group) -> dict:
    return {"type": "RateData", "shape": tuple(group["inst_Frate_data"].shape)}


CODEC = register(Codec("RateData", RateData, encode, decode, summary, peek, check))
