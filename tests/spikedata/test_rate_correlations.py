"""Rate correlations of RateData and RateSliceStack: fr-corr, slice-to-slice, unit-to-unit."""

import numpy as np
import pytest

from spikelab import PairwiseCompMatrix, PairwiseCompMatrixStack, RateData, RateSliceStack
from spikelab.spikedata.correlation import compute_cross_correlation_with_lag as kernel


@pytest.fixture
def rss():
    rng = np.random.default_rng(0)
    stack = rng.uniform(0, 1, (4, 30, 6))
    stack[2] = 0.0  # a silent unit
    stack[1, :, 1] = 0.0  # unit 1 silent in slice 1
    return RateSliceStack(event_matrix=stack)


# ------------------------------------------------------------------ fr-corr
def test_pairwise_fr_corr_spec_example():
    rd = RateData(np.array([[1, 2, 3, 4], [2, 2, 2, 2], [0, 0, 0, 0.0]]), np.arange(4.0))
    corr, lag = rd.get_pairwise_fr_corr()
    assert isinstance(corr, PairwiseCompMatrix) and isinstance(lag, PairwiseCompMatrix)
    assert corr.matrix[0, 1] == pytest.approx(0.912871, abs=1e-6)
    assert corr.matrix[0, 2] == corr.matrix[1, 2] == 0.0 and np.isnan(corr.matrix[2, 2])
    assert corr.matrix[0, 0] == pytest.approx(1.0)
    assert (
        corr.metadata["max_lag"] == 10
        and corr.metadata["compare_func"] == "compute_cross_correlation_with_lag"
    )


def test_pairwise_fr_corr_matches_the_kernel_on_pairs_i_le_j():
    rng = np.random.default_rng(3)
    data = np.round(rng.uniform(0, 3, (5, 25)))
    data[3] = 0
    corr, lag = RateData(data, np.arange(25.0)).get_pairwise_fr_corr(max_lag=4)
    for i in range(5):
        for j in range(i, 5):
            value, best = kernel(data[i], data[j], 4)
            np.testing.assert_allclose([corr.matrix[i, j], corr.matrix[j, i]], value, atol=1e-12)
            assert lag.matrix[i, j] == best and lag.matrix[j, i] == -best


def test_centered_fr_corr_is_pearson_at_lag_zero():
    rng = np.random.default_rng(4)
    data = rng.uniform(1, 2, (3, 40))
    corr, _ = RateData(data, np.arange(40.0)).get_pairwise_fr_corr(max_lag=0, centered=True)
    np.testing.assert_allclose(corr.matrix, np.corrcoef(data), atol=1e-12)


# ------------------------------------------------------------------ slice to slice, per unit
@pytest.mark.parametrize("max_lag, off_diagonal, av", [
    (0, [0.0, np.sqrt(0.5), np.sqrt(0.5)], 0.47140452),
    (1, [1.0, np.sqrt(0.5), np.sqrt(0.5)], 0.80473785),
])
def test_slice_to_slice_spec_example(max_lag, off_diagonal, av):
    stack = RateSliceStack(event_matrix=np.array([[[1, 0, 1], [0, 1, 1], [0, 0, 0.0]]]))
    scores, averages = stack.get_slice_to_slice_unit_corr_from_stack(max_lag=max_lag)
    assert isinstance(scores, PairwiseCompMatrixStack) and scores.shape == (3, 3, 1)
    np.testing.assert_allclose(scores[0].extract_lower_triangle(), off_diagonal, atol=1e-12)
    np.testing.assert_allclose(averages, [av], atol=1e-8)


def test_slice_to_slice_masks_invalid_slices_and_applies_min_frac(rss):
    scores, av = rss.get_slice_to_slice_unit_corr_from_stack(0.1, 0.3, 2)
    unit1 = scores.stack[:, :, 1]
    assert np.isnan(unit1[1]).all() and np.isnan(unit1[:, 1]).all()  # slice 1 invalid for unit 1
    value, _ = kernel(rss.event_stack[1, :, 0], rss.event_stack[1, :, 2], 2)
    assert unit1[0, 2] == pytest.approx(value, abs=1e-12) and unit1[0, 0] == pytest.approx(1.0)
    assert np.isnan(scores.stack[:, :, 2]).all() and np.isnan(av[2])  # silent unit
    rows, cols = np.tril_indices(6, -1)
    assert av[1] == pytest.approx(np.nanmean(unit1[rows, cols]))  # 1 of 6 invalid <= 0.3
    _, strict = rss.get_slice_to_slice_unit_corr_from_stack(0.1, 0.1, 2)
    assert np.isnan(strict[1]) and not np.isnan(strict[0])


