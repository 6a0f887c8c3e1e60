"""SpikeData: construction, validation, constructors and slicing."""

import numpy as np
import pytest

from spikelab import SpikeData


def test_trains_are_copied_and_sorted():
    src = [np.array([3.0, 1.0, 2.0])]
    sd = SpikeData(src, length=5)
    src[0][0] = 99
    assert sd.train[0].tolist() == [1.0, 2.0, 3.0]
    assert sd.N == 1 and sd.length == 5.0 and sd.start_time == 0.0


@pytest.mark.parametrize("train, kwargs, length", [
    ([[1.0, 7.0], [2.0]], {}, 7.0),
    ([[1.0, 2.0]], {"start_time": -5.0}, 7.0),
    ([[], []], {}, 0.0),
])
def test_length_defaults_to_last_spike_minus_start(train, kwargs, length):
    assert SpikeData(train, **kwargs).length == length


def test_N_pads_with_empty_units():
    sd = SpikeData([[1.0]], N=3)
    assert sd.N == 3 and [t.size for t in sd.train] == [1, 0, 0]


@pytest.mark.parametrize("train, kwargs, match", [
    ([[1.0, np.nan]], {}, "unit 0 contain NaN"),
    ([[], [np.inf]], {}, "unit 1 contain infinite"),
    ([[1.0]], {"length": -1}, "length"),
    ([[1.0]], {"length": np.nan}, "length"),
    ([[1.0, 20.0]], {"length": 10}, "outside the recording window"),
    ([[1.0]], {"start_time": 2.0, "length": 10}, "outside the recording window"),
    ([[1.0]], {"neuron_attributes": [{}, {}]}, "neuron_attributes"),
    ([[1.0]], {"raw_data": np.zeros((1, 3))}, "raw_data and raw_time"),
])
def test_invalid_input_raises_value_error(train, kwargs, match):
    with pytest.raises(ValueError, match=match):
        SpikeData(train, **kwargs)


def test_from_idces_times_groups_by_unit():
    sd = SpikeData.from_idces_times([0, 1, 0], [5.0, 3.0, 1.0])
    assert [t.tolist() for t in sd.train] == [[1.0, 5.0], [3.0]]
    assert sd.length == 5.0
    assert SpikeData.from_idces_times([1], [2.0], N=4).N == 4


def test_from_events_matches_from_idces_times():
    sd = SpikeData.from_events([(0, 5.0), (1, 3.0), (0, 1.0)], length=10)
    assert [t.tolist() for t in sd.train] == [[1.0, 5.0], [3.0]]


def test_from_raster_spreads_spikes_evenly_inside_each_bin():
    sd = SpikeData.from_raster(np.array([[2, 0, 1]]), 1.0)
    np.testing.assert_allclose(sd.train[0], [1 / 3, 2 / 3, 2.5])
    assert sd.length == 3.0


def test_from_raster_honours_start_time():
    sd = SpikeData.from_raster(np.array([[2, 0, 1], [0, 1, 0]]), 10.0, start_time=-20.0)
    np.testing.assert_allclose(sd.train[0], [-20 + 10 / 3, -20 + 20 / 3, 5.0])
    np.testing.assert_allclose(sd.train[1], [-5.0])
    assert sd.start_time == -20.0 and sd.length == 30.0
    np.testing.assert_array_equal(sd.raster(10.0), [[2, 0, 1], [0, 1, 0]])  # round trip


@pytest.mark.parametrize("raster, bin_size, match", [
    ([[0.5, 1]], 1.0, "whole numbers"),
    ([[1, 1]], 0.0, "bin_size_ms"),
    ([[1, 1]], np.nan, "bin_size_ms"),
    ([1, 1], 1.0, "2-D"),
])
def test_from_raster_rejects_bad_input(raster, bin_size, match):
    with pytest.raises(ValueError, match=match):
        SpikeData.from_raster(np.array(raster), bin_size)


def test_a_scalar_raw_time_is_a_sampling_rate_in_khz():
    sd = SpikeData([[1.0]], length=5, raw_data=np.zeros((2, 10)), raw_time=2.0)
    np.testing.assert_allclose(sd.raw_time, np.arange(10) * 0.5)  # 2 samples per ms
    with pytest.raises(ValueError, match="sampling rate in kHz"):
        SpikeData([[1.0]], length=5, raw_data=np.zeros((2, 10)), raw_time=0.0)


@pytest.mark.parametrize("idces", [[0.5, 1.0], [0, 1.7], [np.nan, 0]])
def test_from_idces_times_refuses_fractional_unit_indices(idces):
    with pytest.raises(TypeError, match="whole numbers"):
        SpikeData.from_idces_times(idces, [1.0, 2.0])


def test_from_idces_times_accepts_whole_floats_and_refuses_booleans():
    sd = SpikeData.from_idces_times(np.array([1.0, 0.0]), [1.0, 2.0])
    assert [t.tolist() for t in sd.train] == [[2.0], [1.0]]
    with pytest.raises(TypeError, match="whole numbers"):
        SpikeData.from_idces_times([True, False], [1.0, 2.0])


