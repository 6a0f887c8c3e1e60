"""Firing order across slices: timing matrices, rank-order correlation, unit ordering."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from spikelab import RateSliceStack, SpikeData, SpikeSliceStack
from spikelab.spikedata.slice_timing import order_units, rank_order_correlation


@pytest.fixture
def sss():
    sd = SpikeData(
        [[5, 6, 10, 45, 46, 90], [1, 2, 3, 44, 47, 95], [8, 9, 52, 53, 54], [99]], length=100
    )
    return SpikeSliceStack(sd, time_peaks=[10, 50], time_bounds=(10, 10))


def test_timing_matrix_hand_values(sss):
    # slice 0 (event 10): unit 0 at -5, -4, 0; unit 1 at -9, -8, -7; unit 2 at -2, -1
    nan = np.nan
    np.testing.assert_array_equal(
        sss.get_unit_timing_per_slice("median"), [[-4, -4.5], [-8, -4.5], [-1.5, 3], [nan, nan]]
    )
    np.testing.assert_array_equal(
        sss.get_unit_timing_per_slice("mean"), [[-3, -4.5], [-8, -4.5], [-1.5, 3], [nan, nan]]
    )
    np.testing.assert_array_equal(
        sss.get_unit_timing_per_slice("first"), [[-5, -5], [-9, -6], [-2, 2], [nan, nan]]
    )
    np.testing.assert_array_equal(
        sss.get_unit_timing_per_slice("median", min_spikes=3)[2], [np.nan, 3]
    )
    np.testing.assert_array_equal(sss.compute_frac_active(2), [1, 1, 1, 0])
    np.testing.assert_array_equal(sss.compute_frac_active(0), [1, 1, 1, 1])
    with pytest.raises(ValueError, match="timing"):
        sss.get_unit_timing_per_slice("max")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.floats(0, 50, allow_nan=False), max_size=6), min_size=3, max_size=3),
       st.integers(0, 3), st.sampled_from(["median", "mean", "first"]))
def test_timing_matches_numpy_per_train(trains, min_spikes, timing):
    sd = SpikeData(trains, length=100)
    stack = SpikeSliceStack(sd, times_start_to_end=[(0, 50), (50, 100)])
    got = stack.get_unit_timing_per_slice(timing, min_spikes)
    for s, piece in enumerate(stack.spike_stack):
        for u, t in enumerate(piece.train):
            if t.size == 0 or t.size < min_spikes:
                assert np.isnan(got[u, s])
            else:
                expected = {"median": np.median, "mean": np.mean, "first": np.min}[timing](t)
                assert got[u, s] == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_rate_timing_is_the_first_peak_above_threshold():
    ev = np.zeros((2, 5, 2))
    ev[0, 3, 0] = ev[0, 1, 0] = 4.0  # a tie: the first peak wins
    ev[1, 2, 1] = 0.05  # below 0.1 Hz: inactive
    timing = RateSliceStack(event_matrix=ev).get_unit_timing_per_slice(0.1)
    np.testing.assert_array_equal(timing, [[1, np.nan], [np.nan, np.nan]])


def naive_rank_order(tm, min_overlap):
    s = tm.shape[1]
    out = np.full((s, s), np.nan)
    for i in range(s):
        for j in range(s):
            both = np.isfinite(tm[:, i]) & np.isfinite(tm[:, j])
            if i == j:
                out[i, j] = 1.0
            elif both.sum() >= max(min_overlap, 2):
                out[i, j] = spearmanr(tm[both, i], tm[both, j]).statistic
    return out


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 5))
def test_raw_rank_order_is_spearman_on_shared_units(seed, min_overlap):
    rng = np.random.default_rng(seed)
    tm = np.round(rng.normal(size=(9, 5)), 1)  # rounding makes ties
    tm[rng.uniform(size=tm.shape) < 0.3] = np.nan
    corr, av, overlap = rank_order_correlation(tm, min_overlap, n_shuffles=0)
    np.testing.assert_allclose(corr.matrix, naive_rank_order(tm, min_overlap), atol=1e-12)
    active = np.isfinite(tm)
    np.testing.assert_allclose(overlap.matrix, (active.T.astype(float) @ active) / 9)
    lower = corr.matrix[np.tril_indices(5, -1)]
    assert av == pytest.approx(np.nanmean(lower)) if np.isfinite(lower).any() else np.isnan(av)


def test_shuffled_rank_order_is_a_seeded_z_score():
    rng = np.random.default_rng(7)
    base = rng.normal(size=40)
    tm = np.column_stack([base + rng.normal(0, 0.3, 40) for _ in range(4)] + [rng.normal(size=40)])
    z1 = rank_order_correlation(tm, n_shuffles=200, seed=3)[0].matrix
    z2 = rank_order_correlation(tm, n_shuffles=200, seed=3, n_jobs=1)[0].matrix
    np.testing.assert_array_equal(z1, z2)  # the same for any number of threads
    assert np.isnan(np.diag(z1)).all()
    # the null of rho under permutation has sd 1/sqrt(n-1): z ~ rho * sqrt(n - 1)
    rho = rank_order_correlation(tm, n_shuffles=0)[0].matrix
    np.testing.assert_allclose(z1[0, 1], rho[0, 1] * np.sqrt(39), rtol=0.15)
    assert abs(z1[0, 4]) < 3 and z1[0, 1] > 4
    with pytest.raises(ValueError, match="n_shuffles"):
        rank_order_correlation(tm, n_shuffles=3)


def test_shuffled_z_scores_of_unrelated_slices_are_standard_normal():
    rng = np.random.default_rng(11)
    z = rank_order_correlation(rng.normal(size=(30, 40)), n_shuffles=100, seed=5)[0].matrix
    values = z[np.triu_indices(40, 1)]
    assert abs(values.mean()) < 0.1 and 0.85 < values.std() < 1.15


def test_order_units_hand_example():
    tm = np.array([[3, np.nan, 0, 4], [1, 2, np.nan, 3], [1, 0, 4, 4], [1, 3, 0, 2]], dtype=float)
    groups, spread, typical, frac = order_units(
        tm, (4, 4), "median", np.isfinite(tm).mean(axis=1), 0.8, True
    )
    # medians 3, 2, 2.5, 1.5 -> order 3, 1, 2, 0; units 0 and 1 are active in 3 of 4 slices
    np.testing.assert_array_equal(groups[0], [3, 2])
    np.testing.assert_array_equal(groups[1], [1, 0])
    np.testing.assert_array_equal(typical[0], [2, 2])  # 1.5 and 2.5 round half to even
    np.testing.assert_allclose(spread[1], [np.std([1, 2, 3]), np.std([3, 0, 4])])
    np.testing.assert_array_equal(frac[1], [0.75, 0.75])
    with pytest.raises(ValueError, match="shape"):
        order_units(tm, (4, 5), "median", None, 0, True)


def test_spike_stack_ordering_reorders_units_and_attributes(sss):
    sss.neuron_attributes = [{"i": i} for i in range(4)]
    (high, low), ids, _, typical, frac = sss.order_units_across_slices(min_frac_active=0.5)
    np.testing.assert_array_equal(ids[0], [1, 0, 2])  # medians -6.25, -4.25, 0.75
    np.testing.assert_allclose(typical[0], [-6.25, -4.25, 0.75])
    assert high.neuron_attributes == [{"i": 1}, {"i": 0}, {"i": 2}]
    assert high.spike_stack[0].train[0].tolist() == [-9.0, -8.0, -7.0]
    assert low.N == 1 and ids[1].tolist() == [3] and frac[1].tolist() == [0.0]
    assert sss.order_units_across_slices()[0][1] is None  # no split: every unit is highly active
