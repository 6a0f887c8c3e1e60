"""``SpikeData``: all trains concatenated plus their end offsets, window and metadata attrs.

Layout (0.1.2): ``spike_times`` (float64, trains concatenated), ``spike_times_index``
(int64 cumulative end offsets, one per unit), optional ``raw_data``/``raw_time`` (only when
non-empty), optional ``neuron_attributes/``; attrs ``length_ms``, ``start_time``, ``N``,
``__metadata__``. Empty-but-shaped raw arrays, which 0.1.2 cannot tell from "no raw data",
are kept exactly under ``__spikelab__/`` when present.
"""

from __future__ import annotations

import h5py
import numpy as np

from ...spikedata import SpikeData
from ..attrmemo import get_attr
from ...ondisk import EXTRAS
from .common import (extras_group, get_extras, inconsistent, read_array, rebuilding,
                     require_array, strict_equal, write_array)
from .jsonmeta import check_metadata, decode_metadata, encode_metadata
from .ndarray import check_dtype
from .neuron_attrs import (check_neuron_attributes, decode_neuron_attributes,
                           encode_neuron_attributes)
from .registry import Codec, register

__all__ = ["encode_body", "decode_body", "check", "CODEC"]


def _check_trains(sd: SpikeData, where: str) -> list[np.ndarray]:
    """The trains as stored: one sorted 1-D array of finite times (ms) per unit, N of them."""
    trains = sd.train
    if not isinstance(trains, (list, tuple)):
        raise inconsistent(where, "SpikeData", f"train is a {type(trains).__name__}, not a list "
                                               "of arrays")
    for unit, times in enumerate(trains):
        times = require_array(times, where, "SpikeData", f"train[{unit}]", 1)
        if times.size and not np.isfinite(times).all():
            raise inconsistent(where, "SpikeData", f"unit {unit} has NaN or infinite spike times")
        if times.size > 1 and not (times[1:] >= times[:-1]).all():
            raise inconsistent(where, "SpikeData", f"the spike times of unit {unit} are not sorted")
    if isinstance(sd.N, bool) or not isinstance(sd.N, (int, np.integer)) or sd.N != len(trains):
        raise inconsistent(where, "SpikeData", f"N is {sd.N!r} but there are {len(trains)} trains")
    return list(trains)


def check(sd: SpikeData, where: str) -> None:
    """Storable, and reading it back gives it back: its own constructor accepts its fields.

    The constructor is run on each train's first and last spike only (the window check
    needs no more), so the check costs one pass over the spike times and no copy.
    """
    trains = _check_trains(sd, where)
    raw_time = sd.raw_time
    if not isinstance(raw_time, np.ndarray) or raw_time.ndim != 1:
        raise inconsistent(where, "SpikeData", "raw_time is not a 1-D array of times (ms)")
    with rebuilding("SpikeData", where):
        SpikeData([t[[0, -1]] if t.size else t for t in trains], N=len(trains),
                  length=sd.length, start_time=sd.start_time,
                  neuron_attributes=sd.neuron_attributes, raw_data=np.asarray(sd.raw_data),
                  raw_time=raw_time)
    if not isinstance(sd.metadata, dict):
        raise inconsistent(where, "SpikeData", f"metadata is a {type(sd.metadata).__name__}, "
                                               "not a dict")
    check_metadata(sd.metadata, where)
    check_neuron_attributes(sd.neuron_attributes, where)
    check_dtype(np.asarray(sd.raw_data).dtype, f"{where}.raw_data")


def _raw_as_reference_reads(raw_data: np.ndarray, raw_time: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray]:
    """What 0.1.2 gives back for these raw arrays (it writes only the non-empty ones)."""
    if raw_data.size:
        return raw_data, raw_time
    if raw_time.size:
        return np.zeros((0, raw_time.shape[0])), raw_time
    return np.zeros((0, 0)), np.zeros(0)


def _encode_raw(group: h5py.Group, raw_data: np.ndarray, raw_time: np.ndarray) -> None:
    if raw_data.size:
        write_array(group, "raw_data", raw_data)
    if raw_time.size:
        write_array(group, "raw_time", raw_time)
    back_data, back_time = _raw_as_reference_reads(raw_data, raw_time)
    if not (strict_equal(back_data, raw_data) and strict_equal(back_time, raw_time)):
        extras = extras_group(group)
        write_array(extras, "raw_data", raw_data)
        write_array(extras, "raw_time", raw_time)


def encode_body(group: h5py.Group, sd: SpikeData) -> None:
    """Write ``sd`` into ``group`` (also used for the slices of a SpikeSliceStack)."""
    lengths = [t.size for t in sd.train]
    flat = np.concatenate(sd.train) if sum(lengths) else np.zeros(0)
    write_array(group, "spike_times", np.asarray(flat, dtype=np.float64))
    write_array(group, "spike_times_index", np.cumsum(lengths, dtype=np.int64))
    group.attrs["length_ms"] = float(sd.length)
    group.attrs["start_time"] = float(sd.start_time)
    group.attrs["N"] = int(sd.N)
    encode_metadata(group, sd.metadata)
    _encode_raw(group, np.asarray(sd.raw_data), np.asarray(sd.raw_time))
    encode_neuron_attributes(group, sd.neuron_attributes)


def _decode_raw(group: h5py.Group) -> tuple[np.ndarray | None, np.ndarray | None]:
    source = group[EXTRAS] if get_extras(group, "raw_data") is not None else group
    raw_data = read_array(source["raw_data"]) if "raw_data" in source else None
    raw_time = read_array(source["raw_time"]) if "raw_time" in source else None
    if raw_data is None and raw_time is not None:  # 0.1.2 drops an empty raw_data
        raw_data = np.zeros((0, np.atleast_1d(raw_time).shape[0]))
    if raw_time is None and raw_data is not None:
        raw_time = np.zeros(0)
    return raw_data, raw_time


def decode_body(group: h5py.Group) -> SpikeData:
    """Rebuild a SpikeData from a group written by :func:`encode_body` or by 0.1.2."""
    flat = np.asarray(read_array(group["spike_times"]), dtype=np.float64)
    ends = np.asarray(read_array(group["spike_times_index"]), dtype=np.int64)
    trains = np.split(flat, ends[:-1]) if ends.size else []
    raw_data, raw_time = _decode_raw(group)
    return SpikeData(
        trains,
        N=int(get_attr(group.attrs, "N")),
        length=float(get_attr(group.attrs, "length_ms")),
        start_time=float(get_attr(group.attrs, "start_time", 0.0)),
        neuron_attributes=decode_neuron_attributes(group),
        metadata=decode_metadata(group),
        raw_data=raw_data,
        raw_time=raw_time,
    )


def summary(sd: SpikeData) -> dict:
    return {"type": "SpikeData", "N": int(sd.N), "length_ms": float(sd.length),
            "start_time": float(sd.start_time)}


def peek(group: h5py.Group) -> dict:
    return {"type": "SpikeData", "N": int(get_attr(group.attrs, "N")),
            "length_ms": float(get_attr(group.attrs, "length_ms")),
            "start_time": float(get_attr(group.attrs, "start_time", 0.0))}


CODEC = register(Codec("SpikeData", SpikeData, encode_body, decode_body, summary, peek, check))
