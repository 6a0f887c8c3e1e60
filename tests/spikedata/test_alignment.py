"""Event alignment: spike and rate slice stacks, dropping rules, per-window rates, rasters."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.ndimage import gaussian_filter1d

from spikelab import RateSliceStack, SpikeData, SpikeSliceStack
from spikelab.errors import AnalysisError
from spikelab.spikedata.alignment import rate_windows

FAST = settings(max_examples=40, deadline=None)


@pytest.fixture
def sd4():
    rng = np.random.default_rng(0)
    return SpikeData([np.sort(rng.uniform(0, 2000, 40)) for _ in range(4)], length=2000)


# ------------------------------------------------------------------ spec example
def test_spec_example_rate_stack(sd4):
    with pytest.warns(UserWarning, match="2 event"):
        rss = sd4.align_to_events([100, 500, 1000, 1900], 250, 500, kind="rate")
    assert isinstance(rss, RateSliceStack)
    assert rss.event_stack.shape == (4, 750, 2) and rss.step_size == 1.0
    assert rss.times == [(250.0, 1000.0), (750.0, 1500.0)]
    with pytest.warns(UserWarning):
        assert sd4.align_to_events([100, 500, 1000, 1900], 250, 500, kind="rate",
                                   bin_size_ms=5).event_stack.shape == (4, 150, 2)


def test_spec_example_spike_stack(sd4):
    with pytest.warns(UserWarning, match="2 event"):
        ss = sd4.align_to_events([1900, 1000, 100, 500], 250, 500)
    assert isinstance(ss, SpikeSliceStack) and len(ss) == 2
    assert all(s.start_time == -250 and s.length == 750 for s in ss.spike_stack)
    assert ss.times == [(250.0, 1000.0), (750.0, 1500.0)]  # sorted by event time


def test_no_warning_when_every_event_fits(sd4):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sd4.align_to_events([500, 500, 700], 100, 100)


def test_events_from_metadata_and_duplicates_kept(sd4):
    sd4.metadata["stim"] = np.array([[600.0], [300.0], [600.0]])
    ss = sd4.align_to_events("stim", 100, 100)
    assert ss.times == [(200.0, 400.0), (500.0, 700.0), (500.0, 700.0)]


def test_spike_slices_hold_the_spikes_relative_to_each_event():
    sd = SpikeData([[10.0, 95.0, 100.0, 150.0, 199.0, 250.0]], length=300)
    ss = sd.align_to_events([100.0, 200.0], 10, 50)
    # windows are half-open [e - pre, e + post): 150 and 250 fall just outside
    assert [s.train[0].tolist() for s in ss.spike_stack] == [[-5.0, 0.0], [-1.0]]


# ------------------------------------------------------------------ rate windows vs definition
def naive_window_rates(sd, events, pre, post, step, sigma_ms):
    """Rate on the whole recording's grid from the definition, then cut out [e-pre, e+post)."""
    grid = np.arange(sd.start_time, sd.start_time + sd.length, step)
    t0, dt = grid[0], grid[1] - grid[0]
    full = np.zeros((sd.N, grid.size))
    for u, train in enumerate(sd.train):
        for k in range(1, train.size):
            lo = int(np.clip(round((train[k - 1] - t0) / dt), 0, grid.size))
            hi = int(np.clip(round((train[k] - t0) / dt), 0, grid.size))
            full[u, lo:hi] = 1000.0 / (train[k] - train[k - 1])
    if sigma_ms:
        full = gaussian_filter1d(full, sigma_ms / dt, axis=1)
    cuts = [full[:, (grid >= e - pre) & (grid < e + post)] for e in sorted(events)]
    return np.stack(cuts, axis=2)


@FAST
@given(seed=st.integers(0, 10_000), start=st.sampled_from([0.0, 3.25, 120.0]),
       step=st.sampled_from([1.0, 0.5, 2.0, 5.0]), sigma=st.sampled_from([0.0, 1.0, 10.0, 40.0]),
       frac=st.lists(st.floats(0, 1), min_size=1, max_size=6))