def test_frac_active_overrides_which_units_are_averaged(rss):
    _, av = rss.get_slice_to_slice_unit_corr_from_stack(
        0.1, 0.3, 2, frac_active=np.array([0.5, 1, 1, 0.8])
    )
    assert np.isnan(av[0]) and not np.isnan(av[1]) and not np.isnan(av[3])


def test_slice_to_slice_with_one_slice_warns_and_is_nan():
    one = RateSliceStack(event_matrix=np.ones((2, 5, 1)))
    with pytest.warns(RuntimeWarning, match="fewer than 2 slices"):
        scores, av = one.get_slice_to_slice_unit_corr_from_stack()
    assert scores.shape == (1, 1, 2) and np.isnan(scores.stack).all() and np.isnan(av).all()


def test_slice_to_slice_batches_equal_the_kernel_for_every_pair(rss):
    scores, _ = rss.get_slice_to_slice_unit_corr_from_stack(0.0, 1.0, 10)
    for u in (0, 3):
        for a in range(6):
            for b in range(a, 6):
                value, _ = kernel(rss.event_stack[u, :, a], rss.event_stack[u, :, b], 10)
                assert scores.stack[a, b, u] == pytest.approx(value, abs=1e-12)


# ------------------------------------------------------------------ slice to slice, per time bin
def test_time_corr_is_the_cosine_similarity_of_population_vectors(rss):
    scores, av = rss.get_slice_to_slice_time_corr_from_stack()
    assert scores.shape == (6, 6, 30)
    a, b = rss.event_stack[:, 7, 0], rss.event_stack[:, 7, 4]
    assert scores.stack[0, 4, 7] == pytest.approx(
        a @ b / np.linalg.norm(a) / np.linalg.norm(b), abs=1e-12
    )
    rows, cols = np.tril_indices(6, -1)
    assert av[7] == pytest.approx(np.nanmean(scores.stack[rows, cols, 7]))


def test_time_corr_spec_like_example():
    stack = RateSliceStack(event_matrix=np.array([[[1, 0, 1], [0, 1, 1], [0, 0, 0.0]]]))
    scores, av = stack.get_slice_to_slice_time_corr_from_stack()
    np.testing.assert_allclose(av[:2], [1 / 3, 1 / 3], atol=1e-12)
    assert np.isnan(av[2]) and np.isnan(scores.stack[:, :, 2]).all()


# ------------------------------------------------------------------ unit to unit, per slice
def test_unit_to_unit_correlation_per_slice(rss):
    corr, lag, av_corr, av_lag = rss.unit_to_unit_correlation(max_lag=3)
    assert corr.shape == lag.shape == (4, 4, 6) and corr.times == rss.times
    for s in (0, 1):
        for i in range(4):
            for j in range(i, 4):
                value, best = kernel(rss.event_stack[i, :, s], rss.event_stack[j, :, s], 3)
                np.testing.assert_allclose(corr.stack[i, j, s], value, atol=1e-12)
                assert lag.stack[i, j, s] == best and lag.stack[j, i, s] == -best
    rows, cols = np.tril_indices(4, -1)
    assert av_corr[0] == pytest.approx(np.nanmean(corr.stack[rows, cols, 0]))
    assert av_lag[0] == pytest.approx(np.mean(lag.stack[rows, cols, 0]))


def test_unit_to_unit_with_one_unit_warns_and_is_nan():
    one = RateSliceStack(event_matrix=np.ones((1, 5, 3)))
    with pytest.warns(RuntimeWarning, match="fewer than 2 units"):
        corr, lag, av_corr, av_lag = one.unit_to_unit_correlation()
    assert np.isnan(corr.stack).all() and np.isnan(av_corr).all() and av_lag.shape == (3,)
