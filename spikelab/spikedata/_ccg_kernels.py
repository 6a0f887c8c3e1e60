"""Compiled (numba) cross-correlogram of binned spike trains, for every unit pair.

The lagged products of two count rasters, ``sum_t r_i[t] r_j[t - lag]``, are the number of
spike pairs of units i and j whose bins differ by ``lag``: counting those pairs within
``max_lag`` bins of each other costs the number of nearby spike pairs, instead of
``lags x bins`` per pair for the rasters.  The counts are exact integers, so the
normalised maxima equal those of the dense products bit for bit.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit, prange


@njit(cache=True, parallel=True)
def ccg_maxima(unit_bins, unit_offsets, all_bins, all_units, squares, limit, order, best, best_lag):
    """For pairs ``i <= j``: the maximum over ``|lag| <= limit`` of
    ``count(i, j, lag) / (sqrt(squares[i]) sqrt(squares[j]))`` and the lowest lag reaching it.

    ``unit_bins[unit_offsets[i]:unit_offsets[i+1]]`` are unit i's spike bins (sorted);
    ``all_bins``/``all_units`` every spike's bin and unit, sorted by bin; ``squares[i]`` is
    the sum of unit i's squared bin counts.  ``order`` lists the units in the order the
    parallel loop takes them (early units have more pairs ``j >= i``: interleaved for
    balance).  Silent units are left to the caller.
    """
    n_units = unit_offsets.size - 1
    width = 2 * limit + 1
    for k in prange(order.size):
        i = order[k]
        hist = np.zeros((n_units, width), dtype=np.int64)
        lo = 0
        hi = 0
        for s in range(unit_offsets[i], unit_offsets[i + 1]):
            t = unit_bins[s]
            while lo < all_bins.size and all_bins[lo] < t - limit:
                lo += 1
            if hi < lo:
                hi = lo
            while hi < all_bins.size and all_bins[hi] <= t + limit:
                hi += 1
            for g in range(lo, hi):
                j = all_units[g]
                if j >= i:
                    hist[j, t - all_bins[g] + limit] += 1  # lag = t_i - t_j
        root_i = np.sqrt(squares[i])
        for j in range(i, n_units):
            denom = root_i * np.sqrt(squares[j])
            top = -np.inf
            where = 0
            for m in range(width):  # ascending lags: ties keep the lowest
                v = hist[j, m] / denom if denom > 0 else 0.0
                if v > top:
                    top = v
                    where = m - limit
            best[i, j] = top
            best_lag[i, j] = where
