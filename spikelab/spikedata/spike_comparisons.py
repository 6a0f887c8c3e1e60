"""Spike-based pairwise comparisons: unit pairs of a SpikeData; unit pairs per slice and slice
pairs per unit of a SpikeSliceStack.

Two metrics (times in ms):

- ``"sttc"``: the spike time tiling coefficient (:mod:`spikelab.spikedata.sttc`) with window
  ``delt``, each slice's spikes over its own window.  No lag.
- ``"ccg"``: the lagged normalised cross-correlation (:mod:`spikelab.spikedata.correlation`,
  uncentred) of spike-count rasters of ``bin_size`` ms, over lags up to
  ``round(max_lag / bin_size)`` bins; lags are reported in bins.
"""

from __future__ import annotations

import numpy as np

from ..errors import AnalysisError
from ._binning import bin_indices, check_bin_size, n_bins
from ._ccg_kernels import ccg_maxima
from ._pairstats import lower_triangle_mean, mask_invalid, mirror_upper, slice_average, warn_too_few
from .alignment import to_raster_array
from .correlation import _lag_limit, all_pairs
from .pairwise import PairwiseCompMatrix, PairwiseCompMatrixStack
from .spikedata import SpikeData
from .spikeslicestack import SpikeSliceStack
from .sttc import sttc_matrix_of

__all__ = [
    "get_pairwise_ccg",
    "unit_to_unit_comparison",
    "get_slice_to_slice_unit_comparison",
    "METRICS",
]

METRICS = ("ccg", "sttc")


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise AnalysisError(f"metric must be one of {list(METRICS)}, got {metric!r}")


def _ccg(rasters: np.ndarray, bin_size: float, max_lag: float) -> tuple[np.ndarray, np.ndarray]:
    """all_pairs over rasters (B, n, T) with the lag limit converted from ms to bins."""
    corr, lag = all_pairs(rasters.astype(np.float64), int(round(max_lag / bin_size)))
    return corr, lag.astype(np.float64)


