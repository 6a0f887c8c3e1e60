"""Constructing, selecting from and converting slice stacks and RateData (0.1.2's API)."""

import warnings

import numpy as np
import pytest

from spikelab import RateData, RateSliceStack, SpikeData, SpikeSliceStack
from spikelab.errors import AnalysisError

ATTRS = [{"id": "a"}, {"id": "b"}, {"id": "a"}]


@pytest.fixture
def sd():
    return SpikeData(
        [[5, 6, 10, 45, 46, 90], [1, 2, 3, 44, 47, 95], [8, 9, 52, 53, 54]],
        length=100,
        neuron_attributes=ATTRS,
    )


@pytest.fixture
def sss(sd):
    return SpikeSliceStack(sd, time_peaks=[10, 50, 80], time_bounds=(10, 10))


def trains(stack):
    return [[t.tolist() for t in s.train] for s in stack.spike_stack]


# --------------------------------------------------------------------------- construction
def test_windows_out_of_order_are_sorted_with_a_warning(sd):
    with pytest.warns(UserWarning, match="not sorted"):
        stack = SpikeSliceStack(sd, times_start_to_end=[(50, 70), (0, 20)])
    assert stack.times == [(0.0, 20.0), (50.0, 70.0)]
    assert trains(stack)[0] == [
        [5.0, 6.0, 10.0],
        [1.0, 2.0, 3.0],
        [8.0, 9.0],
    ]  # slices follow the times


@pytest.mark.parametrize("windows, match", [
    ([(50, 70), (0, 30)], "same duration"), ([(10, 10)], "positive duration"), ([], "empty"),
    ([(90, 110)], "outside the recording"),
])
def test_bad_windows_raise_value_errors(sd, windows, match):
    for cls in (SpikeSliceStack, RateSliceStack):
        with pytest.raises(ValueError, match=match):
            cls(sd, times_start_to_end=windows)


def test_spike_stack_gets_consecutive_windows_and_must_share_start_time(sd):
    a, b = sd.subtime(0, 20), sd.subtime(20, 50)
    assert SpikeSliceStack(spike_stack=[a, b]).times == [(0.0, 20.0), (20.0, 50.0)]
    with pytest.raises(ValueError, match="start_time"):
        SpikeSliceStack(spike_stack=[a, sd.subtime(20, 40, shift_to=30)])
    with pytest.raises(ValueError, match="at least one slice"):
        SpikeSliceStack(spike_stack=[])
    with pytest.raises(ValueError, match="at least one"):
        RateSliceStack(event_matrix=np.zeros((2, 3, 0)))


def test_stacks_need_a_recording_or_slices():
    for cls in (SpikeSliceStack, RateSliceStack):
        with pytest.raises(TypeError, match="data_obj"):
            cls(None, times_start_to_end=[(0, 1)])
    with pytest.raises(TypeError, match="RateData"):
        SpikeSliceStack(RateData(np.ones((1, 3)), [0.0, 1.0, 2.0]), times_start_to_end=[(0, 1)])


def test_empty_stacks_are_explicit():
    assert (len(SpikeSliceStack.empty(3)), SpikeSliceStack.empty(3).N) == (0, 3)
    assert RateSliceStack.empty(2, 7, 0.5).event_stack.shape == (2, 7, 0)


def test_slice_attributes_move_to_the_stack_without_touching_the_caller(sd):
    a = sd.subtime(0, 50)
    stack = SpikeSliceStack(spike_stack=[a, sd.subtime(50, 100)])
    assert stack.neuron_attributes == ATTRS and stack.spike_stack[0].neuron_attributes is None
    assert a.neuron_attributes == ATTRS  # 0.1.2 strips them from the caller's object
    kept = SpikeSliceStack(sd, times_start_to_end=[(0, 50)], drop_slice_attributes=False)
    assert kept.spike_stack[0].neuron_attributes == ATTRS and kept.neuron_attributes == ATTRS


# --------------------------------------------------------------------------- selections
def test_subset_sorts_or_keeps_order_and_carries_attributes(sss):
    assert trains(sss.subset([2, 0]))[0] == [[-5.0, -4.0, 0.0], [-2.0, -1.0]]
    picked = sss.subset([2, 0, 2], preserve_order=True)
    assert trains(picked)[0] == [[-2.0, -1.0], [-5.0, -4.0, 0.0]] and picked.N == 2
    assert sss.subset("a", by="id").neuron_attributes == [{"id": "a"}, {"id": "a"}]
    with pytest.raises(ValueError):
        sss.subset([-1])
    with pytest.raises(TypeError):
        sss.subset([0.5])


def test_subslice_keeps_caller_order_with_matching_times(sss):
    picked = sss.subslice([2, 0, 2])
    assert picked.times == [(70.0, 90.0), (0.0, 20.0)]
    assert trains(picked) == [trains(sss)[2], trains(sss)[0]]
    assert sss.subslice([True, False, True]).times == [(0.0, 20.0), (70.0, 90.0)]
    with pytest.raises(ValueError):
        sss.subslice([3])


