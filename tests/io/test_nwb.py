"""NWB: round trips through save_nwb, files written by pynwb directly, bad files."""

from __future__ import annotations

import datetime as dt

import h5py
import numpy as np
import pytest
from nwbinspector import Importance, inspect_nwbfile
from pynwb import NWBHDF5IO, NWBFile, TimeSeries

from spikelab import SpikeData
from spikelab.errors import RecordingError
from spikelab.io import load_nwb, load_recording, save_nwb

START = dt.datetime(2024, 5, 17, 9, 30, tzinfo=dt.timezone.utc)


def _nwbfile(**kwargs) -> NWBFile:
    return NWBFile(session_description="hand-made", identifier="hand-1",
                   session_start_time=START, **kwargs)


def _write(nwbfile: NWBFile, path) -> None:
    with NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)


# ----------------------------------------------------------------- round trips
def test_round_trip_spike_times_length_and_attributes(sim, tmp_path, assert_same_trains):
    path = tmp_path / "sim.nwb"
    save_nwb(sim, path)
    back = load_recording(path)
    assert_same_trains(back, sim, atol=1e-9)  # s <-> ms conversion: float tolerance
    assert (back.start_time, back.length) == (sim.start_time, sim.length)
    for got, want in zip(back.neuron_attributes, sim.neuron_attributes, strict=True):
        for name in ("unit_id", "x", "y", "rate_hz", "recruitment"):
            assert got[name] == want[name]


def test_round_trip_metadata(sim, tmp_path):
    path = tmp_path / "sim.nwb"
    save_nwb(sim, path, session_start_time="2024-01-02T03:04:05+01:00")
    meta = load_nwb(path).metadata
    np.testing.assert_array_equal(meta["burst_times_ms"], sim.metadata["burst_times_ms"])
    assert meta["params"] == sim.metadata["params"]
    assert meta["seed"] == sim.metadata["seed"]
    assert meta["session_start_time"] == "2024-01-02T03:04:05+01:00"
    assert meta["session_description"] == "spike trains exported by spikelab"


def test_round_trip_nonzero_start_and_empty_unit(tmp_path, assert_same_trains):
    sd = SpikeData([[1500.25, 1700.5], [], [2999.0]], start_time=1000.0, length=2500.0,
                   neuron_attributes=[{"unit_id": 7}, {"unit_id": 3}, {"unit_id": 12}],
                   metadata={"session_id": "S-01", "sample_rate_hz": 20000.0})
    save_nwb(sd, tmp_path / "a.nwb")
    back = load_nwb(tmp_path / "a.nwb")
    assert_same_trains(back, sd, atol=1e-9)
    assert back.start_time == pytest.approx(1000.0) and back.length == pytest.approx(2500.0)
    assert [a["unit_id"] for a in back.neuron_attributes] == [7, 3, 12]
    assert back.metadata["session_id"] == "S-01"


