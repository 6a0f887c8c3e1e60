"""Rasters, binned counts, mean rates, inverse-ISI rates and the population rate."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.ndimage import gaussian_filter1d

from spikelab import SpikeData, SpikeSliceStack
from spikelab.errors import AnalysisError
from spikelab.spikedata import rates as R

FAST = settings(max_examples=60, deadline=None)


# ------------------------------------------------------------------ rasters
def test_raster_reference_example():
    sd = SpikeData([[0, 1, 1.5, 2]], length=3)
    assert R.raster(sd, 1.0).tolist() == [[2, 2, 0]]
    assert sd.raster(1.0).dtype == np.int64


@pytest.mark.parametrize("start", [0.0, -20.0, 1234.5])
def test_bins_are_left_open_right_closed_after_shifting_by_start(start):
    sd = SpikeData(
        [[start, start + 1, start + 1.25, start + 2, start + 4]], length=4, start_time=start
    )
    assert sd.raster(1.0).tolist() == [[2, 2, 0, 1]]
    assert sd.binned(2.0).tolist() == [4, 1]


def test_time_offset_shifts_spikes_and_extends_the_grid():
    sd = SpikeData([[0, 1, 1.5, 2]], length=3)
    assert sd.raster(1.0, time_offset=0.5).tolist() == [[1, 2, 1, 0]]
    later = SpikeData([[0, 1, 1.5, 2, 3]], length=3)
    assert later.raster(1.0, time_offset=-1.2).tolist() == [[4, 1]]  # early spikes clip into bin 0


def test_sparse_raster_matches_dense_and_counts_every_spike(small_sd):
    sp = small_sd.sparse_raster(7.0)
    assert sp.shape == (small_sd.N, math.ceil(small_sd.length / 7.0))
    assert np.array_equal(sp.toarray(), small_sd.raster(7.0))
    assert sp.sum() == sum(t.size for t in small_sd.train)


@pytest.mark.parametrize("bin_size", [0.1, 0.3, 0.7, 2.5])
def test_float_drift_does_not_add_or_move_bins(bin_size):
    # k * b computed in floats sits just above or below k*b; both must land in bin k-1
    ks = np.arange(1, 9)
    sd = SpikeData([ks * bin_size], length=8 * bin_size)
    assert sd.raster(bin_size).tolist() == [[1] * 8]


@FAST
@given(st.lists(st.floats(0, 500, allow_nan=False), max_size=30),
       st.sampled_from([0.1, 0.25, 1.0, 3.3, 40.0]), st.floats(-100, 100))
def test_raster_matches_exact_rational_binning(times, b, start):
    length = 500.0
    stored = np.asarray(times) + start  # what SpikeData holds

    def exact_bins(t):  # exact rational (t - start) / b of the stored floats
        return (Fraction(float(t)) - Fraction(start)) / Fraction(b)

    # float rounding may move spikes sitting on a bin edge: this test is about the rest
    stored = [
        t for t in stored if exact_bins(t) == 0 or abs(exact_bins(t) - round(exact_bins(t))) > 1e-6
    ]
    sd = SpikeData([stored], length=length, start_time=start)
    nb = math.ceil(Fraction(length) / Fraction(b) - Fraction(1, 10**9))
    naive = np.zeros(nb, dtype=np.int64)
    for t in stored:
        naive[min(max(math.ceil(exact_bins(t)) - 1, 0), nb - 1)] += 1
    assert sd.raster(b)[0].tolist() == naive.tolist()


@FAST
@given(st.lists(st.floats(300, 9000), min_size=1, max_size=20),
       st.floats(0.5, 300), st.floats(0.5, 300), st.sampled_from([0.1, 0.3, 1.0, 2.5, 7.0]))
def test_equal_duration_slices_get_equal_bin_counts(peaks, pre, post, b):
    sd = SpikeData([np.linspace(1, 9999, 50)], length=10_000.0)
    stack = SpikeSliceStack(sd, time_peaks=peaks, time_bounds=(pre, post))
    assert len({s.raster(b).shape for s in stack.spike_stack}) == 1


def test_binned_is_the_population_sum_of_the_raster(small_sd):
    assert np.array_equal(small_sd.binned(40.0), small_sd.raster(40.0).sum(axis=0))
    assert SpikeData([[0, 1, 1.5, 2]], length=3).binned(2.0).tolist() == [4, 0]


@pytest.mark.parametrize("bad", [0, -1.0, np.nan])
def test_bin_size_must_be_positive(small_sd, bad):
    with pytest.raises(AnalysisError, match="bin_size"):
        small_sd.raster(bad)


def test_empty_recordings_give_empty_rasters():
    assert SpikeData([], length=10).raster(1.0).shape == (0, 10)
    assert SpikeData([[]], length=0).raster(1.0).shape == (1, 0)


# ------------------------------------------------------------------ mean rates
def test_rates_in_khz_and_hz():
    sd = SpikeData([[0, 1, 1.5, 2], []], length=3)
    np.testing.assert_allclose(sd.rates(), [4 / 3, 0])
    np.testing.assert_allclose(sd.rates("Hz"), [4000 / 3, 0])
    with pytest.raises(AnalysisError, match="'Hz'"):
        sd.rates("MHz")


def test_rates_of_a_zero_length_recording_are_undefined_not_infinite():
    rates = SpikeData([[0.0], []], length=0).rates()
    assert np.isnan(rates[0]) and rates[1] == 0.0


# ------------------------------------------------------------------ inverse-ISI rates
def test_resampled_isi_reference_example():
    sd = SpikeData([[10, 20, 40]], length=50)
    rd = sd.resampled_isi(np.arange(0, 50, 1.0), sigma_ms=0)
    expected = np.r_[np.zeros(10), np.full(10, 100.0), np.full(20, 50.0), np.zeros(10)]
    assert np.array_equal(rd.inst_Frate_data[0], expected)
    assert rd.rate_unit == "Hz" and np.array_equal(rd.times, np.arange(0, 50, 1.0))


def test_resampled_isi_rounds_interval_bounds_half_to_even():
    # (s - t0)/dt = 0.5, 1.5, 2.5, 3.5, 4.5 -> 0, 2, 2, 4, 4: the middle intervals vanish
    sd = SpikeData([[1, 3, 5, 7, 9], [2, 2, 6]], length=12)
    rd = sd.resampled_isi(np.arange(0, 12, 2.0), sigma_ms=0)
    assert rd.inst_Frate_data.tolist() == [[500, 500, 500, 500, 0, 0], [0, 250, 250, 0, 0, 0]]


def naive_isi_rate(train, grid):
    """Straight from the definition: the interval whose rounded bounds contain each point."""
    t0, dt = grid[0], grid[1] - grid[0]
    out = np.zeros(grid.size)
    for i in range(grid.size):
        for k in range(1, len(train)):
            lo, hi = round((train[k - 1] - t0) / dt), round((train[k] - t0) / dt)
            if lo <= i < hi:
                out[i] = 1000.0 / (train[k] - train[k - 1])
    return out


@FAST
@given(st.lists(st.floats(0, 200), max_size=12), st.sampled_from([0.5, 1.0, 3.0]),
       st.floats(-20, 20), st.sampled_from([0.0, 2.0, 7.5]))
def test_resampled_isi_matches_a_naive_definition(train, dt, t0, sigma):
    sd = SpikeData([train], length=200.0)
    grid = np.arange(t0, t0 + 200, dt)
    naive = naive_isi_rate(sd.train[0], grid)
    if sigma:
        naive = gaussian_filter1d(naive, sigma / dt)
    got = sd.resampled_isi(grid, sigma_ms=sigma).inst_Frate_data[0]
    np.testing.assert_allclose(got, naive, rtol=1e-9, atol=1e-9)


@FAST
@given(st.lists(st.floats(0, 100), max_size=10), st.lists(st.integers(-30, 250), max_size=40))
def test_isi_rate_at_any_index_equals_the_full_row(train, index):
    train = np.sort(np.asarray(train, dtype=np.float64))
    grid = np.arange(0.0, 220.0, 1.0)
    full = naive_isi_rate(train, grid)
    index = np.clip(np.asarray(index, dtype=np.int64), 0, grid.size - 1)
    assert np.array_equal(R.isi_rate_at(train, 0.0, 1.0, index), full[index])


@pytest.mark.parametrize("times, sigma, match", [
    (np.array([3.0]), 0, "at least 2"),
    (np.array([3.0, 2.0]), 0, "increase"),
    (np.arange(10.0), -1, "sigma_ms"),
])
def test_resampled_isi_rejects_bad_grids(times, sigma, match):
    with pytest.raises(AnalysisError, match=match):
        SpikeData([[1.0, 2.0]], length=10).resampled_isi(times, sigma)


def test_resampled_isi_on_an_empty_grid_is_empty():
    assert SpikeData([[1.0, 2.0]], length=10).resampled_isi(np.array([])).inst_Frate_data.shape == (
        1,
        0,
    )


# ------------------------------------------------------------------ population rate
def naive_same_convolution(x, kernel):
    """np.convolve(x, k, 'same') written out: full convolution cropped at (K-1)//2."""
    full = np.zeros(x.size + kernel.size - 1)
    for i, xi in enumerate(x):
        for j, kj in enumerate(kernel):
            full[i + j] += xi * kj
    start = (kernel.size - 1) // 2
    return full[start : start + x.size]


