"""Rate-based pairwise comparisons: unit pairs of a RateData, slice and unit pairs of a stack.

Every value is the lagged normalised cross-correlation of
:mod:`spikelab.spikedata.correlation` (uncentred by default: a cosine similarity with lag;
``centered=True`` for Pearson).  Lags are in samples of the rate grid.  All pairs are
computed in batches of matrix products, one per lag.
"""

from __future__ import annotations

import numpy as np

from ._pairstats import lower_triangle_mean, mask_invalid, slice_average, warn_too_few
from .correlation import all_pairs
from .pairwise import PairwiseCompMatrix, PairwiseCompMatrixStack
from .ratedata import RateData
from .rateslicestack import RateSliceStack

__all__ = [
    "get_pairwise_fr_corr",
    "get_slice_to_slice_unit_corr_from_stack",
    "get_slice_to_slice_time_corr_from_stack",
    "unit_to_unit_correlation",
]

_KERNEL = "compute_cross_correlation_with_lag"


def get_pairwise_fr_corr(rd: RateData, max_lag: int | None = 10, *, centered: bool = False):
    """Correlation of every unit pair's rate over the whole time axis.

    Returns
    -------
    corr, lag : PairwiseCompMatrix (U, U)
        ``corr[i, j]``: maximum over lags in ``[-max_lag, max_lag]`` samples of the
        correlation of unit i (ref) with unit j; ``lag[i, j]`` where it occurs (positive: j
        leads).  Symmetric / antisymmetric; diagonal 1 (lag 0), NaN for silent units;
        silent-vs-active pairs 0.

    Example: rows [1, 2, 3, 4], [2, 2, 2, 2], [0, 0, 0, 0] -> corr[0, 1] = 0.912871 (uncentred:
    a constant and a ramp "correlate"), corr[i, 2] = 0.

    Examples
    --------
    >>> from spikelab import RateData
    >>> rd = RateData(np.array([[0.0, 1, 2, 1, 0], [1.0, 2, 1, 0, 0]]), np.arange(5.0))
    >>> corr, lag = get_pairwise_fr_corr(rd, max_lag=1)
    >>> corr.matrix.round(3)
    array([[1., 1.],
           [1., 1.]])
    >>> lag.matrix
    array([[ 0.,  1.],
           [-1.,  0.]])
    """
    corr, lag = all_pairs(rd.inst_Frate_data[None, :, :], max_lag, centered)
    meta = {"compare_func": _KERNEL, "max_lag": max_lag, "centered": centered}
    return PairwiseCompMatrix(corr[0], metadata=dict(meta)), PairwiseCompMatrix(
        lag[0].astype(np.float64), metadata=meta
    )


def get_slice_to_slice_unit_corr_from_stack(
    rss: RateSliceStack,
    MIN_RATE_THRESHOLD: float = 0.1,
    MIN_FRAC: float = 0.3,
    max_lag: int | None = 10,
    *,
    frac_active: np.ndarray | None = None,
    centered: bool = False,
) -> tuple[PairwiseCompMatrixStack, np.ndarray]:
    """For each unit, how alike its rate is from slice to slice.

    Slice s is valid for unit u when the mean of ``event_stack[u, :, s]`` is at least
    ``MIN_RATE_THRESHOLD`` (Hz).  Valid slice pairs (diagonal included) get the lagged
    correlation, others NaN.

    Returns
    -------
    scores : PairwiseCompMatrixStack (S, S, U)
    av : ndarray (U,)
        NaN-mean of each unit's lower triangle when at most ``MIN_FRAC`` of its slices are
        invalid (or, given ``frac_active``, when ``frac_active[u] >= 1 - MIN_FRAC``), else
        NaN.  Fewer than 2 slices: RuntimeWarning, all NaN.

    Examples
    --------
    >>> from spikelab import RateSliceStack
    >>> rng = np.random.default_rng(0)
    >>> rss = RateSliceStack(event_matrix=rng.uniform(0, 5, (3, 20, 4)), step_size=1.0)
    >>> scores, av = get_slice_to_slice_unit_corr_from_stack(rss, max_lag=2)
    >>> scores.shape, av.round(3)
    ((4, 4, 3), array([0.782, 0.75 , 0.775]))
    """
    stack = rss.event_stack
    n_units, _, n_slices = stack.shape
    valid = (
        (stack.mean(axis=1) >= MIN_RATE_THRESHOLD).T
        if stack.shape[1]
        else np.zeros((n_slices, n_units), bool)
    )
    if n_slices < 2:
        warn_too_few(n_slices, "slices")
        return PairwiseCompMatrixStack(np.full((n_slices, n_slices, n_units), np.nan)), np.full(
            n_units, np.nan
        )
    corr, _ = all_pairs(np.transpose(stack, (0, 2, 1)), max_lag, centered)  # (U, S, S)
    scores = mask_invalid(np.transpose(corr, (1, 2, 0)), valid)
    return PairwiseCompMatrixStack(scores), slice_average(scores, valid, MIN_FRAC, frac_active)


