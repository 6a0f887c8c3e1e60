"""Helpers shared by the recording loaders: path checks, errors, ragged arrays, JSON metadata."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import RecordingError
from ..ondisk import NDARRAY_SENTINEL
from ..spikedata import SpikeData

__all__ = ["existing_path", "recording_error", "trains_from_csr",
           "csr_from_trains",
           "metadata_to_json", "metadata_from_json", "attribute_columns",
           "attributes_from_columns", "build_spikedata", "unit_ids", "numeric_times"]

PathLike = str | os.PathLike


def existing_path(path: PathLike) -> Path:
    """``Path(path)``, or FileNotFoundError naming it when nothing is there."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(errno.ENOENT, "recording not found", str(p))
    return p


def recording_error(path: PathLike, problem: str) -> RecordingError:
    """A RecordingError whose message starts with the file it is about."""
    return RecordingError(f"{os.fspath(path)}: {problem}")


def trains_from_csr(times: np.ndarray, ends: np.ndarray, path: PathLike,
                    what: str = "spike_times_index") -> list[np.ndarray]:
    """Split flat spike times by cumulative end offsets (``ends[i]`` = end of unit ``i``).

    Raises RecordingError when the offsets are not a valid partition of ``times``.
    """
    ends = np.asarray(ends)
    if ends.ndim != 1 or (ends.size and not np.issubdtype(ends.dtype, np.integer)):
        raise recording_error(path, f"{what} must be a 1-D integer array, got "
                                    f"{ends.dtype} with shape {ends.shape}")
    if ends.size and (ends[0] < 0 or np.any(np.diff(ends) < 0)):
        raise recording_error(path, f"{what} must be non-decreasing and non-negative")
    total = int(ends[-1]) if ends.size else 0
    if total != times.size:
        raise recording_error(path, f"{what} ends at {total} but there are {times.size} "
                                    "spike times")
    starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)
    return [times[a:b] for a, b in zip(starts, ends.astype(np.int64), strict=True)]


def numeric_times(values: Any, path: PathLike, what: str, scale: float = 1.0) -> np.ndarray:
    """``values`` as flat float64 spike times times ``scale``; RecordingError naming ``path``
    and ``what`` unless they are numbers (strings that look like numbers are not: a file
    holding text where times belong is damaged, not a recording to guess at)."""
    array = np.asarray(values)
    if array.dtype.kind not in "iuf":
        raise recording_error(path, f"{what} must hold numbers (spike times), got dtype "
                                    f"{array.dtype}")
    return array.astype(np.float64).ravel() * scale


def csr_from_trains(trains: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Flat float64 times and int64 cumulative end offsets (the workspace layout)."""
    flat = np.concatenate(list(trains)).astype(np.float64) if len(trains) else np.empty(0)
    ends = np.cumsum([t.size for t in trains], dtype=np.int64)
    return flat, ends


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in "biufU":
            raise TypeError(f"cannot store a {obj.dtype} array in recording metadata")
        return {NDARRAY_SENTINEL: True, "dtype": obj.dtype.str, "shape": list(obj.shape),
                "values": obj.ravel().tolist()}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    raise TypeError(f"cannot store a {type(obj).__name__} in recording metadata")


def _json_hook(obj: dict) -> Any:
    if obj.get(NDARRAY_SENTINEL) is True:
        return np.asarray(obj["values"], dtype=np.dtype(obj["dtype"])).reshape(obj["shape"])
    return obj


def metadata_to_json(metadata: dict) -> str:
    """JSON text for a metadata dict; ndarrays as ``{"__ndarray__": true, dtype, shape, values}``.

    NaN/inf floats are kept (Python's JSON extension), as in the workspace format.
    """
    return json.dumps(metadata, default=_json_default, sort_keys=True)


def metadata_from_json(text: str, path: PathLike) -> dict:
    """Inverse of :func:`metadata_to_json` (plain data: nothing is executed)."""
    try:
        value = json.loads(text, object_hook=_json_hook)
    except (ValueError, TypeError, KeyError) as exc:
        raise recording_error(path, f"metadata is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise recording_error(path, f"metadata JSON must be an object, got {type(value).__name__}")
    return value


def attribute_columns(attrs: Sequence[dict] | None) -> dict[str, np.ndarray]:
    """Neuron attributes as one 1-D array per name, for formats that store columns.

    Only attributes present for every unit with scalar values of one kind (numbers, bools or
    strings) are columns; others cannot be stored as a column and are skipped.
    """
    if not attrs:
        return {}
    names = [k for k in attrs[0] if all(k in a for a in attrs)]
    columns = {}
    for name in names:
        values = [a[name] for a in attrs]
        if all(isinstance(v, (bool, np.bool_)) for v in values):
            columns[name] = np.asarray(values, dtype=bool)
        elif all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                 for v in values):
            columns[name] = np.asarray(values)
        elif all(isinstance(v, str) for v in values):
            columns[name] = np.asarray(values, dtype=str)
    return columns


def attributes_from_columns(columns: dict[str, np.ndarray], n_units: int) -> list[dict] | None:
    """Inverse of :func:`attribute_columns`: one dict per unit with Python scalars.

    Every column must hold ``n_units`` values: readers check that against the file, to
    name it in the error (a ValueError here means a reader missed a check).
    """
    if not columns:
        return None
    attrs: list[dict] = [{} for _ in range(n_units)]
    for name, values in columns.items():
        for attr, value in zip(attrs, np.asarray(values).tolist(), strict=True):
            attr[name] = value
    return attrs


def build_spikedata(path: PathLike, trains: Sequence[np.ndarray], **kwargs: Any) -> SpikeData:
    """``SpikeData(trains, **kwargs)``, its invariant violations reported against ``path``."""
    try:
        return SpikeData(trains, **kwargs)
    except ValueError as exc:
        raise recording_error(path, f"inconsistent recording: {exc}") from None


def unit_ids(sd: SpikeData) -> np.ndarray:
    """The ``unit_id`` attributes when they are distinct non-negative integers, else 0..N-1."""
    ids = [a.get("unit_id") for a in sd.neuron_attributes] if sd.neuron_attributes else []
    valid = all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) and i >= 0
                for i in ids)
    if len(ids) == sd.N and valid and len(set(ids)) == sd.N:
        return np.asarray(ids, dtype=np.int64)
    return np.arange(sd.N, dtype=np.int64)
