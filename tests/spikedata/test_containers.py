"""Slice stacks and pairwise matrices: construction, shapes and validation."""

import numpy as np
import pytest

from spikelab import (PairwiseCompMatrix, PairwiseCompMatrixStack, RateData, RateSliceStack,
                      SpikeData, SpikeSliceStack)


@pytest.fixture
def sd():
    return SpikeData([[1.0, 5.0, 9.5, 120, 300], [2.0, 130, 140], []], length=400.0,
                     neuron_attributes=[{"id": 0}, {"id": 1}, {"id": 2}])


def test_spike_slices_from_peaks_are_sorted_and_relative(sd):
    stack = SpikeSliceStack(sd, time_peaks=[125, 20], time_bounds=(10, 20))
    assert stack.times == [(10.0, 40.0), (115.0, 145.0)]
    second = stack.spike_stack[1]
    assert [t.tolist() for t in second.train] == [[-5.0], [5.0, 15.0], []]
    assert all(s.start_time == -10.0 and s.length == 30.0 for s in stack.spike_stack)
    assert stack.N == 3 and stack.neuron_attributes == sd.neuron_attributes


def test_spike_slices_from_windows_start_at_zero(sd):
    stack = SpikeSliceStack(sd, times_start_to_end=[(0, 10), (5, 15)])
    assert [t.tolist() for t in stack.spike_stack[1].train] == [[0.0, 4.5], [], []]
    assert stack.spike_stack[1].start_time == 0.0 and stack.spike_stack[1].length == 10


@pytest.mark.parametrize("kwargs", [
    {"time_peaks": [5.0], "time_bounds": (10, 10)},
    {"times_start_to_end": [(390.0, 410.0)]},
])
def test_windows_outside_recording_are_rejected(sd, kwargs):
    with pytest.raises(ValueError, match="outside the recording"):
        SpikeSliceStack(sd, **kwargs)


def test_equal_duration_slices_at_awkward_float_peaks():
    sd = SpikeData([[]], length=10_000.0)
    peaks = np.random.default_rng(1).uniform(300, 9000, 50)
    stack = SpikeSliceStack(sd, time_peaks=peaks, time_bounds=(250.1, 500.3))
    assert {s.length for s in stack.spike_stack} == {250.1 + 500.3}


def test_rate_slice_stack_from_event_matrix_defaults_times():
    rss = RateSliceStack(event_matrix=np.ones((2, 3, 4)))
    assert rss.times == [(0.0, 3.0), (3.0, 6.0), (6.0, 9.0), (9.0, 12.0)]
    assert rss.step_size == 1.0 and rss.N == 2 and len(rss) == 4
    with pytest.raises(ValueError):
        RateSliceStack(event_matrix=np.ones((2, 3)))


def test_rate_data_validates_shapes():
    rd = RateData(np.zeros((2, 4)), np.arange(4.0), rate_unit="Hz")
    assert rd.N == 2 and rd.subset([1]).N == 1 and rd.subtime(1, 3).times.tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match="time points"):
        RateData(np.zeros((2, 4)), np.arange(3.0))


def test_pairwise_lower_triangle_is_row_major():
    m = PairwiseCompMatrix(np.arange(9.0).reshape(3, 3))
    assert m.extract_lower_triangle().tolist() == [3.0, 6.0, 7.0]


def test_pairwise_stack_mean_ignores_nan_and_indexes_slices():
    stack = np.stack([np.eye(2), np.full((2, 2), np.nan), 3 * np.eye(2)], axis=2)
    pcs = PairwiseCompMatrixStack(stack, times=[(0, 1), (1, 2), (2, 3)])
    assert len(pcs) == 3 and pcs[2].matrix[0, 0] == 3.0
    assert pcs.mean().matrix.tolist() == [[2.0, 0.0], [0.0, 2.0]]
    assert pcs.extract_lower_triangle_features().shape == (3, 1)
    with pytest.raises(ValueError):
        PairwiseCompMatrix(np.zeros((2, 3)))