def get_pairwise_ccg(
    sd: SpikeData, bin_size: float = 1.0, max_lag: float = 350
) -> tuple[PairwiseCompMatrix, PairwiseCompMatrix]:
    """Lagged normalised cross-correlation of every unit pair's spike-count raster.

    The kernel of :mod:`spikelab.spikedata.correlation` (uncentred: a cosine similarity with
    lag) on :func:`spikelab.spikedata.rates.raster` rows of ``bin_size`` ms, maximised over
    ``|lag| <= round(max_lag / bin_size)`` bins.

    Returns
    -------
    corr, lag : PairwiseCompMatrix (U, U)
        ``corr[i, j]`` the maximum, ``lag[i, j]`` where it occurs, in **bins** (positive:
        unit j leads unit i; ties go to the lowest lag).  Symmetric / antisymmetric;
        diagonal 1 at lag 0, NaN for a silent unit with itself, 0 between a silent and an
        active unit.  ``metadata={"bin_size": bin_size, "max_lag": max_lag}``.

    Notes
    -----
    ``sum_t r_i[t] r_j[t - lag]`` counts the spike pairs of i and j whose bins are ``lag``
    apart, so a compiled sweep over the spikes within ``max_lag`` of each spike gives every
    lag of every pair at once: the cost is the number of such spike pairs, not
    ``pairs x lags x bins`` (0.1.2's full-length correlation of each pair).  The counts are
    exact, so the values equal the dense computation's bit for bit.

    Examples
    --------
    >>> corr, lag = get_pairwise_ccg(SpikeData([[1.0, 3.0], [2.0, 4.0]], length=6), max_lag=2)
    >>> corr.matrix, lag.matrix
    (array([[1., 1.],
           [1., 1.]]), array([[ 0., -1.],
           [ 1.,  0.]]))
    """
    b = check_bin_size(bin_size)
    nb = n_bins(sd.length, b)
    limit = _lag_limit(int(round(float(max_lag) / b)), nb)
    units, times = sd.idces_times()  # grouped by unit, sorted in time: bins sorted per unit
    bins = bin_indices(times, sd.start_time, b, nb)
    # each unit's sum of squared bin counts: the lengths of its runs of equal bins, squared
    starts = (
        np.flatnonzero(np.r_[True, (units[1:] != units[:-1]) | (bins[1:] != bins[:-1])])
        if bins.size
        else bins
    )
    runs = np.diff(np.r_[starts, bins.size]).astype(np.float64)
    squares = np.bincount(units[starts], weights=runs**2, minlength=sd.N).astype(np.float64)
    offsets = np.concatenate([[0], np.cumsum([t.size for t in sd.train])]).astype(np.int64)
    by_bin = np.argsort(bins, kind="stable")
    interleaved = np.empty(sd.N, dtype=np.int64)  # 0, N-1, 1, N-2, ...: even work per thread
    interleaved[0::2], interleaved[1::2] = (
        np.arange((sd.N + 1) // 2),
        np.arange(sd.N - 1, (sd.N - 1) // 2, -1),
    )
    best = np.zeros((sd.N, sd.N))
    best_lag = np.zeros((sd.N, sd.N), dtype=np.int64)
    ccg_maxima(bins, offsets, bins[by_bin], units[by_bin].astype(np.int64), squares, limit,
               interleaved, best, best_lag)
    best[np.diag_indices(sd.N)] = (
        1.0  # exactly, whatever sqrt(s) * sqrt(s) rounds to (0.1.2 sets it)
    )
    best_lag[np.diag_indices(sd.N)] = 0
    silent = squares == 0
    best[silent[:, None] | silent[None, :]] = 0.0
    best[silent[:, None] & silent[None, :]] = np.nan
    best_lag[silent[:, None] | silent[None, :]] = 0
    corr, lag = mirror_upper(best, best_lag)
    meta = {"bin_size": bin_size, "max_lag": max_lag}
    return PairwiseCompMatrix(corr, metadata=dict(meta)), PairwiseCompMatrix(
        lag.astype(np.float64), metadata=meta
    )


def _slice_length(stack: SpikeSliceStack) -> float:
    lengths = {s.length for s in stack.spike_stack}
    if len(lengths) > 1:
        raise AnalysisError(
            f"slice-to-slice STTC needs slices of one length, got {sorted(lengths)} ms"
        )
    return lengths.pop()


def unit_to_unit_comparison(
    stack: SpikeSliceStack,
    metric: str = "ccg",
    delt: float = 20.0,
    bin_size: float = 1.0,
    max_lag: float = 350,
):
    """For each slice, compare every pair of units.

    Returns
    -------
    corr : PairwiseCompMatrixStack (U, U, S)
    lag : PairwiseCompMatrixStack (U, U, S) or None
        Lag in bins of the maximum (``"ccg"``); None for ``"sttc"``.
    av_corr : ndarray (S,)
        NaN-mean of each slice's lower triangle.
    av_lag : ndarray (S,) or None

    Examples
    --------
    >>> from spikelab import SpikeData, SpikeSliceStack
    >>> sd = SpikeData([[1.0, 2.0, 6.0, 7.5], [3.0, 8.0], [4.0, 9.0]], length=10.0)
    >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
    >>> corr, lag, av_corr, av_lag = unit_to_unit_comparison(stack, "sttc", delt=1.0)
    >>> corr.stack[:, :, 0].round(3)
    array([[ 1.   ,  0.562, -0.5  ],
           [ 0.562,  1.   ,  1.   ],
           [-0.5  ,  1.   ,  1.   ]])
    """
    _check_metric(metric)
    if metric == "sttc":
        per_slice = [
            sttc_matrix_of(s.train, s.start_time, s.length, delt) for s in stack.spike_stack
        ]
        corr = np.stack(per_slice, axis=2) if per_slice else np.zeros((stack.N, stack.N, 0))
        return (
            PairwiseCompMatrixStack(corr, times=stack.times),
            None,
            lower_triangle_mean(corr),
            None,
        )
    rasters = to_raster_array(stack, bin_size)  # (U, T, S)
    corr, lag = _ccg(np.transpose(rasters, (2, 0, 1)), bin_size, max_lag)  # (S, U, U)
    corr, lag = np.transpose(corr, (1, 2, 0)), np.transpose(lag, (1, 2, 0))
    return (
        PairwiseCompMatrixStack(corr, times=stack.times),
        PairwiseCompMatrixStack(lag, times=stack.times),
        lower_triangle_mean(corr),
        lower_triangle_mean(lag),
    )


def get_slice_to_slice_unit_comparison(
    stack: SpikeSliceStack,
    metric: str = "ccg",
    delt: float = 20.0,
    bin_size: float = 1.0,
    max_lag: float = 350,
    min_spikes: int = 2,
    min_frac: float = 0.3,
    frac_active: np.ndarray | None = None,
):
    """For each unit, compare its spikes across every pair of slices.

    Slice s is valid for unit u when u fires at least ``min_spikes`` spikes in it; pairs
    with an invalid slice (diagonal included) are NaN.

    Returns
    -------
    corr : PairwiseCompMatrixStack (S, S, U)
    lag : PairwiseCompMatrixStack (S, S, U) or None
        Lag in bins (``"ccg"``); None for ``"sttc"``.
    av_corr : ndarray (U,)
        NaN-mean of each unit's lower triangle when at most ``min_frac`` of its slices are
        invalid (given ``frac_active``: when ``frac_active[u] >= 1 - min_frac``), else NaN.
    av_lag : ndarray (U,) or None
        The same average of the lags.

    Examples
    --------
    >>> from spikelab import SpikeData, SpikeSliceStack
    >>> sd = SpikeData([[1.0, 2.0, 6.0, 7.5], [3.0, 8.0], [4.0, 9.0]], length=10.0)
    >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
    >>> corr, lag, av, av_lag = get_slice_to_slice_unit_comparison(stack, "sttc", delt=1.0,
    ...                                                          min_spikes=1)
    >>> corr.stack[:, :, 0].round(3)
    array([[1., 1.],
           [1., 1.]])
    """
    _check_metric(metric)
    n_slices, n_units = len(stack.spike_stack), stack.N
    if n_slices < 2:
        warn_too_few(n_slices, "slices")
        nan = np.full((n_slices, n_slices, n_units), np.nan)
        lag = None if metric == "sttc" else PairwiseCompMatrixStack(nan.copy())
        return (
            PairwiseCompMatrixStack(nan),
            lag,
            np.full(n_units, np.nan),
            None if lag is None else np.full(n_units, np.nan),
        )
    counts = np.array([[t.size for t in s.train] for s in stack.spike_stack]).reshape(
        n_slices, n_units
    )
    valid = counts >= min_spikes  # (S, U)
    if metric == "sttc":
        length = _slice_length(stack)
        per_unit = [
            sttc_matrix_of(
                [s.train[u] - s.start_time for s in stack.spike_stack], 0.0, length, delt
            )
            for u in range(n_units)
        ]
        corr = mask_invalid(
            np.stack(per_unit, axis=2) if per_unit else np.zeros((n_slices, n_slices, 0)), valid
        )
        return (
            PairwiseCompMatrixStack(corr),
            None,
            slice_average(corr, valid, min_frac, frac_active),
            None,
        )
    rasters = to_raster_array(stack, bin_size)  # (U, T, S)
    corr, lag = _ccg(np.transpose(rasters, (0, 2, 1)), bin_size, max_lag)  # (U, S, S)
    corr = mask_invalid(np.transpose(corr, (1, 2, 0)), valid)
    lag = mask_invalid(np.transpose(lag, (1, 2, 0)), valid)
    return (
        PairwiseCompMatrixStack(corr),
        PairwiseCompMatrixStack(lag),
        slice_average(corr, valid, min_frac, frac_active),
        slice_average(lag, valid, min_frac, frac_active),
    )