def test_subtime_by_index_keeps_the_event_axis(sss):
    trimmed = sss.subtime_by_index(5, -5)  # -5 .. +5 ms around each event
    assert trimmed.times == [(5.0, 15.0), (45.0, 55.0), (75.0, 85.0)]
    first = trimmed.spike_stack[0]
    assert (first.start_time, first.length) == (-5.0, 10.0)
    assert [t.tolist() for t in first.train] == [[-5.0, -4.0, 0.0], [], [-2.0, -1.0]]
    with pytest.raises(ValueError):
        sss.subtime_by_index(5, 5)
    with pytest.raises(ValueError, match="whole number"):
        SpikeSliceStack(
            SpikeData([[1.0]], length=30), times_start_to_end=[(0, 20.5)]
        ).subtime_by_index(0, 3)


def test_apply_stacks_per_slice_results(sss):
    counts = sss.apply(lambda s, b: s.raster(b).sum(axis=1), 10)
    np.testing.assert_array_equal(counts, [[3, 3, 2], [2, 2, 3], [0, 0, 0]])


# --------------------------------------------------------------------------- rate stacks
def test_rate_stack_from_ratedata_takes_samples_in_each_window():
    rd = RateData(np.arange(40.0).reshape(2, 20), np.arange(20.0) * 2 + 1, [{"id": 1}, {"id": 2}])
    rss = RateSliceStack(rd, times_start_to_end=[(5, 15), (21, 31)])  # samples at 5..13, 21..29
    np.testing.assert_array_equal(rss.event_stack[0].T, [[2, 3, 4, 5, 6], [10, 11, 12, 13, 14]])
    assert rss.step_size == 2.0 and rss.neuron_attributes == [{"id": 1}, {"id": 2}]
    peaks = RateSliceStack(rd, time_peaks=[10, 20], time_bounds=(4, 6))
    assert peaks.times == [(6.0, 16.0), (16.0, 26.0)]
    uneven = RateData(np.ones((1, 6)), [0, 1, 2, 3, 10, 20])
    with pytest.raises(ValueError, match="same number"):
        RateSliceStack(uneven, times_start_to_end=[(0, 3), (3, 6)])


def test_rate_stack_selections_and_conversion():
    ev = np.arange(60.0).reshape(3, 5, 4)
    rss = RateSliceStack(event_matrix=ev, step_size=2.0, neuron_attributes=ATTRS)
    np.testing.assert_array_equal(rss.subset([2, 0]).event_stack, ev[[0, 2]])
    np.testing.assert_array_equal(rss.subslice([3, 0]).event_stack, ev[:, :, [3, 0]])
    trimmed = rss.subtime_by_index(1, -1)
    np.testing.assert_array_equal(trimmed.event_stack, ev[:, 1:4])
    assert trimmed.times[1] == (12.0, 18.0)  # window 1 is (10, 20): samples 1..3 -> 12 .. 18
    rds = rss.convert_to_list_of_RateData()
    assert len(rds) == 4 and rds[2].times.tolist() == [20.0, 22.0, 24.0, 26.0, 28.0]
    np.testing.assert_array_equal(rds[2].inst_Frate_data, ev[:, :, 2])
    assert rds[0].neuron_attributes == ATTRS


# --------------------------------------------------------------------------- RateData
@pytest.mark.parametrize(
    "times, match",
    [
        ([0.0, np.nan, 2.0], "finite"),
        ([0.0, np.inf, 2.0], "finite"),
        ([0.0, 2.0, 1.0], "non-decreasing"),
    ],
)
def test_ratedata_times_must_be_finite_and_sorted(times, match):
    with pytest.raises(ValueError, match=match):
        RateData(np.ones((1, 3)), times)


def test_ratedata_subtime_is_literal_and_refuses_empty_windows():
    rd = RateData(np.arange(20.0).reshape(2, 10), np.arange(10.0) * 2)
    assert rd.subtime(3, 7).times.tolist() == [4.0, 6.0]
    assert rd.subtime(None, 5).times.tolist() == [0.0, 2.0, 4.0]
    assert rd.subtime(15, ...).times.tolist() == [16.0, 18.0]
    for start, end in [(100, 200), (np.nan, 5), (4, 4), (6, 4)]:
        with pytest.raises(ValueError):
            rd.subtime(start, end)
    assert rd.subtime_by_index(2, -2).times.tolist() == [4.0, 6.0, 8.0, 10.0, 12.0, 14.0]


def test_ratedata_subset_by_attribute_and_order():
    rd = RateData(np.arange(6.0).reshape(3, 2), [0.0, 1.0], ATTRS)
    assert rd.subset([2, 0]).inst_Frate_data[:, 0].tolist() == [0.0, 4.0]
    assert rd.subset([2, 0], preserve_order=True).inst_Frate_data[:, 0].tolist() == [4.0, 0.0]
    assert rd.subset(["a"], by="id").N == 2


