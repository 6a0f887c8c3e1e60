"""Network burst detection, parameter sweeps and per-burst participation."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import find_peaks

from spikelab import SpikeData
from spikelab.errors import AnalysisError

NO_SMOOTHING = dict(square_width=0, gauss_sigma=0, acc_square_width=0, acc_gauss_sigma=0)
TRAINS = [np.arange(45, 56), np.arange(48, 53), [50, 50, 50],
          np.arange(145, 156), np.arange(148, 153), [150] * 4]


@pytest.fixture
def two_bursts():
    return SpikeData(TRAINS, length=200)


# ------------------------------------------------------------------ spec reference cases
def test_reference_case_without_smoothing(two_bursts):
    tburst, edges, amp = two_bursts.get_bursts(0.5, 10, 0.2, **NO_SMOOTHING)
    assert tburst.tolist() == [49, 149]
    assert edges.tolist() == [[43, 55], [146, 152]]
    assert amp.tolist() == [5, 6]


def test_reference_case_with_smoothing(two_bursts):
    tburst, edges, amp = two_bursts.get_bursts(0.5, 10, 0.2, square_width=5, gauss_sigma=3,
                                               acc_square_width=3, acc_gauss_sigma=2)
    assert tburst.tolist() == [49, 149]
    assert edges.tolist() == [[41, 57], [141, 157]]
    np.testing.assert_allclose(amp, [2.300093372008, 2.4841273297], rtol=0, atol=1e-9)


def test_a_single_burst_needs_peak_to_trough_false():
    sd = SpikeData(TRAINS[:3], length=200)
    tburst, edges, amp = sd.get_bursts(0.5, 10, 0.2, **NO_SMOOTHING)
    assert tburst.size == 0 and edges.shape == (0, 2) and amp.size == 0
    tburst, edges, amp = sd.get_bursts(0.5, 10, 0.2, peak_to_trough=False, **NO_SMOOTHING)
    assert tburst.tolist() == [49] and edges.tolist() == [[43, 55]] and amp.tolist() == [5]


@pytest.mark.parametrize("shift", [1000.0, -75.0])
def test_burst_times_are_ms_from_the_recording_start(shift):
    sd = SpikeData([np.asarray(t) + shift for t in TRAINS], length=200, start_time=shift)
    tburst, edges, _ = sd.get_bursts(0.5, 10, 0.2, **NO_SMOOTHING)
    assert (tburst - shift).tolist() == [49, 149]
    assert (edges - shift).tolist() == [[43, 55], [146, 152]]


def test_burst_times_with_two_ms_bins_are_bin_indices_times_two(two_bursts):
    tburst, edges, amp = two_bursts.get_bursts(0.5, 10, 0.2, raster_bin_size_ms=2, **NO_SMOOTHING)
    assert tburst.tolist() == [48, 148]  # 0.1.2 returns bins 24, 74
    assert edges.tolist() == [[42, 54], [142, 154]] and amp.tolist() == [7, 8]


def test_duplicate_burst_times_warn_and_are_kept(two_bursts):
    pop = np.array([0, 0, 5, 3, 4, 0, 0, 0.0])  # two peaks sharing edges [1, 5]
    with pytest.warns(UserWarning, match="duplicated"):
        tburst, edges, _ = two_bursts.get_bursts(0.1, 1, 0.2, peak_to_trough=False,
                                                 pop_rate=pop, pop_rate_acc=pop)
    assert tburst.tolist() == [2, 2] and edges.tolist() == [[1, 5], [1, 5]]


def test_acc_rate_of_another_length_falls_back_to_the_peak(two_bursts):
    pop = np.array([0, 1, 4, 2, 0, 0, 1, 3, 1, 0.0])
    tburst, edges, amp = two_bursts.get_bursts(0.5, 1, 0.5, pop_rate=pop, pop_rate_acc=np.zeros(3))
    assert (
        tburst.tolist() == [2, 7] and amp.tolist() == [4, 3] and edges.tolist() == [[1, 4], [6, 8]]
    )


# ------------------------------------------------------------------ against a naive detector
def naive_bursts(pop, acc, thr, dist, mult, peak_to_trough, rms=None):
    """Steps 2-5 of the spec, one burst at a time, in plain Python."""
    rms = np.sqrt(np.mean(pop**2)) if rms is None else rms
    peaks = list(find_peaks(pop, height=thr * rms, distance=dist)[0])
    out = []
    for k, p in enumerate(peaks):
        baseline = 0.0
        if peak_to_trough:
            troughs = [min(pop[a:b]) for a, b in ((peaks[k - 1] if k else None, p),
                                                  (p, peaks[k + 1] if k + 1 < len(peaks) else None))
                       if a is not None and b is not None and b - a > 1]
            if not troughs:
                continue
            baseline = max(troughs)
        level = baseline + mult * max(0.0, pop[p] - baseline)
        below_before = [i for i in range(p) if pop[i] < level]
        below_after = [i for i in range(p + 1, len(pop)) if pop[i] < level]
        if not below_before or not below_after:
            continue
        start, end = below_before[-1], below_after[0]
        seg = list(acc[start:end])
        j = seg.index(max(seg))
        out.append((start + j, start, end, seg[j]))
    return out


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=5, max_size=80), st.floats(0.2, 2.0),
       st.integers(1, 6), st.floats(0, 0.9), st.booleans())
def test_detection_matches_a_naive_detector(counts, thr, dist, mult, peak_to_trough):
    pop = np.asarray(counts, dtype=np.float64)
    acc = np.roll(pop, 1) + 0.5 * pop
    sd = SpikeData([[]], length=len(counts))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tburst, edges, amp = sd.get_bursts(thr, dist, mult, peak_to_trough=peak_to_trough,
                                           pop_rate=pop, pop_rate_acc=acc)
    expected = naive_bursts(pop, acc, thr, dist, mult, peak_to_trough)
    assert tburst.tolist() == [e[0] for e in expected]
    assert edges.tolist() == [[e[1], e[2]] for e in expected]
    assert amp.tolist() == [e[3] for e in expected]


def test_rms_override_replaces_the_threshold_baseline(two_bursts):
    assert two_bursts.get_bursts(0.5, 10, 0.2, pop_rms_override=100, **NO_SMOOTHING)[0].size == 0
    assert two_bursts.get_bursts(0.5, 10, 0.2, pop_rms_override=1, **NO_SMOOTHING)[0].size == 2


# ------------------------------------------------------------------ sweeps
def test_burst_sensitivity_counts_match_get_bursts(two_bursts):
    thr, dist = [0.3, 0.5, 3, 50], [5, 10, 150]
    counts = two_bursts.burst_sensitivity(thr, dist, 0.2, **NO_SMOOTHING)
    assert counts.dtype == np.int64 and counts.shape == (4, 3)
    for i, t in enumerate(thr):
        for j, d in enumerate(dist):
            assert counts[i, j] == two_bursts.get_bursts(t, d, 0.2, **NO_SMOOTHING)[0].size
    assert counts[0, 0] == 2 and not counts[-1].any()  # a huge threshold finds nothing
    assert not counts[:, 2].any()  # 150 bins apart: one peak, no trough, no burst


# ------------------------------------------------------------------ participation
@pytest.mark.parametrize("min_spikes, per_unit, per_burst, backbone", [
    (3, [0.5, 0.5, 0, 0.5, 0.5, 0], [1 / 3, 1 / 3], [0, 1, 3, 4]),
    (6, [0.5, 0, 0, 0.5, 0, 0], [1 / 6, 1 / 6], [0, 3]),
    (11, [0.5, 0, 0, 0, 0, 0], [1 / 6, 0], [0]),
])
def test_frac_active_counts_occupied_bins_between_the_edges(two_bursts, min_spikes, per_unit,
                                                            per_burst, backbone):
    _, edges, _ = two_bursts.get_bursts(0.5, 10, 0.2, **NO_SMOOTHING)
    fu, fb, bb = two_bursts.get_frac_active(edges, min_spikes, 0.5)
    np.testing.assert_allclose(fu, per_unit)
    np.testing.assert_allclose(fb, per_burst)
    assert bb.tolist() == backbone


def test_frac_active_without_bursts(two_bursts):
    fu, fb, bb = two_bursts.get_frac_active(np.zeros((0, 2)), 3, 0.5)
    assert fu.tolist() == [0.0] * 6 and fb.size == 0 and bb.size == 0


def test_frac_spikes_in_burst_reference_semantics_and_per_spike_option(two_bursts):
    _, edges, _ = two_bursts.get_bursts(0.5, 10, 0.2, **NO_SMOOTHING)
    # 0.1.2 counts occupied bins: three spikes in one bin count once
    np.testing.assert_allclose(two_bursts.get_frac_spikes_in_burst(edges),
                               [1, 1, 1 / 3, 7 / 11, 1, 1 / 4])
    np.testing.assert_allclose(two_bursts.get_frac_spikes_in_burst(edges, per_spike=True),
                               [1, 1, 1, 7 / 11, 1, 1])


def test_frac_spikes_in_overlapping_bursts():
    sd = SpikeData([np.arange(45, 56), [50, 50, 50, 60], []], length=200)
    edges = np.array([[45, 50], [48, 52]])
    frac = sd.get_frac_spikes_in_burst(edges)
    np.testing.assert_allclose(frac[:2], [1.0, 0.5])  # overlap counted twice, as 0.1.2
    assert np.isnan(frac[2])
    np.testing.assert_allclose(
        sd.get_frac_spikes_in_burst(edges, per_spike=True)[:2], [8 / 11, 3 / 4]
    )
    assert np.isnan(sd.get_frac_spikes_in_burst(np.zeros((0, 2)))).all()


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda sd: sd.get_bursts(0.5, 10, 0.2, pop_rms_override=0, **NO_SMOOTHING),
            "pop_rms_override",
        ),
        (lambda sd: sd.get_bursts(0.5, 0, 0.2, **NO_SMOOTHING), "min_burst_diff"),
        (lambda sd: sd.get_bursts(0.5, 10, 0.2, raster_bin_size_ms=0), "raster_bin_size_ms"),
        (lambda sd: sd.get_frac_active(np.array([[190, 250]]), 1, 0.5), "outside the recording"),
        (lambda sd: sd.get_frac_spikes_in_burst(np.array([[-10, 46]])), "outside the recording"),
        (lambda sd: sd.get_frac_active(np.array([[np.nan, 4]]), 1, 0.5), "NaN"),
        (lambda sd: sd.get_bursts(0.5, 10, 0.2), "too large"),
    ],
)
def test_bad_burst_arguments_raise(two_bursts, call, match):
    with pytest.raises(AnalysisError, match=match):
        call(two_bursts)


def test_empty_recordings():
    with pytest.raises(AnalysisError, match="square_width"):
        SpikeData([], length=0).get_bursts(3, 100, 0.2)
    tburst, edges, amp = SpikeData([[], []], length=2000).get_bursts(3, 100, 0.2)
    assert tburst.size == 0 and edges.shape == (0, 2) and amp.size == 0
