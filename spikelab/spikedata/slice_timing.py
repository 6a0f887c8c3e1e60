"""When each unit fires within each slice, and how consistent that order is across slices.

For a :class:`~spikelab.SpikeSliceStack` a unit's timing in a slice is the median, mean or
first of its spike times there (ms on the slice's own axis: relative to the event for
event-centred slices, to the window start otherwise); for a :class:`~spikelab.RateSliceStack`
it is the sample index of its peak rate. Either way the result is a ``(U, S)`` timing matrix
with NaN where the unit is inactive, which :func:`rank_order_correlation` and
:func:`order_units` consume.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..errors import AnalysisError
from ._jit import get_num_threads, set_num_threads
from ._timing_kernels import TIMING_CODES, rank_order, unit_timing
from .pairwise import PairwiseCompMatrix
from .spikeslicestack import SpikeSliceStack

__all__ = [
    "flat_trains",
    "spike_unit_timing",
    "spike_frac_active",
    "rate_unit_timing",
    "rank_order_correlation",
    "order_units",
    "AGGREGATES",
]

AGGREGATES = ("median", "mean")


def flat_trains(stack: SpikeSliceStack) -> tuple[np.ndarray, np.ndarray]:
    """All trains, slice-major then unit, concatenated, with offsets (S * U + 1).

    Examples
    --------
    >>> from spikelab import SpikeData, SpikeSliceStack
    >>> sd = SpikeData([[1.0, 2.0, 6.0, 7.5], [3.0, 8.0], [4.0, 9.0]], length=10.0)
    >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
    >>> spikes, offsets = flat_trains(stack)
    >>> spikes
    array([1. , 2. , 3. , 4. , 1. , 2.5, 3. , 4. ])
    >>> offsets
    array([0, 2, 3, 4, 6, 7, 8])
    """
    trains = [t for s in stack.spike_stack for t in s.train]
    sizes = np.fromiter((t.size for t in trains), dtype=np.int64, count=len(trains))
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    flat = np.concatenate(trains).astype(np.float64) if trains else np.zeros(0)
    return flat, offsets


def spike_unit_timing(
    stack: SpikeSliceStack, timing: str = "median", min_spikes: int = 2
) -> np.ndarray:
    """``(U, S)`` median / mean / first spike time (ms) of each unit in each slice.

    NaN where the unit has fewer than ``min_spikes`` spikes (or none) in the slice.

    Examples
    --------
    >>> from spikelab import SpikeData, SpikeSliceStack
    >>> sd = SpikeData([[1.0, 2.0, 9.0, 12.0, 13.0]], length=20)
    >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 10), (10, 20)])
    >>> spike_unit_timing(stack, "median").tolist()
    [[2.0, 2.5]]
    """
    if timing not in TIMING_CODES:
        raise AnalysisError(f"timing must be one of {list(TIMING_CODES)}, got {timing!r}")
    flat, offsets = flat_trains(stack)
    out = np.empty((stack.N, len(stack.spike_stack)))
    unit_timing(
        flat, offsets, stack.N, len(stack.spike_stack), TIMING_CODES[timing], int(min_spikes), out
    )
    return out


def spike_frac_active(stack: SpikeSliceStack, min_spikes: int = 2) -> np.ndarray:
    """Fraction of slices in which each unit has at least ``min_spikes`` spikes: shape (U,).

    Examples
    --------
    >>> from spikelab import SpikeData, SpikeSliceStack
    >>> sd = SpikeData([[1.0, 2.0, 6.0, 7.5], [3.0, 8.0], [4.0, 9.0]], length=10.0)
    >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
    >>> spike_frac_active(stack, min_spikes=2)
    array([1., 0., 0.])
    """
    counts = np.array(
        [[t.size for t in s.train] for s in stack.spike_stack], dtype=np.int64
    ).reshape(len(stack.spike_stack), stack.N)
    return (counts >= min_spikes).mean(axis=0) if counts.shape[0] else np.zeros(stack.N)


def rate_unit_timing(event_stack: np.ndarray, min_rate: float = 0.1) -> np.ndarray:
    """``(U, S)`` sample index of each unit's peak rate per slice (first on ties), as float.

    NaN where the peak is below ``min_rate`` (Hz).

    Examples
    --------
    >>> rates = np.array([[[0.0], [3.0], [1.0]], [[2.0], [0.0], [0.0]]])  # (U, T, S)
    >>> rate_unit_timing(rates)
    array([[1.],
           [0.]])
    """
    stack = np.asarray(event_stack, dtype=np.float64)
    if stack.shape[1] == 0:
        return np.full((stack.shape[0], stack.shape[2]), np.nan)
    index = stack.argmax(axis=1)
    peak = index.astype(np.float64)
    peak[np.take_along_axis(stack, index[:, None, :], axis=1)[:, 0, :] < min_rate] = np.nan
    return peak


def rank_order_correlation(
    timing_matrix: np.ndarray,
    min_overlap: int = 3,
    n_shuffles: int = 100,
    min_overlap_frac: float | None = None,
    seed: int | None = 1,
    n_jobs: int | None = -1,
) -> tuple[PairwiseCompMatrix, float, PairwiseCompMatrix]:
    """Spearman rank correlation of unit timings between every pair of slices.

    Parameters
    ----------
    timing_matrix : ndarray, shape (U, S)
        Timing per unit and slice, NaN where inactive.
    min_overlap : int
        Fewest units active in both slices for a pair to be scored (else NaN); with
        ``min_overlap_frac``, ``max(min_overlap, ceil(min_overlap_frac * U))``.
    n_shuffles : int
        0: raw rho. ``>= 5``: rho as a z-score against rho under this many permutations of
        one slice's ranks (seeded; the same for any ``n_jobs``). 1 to 4 raise.
    seed : int or None
        Seed of the permutations (None: fresh entropy).
    n_jobs : int or None
        Threads: -1 all cores, 1 or None one.

    Returns
    -------
    corr : PairwiseCompMatrix (S, S)
        Diagonal 1 for raw rho, NaN for z-scores.
    av_corr : float
        NaN-mean of the lower triangle.
    overlap : PairwiseCompMatrix (S, S)
        Fraction of units active in both slices (diagonal: in that slice).

    Examples
    --------
    >>> timing = np.array([[1.0, 1.0, 3.0], [2.0, 2.0, 2.0], [3.0, 3.0, 1.0]])  # (U, S)
    >>> corr, av_corr, overlap = rank_order_correlation(timing, n_shuffles=10, n_jobs=1)
    >>> corr.matrix
    array([[        nan,  1.26360005, -1.20407608],
           [ 1.26360005,         nan, -1.67285672],
           [-1.20407608, -1.67285672,         nan]])
    """
    timing = np.ascontiguousarray(timing_matrix, dtype=np.float64)
    if timing.ndim != 2:
        raise AnalysisError(f"timing_matrix must be 2-D (units, slices), got shape {timing.shape}")
    n_shuffles = int(n_shuffles)
    if n_shuffles < 0 or 0 < n_shuffles < 5:
        raise AnalysisError(f"n_shuffles must be 0 (raw correlations) or >= 5, got {n_shuffles}")
    n_units, n_slices = timing.shape
    threshold = int(min_overlap)
    if min_overlap_frac is not None:
        threshold = max(threshold, math.ceil(float(min_overlap_frac) * n_units))
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    corr = np.full((n_slices, n_slices), np.nan)
    overlap = np.zeros((n_slices, n_slices))
    threads = get_num_threads()
    set_num_threads(threads if n_jobs not in (None, 1) else 1)  # numba's setting is per thread
    try:
        pair_i, pair_j = np.triu_indices(n_slices, k=1)
        rank_order(
            timing, pair_i, pair_j, threshold, n_shuffles, int(seed) % (2**63), corr, overlap
        )
    finally:
        set_num_threads(threads)
    active = np.isfinite(timing)
    overlap[np.diag_indices(n_slices)] = active.mean(axis=0) if n_units else 0.0
    if n_shuffles == 0:
        corr[np.diag_indices(n_slices)] = 1.0
    rows, cols = np.tril_indices(n_slices, k=-1)
    lower = corr[rows, cols]
    av = float(np.nanmean(lower)) if np.isfinite(lower).any() else float("nan")
    return PairwiseCompMatrix(corr), av, PairwiseCompMatrix(overlap)


def order_units(timing_matrix: np.ndarray, shape: tuple[int, int], agg_func: str,
                frac_active: np.ndarray | None, min_frac_active: float | None, whole_bins: bool):
    """Units sorted by their typical timing, split into a highly and a less active group.

    Parameters
    ----------
    timing_matrix : ndarray (U, S)
    shape : (int, int)
        The stack's (U, S), which ``timing_matrix`` must have.
    agg_func : {"median", "mean"}
        NaN-aware aggregate over slices: the typical timing.
    frac_active : ndarray (U,) or None
        Activity per unit for the split (ignored when ``min_frac_active`` is 0 or None).
    min_frac_active : float or None
        Units with ``frac_active >= min_frac_active`` are highly active; 0/None: all are,
        and their reported activity is 1.
    whole_bins : bool
        Report typical timings rounded to whole samples (rate stacks), as ints when all are
        defined.

    Returns
    -------
    groups : (ndarray, ndarray)
        Original unit indices of each group, earliest first (stable; undefined timings last).
    std, typical, frac : (ndarray, ndarray) each
        Per unit of each group: population std of its timings, the typical timing, activity.

    Examples
    --------
    >>> timing = np.array([[3.0, 3.5], [1.0, np.nan], [2.0, 2.5]])  # (U, S)
    >>> frac_active = np.array([1.0, 0.5, 1.0])
    >>> groups, std, typical, frac = order_units(timing, (3, 2), "median", frac_active, 0.6, False)
    >>> groups
    (array([2, 0]), array([1]))
    """
    if agg_func not in AGGREGATES:
        raise AnalysisError(f"agg_func must be one of {list(AGGREGATES)}, got {agg_func!r}")
    timing = np.asarray(timing_matrix, dtype=np.float64)
    if timing.shape != shape:
        raise AnalysisError(
            f"timing_matrix must have shape (units, slices) = {shape}, got {timing.shape}"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # units never active: NaN
        typical = (
            np.nanmedian(timing, axis=1) if agg_func == "median" else np.nanmean(timing, axis=1)
        )
        spread = np.nanstd(timing, axis=1)
    order = np.argsort(typical, kind="stable")
    if min_frac_active:
        frac = np.asarray(frac_active, dtype=np.float64).ravel()
        if frac.size != timing.shape[0]:
            raise AnalysisError(f"frac_active has {frac.size} values for {timing.shape[0]} units")
        high = frac[order] >= float(min_frac_active)
    else:
        frac = np.ones(timing.shape[0])
        high = np.ones(order.size, dtype=bool)
    shown = typical
    if whole_bins:
        shown = np.round(typical)
        shown = shown.astype(np.int64) if np.isfinite(shown).all() else shown
    groups = (order[high], order[~high])
    return (groups, tuple(spread[g] for g in groups), tuple(shown[g] for g in groups),
            tuple(frac[g] for g in groups))