def test_file_reads_with_pynwb_and_matches_seconds(sim, tmp_path):
    path = tmp_path / "sim.nwb"
    save_nwb(sim, path)
    with NWBHDF5IO(str(path), "r") as io:
        nwbfile = io.read()
        units = nwbfile.units
        assert len(units) == sim.N
        for i in (0, sim.N // 2, sim.N - 1):
            np.testing.assert_allclose(units.get_unit_spike_times(i), sim.train[i] / 1000.0)
        assert nwbfile.electrodes is not None and "rel_x" in nwbfile.electrodes.colnames


def test_nwbinspector_finds_no_critical_issue(sim, tmp_path):
    path = tmp_path / "sim.nwb"
    save_nwb(sim, path)
    messages = list(inspect_nwbfile(nwbfile_path=str(path)))
    critical = [m for m in messages if m.importance in (Importance.CRITICAL, Importance.ERROR)]
    assert critical == [], [m.message for m in critical]


# ----------------------------------------------------------------- files written by pynwb
def test_hand_written_file_with_timeseries_extent(tmp_path):
    """Spike times in s, no obs_intervals: the acquisition series sets the window."""
    nwbfile = _nwbfile(session_id="abc")
    nwbfile.add_acquisition(TimeSeries(name="lfp", data=np.zeros(3000), unit="V",
                                       rate=1000.0, starting_time=0.0))
    nwbfile.add_unit_column("quality", "curation label")
    nwbfile.add_unit(spike_times=[0.1, 0.25], id=5, quality="good")
    nwbfile.add_unit(spike_times=[1.5], id=9, quality="mua")
    _write(nwbfile, tmp_path / "h.nwb")
    sd = load_recording(tmp_path / "h.nwb")
    assert [t.tolist() for t in sd.train] == [pytest.approx([100.0, 250.0]),
                                              pytest.approx([1500.0])]
    assert sd.start_time == 0.0 and sd.length == pytest.approx(3000.0)
    assert sd.neuron_attributes == [{"unit_id": 5, "quality": "good"},
                                    {"unit_id": 9, "quality": "mua"}]
    assert sd.metadata["session_id"] == "abc"
    assert sd.metadata["session_start_time"] == START.isoformat()
    assert sd.metadata["identifier"] == "hand-1"


@pytest.mark.parametrize("with_trials, length", [(True, 4000.0), (False, 1500.0)])
def test_length_from_trials_else_last_spike(tmp_path, with_trials, length):
    nwbfile = _nwbfile()
    if with_trials:
        nwbfile.add_trial(start_time=0.0, stop_time=2.0)
        nwbfile.add_trial(start_time=2.0, stop_time=4.0)
    nwbfile.add_unit(spike_times=[0.1, 0.25])
    nwbfile.add_unit(spike_times=[1.5])
    _write(nwbfile, tmp_path / "t.nwb")
    sd = load_nwb(tmp_path / "t.nwb")
    assert sd.start_time == 0.0 and sd.length == pytest.approx(length)


def test_electrode_columns_become_neuron_attributes(tmp_path):
    nwbfile = _nwbfile()
    device = nwbfile.create_device(name="probe")
    group = nwbfile.create_electrode_group(name="shank0", description="d", location="CA1",
                                           device=device)
    nwbfile.add_electrode(group=group, location="CA1", x=1.0, y=2.0, z=3.0, id=40)
    nwbfile.add_electrode(group=group, location="CA3", x=4.0, y=5.0, z=6.0, id=41)
    nwbfile.add_unit(spike_times=[0.5], electrodes=[1])
    nwbfile.add_unit(spike_times=[0.7], electrodes=[0, 1])  # several: the first one counts
    _write(nwbfile, tmp_path / "e.nwb")
    attrs = load_nwb(tmp_path / "e.nwb").neuron_attributes
    assert attrs[0] == {"unit_id": 0, "electrode": 41, "x": 4.0, "y": 5.0, "z": 6.0,
                        "location": "CA3", "group_name": "shank0"}
    assert attrs[1]["electrode"] == 40 and attrs[1]["location"] == "CA1"


# ----------------------------------------------------------------- bad input
def test_file_without_units_table(tmp_path):
    _write(_nwbfile(), tmp_path / "empty.nwb")
    with pytest.raises(RecordingError, match=r"empty\.nwb.*no units table"):
        load_recording(tmp_path / "empty.nwb")


@pytest.mark.parametrize("content", [b"", b"\x89HDF not really" + bytes(range(256)) * 8])
def test_corrupt_file(tmp_path, content):
    path = tmp_path / "broken.nwb"
    path.write_bytes(content)
    with pytest.raises(RecordingError, match=r"broken\.nwb.*not a readable NWB file"):
        load_recording(path)


def test_hdf5_file_that_is_not_nwb(tmp_path):
    path = tmp_path / "plain.nwb"
    with h5py.File(path, "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(RecordingError, match=r"plain\.nwb"):
        load_recording(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.nwb"):
        load_recording(tmp_path / "nope.nwb")


@pytest.mark.parametrize(
    "values", [np.array([b"0.5", b"1.0", b"2.0"]), np.array([b"x", b"y", b"z"])]
)
def test_spike_times_stored_as_strings_name_the_file(tmp_path, values):
    path = tmp_path / "strings.nwb"
    save_nwb(SpikeData([[500.0, 1000.0], [2000.0]], length=3000.0), path)
    with h5py.File(path, "r+") as f:  # what a broken exporter might write
        attrs = dict(f["units/spike_times"].attrs)
        del f["units/spike_times"]
        f["units/spike_times"] = values
        f["units/spike_times"].attrs.update(attrs)
    with pytest.raises(RecordingError, match=r"strings\.nwb: units/spike_times must hold numbers"):
        load_recording(path)


def _replace_dataset(path, name, data) -> None:
    """Rewrite one dataset of an HDF5 file in place, keeping its attributes (damage by hand)."""
    with h5py.File(path, "r+") as f:
        attrs = dict(f[name].attrs)
        del f[name]
        f.create_dataset(name, data=np.asarray(data))
        f[name].attrs.update(attrs)


@pytest.mark.parametrize("dataset, data, message", [
    ("units/electrodes_index", [1], "Columns must be the same length"),  # hdmf refuses it
    ("units/electrodes_index", [2, 1], "not an increasing index"),
    ("units/electrodes_index", [1, 5], "not an increasing index"),
    ("units/electrodes", [7, 0, 1], "outside the electrodes table"),
])
# hdmf warns about the out-of-bounds region as it reads it; the error under test says more
@pytest.mark.filterwarnings("ignore:DynamicTableRegion values .* are out of bounds")
def test_inconsistent_unit_electrodes_name_the_file(tmp_path, dataset, data, message):
    nwbfile = _nwbfile()
    device = nwbfile.create_device(name="probe")
    group = nwbfile.create_electrode_group(name="shank0", description="d", location="CA1",
                                           device=device)
    nwbfile.add_electrode(group=group, location="CA1", x=1.0, y=2.0, z=3.0, id=40)
    nwbfile.add_electrode(group=group, location="CA3", x=4.0, y=5.0, z=6.0, id=41)
    nwbfile.add_unit(spike_times=[0.5], electrodes=[1])
    nwbfile.add_unit(spike_times=[0.7], electrodes=[0, 1])
    path = tmp_path / "e.nwb"
    _write(nwbfile, path)
    _replace_dataset(path, dataset, data)
    with pytest.raises(RecordingError, match=message) as caught:
        load_nwb(path)
    assert str(path) in str(caught.value)
