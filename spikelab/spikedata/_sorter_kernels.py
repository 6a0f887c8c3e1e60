"""Compiled (numba) spike matching between two sortings of one recording."""

from __future__ import annotations

import numpy as np

from ._jit import njit, prange


@njit(cache=True, parallel=True)
def match_counts(times1, offsets1, times2, units2, index2, n_units2, delta, out):
    """``out[i, j]``: the most spikes of unit i (sorting 1) and unit j (sorting 2) that can
    be paired one to one with ``|t1 - t2| <= delta``.

    ``times1[offsets1[i]:offsets1[i+1]]`` are unit i's sorted spikes; ``times2`` every spike
    of sorting 2 sorted by time, with its unit and its index within that unit.  For each
    pair the spikes of i, in time order, take the earliest unpaired spike of j in their
    window: greedy, and optimal for windows that move forward in time.  The sweep over the
    window of each spike of i serves every j at once.
    """
    for i in prange(offsets1.size - 1):
        next_free = np.zeros(n_units2, dtype=np.int64)  # unit j's first spike not yet paired
        taken_by = np.full(n_units2, -1, dtype=np.int64)  # last spike of i paired with unit j
        lo = 0
        for s in range(offsets1[i], offsets1[i + 1]):
            x = times1[s]
            while lo < times2.size and times2[lo] < x - delta:
                lo += 1
            g = lo
            while g < times2.size and times2[g] - x <= delta:
                j = units2[g]
                if taken_by[j] != s and index2[g] >= next_free[j]:
                    next_free[j] = index2[g] + 1
                    taken_by[j] = s
                    out[i, j] += 1
                g += 1
