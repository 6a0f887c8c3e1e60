"""Compiled (numba) loops of :mod:`spikelab.spikedata.latencies`."""

from __future__ import annotations

import numpy as np

from ._jit import njit, prange


@njit(cache=True, inline="always")
def _nearest_later_on_tie(b, k, s):
    """Signed latency from ``s`` to the nearest spike of sorted ``b``, whose first spike at
    or after ``s`` is ``b[k]``; equal distances go to the later spike."""
    if k < b.size and (k == 0 or b[k] - s <= s - b[k - 1]):
        return b[k] - s
    return b[k - 1] - s


@njit(cache=True)
def _latencies_within(a, b, window, buf):
    """Write into ``buf`` the latencies from each spike of ``a`` to the nearest of ``b`` with
    ``|latency| <= window`` (one merge of the two sorted trains); return how many."""
    n = 0
    k = 0
    for s in a:
        while k < b.size and b[k] < s:
            k += 1
        lat = _nearest_later_on_tie(b, k, s)
        if abs(lat) <= window:
            buf[n] = lat
            n += 1
    return n


@njit(cache=True, parallel=True)
def pairwise_latency_moments(flat, offsets, window, mean, std, count):
    """Mean, population std and number of the latencies from each spike of unit i to the
    nearest spike of unit j (``|latency| <= window``), for every ordered pair ``i != j``.

    ``flat[offsets[u]:offsets[u+1]]`` is unit u's sorted train.  The std is taken from the
    deviations to the mean (two passes over the latencies), exact to rounding.  Pairs
    without any latency are left untouched (count 0).
    """
    n_units = offsets.size - 1
    for i in prange(n_units):
        a = flat[offsets[i] : offsets[i + 1]]
        buf = np.empty(a.size)
        for j in range(n_units):
            b = flat[offsets[j] : offsets[j + 1]]
            if i == j or a.size == 0 or b.size == 0:
                continue
            n = _latencies_within(a, b, window, buf)
            if n == 0:
                continue
            m = buf[:n].sum() / n
            mean[i, j] = m
            std[i, j] = np.sqrt(((buf[:n] - m) ** 2).sum() / n)
            count[i, j] = n