def test_idces_times_round_trip():
    sd = SpikeData([[1.0, 5.0], [], [2.0]], length=6)
    idces, times = sd.idces_times()
    back = SpikeData.from_idces_times(idces, times, N=sd.N, length=sd.length)
    assert all(np.array_equal(a, b) for a, b in zip(sd.train, back.train, strict=True))


def test_subset_by_index_and_attribute():
    attrs = [{"unit_id": 10}, {"unit_id": 11}, {"unit_id": 12}]
    sd = SpikeData([[1.0], [2.0], [3.0]], length=5, neuron_attributes=attrs)
    assert [t.tolist() for t in sd.subset([2, 0]).train] == [[1.0], [3.0]]  # sorted, as 0.1.2
    sub = sd.subset([11], by="unit_id")
    assert sub.train[0].tolist() == [2.0] and sub.neuron_attributes == [{"unit_id": 11}]
    with pytest.raises(IndexError):
        sd.subset([3])


@pytest.mark.parametrize("cut", [lambda sd: sd.subtime(0, 4), lambda sd: sd.subset([0, 1]),
                                 lambda sd: sd.subtime(1.0, 3.0, shift_to=2.0)],
                         ids=["subtime", "subset", "event window"])
def test_a_cut_has_its_own_attributes_equal_to_the_original(cut):
    """Flat attribute dicts are copied shallowly, those holding mutable values deeply: a
    change to a cut's attributes, at any depth, never reaches the recording it came from."""
    attrs = [{"unit_id": 1, "x": np.float64(17.5), "label": "good"},
             {"unit_id": 2, "waveform": [0.1, -0.4], "extra": {"peak": np.array([3.0])}}]
    sd = SpikeData([[1.0, 2.0], [2.5]], length=5.0, neuron_attributes=attrs)
    piece = cut(sd)
    assert not any(np.shares_memory(a, b) for a in piece.train for b in sd.train)
    assert piece.neuron_attributes[0] == {"unit_id": 1, "x": 17.5, "label": "good"}
    assert piece.neuron_attributes[1]["waveform"] == [0.1, -0.4]
    assert piece.neuron_attributes[1]["extra"]["peak"].tolist() == [3.0]
    piece.neuron_attributes[0]["label"] = "noise"
    piece.neuron_attributes[1]["waveform"].append(9.9)
    piece.neuron_attributes[1]["extra"]["peak"][0] = -1.0
    assert sd.neuron_attributes[0]["label"] == "good"
    assert sd.neuron_attributes[1]["waveform"] == [0.1, -0.4]
    assert sd.neuron_attributes[1]["extra"]["peak"][0] == 3.0


def test_a_stack_cut_from_a_recording_holds_its_attributes_once_and_leaves_it_whole():
    from spikelab import SpikeSliceStack

    attrs = [{"unit_id": 1}, {"unit_id": 2, "waveform": [0.5]}]
    sd = SpikeData([[1.0, 2.0], [2.5]], length=5.0, neuron_attributes=attrs)
    stack = SpikeSliceStack(sd, time_peaks=[2.0, 3.0], time_bounds=(1.0, 1.0))
    assert [s.neuron_attributes for s in stack.spike_stack] == [None, None]
    assert stack.neuron_attributes == attrs and stack.neuron_attributes is not sd.neuron_attributes
    stack.neuron_attributes[1]["waveform"].append(1.0)
    assert sd.neuron_attributes == [{"unit_id": 1}, {"unit_id": 2, "waveform": [0.5]}]
    assert [t.tolist() for t in stack.spike_stack[0].train] == [[-1.0, 0.0], [0.5]]
    kept = SpikeSliceStack(sd, time_peaks=[2.0], time_bounds=(1.0, 1.0),
                           drop_slice_attributes=False)
    assert kept.spike_stack[0].neuron_attributes == sd.neuron_attributes


def test_subtime_is_half_open_and_shifts():
    sd = SpikeData([[10.0, 20.0, 30.0]], length=100)
    assert sd.subtime(10, 30).train[0].tolist() == [0.0, 10.0]
    centred = sd.subtime(10, 30, shift_to=20)  # the event at 20 ms becomes t = 0
    assert centred.train[0].tolist() == [-10.0, 0.0] and centred.start_time == -10.0
    assert centred.length == 20.0


@pytest.mark.parametrize("start_time, start, end, expected, new_start", [
    (0.0, -30, -5, [0.0], 0.0),            # counted back from the end (length 60)
    (0.0, 10, None, [0.0, 10.0, 20.0], 0.0),  # None: untruncated
    (-20.0, -15, 5, [5.0, 15.0], 0.0),     # event-centred data: negative times are literal
])
def test_subtime_negative_and_open_bounds(start_time, start, end, expected, new_start):
    trains = [[10.0, 20.0, 30.0]] if start_time == 0 else [[-10.0, 0.0, 10.0]]
    sd = SpikeData(trains, length=60.0, start_time=start_time)
    sub = sd.subtime(start, end)
    assert sub.train[0].tolist() == expected and sub.start_time == new_start


def test_frames_cover_whole_windows_only():
    sd = SpikeData([[10.0, 20.0, 30.0]], length=100)
    assert sd.frames(40, overlap=10).times == [(0.0, 40.0), (30.0, 70.0), (60.0, 100.0)]
    assert sd.frames(100).times == [(0.0, 100.0)]