def test_ratedata_frames_windows_and_values():
    rd = RateData(np.arange(20.0).reshape(2, 10), np.arange(10.0) * 2)  # spans 0 .. 20 ms
    frames = rd.frames(6, 2)
    assert frames.times == [(0.0, 6.0), (4.0, 10.0), (8.0, 14.0), (12.0, 18.0)]
    np.testing.assert_array_equal(
        frames.event_stack[0].T, [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6, 7, 8]]
    )
    assert frames.step_size == 2.0
    for length, overlap in [(6, -1), (6, 6), (60, 0), (0, 0)]:
        with pytest.raises(ValueError):
            rd.frames(length, overlap)


def test_manifold_pca_matches_a_naive_svd():
    rng = np.random.default_rng(3)
    rd = RateData(rng.normal(size=(6, 80)), np.arange(80.0))
    emb, ratio, comps = rd.get_manifold("PCA", 3)
    x = rd.inst_Frate_data.T - rd.inst_Frate_data.T.mean(axis=0)
    _, s, vt = np.linalg.svd(x, full_matrices=False)
    np.testing.assert_allclose(ratio, (s**2 / np.sum(s**2))[:3])
    np.testing.assert_allclose(np.abs(comps), np.abs(vt[:3]), atol=1e-12)
    assert np.all(comps[np.arange(3), np.argmax(np.abs(comps), axis=1)] > 0)  # sklearn's signs
    np.testing.assert_allclose(emb, x @ comps.T)
    with pytest.raises(ValueError, match="method"):
        rd.get_manifold("tSNE")


# --------------------------------------------------------------------------- SpikeData fixes
def test_spikedata_windows_outside_the_recording_raise():
    ev = SpikeData([[-40.0, 0.0, 45.0]], length=100, start_time=-50)
    for start, end in [(-80, 10), (0, 80), (10, 10)]:
        with pytest.raises(ValueError):
            ev.subtime(start, end)
    assert ev.subtime(-50, 50).train[0].tolist() == [10.0, 50.0, 95.0]
    with pytest.raises(ValueError):
        SpikeData([[1.0]], length=10).frames(5, -1)
    with pytest.raises(ValueError):
        SpikeData.from_raster(np.ones((2, 3)), 0)


@pytest.mark.parametrize("edges", [np.array([[20.0, 10.0]]), np.array([10.0, 20.0])])
def test_frac_active_refuses_inverted_or_flat_edges(edges):
    sd = SpikeData([[5.0, 6.0, 15.0]], length=100)
    with pytest.raises(ValueError):
        sd.get_frac_active(edges, 1, 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sd.get_frac_active(np.zeros((0, 2)), 1, 0.5)[0].tolist() == [0.0]


def test_analysis_errors_are_still_value_errors():
    assert issubclass(AnalysisError, ValueError)


def test_plot_unit_across_slices(sss):
    from matplotlib.figure import Figure

    fig, ax, points = sss.plot_aligned_slice_single_unit(
        0, color_vals=[1.0, 2.0, 3.0], color_label="amp"
    )
    assert isinstance(fig, Figure) and points is not None
    np.testing.assert_array_equal(points.get_offsets()[:, 0], [-5, -4, 0, -5, -4])  # slices 0 and 1
    np.testing.assert_array_equal(points.get_offsets()[:, 1], [0, 0, 0, 1, 1])
    other = Figure().add_subplot()
    assert sss.plot_aligned_slice_single_unit(1, ax=other, style="eventplot") is None
    with pytest.raises(ValueError):
        sss.plot_aligned_slice_single_unit(5)


@pytest.mark.parametrize("select", [
    lambda rd: rd.subset([2, 0]),
    lambda rd: rd.subtime(1.0, 3.0),
    lambda rd: rd.subtime(None, None),
    lambda rd: rd.subtime_by_index(0, 4),
])
def test_ratedata_selections_are_independent_copies(select):
    rates = np.arange(12.0).reshape(3, 4)
    rd = RateData(rates.copy(), np.arange(4.0), [{"id": i} for i in range(3)])
    part = select(rd)
    expected = (
        part.inst_Frate_data.copy(),
        part.times.copy(),
        [dict(a) for a in part.neuron_attributes],
    )
    rd.inst_Frate_data[:] = -1.0
    rd.times[:] = 99.0
    rd.neuron_attributes[0]["id"] = "changed"
    assert np.array_equal(part.inst_Frate_data, expected[0]) and np.array_equal(
        part.times, expected[1]
    )
    assert part.neuron_attributes == expected[2]
    part.inst_Frate_data[:] = 7.0  # and the other way round
    assert not np.any(rd.inst_Frate_data == 7.0)
