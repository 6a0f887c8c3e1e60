"""The numpy signal helpers, the binning and the Gaussian smoothing against the library
functions they replace (scipy stays here as the reference) and against naive definitions."""

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.ndimage import gaussian_filter1d
from scipy.signal import find_peaks as scipy_find_peaks
from scipy.signal import oaconvolve

from spikelab.spikedata._binning import bin_counts, bin_indices
from spikelab.spikedata._signal import burst_edges, fft_convolve_same, find_peaks
from spikelab.spikedata.rates import gaussian_smooth

FAST = settings(max_examples=300, deadline=None)

# values drawn from a few levels: plateaus, ties between peaks and NaN gaps are common
signals = st.lists(st.sampled_from([0.0, 1.0, 2.0, 2.5, 3.0, -1.0, np.nan]), max_size=60).map(
    lambda v: np.asarray(v, dtype=np.float64))


# ------------------------------------------------------------------ peaks
@FAST
@given(signals, st.floats(-2, 4), st.sampled_from([1, 1.5, 2, 3, 4.2, 10, 100]))
def test_find_peaks_equals_scipy(x, height, distance):
    expected = scipy_find_peaks(x, height=height, distance=distance)[0]
    got = find_peaks(x, height, distance)
    assert got.dtype == np.int64 and got.tolist() == expected.tolist()


@pytest.mark.parametrize("x, height, distance, expected", [
    ([0, 1, 1, 1, 0], 0, 1, [2]),             # a flat peak: its middle
    ([0, 1, 1, 1, 1, 0], 0, 1, [2]),          # even plateau: middle rounded down
    ([1, 1, 0, 2, 2], 0, 1, []),              # plateaus touching the ends are no peaks
    ([0, 3, 0, 2, 0, 3, 0], 0, 3, [1, 5]),    # the lower peak between two higher ones goes
    ([0, 3, 0, 2, 0, 3, 0], 2.5, 1, [1, 5]),  # below the height
    ([0, 2, 0, 2, 0], 0, 3, [3]),             # equal heights: the later survives, as in scipy
])
def test_find_peaks_hand_cases(x, height, distance, expected):
    x = np.asarray(x, dtype=np.float64)
    assert find_peaks(x, height, distance).tolist() == expected
    assert scipy_find_peaks(x, height=height, distance=distance)[0].tolist() == expected


def test_find_peaks_on_a_long_noisy_rate_equals_scipy():
    rng = np.random.default_rng(4)
    x = np.convolve(rng.poisson(3, 200_000).astype(float), np.ones(20) / 20, mode="same")
    for height, distance in [(3.0, 1), (3.5, 50), (4.0, 500)]:
        assert np.array_equal(find_peaks(x, height, distance),
                              scipy_find_peaks(x, height=height, distance=distance)[0])


# ------------------------------------------------------------------ burst edges
def naive_edges(pop, peak, level):
    before = [i for i in range(peak) if pop[i] < level]
    after = [i for i in range(peak + 1, len(pop)) if pop[i] < level]
    return (before[-1] if before else -1), (after[0] if after else -1)


@FAST
@given(signals.filter(lambda x: x.size > 0), st.data())
def test_burst_edges_match_the_definition(pop, data):
    peaks = data.draw(st.lists(st.integers(0, pop.size - 1), max_size=5))
    levels = data.draw(st.lists(st.floats(-1, 4), min_size=len(peaks), max_size=len(peaks)))
    starts, ends = burst_edges(pop, np.asarray(peaks, dtype=np.int64), np.asarray(levels))
    assert starts.dtype == ends.dtype == np.int64
    assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == [
        naive_edges(pop, p, lv) for p, lv in zip(peaks, levels, strict=True)]


def test_burst_edges_far_from_the_peak():
    # crossings thousands of samples away: the widening scan still finds the nearest one
    pop = np.full(20_000, 5.0)
    pop[[100, 19_000]] = 0.0
    starts, ends = burst_edges(pop, np.array([9_000, 50]), np.array([1.0, 1.0]))
    assert starts.tolist() == [100, -1] and ends.tolist() == [19_000, 100]


