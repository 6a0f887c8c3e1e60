"""Spike-triggered population rate and the comparison of two spike sortings."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import butter, filtfilt

from spikelab import SpikeData
from spikelab.errors import AnalysisError

FAST = settings(max_examples=40, deadline=None)
seeds = st.integers(0, 2**32 - 1)


# ------------------------------------------------------------------ stPR
def naive_stpr_raw(sd, bin_size, reach):
    """The definition, one unit, lag and bin at a time on the dense raster."""
    r = sd.raster(bin_size).astype(float)
    n, t_max = r.shape
    out = np.full((n, 2 * reach + 1), np.nan)
    for i in range(n):
        others = r.sum(axis=0) - r[i]
        m = others.mean()
        if r[i].sum() == 0 or m == 0:
            continue
        for k, lag in enumerate(range(-reach, reach + 1)):
            total = sum(
                r[i, t] * (others[t + lag] - m) for t in range(t_max) if 0 <= t + lag < t_max
            )
            out[i, k] = total / (r[i].sum() * m)
    return out


@given(seeds, st.sampled_from([1.0, 2.0]))
@settings(max_examples=15, deadline=None)
def test_stpr_matches_the_definition(seed, bin_size):
    rng = np.random.default_rng(seed)
    sd = SpikeData(
        [np.sort(rng.uniform(0, 300, rng.integers(0, 25))) for _ in range(4)], length=300
    )
    curves, zero, peak, delay, lags = sd.compute_spike_trig_pop_rate(
        window_ms=12, bin_size=bin_size, cut_outer=2
    )
    reach = int(round(12 / bin_size))
    b, a = butter(2, 20, fs=1000 / bin_size)
    raw = naive_stpr_raw(sd, bin_size, reach)
    expected = np.array([filtfilt(b, a, row) if not np.isnan(row).any() else row for row in raw])
    np.testing.assert_allclose(curves, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(lags, np.arange(-reach, reach + 1) * bin_size)
    np.testing.assert_array_equal(zero, curves[:, reach])
    for u in range(sd.N):
        if np.isnan(curves[u]).any():
            assert np.isnan(peak[u]) and np.isnan(delay[u])
        else:
            kept = curves[u, 2: 2 * reach - 1]
            assert peak[u] == kept.max() and delay[u] == lags[2 + np.argmax(kept)]


def test_stpr_finds_a_unit_that_leads_the_population():
    # unit 0 fires 5 ms before every population event of units 1..5: its curve peaks at +5 ms
    rng = np.random.default_rng(0)
    events = np.sort(rng.choice(np.arange(50, 9900), 150, replace=False)).astype(float)
    trains = [events - 5 + 0.5] + [events + rng.normal(0, 0.3, events.size) for _ in range(5)]
    sd = SpikeData([np.sort(np.clip(t, 0, 9999)) for t in trains], length=10000)
    curves, zero, peak, delay, lags = sd.compute_spike_trig_pop_rate(window_ms=40, cut_outer=5)
    assert delay[0] == pytest.approx(5, abs=1)
    assert (np.abs(delay[1:]) <= 1).all()  # the others fire together
    assert peak[0] > 3 * abs(curves[0, 0])  # a clear peak above the flanks


@pytest.mark.parametrize("kwargs, match", [
    (dict(window_ms=3), "needs more"),
    (dict(cutoff_hz=600), "cutoff_hz"),
    (dict(cut_outer=100), "cut_outer"),
])
def test_stpr_rejects_bad_arguments(kwargs, match):
    sd = SpikeData([[1.0, 5.0], [2.0]], length=200)
    with pytest.raises(AnalysisError, match=match):
        sd.compute_spike_trig_pop_rate(**kwargs)
    with pytest.raises(AnalysisError, match="at least 2 units"):
        SpikeData([[1.0]], length=200).compute_spike_trig_pop_rate()


# ------------------------------------------------------------------ spike-time agreement
def naive_max_matching(a, b, delta):
    """Maximum bipartite matching by augmenting paths (Kuhn): independent of the greedy sweep."""
    match_of_b = {}

    def augment(i, seen):
        for j, y in enumerate(b):
            if abs(y - a[i]) <= delta and j not in seen:
                seen.add(j)
                if j not in match_of_b or augment(match_of_b[j], seen):
                    match_of_b[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in range(len(a)))


def test_agreement_reference_case():
    a = SpikeData([[1.0, 2.0, 3.0, 10.0], [5.0, 6.0], []], length=20)
    b = SpikeData([[1.1, 2.5, 10.2], [5.3, 6.0, 7.0], [3.0]], length=20)
    r = a.compare_sorter(b, delta_ms=0.4)
    np.testing.assert_allclose(r["agreement"], [[2 / 5, 0, 1 / 4], [0, 2 / 3, 0], [0, 0, 0]])
    np.testing.assert_allclose(r["frac_1"], [[0.5, 0, 0.25], [0, 1, 0], [0, 0, 0]])
    np.testing.assert_allclose(r["frac_2"], [[2 / 3, 0, 1], [0, 2 / 3, 0], [0, 0, 0]])
    assert r["labels_1"] == [0, 1, 2] and r["metadata"] == {
        "comparison_type": "spike_times",
        "delta_ms": 0.4,
    }


@given(seeds, st.sampled_from([0.0, 0.25, 0.5, 1.5]))
@FAST
def test_shared_spikes_are_a_maximum_matching(seed, delta):
    rng = np.random.default_rng(seed)

    def grid(n):  # ties and exact distances
        return np.sort(np.round(rng.uniform(0, 20, n) * 4) / 4)

    a = SpikeData([grid(rng.integers(0, 9)) for _ in range(3)], length=20)
    b = SpikeData([grid(rng.integers(0, 9)) for _ in range(2)], length=20)
    r = a.compare_sorter(b, delta_ms=delta)
    for i, x in enumerate(a.train):
        for j, y in enumerate(b.train):
            n = naive_max_matching(list(x), list(y), delta)
            union = x.size + y.size - n
            assert r["agreement"][i, j] == pytest.approx(n / union if union else 0.0)
            assert r["frac_1"][i, j] == pytest.approx(n / x.size if x.size else 0.0)


def test_compare_sorter_rejects_bad_arguments():
    sd = SpikeData([[1.0]], length=2)
    with pytest.raises(AnalysisError, match="comparison_type"):
        sd.compare_sorter(sd, comparison_type="x")
    with pytest.raises(TypeError):
        sd.compare_sorter([[1.0]])
    with pytest.raises(AnalysisError, match="neuron_attributes"):
        sd.compare_sorter(sd, comparison_type="waveforms")


# ------------------------------------------------------------------ footprints
def unit_attrs(channel, neighbours, rows):
    rows = np.asarray(rows, dtype=float)
    return {
        "template": rows[0],
        "neighbor_templates": rows,
        "channel": channel,
        "neighbor_channels": neighbours,
    }


def dense_footprint(attrs, pre, post, n_channels):
    tpl = attrs["template"]
    centre = int(np.argmax(np.abs(tpl)))
    fp = np.zeros((n_channels, pre + post + 1))
    for ch, row in zip(
        attrs["neighbor_channels"], [tpl] + list(attrs["neighbor_templates"][1:]), strict=True
    ):
        for k in range(pre + post + 1):
            src = centre - pre + k
            if 0 <= src < row.size:
                fp[ch, k] = row[src]
    return fp


def dense_similarity(fp1, fp2, max_lag):
    n = fp1.shape[1]
    values = []
    for lag in range(-min(max_lag, n - 1), min(max_lag, n - 1) + 1):
        a = fp1[:, max(lag, 0): n + min(lag, 0)].ravel()
        b = fp2[:, max(-lag, 0): n - max(lag, 0)].ravel()
        na, nb = np.linalg.norm(a), np.linalg.norm(b)
        if na or nb:
            values.append(a @ b / (na * nb) if na and nb else 0.0)
    return max(values) if values else np.nan


def test_footprints_are_cut_around_the_largest_absolute_value():
    from spikelab.spikedata.sorter_comparison import footprint

    channels, rows = footprint(
        unit_attrs(2, [2, 5], [[0, 1, -5, 2, 11, 0], [1, 2, 3, 4, 5, 6]]), 2, 2
    )
    assert channels.tolist() == [2, 5]
    assert rows.tolist() == [[-5, 2, 11, 0, 0], [3, 4, 5, 6, 0]]  # zero past the end


@given(seeds, st.integers(0, 4))
@FAST
def test_waveform_similarity_matches_dense_footprints(seed, max_lag):
    rng = np.random.default_rng(seed)

    def random_unit():
        chans = [int(c) for c in rng.choice(6, int(rng.integers(1, 4)), replace=False)]
        return unit_attrs(chans[0], chans, rng.normal(size=(len(chans), 12)))

    a = [random_unit() for _ in range(3)]
    b = [random_unit() for _ in range(2)]
    sim = SpikeData([[1.0]] * 3, length=2, neuron_attributes=a).compare_sorter(
        SpikeData([[1.0]] * 2, length=2, neuron_attributes=b), comparison_type="waveforms",
        f_rel_to_trough=(3, 4), max_lag=max_lag)["similarity"]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            expected = dense_similarity(
                dense_footprint(x, 3, 4, 6), dense_footprint(y, 3, 4, 6), max_lag
            )
            assert sim[i, j] == pytest.approx(expected, abs=1e-12)


def test_a_shifted_copy_is_found_within_max_lag():
    rows = np.random.default_rng(1).normal(size=(2, 30))
    rows[0, 15] = 20  # the extremum
    shifted = np.roll(rows, 2, axis=1)
    a = SpikeData([[1.0]], length=2, neuron_attributes=[unit_attrs(0, [0, 3], rows)])
    b = SpikeData([[1.0]], length=2, neuron_attributes=[unit_attrs(0, [0, 3], shifted)])
    sim = a.compare_sorter(b, comparison_type="waveforms", f_rel_to_trough=(5, 5), max_lag=0)[
        "similarity"
    ]
    assert sim[0, 0] == pytest.approx(1.0)  # both footprints are centred on the extremum


def test_neighbor_channels_must_start_with_the_units_channel():
    bad = SpikeData([[1.0]], length=2, neuron_attributes=[unit_attrs(1, [0, 1], np.ones((2, 5)))])
    with pytest.raises(AnalysisError, match="must start with"):
        bad.compare_sorter(bad, comparison_type="waveforms")


# ------------------------------------------------------------------ assignment
@given(seeds, st.integers(1, 5), st.integers(1, 5), st.booleans())
@FAST
def test_best_match_assignment_is_optimal(seed, m, n, minimize):
    from itertools import permutations

    scores = np.random.default_rng(seed).random((m, n))
    r = SpikeData.best_match_assignment(scores, minimize=minimize)
    k = min(m, n)
    if m <= n:
        totals = [sum(scores[i, p[i]] for i in range(m)) for p in permutations(range(n), m)]
    else:
        totals = [sum(scores[p[j], j] for j in range(n)) for p in permutations(range(m), n)]
    assert r["total_score"] == pytest.approx(min(totals) if minimize else max(totals))
    assert len(r["row_indices"]) == k and sorted(r["row_order"]) == list(range(m))
    np.testing.assert_array_equal(
        r["reordered_matrix"], scores[np.ix_(r["row_order"], r["col_order"])]
    )
    np.testing.assert_array_equal(np.diag(r["reordered_matrix"])[:k], r["scores"])
    assert len(r["unmatched_rows"]) == m - k and len(r["unmatched_cols"]) == n - k
