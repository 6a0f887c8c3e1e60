"""Latencies between spike trains: from query times or from every spike of one unit to the
nearest spike of each unit (all in ms; positive means the nearest spike comes later).

Functions take a :class:`~spikelab.SpikeData` first; its methods of the same names forward
to them.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import AnalysisError
from ._latency_kernels import pairwise_latency_moments
from ._selection import unit_indices
from .pairwise import PairwiseCompMatrix
from .spikedata import SpikeData

__all__ = ["latencies", "latencies_to_index", "get_pairwise_latencies", "nearest_latencies"]


def _window(window_ms: float | None) -> float:
    if window_ms is None:
        return math.inf
    window = float(window_ms)
    if not window >= 0:
        raise AnalysisError(f"window_ms must be >= 0 ms (or None for no limit), got {window_ms}")
    return window


def nearest_latencies(train: np.ndarray, times: np.ndarray, *, later_on_tie: bool) -> np.ndarray:
    """Signed distance (ms) from each of ``times`` to the nearest spike of sorted ``train``.

    NaN for an empty train or a NaN time.  A time exactly between two spikes goes to the
    later one when ``later_on_tie``, else to the earlier one.

    Examples
    --------
    >>> nearest_latencies(np.array([1.0, 5.0, 9.0]), np.array([3.0, 4.0]), later_on_tie=True)
    array([2., 1.])
    """
    times = np.asarray(times, dtype=np.float64)
    if train.size == 0:
        return np.full(times.shape, np.nan)
    after = np.searchsorted(train, times, side="left")
    later = train[np.minimum(after, train.size - 1)] - times
    earlier = train[np.maximum(after - 1, 0)] - times
    later[after == train.size] = np.inf  # no spike at or after the time
    earlier[after == 0] = -np.inf       # none before it
    take_later = later <= -earlier if later_on_tie else later < -earlier
    out = np.where(take_later, later, earlier)
    out[np.isnan(times)] = np.nan
    return out


def latencies(sd: SpikeData, times: np.ndarray, window_ms: float = 100.0) -> np.ndarray:
    """Signed latency (ms) from each query time to the nearest spike of every unit.

    Parameters
    ----------
    times : array-like, shape (Q,)
        Query times in ms.
    window_ms : float
        Latencies with ``|latency| > window_ms`` become NaN (inclusive window).

    Returns
    -------
    ndarray, shape (U, Q)
        ``spike - time``; NaN outside the window or for a unit without spikes.  A time
        midway between two spikes takes the earlier one (0.1.2's rule).

    Examples
    --------
    >>> sd = SpikeData([[1.0, 2.0, 2.5, 7.0], [3.0]], length=10)
    >>> latencies(sd, [2.2, 8.0], window_ms=3)
    array([[-0.2, -1. ],
           [ 0.8,  nan]])
    """
    times = np.asarray(times, dtype=np.float64)
    if times.ndim > 1:
        raise AnalysisError(f"times must be a 1-D array of ms, got shape {times.shape}")
    window = _window(window_ms)
    out = np.empty((sd.N, times.size), dtype=np.float64)
    for unit, train in enumerate(sd.train):
        out[unit] = nearest_latencies(train, times.ravel(), later_on_tie=False)
    with np.errstate(invalid="ignore"):
        out[np.abs(out) > window] = np.nan
    return out


def latencies_to_index(sd: SpikeData, i: int, window_ms: float = 100.0) -> np.ndarray:
    """:func:`latencies` from every spike of unit ``i``: shape (N, spikes of unit i).

    Row ``i`` is all zeros (each spike is its own nearest).

    Examples
    --------
    >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
    >>> latencies_to_index(sd, 2, window_ms=3.0)
    array([[ 1.],
           [-2.],
           [ 0.]])
    """
    unit = unit_indices([i], sd.N)[0]
    return latencies(sd, sd.train[unit], window_ms)


def get_pairwise_latencies(
    sd: SpikeData, window_ms: float | None = None, return_distributions: bool = False
):
    """For every ordered unit pair (i, j): the latencies from each spike of i to the nearest
    spike of j (``t_j - t_i``, ms), summarised by their mean and population std.

    Parameters
    ----------
    window_ms : float, optional
        Keep only latencies with ``|latency| <= window_ms``; None keeps all.
    return_distributions : bool
        Also return the latencies themselves.

    Returns
    -------
    mean, std : PairwiseCompMatrix (U, U)
        Diagonal 0; NaN for a pair without any latency (a unit without spikes, or none
        within the window).  ``metadata={"window_ms": window_ms}``.
    distributions : ndarray of object (U, U), only with ``return_distributions``
        ``[i, j]`` the array of latencies from i to j (empty on the diagonal).

    Notes
    -----
    A spike midway between two spikes of j takes the later one (0.1.2's rule here, the
    opposite of :func:`latencies`).  Cost: one merge of the two trains per pair, compiled
    and parallel over units; the distributions, when asked for, are built pair by pair.

    Examples
    --------
    >>> mean, std = get_pairwise_latencies(SpikeData([[1.0, 5.0], [2.0, 7.0]], length=10))
    >>> mean.matrix  # 0 -> 1: +1 and +2 ms; 1 -> 0: -1 and -2 ms
    array([[ 0. ,  1.5],
           [-1.5,  0. ]])
    >>> std.matrix
    array([[0. , 0.5],
           [0.5, 0. ]])
    """
    window = _window(window_ms)
    offsets = np.concatenate([[0], np.cumsum([t.size for t in sd.train])]).astype(np.int64)
    flat = np.concatenate(sd.train) if sd.N else np.zeros(0)
    mean = np.full((sd.N, sd.N), np.nan)
    std = np.full((sd.N, sd.N), np.nan)
    count = np.zeros((sd.N, sd.N), dtype=np.int64)
    pairwise_latency_moments(flat, offsets, window, mean, std, count)
    np.fill_diagonal(mean, 0.0)
    np.fill_diagonal(std, 0.0)
    meta = {"window_ms": window_ms}
    result = (
        PairwiseCompMatrix(mean, metadata=dict(meta)),
        PairwiseCompMatrix(std, metadata=dict(meta)),
    )
    if not return_distributions:
        return result
    return (*result, _distributions(sd, window))


def _distributions(sd: SpikeData, window: float) -> np.ndarray:
    out = np.empty((sd.N, sd.N), dtype=object)
    for i, a in enumerate(sd.train):
        for j, b in enumerate(sd.train):
            lat = nearest_latencies(b, a, later_on_tie=True) if i != j and b.size else np.zeros(0)
            out[i, j] = lat[np.abs(lat) <= window]
    return out
