"""spikelab's own ``.npz`` recordings: plain NumPy arrays, readable without spikelab.

Layout (all times in ms; every array is loaded with ``allow_pickle=False``):

- spike times, either as ``spike_times`` (float64, all units concatenated) plus
  ``spike_times_index`` (int64 cumulative end offsets, one per unit: the workspace layout),
  or as one array per unit named ``unit_0``, ``unit_1``, ... (numbered without gaps);
- ``length_ms`` (scalar; when absent, the last spike minus the start time) and optional
  ``start_time_ms`` (scalar, default 0);
- optional ``attr_<name>`` arrays (one value per unit) giving ``neuron_attributes``;
- optional ``metadata_json`` (0-d string: the metadata as JSON, ndarrays encoded as
  ``{"__ndarray__": true, "dtype", "shape", "values"}``).
"""

from __future__ import annotations

import re
import zipfile

import numpy as np

from ..spikedata import SpikeData
from ._common import (PathLike, attribute_columns, attributes_from_columns, build_spikedata,
                      csr_from_trains, existing_path, metadata_from_json, metadata_to_json,
                      numeric_times, recording_error, trains_from_csr)

__all__ = ["load_npz", "save_npz"]

_UNIT_KEY = re.compile(r"unit_(\d+)")
_ATTR_PREFIX = "attr_"


def save_npz(sd: SpikeData, path: PathLike, *, compressed: bool = True) -> None:
    """Write ``sd`` as a spikelab ``.npz`` (CSR layout, attributes, metadata as JSON).

    Parameters
    ----------
    sd : SpikeData
        The recording; spike times are stored in ms exactly as they are.
    path : str or PathLike
        Target file; NumPy appends ``.npz`` when the name lacks it.
    compressed : bool
        Use ``np.savez_compressed`` (default) rather than ``np.savez``.
    """
    times, ends = csr_from_trains(sd.train)
    arrays: dict[str, np.ndarray] = {
        "spike_times": times, "spike_times_index": ends,
        "length_ms": np.float64(sd.length), "start_time_ms": np.float64(sd.start_time),
    }
    for name, column in attribute_columns(sd.neuron_attributes).items():
        arrays[_ATTR_PREFIX + name] = column
    if sd.metadata:
        arrays["metadata_json"] = np.asarray(metadata_to_json(sd.metadata))
    (np.savez_compressed if compressed else np.savez)(path, **arrays)


def load_npz(path: PathLike) -> SpikeData:
    """Load a spikelab ``.npz`` recording (layout in the module docstring).

    Raises
    ------
    FileNotFoundError
        Nothing at ``path``.
    RecordingError
        Not an npz archive, no spike-time arrays, inconsistent index or lengths.
    """
    p = existing_path(path)
    arrays = _read_arrays(p)
    trains = _trains(arrays, p)
    kwargs: dict = {"start_time": _scalar(arrays, "start_time_ms", p, 0.0)}
    if "length_ms" in arrays:
        kwargs["length"] = _scalar(arrays, "length_ms", p, None)
    columns = {k[len(_ATTR_PREFIX):]: v for k, v in arrays.items() if k.startswith(_ATTR_PREFIX)}
    for name, column in columns.items():
        if column.shape != (len(trains),):
            raise recording_error(p, f"{_ATTR_PREFIX}{name} has shape {column.shape}, "
                                     f"expected ({len(trains)},): one value per unit")
    kwargs["neuron_attributes"] = attributes_from_columns(columns, len(trains))
    if "metadata_json" in arrays:
        kwargs["metadata"] = metadata_from_json(str(arrays["metadata_json"]), p)
    return build_spikedata(p, trains, **kwargs)


def _read_arrays(path) -> dict[str, np.ndarray]:
    unreadable = (OSError, ValueError, EOFError, zipfile.BadZipFile)
    try:
        loaded = np.load(path, allow_pickle=False)
    except unreadable as exc:
        raise recording_error(path, f"not a readable .npz archive ({exc})") from None
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise recording_error(path, "is a single .npy array, not an .npz archive")
    with loaded:
        try:
            return {k: loaded[k] for k in loaded.files}
        except unreadable as exc:  # a damaged member, or an object array (would need pickle)
            raise recording_error(path, f"has an unreadable array ({exc})") from None


def _trains(arrays: dict[str, np.ndarray], path) -> list[np.ndarray]:
    if "spike_times" in arrays:
        if "spike_times_index" not in arrays:
            raise recording_error(path, "has spike_times but no spike_times_index")
        times = numeric_times(arrays["spike_times"], path, "spike_times")
        return trains_from_csr(times, arrays["spike_times_index"], path)
    numbers = sorted(int(m.group(1)) for k in arrays if (m := _UNIT_KEY.fullmatch(k)))
    if not numbers:
        raise recording_error(path, "no spike times: expected 'spike_times' + 'spike_times_index'"
                                    f" or 'unit_0', 'unit_1', ...; found {sorted(arrays)}")
    if numbers != list(range(len(numbers))):
        missing = sorted(set(range(numbers[-1] + 1)) - set(numbers))
        raise recording_error(path, f"unit arrays must be numbered 0..N-1; missing "
                                    f"{['unit_%d' % i for i in missing[:5]]}")
    return [numeric_times(arrays[f"unit_{i}"], path, f"unit_{i}") for i in numbers]


def _scalar(arrays: dict[str, np.ndarray], key: str, path, default):
    if key not in arrays:
        return default
    value = arrays[key]
    if value.size != 1 or value.dtype.kind not in "iuf":
        raise recording_error(path, f"{key} must be a single number, got {value.dtype} "
                                    f"with shape {value.shape}")
    return float(value.ravel()[0])
