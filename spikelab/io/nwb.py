"""NWB files (Neurodata Without Borders 2.x, through pynwb) <-> SpikeData.

Reading takes the ``units`` table: spike times (s -> ms), unit ids, the unit's first
electrode (id, ``rel_x``/``rel_y``/``rel_z`` or ``x``/``y``/``z`` in the electrodes table,
``location``, ``group_name``) and every other scalar unit column into ``neuron_attributes``.
The recording window spans the units' ``obs_intervals``, the interval tables (trials, epochs,
...) and the acquisition time series; without any of those it ends at the last spike.

Writing (:func:`save_nwb`) produces a file that pynwb reads back and that nwbinspector
passes: units with ``obs_intervals`` (so the length round-trips), one electrode per unit
position (``rel_x``, ``rel_y`` in um, since MEA positions are positions on the array),
other scalar attributes as unit columns, and the remaining metadata as JSON in
``scratch/spikelab_metadata``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from hdmf.common import DynamicTableRegion, VectorData, VectorIndex
from pynwb import NWBHDF5IO, NWBFile, TimeSeries
from pynwb.file import Subject
from pynwb.misc import Units

from ..atomicfile import atomic_target, locked
from ..spikedata import SpikeData
from ._common import (PathLike, attribute_columns, build_spikedata, csr_from_trains, existing_path,
                      metadata_from_json, metadata_to_json, numeric_times, recording_error,
                      trains_from_csr, unit_ids)

__all__ = ["load_nwb", "save_nwb", "FILE_FIELDS", "SUBJECT_FIELDS"]

#: The NWB file fields mirrored into ``SpikeData.metadata`` under the same names (read
#: and written).
FILE_FIELDS = ("identifier", "session_id", "session_description", "session_start_time",
               "experiment_description", "lab", "institution")
#: Each metadata key written as a field of the NWB Subject, and that field's name. DANDI
#: (and so nwbinspector) require a subject with id, sex and age; a culture's donor is often
#: unknown, so the defaults say exactly that.
SUBJECT_FIELDS = {"subject_id": "subject_id", "subject_species": "species",
                  "subject_sex": "sex", "subject_age": "age",
                  "subject_description": "description"}
_SUBJECT_DEFAULTS = {"subject_id": "unknown", "sex": "U", "age": "P0D/",
                     "description": "unknown donor (written by spikelab)"}
_OPTIONAL_TEXT = ("session_id", "experiment_description", "lab", "institution")
_SCRATCH = "spikelab_metadata"
# Unit columns that are handled explicitly (or are not one scalar per unit).
_UNIT_SPECIAL = {"spike_times", "obs_intervals", "electrodes", "electrode_group",
                 "waveform_mean", "waveform_sd", "waveforms"}


def load_nwb(path: PathLike) -> SpikeData:
    """Load the units table of an NWB file.

    Returns
    -------
    SpikeData
        Spike times in ms. ``neuron_attributes``: ``unit_id`` (the table's ids), electrode
        fields when units reference electrodes, other scalar columns. ``metadata``: the
        JSON metadata a spikelab writer left in scratch, then the subject fields
        (:data:`~spikelab.io.nwb.SUBJECT_FIELDS`) and the file fields
        :data:`~spikelab.io.nwb.FILE_FIELDS` (``session_start_time`` as an ISO 8601 string).

    Raises
    ------
    FileNotFoundError
        Nothing at ``path``.
    RecordingError
        Not a readable NWB file, no units table, inconsistent spike-time index.
    """
    p = existing_path(path)
    with _open_nwb(p) as (io, nwbfile):
        units = nwbfile.units
        if units is None or "spike_times" not in units.colnames:
            raise recording_error(p, "has no units table with spike_times: load_recording "
                                     "needs spike-sorted units")
        ends = np.asarray(units.spike_times_index.data[:])
        times = numeric_times(units.spike_times.data[:], p, "units/spike_times", scale=1e3)
        trains = trains_from_csr(times, ends, p, "units/spike_times_index")
        attrs = _unit_attributes(nwbfile, units, len(trains), p)
        start, stop = _window_ms(nwbfile, units, trains)
        metadata = _file_metadata(nwbfile, p)
    return build_spikedata(p, trains, start_time=start, length=stop - start,
                           neuron_attributes=attrs, metadata=metadata)


@contextlib.contextmanager
def _open_nwb(path: Path):
    """Yield ``(io, nwbfile)``; any failure to open or parse becomes one RecordingError."""
    try:
        io = NWBHDF5IO(str(path), mode="r")
    except Exception as exc:  # noqa: BLE001 - h5py/hdmf raise many types on a damaged file
        raise recording_error(path, f"is not a readable NWB file ({type(exc).__name__}: {exc})"
                              ) from None
    with io:
        try:
            nwbfile = io.read()
        except Exception as exc:  # noqa: BLE001 - same: HDF5 but not (valid) NWB
            raise recording_error(path, f"is HDF5 but not a readable NWB file "
                                        f"({type(exc).__name__}: {exc})") from None
        yield io, nwbfile


def _unit_attributes(nwbfile: NWBFile, units: Any, n: int, path: Path) -> list[dict]:
    attrs: list[dict[str, Any]] = [{"unit_id": int(i)} for i in units.id.data[:]]
    if "electrodes" in units.colnames and nwbfile.electrodes is not None:
        _add_electrodes(nwbfile.electrodes, units, attrs, path)
    for name in units.colnames:
        column = units[name]
        if name in _UNIT_SPECIAL or type(column).__name__ in ("VectorIndex", "DynamicTableRegion"):
            continue
        values = np.asarray(column.data[:])
        if values.shape == (n,) and values.dtype.kind in "biufSUO":
            for attr, value in zip(attrs, values.tolist(), strict=True):
                attr[name] = value.decode() if isinstance(value, bytes) else value
    return attrs


def _add_electrodes(electrodes: Any, units: Any, attrs: list[dict], path: Path) -> None:
    """The first electrode of each unit: id, position (array coordinates first), location."""
    rows = np.asarray(units.electrodes.data[:], dtype=np.int64)
    ends = np.asarray(units.electrodes_index.data[:], dtype=np.int64)
    starts = np.concatenate([[0], ends[:-1]])
    # A damaged or hand-made file would otherwise give units another unit's electrode (or
    # none) without a word, or fail with an IndexError.
    if ends.size != len(attrs):
        raise recording_error(path, f"units/electrodes_index has {ends.size} entries for "
                                    f"{len(attrs)} units")
    if ends.size and (np.any(np.diff(ends, prepend=0) < 0) or ends[-1] > rows.size):
        raise recording_error(path, "units/electrodes_index is not an increasing index into "
                                    f"units/electrodes ({rows.size} entries)")
    if rows.size and (rows.min() < 0 or rows.max() >= len(electrodes)):
        raise recording_error(path, f"units/electrodes names rows outside the electrodes "
                                    f"table ({len(electrodes)} rows)")
    cols = set(electrodes.colnames)
    fields = {"electrode": np.asarray(electrodes.id.data[:]).tolist()}
    for axis in ("x", "y", "z"):
        source = f"rel_{axis}" if f"rel_{axis}" in cols else axis
        if source in cols:
            fields[axis] = np.asarray(electrodes[source].data[:], dtype=np.float64).tolist()
    for name in ("location", "group_name"):
        if name in cols:
            fields[name] = [v.decode() if isinstance(v, bytes) else str(v)
                            for v in electrodes[name].data[:]]
    for attr, a, b in zip(attrs, starts, ends, strict=True):
        if b > a:
            attr.update({name: values[rows[a]] for name, values in fields.items()})


def _window_ms(nwbfile: NWBFile, units: Any, trains: list[np.ndarray]) -> tuple[float, float]:
    """Start and stop (ms) of the recording: known extents, widened to cover every spike."""
    starts, stops = [], []
    if "obs_intervals" in units.colnames:
        iv = np.asarray(units.obs_intervals.data[:], dtype=np.float64).reshape(-1, 2)
        if iv.size:
            starts.append(iv[:, 0].min()), stops.append(iv[:, 1].max())
    for table in (nwbfile.intervals or {}).values():
        if len(table) > 0:
            starts.append(np.min(table["start_time"].data[:]))
            stops.append(np.max(table["stop_time"].data[:]))
    for series in nwbfile.acquisition.values():
        if isinstance(series, TimeSeries) and series.num_samples:
            first, last = _series_extent_s(series)
            starts.append(first), stops.append(last)
    spikes = [t for t in trains if t.size]
    first_spike = min((t[0] for t in spikes), default=None)
    last_spike = max((t[-1] for t in spikes), default=0.0)
    start = 1e3 * min(starts) if starts else min(0.0, first_spike or 0.0)
    stop = 1e3 * max(stops) if stops else last_spike
    if first_spike is not None:
        start = min(start, first_spike)
    return float(start), float(max(stop, last_spike, start))


def _series_extent_s(series: TimeSeries) -> tuple[float, float]:
    stamps = series.timestamps
    if isinstance(stamps, TimeSeries):  # timestamps linked from another series
        stamps = stamps.timestamps
    if stamps is not None:
        return float(stamps[0]), float(stamps[-1])
    return float(series.starting_time), float(series.starting_time
                                              + series.num_samples / series.rate)


def _file_metadata(nwbfile: NWBFile, path: Path) -> dict:
    metadata: dict[str, Any] = {}
    scratch = nwbfile.scratch.get(_SCRATCH) if nwbfile.scratch else None
    if scratch is not None:
        text = scratch.data
        metadata.update(metadata_from_json(text.decode() if isinstance(text, bytes) else str(text),
                                           path))
    if nwbfile.subject is not None:
        for key, field in SUBJECT_FIELDS.items():
            if getattr(nwbfile.subject, field, None) is not None:
                metadata[key] = getattr(nwbfile.subject, field)
    for name in FILE_FIELDS:
        value = getattr(nwbfile, name, None)
        if isinstance(value, dt.datetime):
            value = value.isoformat()
        if value is not None:
            metadata[name] = value
    return metadata


def save_nwb(sd: SpikeData, path: PathLike, *, session_description: str | None = None,
             identifier: str | None = None,
             session_start_time: dt.datetime | str | None = None) -> None:
    """Write ``sd`` as an NWB file (atomically: a temporary file renamed into place).

    Parameters
    ----------
    sd : SpikeData
        Spike times (ms) are written in seconds; the window ``[start_time, start_time +
        length]`` as every unit's ``obs_intervals``. Unit ids are the ``unit_id`` attributes
        when they are distinct non-negative integers, else ``0..N-1``.
    path : str or PathLike
        Target ``.nwb`` file (parent folders are created).
    session_description, identifier, session_start_time : optional
        NWB file fields; default to the same-named ``sd.metadata`` entries, else a generic
        description, a fresh UUID and the current time. A naive datetime (or ISO string
        without offset) is taken as UTC. The subject comes from the ``subject_*`` metadata
        entries (:data:`~spikelab.io.nwb.SUBJECT_FIELDS`), by default an unknown donor (sex
        ``U``, age ``P0D/``, i.e. unknown). ``metadata["sample_rate_hz"]``, when present, sets the
        units table's resolution (s).
    """
    meta = dict(sd.metadata)
    nwbfile = NWBFile(
        session_description=(session_description or meta.get("session_description")
                             or "spike trains exported by spikelab"),
        identifier=identifier or meta.get("identifier") or str(uuid.uuid4()),
        session_start_time=_as_datetime(session_start_time or meta.get("session_start_time")),
        subject=_subject(meta),
        **{k: str(meta[k]) for k in _OPTIONAL_TEXT if meta.get(k) is not None},
    )
    fs = meta.get("sample_rate_hz")
    resolution = 1.0 / fs if isinstance(fs, (int, float)) and fs > 0 else None
    nwbfile.units = _units_table(nwbfile, sd, resolution)
    extra = {k: v for k, v in meta.items() if k not in FILE_FIELDS and k not in SUBJECT_FIELDS}
    if extra:
        nwbfile.add_scratch(metadata_to_json(extra), name=_SCRATCH,
                            description="SpikeData.metadata written by spikelab, as JSON")
    _write_atomically(nwbfile, Path(path))


def _subject(meta: dict) -> Subject:
    fields = dict(_SUBJECT_DEFAULTS)
    fields.update({field: str(meta[key]) for key, field in SUBJECT_FIELDS.items()
                   if meta.get(key) is not None})
    return Subject(**fields)


def _as_datetime(value: dt.datetime | str | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.timezone.utc)
    stamp = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.timezone.utc)


def _units_table(nwbfile: NWBFile, sd: SpikeData, resolution: float | None) -> Units:
    """The units table built from whole columns (row-wise ``add_unit`` is ~100x slower)."""
    electrode_of_unit = _add_electrodes_for_positions(nwbfile, sd)
    skip = set(_UNIT_SPECIAL) | {"unit_id", "id"}
    one_each = np.arange(1, sd.N + 1)
    flat, ends = csr_from_trains(sd.train)
    window = [sd.start_time / 1e3, (sd.start_time + sd.length) / 1e3]
    columns = _ragged("spike_times", "spike times (s)", flat / 1e3, ends)
    columns += _ragged("obs_intervals", "observation interval (s)", np.tile(window, (sd.N, 1)),
                       one_each)
    if electrode_of_unit is not None:
        skip |= {"x", "y", "z", "electrode", "location", "group_name"}
        region = DynamicTableRegion(name="electrodes", description="electrode of the unit",
                                    data=electrode_of_unit, table=nwbfile.electrodes)
        columns += [region, VectorIndex(name="electrodes_index", data=one_each, target=region)]
    columns += [VectorData(name=name, description=f"neuron attribute {name!r} (spikelab)",
                           data=values)
                for name, values in attribute_columns(sd.neuron_attributes).items()
                if name not in skip]
    return Units(name="units", description="spike-sorted units", resolution=resolution,
                 id=unit_ids(sd).tolist(), columns=columns)


def _ragged(name: str, description: str, data: np.ndarray, ends: np.ndarray) -> list:
    """A ragged NWB column: the flat values plus their cumulative end offsets."""
    values = VectorData(name=name, description=description, data=data)
    return [values, VectorIndex(name=f"{name}_index", data=ends, target=values)]


def _add_electrodes_for_positions(nwbfile: NWBFile, sd: SpikeData) -> np.ndarray | None:
    """One electrode per distinct unit position (``rel_x``, ``rel_y`` in um); row per unit."""
    attrs = sd.neuron_attributes or []
    if not sd.N or not all("x" in a and "y" in a for a in attrs) or len(attrs) != sd.N:
        return None
    xy = np.array([[a["x"], a["y"]] for a in attrs], dtype=np.float64)
    positions, row = np.unique(xy, axis=0, return_inverse=True)
    device = nwbfile.create_device(name="array", description="multi-electrode array")
    group = nwbfile.create_electrode_group(name="array", description="all electrodes",
                                           location="unknown", device=device)
    for x, y in positions.tolist():
        nwbfile.add_electrode(group=group, location="unknown", rel_x=x, rel_y=y)
    return row.ravel()


def _write_atomically(nwbfile: NWBFile, path: Path) -> None:
    """Write beside ``path``, fsync, rename over it (the umask's or the old file's mode)."""
    with locked(str(path)), atomic_target(str(path), suffix=".tmp.nwb") as tmp:
        with NWBHDF5IO(tmp, mode="w") as io:
            io.write(nwbfile)