# ------------------------------------------------------------------ convolution
@pytest.mark.parametrize("n, taps", [(1, 1), (7, 7), (1000, 601), (50_000, 601), (7, 2)])
def test_fft_convolution_equals_the_direct_one(n, taps):
    rng = np.random.default_rng(n)
    x, kernel = rng.poisson(2, n).astype(float), rng.random(taps)
    direct = np.convolve(x, kernel, mode="same")
    got = fft_convolve_same(x, kernel)
    assert got.shape == direct.shape
    np.testing.assert_allclose(got, direct, rtol=0, atol=1e-12 * max(1.0, direct.max()))
    # the function it replaces: the same rounding class
    np.testing.assert_allclose(
        got, oaconvolve(x, kernel, mode="same"), rtol=0, atol=1e-12 * direct.max()
    )


# ------------------------------------------------------------------ Gaussian smoothing
@FAST
@given(st.integers(1, 3), st.integers(1, 120), st.sampled_from([0.05, 0.3, 1.0, 2.5, 7.3, 40.0]),
       st.integers(0, 2**32 - 1))
def test_gaussian_smooth_is_scipy_bit_for_bit(rows, n, sigma, seed):
    rng = np.random.default_rng(seed)
    data = rng.exponential(size=(rows, n)) * (rng.random((rows, n)) < 0.6)
    assert np.array_equal(gaussian_smooth(data, sigma), gaussian_filter1d(data, sigma, axis=1))


def test_gaussian_smooth_keeps_the_input():
    data = np.arange(12.0).reshape(2, 6)
    gaussian_smooth(data, 2.0)
    assert data.tolist() == np.arange(12.0).reshape(2, 6).tolist()


# ------------------------------------------------------------------ binning
def naive_bin(t, origin, b, n):
    x = (t - origin) / b
    return min(
        max(math.ceil(x - max(1e-9, 4 * np.finfo(float).eps * abs(x))) - 1, 0), max(n - 1, 0)
    )


@FAST
@given(st.lists(st.floats(-50, 1e6), max_size=40), st.sampled_from([0.0, -3.5, 1000.0]),
       st.sampled_from([0.1, 1.0, 2.5, 40.0]), st.integers(0, 2000))
def test_bin_indices_and_counts_match_the_definition(times, origin, b, n):
    t = np.asarray(times, dtype=np.float64)
    expected = [naive_bin(x, origin, b, n) for x in times]
    assert bin_indices(t, origin, b, n).tolist() == expected
    counts = bin_counts(t, origin, b, n)
    assert counts.dtype == np.int64 and counts.size == n
    if n:
        assert (
            counts.tolist()
            == np.bincount(np.asarray(expected, dtype=np.int64), minlength=n).tolist()
        )


def test_binning_in_chunks_equals_binning_at_once():
    rng = np.random.default_rng(1)
    t = rng.uniform(0, 600_000, 700_000)  # more than two chunks
    idx = bin_indices(t, 0.0, 1.0, 600_000)
    assert np.array_equal(idx, np.clip(np.ceil(t - 1e-9).astype(np.int64) - 1, 0, 599_999))


# ------------------------------------------------------------------ what burst detection loads
def test_burst_detection_imports_neither_scipy_nor_numba():
    code = (
        "import sys, numpy as np\n"
        "from spikelab import SpikeData\n"
        "sd = SpikeData([np.arange(0, 5000, 7.0), np.arange(3, 5000, 11.0)], length=5000)\n"
        "tb, edges, _ = sd.get_bursts(1.0, 50, 0.2, gauss_sigma=100)\n"
        "sd.get_frac_active(edges, 2, 0.8); sd.get_frac_spikes_in_burst(edges)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'scipy', 'numba'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