@pytest.mark.parametrize("square, sigma, bin_size", [(0, 0, 1.0), (5, 0, 1.0), (4, 0, 1.0),
                                                     (0, 3, 1.0), (5, 2.5, 1.0), (6, 4, 2.0)])
def test_pop_rate_matches_naive_smoothing(square, sigma, bin_size):
    rng = np.random.default_rng(3)
    sd = SpikeData([np.sort(rng.uniform(0, 200, 40)) for _ in range(3)], length=200)
    counts = sd.raster(bin_size).sum(axis=0).astype(float)
    expected = counts
    w = round(square / bin_size)
    if w:
        expected = naive_same_convolution(expected, np.full(w, 1.0 / w))
    if sigma:
        s = sigma / bin_size
        g = np.arange(-3 * s, 3 * s + 1)
        k = np.exp(-g**2 / (2 * s * s)) / (s * math.sqrt(2 * math.pi))
        expected = naive_same_convolution(expected, k / k.sum())
    got = sd.get_pop_rate(square, sigma, bin_size)
    assert got.shape == counts.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_long_gaussian_kernels_match_the_direct_sum_with_exact_zeros():
    # 6 sigma = 300 bins: the FFT path; the silent stretch must stay exactly 0, not 1e-17
    rng = np.random.default_rng(8)
    trains = [
        np.sort(np.r_[rng.uniform(0, 300, 20), rng.uniform(1500, 2000, 20)]) for _ in range(3)
    ]
    sd = SpikeData(trains, length=2000)
    counts = sd.raster(1.0).sum(axis=0).astype(float)
    g = np.arange(-150, 151)
    k = np.exp(-g**2 / (2 * 50.0**2))
    expected = naive_same_convolution(naive_same_convolution(counts, np.full(4, 0.25)), k / k.sum())
    got = sd.get_pop_rate(4, 50)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)
    assert np.array_equal(got == 0, expected == 0) and np.all(got >= 0)


def test_pop_rate_preserves_the_spike_count_away_from_the_edges():
    sd = SpikeData([[500.0] * 3], length=1000)
    assert sd.get_pop_rate(20, 50).sum() == pytest.approx(3.0)


@pytest.mark.parametrize("square, sigma, match", [(300, 0, "square_width"), (0, 40, "gauss_sigma"),
                                                  (0, 33.4, "gauss_sigma"), (-1, 0, ">= 0")])
def test_pop_rate_rejects_kernels_longer_than_the_recording(square, sigma, match):
    sd = SpikeData([[10.0]], length=200)
    with pytest.raises(AnalysisError, match=match):
        sd.get_pop_rate(square, sigma)


def test_intervals_starting_before_the_grid_cover_only_their_overlap():
    # 0.1.2 wraps the early intervals' negative indices around to the end of the grid
    sd = SpikeData([[10, 20, 40, 150, 160]], length=200)
    rd = sd.resampled_isi(np.arange(30, 200, 1.0), sigma_ms=0).inst_Frate_data[0]
    expected = np.r_[np.full(10, 50.0), np.full(110, 1000 / 110), np.full(10, 100.0), np.zeros(40)]
    np.testing.assert_allclose(rd, expected, rtol=1e-12)