def test_rate_windows_equal_the_whole_recording_rate_cut_per_window(seed, start, step, sigma, frac):
    rng = np.random.default_rng(seed)
    length, pre, post = 1000.0, 100.0, 150.0
    trains = [start + np.sort(rng.uniform(0, length, rng.integers(0, 40))) for _ in range(3)]
    sd = SpikeData(trains, length=length, start_time=start)
    # events on whole grid steps, from flush with the start to flush with the end
    slots = np.floor(np.asarray(frac) * (length - pre - post) / step) * step
    events = start + pre + slots
    got = sd.align_to_events(events, pre, post, kind="rate", bin_size_ms=step, sigma_ms=sigma)
    naive = naive_window_rates(sd, events, pre, post, step, sigma)
    assert got.event_stack.shape == naive.shape
    np.testing.assert_allclose(got.event_stack, naive, rtol=1e-9, atol=1e-9)


@FAST
@given(seed=st.integers(0, 10_000), sigma=st.sampled_from([0.0, 10.0]),
       whole=st.lists(st.integers(260, 1490), min_size=1, max_size=8), part=st.floats(0.01, 0.99))
def test_rate_windows_at_non_integer_events(seed, sigma, whole, part):
    events = [w + part for w in whole]  # clear of grid points, so float rounding cannot matter
    rng = np.random.default_rng(seed)
    sd = SpikeData([np.sort(rng.uniform(0, 2000, 60)) for _ in range(2)], length=2000)
    got = sd.align_to_events(events, 250, 500, kind="rate", sigma_ms=sigma)
    assert got.event_stack.shape == (2, 750, len(events))
    np.testing.assert_allclose(
        got.event_stack, naive_window_rates(sd, events, 250, 500, 1.0, sigma), rtol=1e-9, atol=1e-9
    )


@FAST
@given(st.lists(st.floats(300, 9000), min_size=1, max_size=15), st.floats(0.5, 250),
       st.floats(0.5, 250), st.sampled_from([0.1, 0.3, 1.0, 2.5]))
def test_rate_slices_of_equal_duration_have_equal_sample_counts(events, pre, post, step):
    sd = SpikeData([np.linspace(1, 9999, 300)], length=10_000.0)
    n_samples = int(np.floor((pre + post) / step + 1e-9))
    if n_samples == 0:
        with pytest.raises(AnalysisError, match="hold no"):
            sd.align_to_events(events, pre, post, kind="rate", bin_size_ms=step, sigma_ms=0)
        return
    rss = sd.align_to_events(events, pre, post, kind="rate", bin_size_ms=step, sigma_ms=0)
    assert rss.event_stack.shape == (1, n_samples, len(events))


@pytest.mark.parametrize("drift", [6e-14, -6e-14, 1e-13])
def test_events_a_rounding_error_off_the_grid_select_the_same_samples(sd4, drift):
    exact = sd4.align_to_events([260.0, 900.0], 250, 500, kind="rate")
    drifted = sd4.align_to_events([260.0 + drift, 900.0 - drift], 250, 500, kind="rate")
    assert np.array_equal(exact.event_stack, drifted.event_stack)


def test_rate_window_kernel_reflects_at_the_recording_edges():
    # a window flush with the start: the kernel's margin must read the reflected signal
    sd = SpikeData([[0.0, 3.0, 50.0, 52.0, 99.0]], length=100)
    events = [20.0, 80.0]
    got = rate_windows(sd, np.array([[0.0, 40.0], [60.0, 100.0]]), 1.0, 15.0)
    np.testing.assert_allclose(got, naive_window_rates(sd, events, 20, 20, 1.0, 15.0), rtol=1e-12)


def test_kernel_wider_than_the_recording_reflects_repeatedly():
    # reach int(4 * 40 + 0.5) = 160 samples > 50: scipy reflects the signal several times
    sd = SpikeData([[1.0, 4.0, 20.0, 21.5, 44.0], [3.0, 30.0]], length=50)
    got = sd.align_to_events([25.0], 25, 25, kind="rate", sigma_ms=40)
    np.testing.assert_allclose(
        got.event_stack, naive_window_rates(sd, [25.0], 25, 25, 1.0, 40.0), rtol=1e-12
    )


