"""The lagged normalised cross-correlation kernel and its batched all-pairs form."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spikelab.errors import AnalysisError
from spikelab.spikedata.correlation import (all_pairs, compute_cross_correlation_with_lag,
                                            lagged_correlation_matrices)

FAST = settings(max_examples=80, deadline=None)


def score_at(ref, comp, lag, centered=False):
    """r(lag) = sum_t ref[t] comp[t - lag] / sqrt(sum ref^2 sum comp^2), written out."""
    ref, comp = np.asarray(ref, float), np.asarray(comp, float)
    if centered:
        ref, comp = ref - ref.mean(), comp - comp.mean()
    total = sum(ref[t] * comp[t - lag] for t in range(ref.size) if 0 <= t - lag < ref.size)
    return total / (np.sqrt(np.sum(ref * ref)) * np.sqrt(np.sum(comp * comp)))


def brute_force(ref, comp, max_lag, centered=False):
    """Every lag in ascending order; ties keep the lowest lag; silent signals as specified."""
    r, c = np.asarray(ref, float), np.asarray(comp, float)
    if centered:
        r, c = r - r.mean(), c - c.mean()
    silent = (np.sum(r * r) == 0, np.sum(c * c) == 0)
    if all(silent):
        return float("nan"), 0
    if any(silent):
        return 0.0, 0
    limit = min(abs(max_lag), r.size - 1)
    scores = [(score_at(ref, comp, lag, centered), lag) for lag in range(-limit, limit + 1)]
    best = max(v for v, _ in scores)
    return best, next(lag for v, lag in scores if v == best)


# ------------------------------------------------------------------ spec examples
@pytest.mark.parametrize("ref, comp, max_lag, expected", [
    ([0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 1, 0], 3, (1.0, -2)),  # comp 2 bins later -> lag -2
    ([0, 0, 0, 0, 1, 0], [0, 0, 1, 0, 0, 0], 3, (1.0, 2)),
    ([1, 0, 1], [0, 1, 0], 1, (np.sqrt(0.5), -1)),  # tie between +-1: the lower lag
    ([1, 0, 0, 0], [0, 0, 0, 1], 10, (1.0, -3)),  # max_lag capped at T - 1
    ([1, 0, 0, 0], [0, 0, 0, 1], 1, (0.0, -1)),  # all lags 0: the lowest
    ([1, 2, 3, 4], [2, 2, 2, 2], 2, (0.9128709291752769, 0)),
    ([1, -2, 3, 4], [-2, 2, -2, 2], None, (-0.18257418583505536, 0)),  # None -> lag 0 only
    ([0, 0, 0], [1, 0, 0], 1, (0.0, 0)),
])
def test_kernel_reference_cases(ref, comp, max_lag, expected):
    value, lag = compute_cross_correlation_with_lag(ref, comp, max_lag)
    assert value == pytest.approx(expected[0], abs=1e-12) and lag == expected[1]


def test_two_silent_signals_are_undefined():
    value, lag = compute_cross_correlation_with_lag([0, 0, 0], [0, 0, 0], 1)
    assert np.isnan(value) and lag == 0


def test_negative_max_lag_means_its_absolute_value():
    a, b = [0, 1, 0, 0, 0], [0, 0, 0, 1, 0]
    assert compute_cross_correlation_with_lag(a, b, -2) == compute_cross_correlation_with_lag(
        a, b, 2
    )


def test_uncentred_by_default_pearson_when_centered():
    rng = np.random.default_rng(1)
    a, b = rng.uniform(1, 2, 50), rng.uniform(1, 2, 50)  # independent positive rates
    uncentred, _ = compute_cross_correlation_with_lag(a, b, 0)
    pearson, _ = compute_cross_correlation_with_lag(a, b, 0, centered=True)
    assert uncentred > 0.9  # the trap: any two positive signals look correlated
    assert pearson == pytest.approx(np.corrcoef(a, b)[0, 1], abs=1e-12)


@pytest.mark.parametrize("ref, comp, max_lag, match", [
    ([1, 2, 3], [1, 2], 1, "equal length"),
    ([[1, 2]], [[1, 2]], 1, "1-D"),
    ([1, 2, 3], [1, 2, 3], 1.5, "whole number"),
])
def test_kernel_rejects_bad_input(ref, comp, max_lag, match):
    with pytest.raises(AnalysisError, match=match):
        compute_cross_correlation_with_lag(ref, comp, max_lag)


# ------------------------------------------------------------------ against brute force
value = st.floats(-5, 5).filter(lambda v: v == 0 or abs(v) > 1e-30)  # no underflow of the sums
signal = st.lists(value, min_size=1, max_size=30)


@FAST
@given(signal, st.data(), st.integers(-40, 40), st.booleans())
def test_kernel_equals_brute_force(ref, data, max_lag, centered):
    comp = data.draw(st.lists(value, min_size=len(ref), max_size=len(ref)))
    got = compute_cross_correlation_with_lag(ref, comp, max_lag, centered=centered)
    expected = brute_force(ref, comp, max_lag, centered)
    if np.isnan(expected[0]):
        assert np.isnan(got[0]) and got[1] == 0
    else:
        assert got[0] == pytest.approx(expected[0], abs=1e-9)
        # a different lag is only acceptable when it scores the same (float rounding of ties)
        assert got[1] == expected[1] or score_at(ref, comp, got[1], centered) == pytest.approx(
            expected[0], abs=1e-9
        )


@FAST
@given(
    st.integers(1, 4),
    st.integers(1, 5),
    st.integers(1, 12),
    st.integers(0, 6),
    st.integers(0, 10_000),
)
def test_batched_matrices_equal_the_kernel_pair_by_pair(batch, n, length, max_lag, seed):
    rng = np.random.default_rng(seed)
    x = np.round(rng.normal(size=(batch, n, length)), 1) * (rng.uniform(size=(batch, n, 1)) > 0.2)
    y = np.round(rng.normal(size=(batch, n + 1, length)), 1)
    corr, lag = lagged_correlation_matrices(x, y, max_lag)
    for b in range(batch):
        for i in range(n):
            for j in range(n + 1):
                value, best = compute_cross_correlation_with_lag(x[b, i], y[b, j], max_lag)
                np.testing.assert_allclose(corr[b, i, j], value, atol=1e-12)
                # exact ties (values rounded to 0.1) may break either way in float sums
                assert lag[b, i, j] == best or score_at(
                    x[b, i], y[b, j], lag[b, i, j]
                ) == pytest.approx(value, abs=1e-12)


def test_all_pairs_is_symmetric_with_antisymmetric_lags():
    rng = np.random.default_rng(2)
    corr, lag = all_pairs(rng.uniform(size=(3, 5, 40)), 4)
    assert np.array_equal(corr, np.swapaxes(corr, 1, 2))
    assert np.array_equal(lag, -np.swapaxes(lag, 1, 2))
    np.testing.assert_allclose(np.diagonal(corr, axis1=1, axis2=2), 1.0, atol=1e-12)


# ------------------------------------------------------------------ NaN samples (as 0.1.2)
@pytest.mark.parametrize("ref, comp, expected", [
    ([np.nan] * 3, [np.nan] * 3, np.nan),
    ([np.nan] * 3, [1, 2, 3], np.nan),
    ([1, np.nan, 3], [1, 2, 3], np.nan),
    ([1, 2, np.inf], [1, 2, 3], np.nan),
    ([0, 0, 0], [np.nan] * 3, 0.0),  # silence decides first, as in 0.1.2
    ([0, 0, 0], [0, 0, 0], np.nan),
])
@pytest.mark.parametrize("max_lag", [0, 1])
def test_a_nan_sample_gives_nan_at_lag_zero_never_zero(ref, comp, expected, max_lag):
    value, lag = compute_cross_correlation_with_lag(
        np.array(ref, float), np.array(comp, float), max_lag
    )
    assert lag == 0
    assert (np.isnan(value) and np.isnan(expected)) or value == expected


def test_pairwise_fr_corr_marks_only_the_pairs_of_a_nan_unit():
    from spikelab import RateData

    rates = np.array(
        [[1, 2, 3, 4], [np.nan] * 4, [1, np.nan, 3, 4], [0, 0, 0, 0], [2, 2, 1, 2]], float
    )
    corr, lag = RateData(rates, np.arange(4.0)).get_pairwise_fr_corr(max_lag=1)
    nan_units = [1, 2]
    assert np.isnan(corr.matrix[np.ix_(nan_units, [0, 1, 2, 4])]).all()
    assert (
        corr.matrix[3, nan_units] == 0
    ).all()  # a silent unit is 0 against anything active or broken
    assert corr.matrix[0, 4] == pytest.approx(
        compute_cross_correlation_with_lag(rates[0], rates[4], 1)[0]
    )
    assert (lag.matrix[nan_units] == 0).all()
