"""spikelab .npz recordings: both layouts, round trips, bad archives."""

from __future__ import annotations

import numpy as np
import pytest

from spikelab import SpikeData
from spikelab.errors import RecordingError
from spikelab.io import load_npz, load_recording, save_npz


def test_round_trip_is_exact(sim, tmp_path, assert_same_trains):
    save_npz(sim, tmp_path / "sim.npz")
    back = load_recording(tmp_path / "sim.npz")
    assert_same_trains(back, sim)
    assert (back.start_time, back.length) == (sim.start_time, sim.length)
    assert back.neuron_attributes == sim.neuron_attributes
    np.testing.assert_array_equal(back.metadata["burst_times_ms"], sim.metadata["burst_times_ms"])
    assert back.metadata["params"] == sim.metadata["params"]


def test_written_arrays_are_the_documented_csr_layout(tmp_path):
    sd = SpikeData([[1.0, 2.5], [], [0.5]], length=4.0, start_time=0.0)
    save_npz(sd, tmp_path / "a.npz", compressed=False)
    with np.load(tmp_path / "a.npz", allow_pickle=False) as z:
        assert z["spike_times"].tolist() == [1.0, 2.5, 0.5]
        assert z["spike_times_index"].tolist() == [2, 2, 3]
        assert z["spike_times_index"].dtype == np.int64
        assert float(z["length_ms"]) == 4.0


def test_per_unit_arrays_and_start_time(tmp_path):
    np.savez(tmp_path / "u.npz", unit_1=np.array([15.0, 12.0]), unit_0=np.array([11.0]),
             length_ms=10.0, start_time_ms=10.0)
    sd = load_npz(tmp_path / "u.npz")
    assert [t.tolist() for t in sd.train] == [[11.0], [12.0, 15.0]]
    assert (sd.start_time, sd.length) == (10.0, 10.0)


def test_length_defaults_to_last_spike(tmp_path):
    np.savez(tmp_path / "u.npz", spike_times=np.array([3.0, 7.0]), spike_times_index=[1, 2])
    sd = load_npz(tmp_path / "u.npz")
    assert (sd.start_time, sd.length) == (0.0, 7.0)


@pytest.mark.parametrize("arrays, match", [
    ({"x": np.arange(3)}, "no spike times"),
    ({"spike_times": np.arange(3.0)}, "no spike_times_index"),
    ({"spike_times": np.arange(3.0), "spike_times_index": np.array([2, 1, 3])}, "non-decreasing"),
    ({"spike_times": np.arange(3.0), "spike_times_index": np.array([1, 2])}, "ends at 2"),
    ({"unit_0": np.arange(2.0), "unit_2": np.arange(2.0)}, "missing.*unit_1"),
    ({"unit_0": np.array([5.0]), "length_ms": 2.0}, "outside the recording window"),
    ({"unit_0": np.array([1.0]), "length_ms": np.array([1.0, 2.0])}, "single number"),
    ({"unit_0": np.array([1.0]), "attr_x": np.array([1.0, 2.0])}, "attr_x has shape"),
    ({"spike_times": np.array(["1.5", "2"]), "spike_times_index": np.array([2])},
     "spike_times must hold numbers.*<U3"),
    ({"spike_times": np.array(["a", "b"]), "spike_times_index": np.array([2])},
     "spike_times must hold numbers"),
    ({"unit_0": np.array([1.0]), "unit_1": np.array([b"3"])}, "unit_1 must hold numbers"),
    ({"unit_0": np.array([True, False])}, "unit_0 must hold numbers.*bool"),
])
def test_inconsistent_archive(tmp_path, arrays, match):
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(RecordingError, match=rf"bad\.npz: .*{match}"):
        load_recording(tmp_path / "bad.npz")


@pytest.mark.parametrize("content", [b"", bytes(range(256)) * 4, b"PK\x03\x04 truncated zip"])
def test_corrupt_file(tmp_path, content):
    (tmp_path / "junk.npz").write_bytes(content)
    with pytest.raises(RecordingError, match=r"junk\.npz"):
        load_recording(tmp_path / "junk.npz")


def test_single_npy_array_named_npz(tmp_path):
    with open(tmp_path / "one.npz", "wb") as fh:
        np.save(fh, np.arange(3.0))
    with pytest.raises(RecordingError, match="not an .npz archive"):
        load_recording(tmp_path / "one.npz")


def test_object_arrays_are_refused_without_unpickling(tmp_path):
    np.savez(tmp_path / "obj.npz", spike_times=np.array([1.0]), spike_times_index=[1],
             metadata_json=np.array([{"a": 1}], dtype=object))
    with pytest.raises(RecordingError, match="unreadable array"):
        load_recording(tmp_path / "obj.npz")
