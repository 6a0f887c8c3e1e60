"""Compiled STTC kernels (numba): tiled fractions, coincidence counts, the pairwise matrix.

Trains arrive concatenated (``flat``, with ``offsets``), sorted within each unit and shifted
so that the recording window is ``[0, length]``.  See :mod:`spikelab.spikedata.sttc` for the
definition these loops implement.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit, prange


@njit(cache=True)
def tiled_fraction(t, delt, length):
    """T: measure of the union of ``[s - delt, s + delt]`` clipped to ``[0, length]``, / length."""
    if t.size == 0:
        return 0.0
    total = 0.0
    lo = max(t[0] - delt, 0.0)
    hi = min(t[0] + delt, length)
    for k in range(1, t.size):
        a = max(t[k] - delt, 0.0)
        b = min(t[k] + delt, length)
        if a <= hi:  # overlaps (or touches) the current run of tiles
            hi = max(hi, b)
        else:
            total += hi - lo
            lo, hi = a, b
    total += hi - lo
    return total / length


@njit(cache=True)
def coincidences(a, b, delt):
    """Spikes of a within delt (inclusive) of some spike of b, and vice versa: one merge.

    Walking both sorted trains in time order, each spike's nearest neighbours in the other
    train are the last one already passed and the next one not yet passed.
    """
    na, nb = a.size, b.size
    ca = 0
    cb = 0
    i = 0
    j = 0
    while i < na and j < nb:
        if a[i] <= b[j]:
            if b[j] - a[i] <= delt or (j > 0 and a[i] - b[j - 1] <= delt):
                ca += 1
            i += 1
        else:
            if a[i] - b[j] <= delt or (i > 0 and b[j] - a[i - 1] <= delt):
                cb += 1
            j += 1
    while i < na:  # b exhausted: only its last spike is a candidate
        if nb > 0 and a[i] - b[nb - 1] <= delt:
            ca += 1
        i += 1
    while j < nb:
        if na > 0 and b[j] - a[na - 1] <= delt:
            cb += 1
        j += 1
    return ca, cb


@njit(cache=True)
def _half(p, t):
    d = 1.0 - p * t
    return 0.0 if d == 0.0 else (p - t) / d


@njit(cache=True)
def sttc_from_counts(na, nb, ca, cb, ta, tb):
    """STTC of two trains from their sizes, coincidence counts and tiled fractions."""
    if na == 0 or nb == 0:
        return 0.0
    return 0.5 * (_half(ca / na, tb) + _half(cb / nb, ta))


@njit(cache=True)
def tiled_fractions(flat, offsets, delt, length):
    """T of every train, once per unit (serial: one pass over all spikes is cheap)."""
    n = offsets.size - 1
    tiles = np.empty(n)
    for u in range(n):
        tiles[u] = tiled_fraction(flat[offsets[u] : offsets[u + 1]], delt, length)
    return tiles


@njit(cache=True, parallel=True)
def sttc_pairs(flat, offsets, tiles, delt, rows, cols):
    """STTC for each pair ``(rows[p], cols[p])`` by one merge per pair, parallel over pairs."""
    out = np.empty(rows.size)
    for p in prange(rows.size):
        i, j = rows[p], cols[p]
        a = flat[offsets[i] : offsets[i + 1]]
        b = flat[offsets[j] : offsets[j + 1]]
        ca, cb = coincidences(a, b, delt)
        out[p] = sttc_from_counts(a.size, b.size, ca, cb, tiles[i], tiles[j])
    return out


# ------------------------------------------------------------------ all pairs at once
@njit(cache=True, inline="always")
def _enter(v, count, pos, active, n_active):
    """Unit v gains a spike in the window; returns the new number of active units."""
    if count[v] == 0:
        active[n_active] = v
        pos[v] = n_active
        n_active += 1
    count[v] += 1
    return n_active


@njit(cache=True, inline="always")
def _leave(v, count, pos, active, n_active):
    """Unit v loses a spike from the window (swap-remove it when it has none left)."""
    count[v] -= 1
    if count[v] == 0:
        last = active[n_active - 1]
        active[pos[v]] = last
        pos[last] = pos[v]
        n_active -= 1
    return n_active


@njit(cache=True, parallel=True)
def coincidence_counts(t_sorted, u_sorted, n_units, delt, n_chunks):
    """C[c, i, j]: spikes of unit i with a spike of unit j within delt (inclusive), per chunk.

    One sweep over all spikes in time order keeps the window of spikes ``x`` with
    ``|t - x| <= delt`` (two pointers; float subtraction is monotone, so this is exactly the
    test of :func:`coincidences`) together with the set of units that have a spike in it,
    updated as spikes enter and leave.  Each spike then adds 1 to its unit's row for every
    unit in the set.  Cost: the number of distinct units near each spike (at most units x
    spikes, usually far less), with no branch in the inner loop.  Chunks of spikes run in
    parallel, each with private counts; sum over axis 0.
    """
    n = t_sorted.size
    counts = np.zeros((n_chunks, n_units, n_units), dtype=np.int32)
    for c in prange(n_chunks):
        p0, p1 = c * n // n_chunks, (c + 1) * n // n_chunks
        count = np.zeros(n_units, dtype=np.int32)  # spikes of each unit in the window
        pos = np.zeros(n_units, dtype=np.int32)  # where each active unit sits in `active`
        active = np.empty(n_units, dtype=np.int32)
        n_active = 0
        lo = p0
        while p0 < p1 and lo > 0 and t_sorted[p0] - t_sorted[lo - 1] <= delt:
            lo -= 1
        for k in range(lo, p0):  # the part of the first window before the chunk
            n_active = _enter(u_sorted[k], count, pos, active, n_active)
        hi = p0
        for p in range(p0, p1):
            t = t_sorted[p]
            while t - t_sorted[lo] > delt:
                n_active = _leave(u_sorted[lo], count, pos, active, n_active)
                lo += 1
            while hi < n and t_sorted[hi] - t <= delt:
                n_active = _enter(u_sorted[hi], count, pos, active, n_active)
                hi += 1
            row = counts[c, u_sorted[p]]
            for k in range(n_active):
                row[active[k]] += 1
    return counts
