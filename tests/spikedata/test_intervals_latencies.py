"""Inter-spike intervals, sliding-window rates, latencies and the pairwise CCG of a SpikeData."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spikelab import SpikeData
from spikelab.errors import AnalysisError, UnitIndexError
from spikelab.spikedata.correlation import compute_cross_correlation_with_lag

FAST = settings(max_examples=60, deadline=None)


def random_sd(seed, max_units=6, length=None, grid=None):
    """Random trains; ``grid`` rounds spike times to a lattice (ties and shared bins)."""
    rng = np.random.default_rng(seed)
    length = length or float(rng.uniform(5, 200))
    trains = []
    for _ in range(int(rng.integers(1, max_units + 1))):
        t = rng.uniform(0, length, int(rng.integers(0, 25)))
        trains.append(np.floor(t / grid) * grid if grid else t)
    return SpikeData(trains, length=length)


seeds = st.integers(0, 2**32 - 1)


# ------------------------------------------------------------------ intervals
def test_interval_statistics_reference_values():
    sd = SpikeData([[1.0, 2.0, 2.5, 7.0], [3.0], [], [1.5, 4.0, 9.0], [1.0, 1.0, 1.0]], length=10)
    assert [i.tolist() for i in sd.interspike_intervals()] == [
        [1.0, 0.5, 4.5],
        [],
        [],
        [2.5, 5.0],
        [0.0, 0.0],
    ]
    # unit 0: intervals 1, .5, 4.5 -> mean 2, std sqrt(19/6); unit 3: 2.5, 5 -> 1.25 / 3.75
    np.testing.assert_allclose(sd.cv_isi(), [np.sqrt(19 / 6) / 2, np.nan, np.nan, 1 / 3, np.nan])
    # unit 0: 2*.5/1.5 and 2*4/5; unit 3: 2*2.5/7.5; unit 4: 0/0
    np.testing.assert_allclose(sd.cv2_isi(), [(2 / 3 + 1.6) / 2, np.nan, np.nan, 2 / 3, np.nan])


@given(seeds)
@FAST
def test_interval_statistics_match_a_naive_loop(seed):
    sd = random_sd(seed)
    for unit, train in enumerate(sd.train):
        isi = [b - a for a, b in zip(train[:-1], train[1:], strict=True)]
        mean = sum(isi) / len(isi) if isi else 0.0
        if len(isi) >= 2 and mean > 0:
            std = (sum((x - mean) ** 2 for x in isi) / len(isi)) ** 0.5
            assert sd.cv_isi()[unit] == pytest.approx(std / mean, rel=1e-12)
            terms = [2 * abs(b - a) / (a + b) for a, b in zip(isi[:-1], isi[1:], strict=True)]
            assert sd.cv2_isi()[unit] == pytest.approx(sum(terms) / len(terms), rel=1e-12)
        else:
            assert np.isnan(sd.cv_isi()[unit])


def test_binned_meanrate():
    sd = SpikeData([[1.0, 2.0, 5.0], [3.0]], length=8)
    np.testing.assert_allclose(sd.binned_meanrate(4), [3 / 4 / 2, 1 / 4 / 2])
    np.testing.assert_allclose(sd.binned_meanrate(4, unit="Hz"), [375.0, 125.0])
    assert SpikeData([], N=0, length=10).binned_meanrate(5).tolist() == [0.0, 0.0]
    with pytest.raises(AnalysisError, match="valid units"):
        sd.binned_meanrate(4, unit="s")


# ------------------------------------------------------------------ sliding rate
def naive_sliding_rate(sd, window, step, t_start, t_end, apply_square):
    """Bins by explicit comparison, then an explicit centred window sum."""
    n = int(np.floor((t_end - t_start) / step + 1e-9)) + 1
    edges = t_start + np.arange(n + 1) * step
    out = np.zeros((sd.N, n))
    k = max(1, round(window / step))
    c = (k - 1) // 2
    for u, train in enumerate(sd.train):
        counts = np.zeros(n)
        for s in train:
            for b in range(n):
                if edges[b] <= s < edges[b + 1] or (b == n - 1 and s == edges[b + 1]):
                    counts[b] += 1
        if apply_square:
            out[u] = [counts[max(0, i + c - k + 1): i + c + 1].sum() / (k * step) for i in range(n)]
        else:
            out[u] = counts / step
    return out, edges[:-1] + step / 2


def test_sliding_rate_reference_case():
    # one spike at 5 ms, 2 ms window on a 1 ms grid from -1 ms: bins [5, 6) and the next read 1/2
    rd = SpikeData([[5.0]], length=10).sliding_rate(2, step_size=1)
    assert rd.times.tolist() == [k + 0.5 for k in range(-1, 12)]
    assert rd.inst_Frate_data[0].tolist() == [0.0] * 6 + [0.5, 0.5] + [0.0] * 5
    assert rd.rate_unit == "kHz"


@given(
    seeds, st.sampled_from([0.3, 0.5, 1.0, 2.5]), st.floats(0.2, 12), st.booleans(), st.booleans()
)
@FAST
def test_sliding_rate_matches_a_naive_window(seed, step, window, apply_square, explicit_range):
    sd = random_sd(seed, length=40.0, grid=0.5)
    t_start, t_end = (
        (3.0, 31.5) if explicit_range else (sd.start_time - window / 2, sd.length + window / 2)
    )
    kwargs = dict(t_start=t_start, t_end=t_end) if explicit_range else {}
    rd = sd.sliding_rate(window, step_size=step, apply_square=apply_square, **kwargs)
    expected, times = naive_sliding_rate(sd, window, step, t_start, t_end, apply_square)
    np.testing.assert_allclose(rd.times, times, rtol=0, atol=1e-9)
    np.testing.assert_allclose(rd.inst_Frate_data, expected, rtol=1e-12, atol=1e-12)


def test_sliding_rate_sampling_rate_and_gaussian():
    from scipy.ndimage import gaussian_filter1d

    sd = random_sd(3, length=50.0)
    by_step = sd.sliding_rate(4, step_size=0.5, gauss_sigma=2.0)
    by_rate = sd.sliding_rate(4, sampling_rate=2.0, gauss_sigma=2.0)
    np.testing.assert_array_equal(by_step.inst_Frate_data, by_rate.inst_Frate_data)
    plain = sd.sliding_rate(4, step_size=0.5).inst_Frate_data
    np.testing.assert_allclose(by_step.inst_Frate_data, gaussian_filter1d(plain, 4.0, axis=1))


@pytest.mark.parametrize("kwargs, match", [
    (dict(window_size=0, step_size=1), "window_size"),
    (dict(window_size=2), "exactly one"),
    (dict(window_size=2, step_size=1, sampling_rate=1), "exactly one"),
    (dict(window_size=2, step_size=-1), "positive"),
    (dict(window_size=2, step_size=1, gauss_sigma=-1), "gauss_sigma"),
    (dict(window_size=2, step_size=1, t_start=5, t_end=5), "after t_start"),
])
def test_sliding_rate_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SpikeData([[1.0]], length=5).sliding_rate(**kwargs)


# ------------------------------------------------------------------ latencies
def naive_nearest(train, t, later_on_tie):
    best = None
    for s in train:
        d = s - t
        if (
            best is None
            or abs(d) < abs(best)
            or (abs(d) == abs(best) and (d > best) == later_on_tie)
        ):
            best = d
    return np.nan if best is None else best


def test_latencies_reference_case():
    sd = SpikeData([[1.0, 2.0, 2.5, 7.0], [3.0], [], [1.5, 4.0, 9.0]], length=10)
    np.testing.assert_allclose(sd.latencies([2.2, 8.0], window_ms=3),
                               [[-0.2, -1.0], [0.8, np.nan], [np.nan, np.nan], [-0.7, 1.0]])
    np.testing.assert_allclose(sd.latencies_to_index(3, window_ms=3),
                               [[-0.5, -1.5, -2.0], [1.5, -1.0, np.nan], [np.nan] * 3, [0.0] * 3])
    assert sd.latencies([], window_ms=3).shape == (4, 0)
    assert (
        sd.latencies([4.0], window_ms=1.0)[0, 0] != sd.latencies([4.0], window_ms=1.0)[0, 0]
    )  # 2.5 ms away
    assert sd.latencies([5.5], window_ms=1.5)[0, 0] == 1.5  # the window is inclusive


def test_latency_ties_follow_0_1_2():
    sd = SpikeData([[2.0], [1.0, 3.0]], length=5)
    assert sd.latencies([2.0])[1, 0] == -1.0  # latencies: the earlier spike
    _, _, dist = sd.get_pairwise_latencies(return_distributions=True)
    assert dist[0, 1].tolist() == [1.0]  # pairwise: the later spike


@given(seeds, st.one_of(st.none(), st.floats(0, 20)))
@FAST
def test_latencies_match_a_naive_scan(seed, window):
    sd = random_sd(seed, grid=0.5)
    rng = np.random.default_rng(seed)
    times = np.round(rng.uniform(0, sd.length, 7) * 2) / 2
    got = sd.latencies(times, window_ms=np.inf if window is None else window)
    for u, train in enumerate(sd.train):
        for q, t in enumerate(times):
            d = naive_nearest(train, t, later_on_tie=False)
            expected = np.nan if window is not None and abs(d) > window else d
            assert got[u, q] == pytest.approx(expected, nan_ok=True)


@given(seeds, st.one_of(st.none(), st.floats(0, 20)))
@FAST
def test_pairwise_latencies_match_a_naive_scan(seed, window):
    sd = random_sd(seed, grid=0.5)
    mean, std, dist = sd.get_pairwise_latencies(window_ms=window, return_distributions=True)
    assert mean.metadata == {"window_ms": window}
    for i, a in enumerate(sd.train):
        for j, b in enumerate(sd.train):
            lats = [] if i == j else [naive_nearest(b, s, later_on_tie=True) for s in a if b.size]
            lats = [x for x in lats if window is None or abs(x) <= window]
            assert dist[i, j].tolist() == pytest.approx(lats)
            if i == j:
                assert mean.matrix[i, j] == 0 and std.matrix[i, j] == 0
            elif not lats:
                assert np.isnan(mean.matrix[i, j]) and np.isnan(std.matrix[i, j])
            else:
                assert mean.matrix[i, j] == pytest.approx(np.mean(lats), abs=1e-12)
                assert std.matrix[i, j] == pytest.approx(np.std(lats), abs=1e-12)


@pytest.mark.parametrize("call, error", [
    (lambda sd: sd.latencies_to_index(4), UnitIndexError),
    (lambda sd: sd.latencies_to_index(-1), UnitIndexError),
    (lambda sd: sd.latencies([1.0], window_ms=-1), AnalysisError),
    (lambda sd: sd.latencies([[1.0, 2.0]]), AnalysisError),
    (lambda sd: sd.get_pairwise_latencies(window_ms=np.nan), AnalysisError),
])
def test_latencies_reject_bad_arguments(call, error):
    with pytest.raises(error):
        call(SpikeData([[1.0], [2.0], [3.0], []], length=5))


# ------------------------------------------------------------------ pairwise CCG
def test_pairwise_ccg_reference_case():
    # unit 4 fires twice in bin 1: counts, not a binary raster (as 0.1.2)
    sd = SpikeData([[1.1, 1.2, 3.5], [1.5, 3.5], []], length=10)
    corr, lag = sd.get_pairwise_ccg(bin_size=1.0, max_lag=0)
    assert corr.matrix[0, 1] == pytest.approx(3 / np.sqrt(5 * 2))
    assert np.isnan(corr.matrix[2, 2]) and corr.matrix[0, 2] == 0 and corr.matrix[0, 0] == 1
    assert corr.metadata == {"bin_size": 1.0, "max_lag": 0}
    corr, lag = SpikeData([[1.0, 3.0], [2.0, 4.0]], length=6).get_pairwise_ccg(max_lag=2)
    assert (
        corr.matrix[0, 1] == pytest.approx(1) and lag.matrix[0, 1] == -1 and lag.matrix[1, 0] == 1
    )  # 1 bin later


@given(seeds, st.sampled_from([0.5, 1.0, 2.5]), st.floats(0, 30))
@FAST
def test_pairwise_ccg_matches_the_kernel_on_rasters(seed, bin_size, max_lag):
    sd = random_sd(seed, grid=0.25)
    corr, lag = sd.get_pairwise_ccg(bin_size=bin_size, max_lag=max_lag)
    raster = sd.raster(bin_size).astype(float)
    lags = int(round(max_lag / bin_size))
    for i in range(sd.N):
        for j in range(i, sd.N):
            value, at = compute_cross_correlation_with_lag(raster[i], raster[j], lags)
            assert corr.matrix[i, j] == pytest.approx(value, abs=1e-12, nan_ok=True)
            assert corr.matrix[j, i] == pytest.approx(value, abs=1e-12, nan_ok=True)
            assert lag.matrix[i, j] == at and lag.matrix[j, i] == -at