def test_rate_slice_stack_from_windows_uses_the_same_rates(sd4):
    direct = RateSliceStack(sd4, times_start_to_end=[(300.0, 400.0), (900.0, 1000.0)], sigma_ms=5)
    aligned = sd4.align_to_events([350.0, 950.0], 50, 50, kind="rate", sigma_ms=5)
    assert np.array_equal(direct.event_stack, aligned.event_stack)


def test_units_without_spikes_give_zero_rates_and_no_units_an_empty_stack():
    assert (
        not SpikeData([[], []], length=1000)
        .align_to_events([500], 100, 100, kind="rate")
        .event_stack.any()
    )
    assert SpikeData([], length=1000).align_to_events(
        [500], 100, 100, kind="rate"
    ).event_stack.shape == (0, 200, 1)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("events, pre, post, kwargs, match", [
    ([np.nan, 500], 250, 500, {}, "NaN"),
    ([500], -1, 500, {}, "pre_ms"),
    ([500], 250, -1, {}, "post_ms"),
    ([500], 0, 0, {}, "> 0"),
    ([500], 250, 500, {"kind": "raster"}, "'spike', 'rate'"),
    ([3000, -10], 250, 500, {}, "all 2 event"),
    ([], 250, 500, {}, "all 0 event"),
    ("missing", 250, 500, {}, "available keys"),
    ([500], 250, 500, {"kind": "rate", "bin_size_ms": 0}, "bin_size_ms"),
    ([500], 250, 500, {"kind": "rate", "sigma_ms": -1}, "sigma_ms"),
    ([500], 0.2, 0.3, {"kind": "rate"}, "no 1.0 ms sample"),
])
def test_bad_alignment_arguments_raise_one_clear_error(sd4, events, pre, post, kwargs, match):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(AnalysisError, match=match):
            sd4.align_to_events(events, pre, post, **kwargs)


def test_empty_recording_has_no_room_for_any_event():
    with pytest.raises(AnalysisError, match="outside the recording"):
        SpikeData([[]], length=0).align_to_events([0.0], 0, 1)


def test_spike_alignment_with_a_negative_start_time():
    sd = SpikeData([[-400.0, -150.0, -50.0, 100.0]], length=1000, start_time=-500)
    ss = sd.align_to_events([-100.0], 100, 100)
    assert ss.spike_stack[0].train[0].tolist() == [-50.0, 50.0]


# ------------------------------------------------------------------ raster stacks
def test_to_raster_array_stacks_each_slice_raster(sd4):
    ss = sd4.align_to_events([400.0, 900.0, 1200.0], 250, 500)
    arr = ss.to_raster_array(5.0)
    assert arr.shape == (4, 150, 3) and arr.dtype == np.int64
    for s, sl in enumerate(ss.spike_stack):
        assert np.array_equal(arr[:, :, s], sl.raster(5.0))


def test_to_raster_array_with_absolute_times_shares_one_axis():
    sd = SpikeData([[1.2, 1.5, 5.5, 9.0], [3.3, 7.7, 7.9, 11.0]], length=20)
    ss = SpikeSliceStack(sd, time_peaks=[5.0, 10.0], time_bounds=(5, 10))
    arr = ss.to_raster_array(2.0, absolute_times=True)
    assert arr.shape == (2, 10, 2)
    assert arr[:, :, 0].tolist() == [[2, 0, 1, 0, 1, 0, 0, 0, 0, 0], [0, 1, 0, 2, 0, 1, 0, 0, 0, 0]]
    assert arr[:, :, 1].tolist() == [[0, 0, 1, 0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 2, 0, 1, 0, 0, 0, 0]]


@FAST
@given(st.lists(st.floats(300, 9000), min_size=1, max_size=10), st.floats(0.5, 250),
       st.floats(0.5, 250), st.sampled_from([0.1, 1.0, 2.5]))
def test_raster_arrays_of_non_integer_events_stack(events, pre, post, b):
    sd = SpikeData([np.linspace(1, 9999, 200), np.linspace(3, 9990, 77)], length=10_000.0)
    arr = sd.align_to_events(events, pre, post).to_raster_array(b)
    assert arr.shape[2] == len(events) and arr.sum() == sum(
        np.sum((t >= e - pre) & (t < e + post)) for e in events for t in sd.train)