def get_slice_to_slice_time_corr_from_stack(
    rss: RateSliceStack, max_lag: int | None = 0, *, centered: bool = False
) -> tuple[PairwiseCompMatrixStack, np.ndarray]:
    """For each time bin, how alike the population vector (all units) is from slice to slice.

    At the default ``max_lag=0`` this is the cosine similarity of the slices' unit vectors,
    0.1.2's default.  Trap: a lag here shifts along the *unit* axis, whose order is
    arbitrary; 0.1.2 also normalises lagged values differently (overlap only), so only
    ``max_lag=0`` reproduces its numbers.

    Returns
    -------
    scores : PairwiseCompMatrixStack (S, S, T)
        NaN where both vectors are zero, 0 where one is.
    av : ndarray (T,)
        NaN-mean of each bin's lower triangle.  Fewer than 2 slices: RuntimeWarning, NaN.

    Examples
    --------
    >>> from spikelab import RateSliceStack
    >>> rng = np.random.default_rng(0)
    >>> rss = RateSliceStack(event_matrix=rng.uniform(0, 5, (3, 20, 4)), step_size=1.0)
    >>> scores, av = get_slice_to_slice_time_corr_from_stack(rss)
    >>> scores.shape, av.shape
    ((4, 4, 20), (20,))
    """
    stack = rss.event_stack
    n_slices, n_bins = stack.shape[2], stack.shape[1]
    if n_slices < 2:
        warn_too_few(n_slices, "slices")
        return PairwiseCompMatrixStack(np.full((n_slices, n_slices, n_bins), np.nan)), np.full(
            n_bins, np.nan
        )
    corr, _ = all_pairs(np.transpose(stack, (1, 2, 0)), max_lag, centered)  # (T, S, S)
    scores = np.transpose(corr, (1, 2, 0))
    return PairwiseCompMatrixStack(scores), lower_triangle_mean(scores)


def unit_to_unit_correlation(
    rss: RateSliceStack, max_lag: int | None = 10, *, centered: bool = False
):
    """For each slice, the lagged correlation of every unit pair's rate inside it.

    Returns
    -------
    corr, lag : PairwiseCompMatrixStack (U, U, S)
        As :func:`get_pairwise_fr_corr`, per slice (``times`` = the slices' windows).
    av_corr, av_lag : ndarray (S,)
        NaN-means of each slice's lower triangles.  Fewer than 2 units: RuntimeWarning, NaN.

    Examples
    --------
    >>> from spikelab import RateSliceStack
    >>> rng = np.random.default_rng(0)
    >>> rss = RateSliceStack(event_matrix=rng.uniform(0, 5, (3, 20, 4)), step_size=1.0)
    >>> corr, lag, av_corr, av_lag = unit_to_unit_correlation(rss, max_lag=2)
    >>> corr.shape, av_corr.round(3)
    ((3, 3, 4), array([0.772, 0.802, 0.823, 0.773]))
    """
    stack = rss.event_stack
    n_units, n_slices = stack.shape[0], stack.shape[2]
    if n_units < 2:
        warn_too_few(n_units, "units")
        nan = np.full((n_units, n_units, n_slices), np.nan)
        return (
            PairwiseCompMatrixStack(nan, times=rss.times),
            PairwiseCompMatrixStack(nan.copy(), times=rss.times),
            np.full(n_slices, np.nan),
            np.full(n_slices, np.nan),
        )
    corr, lag = all_pairs(np.transpose(stack, (2, 0, 1)), max_lag, centered)  # (S, U, U)
    corr, lag = np.transpose(corr, (1, 2, 0)), np.transpose(lag, (1, 2, 0)).astype(np.float64)
    return (
        PairwiseCompMatrixStack(corr, times=rss.times),
        PairwiseCompMatrixStack(lag, times=rss.times),
        lower_triangle_mean(corr),
        lower_triangle_mean(lag),
    )
