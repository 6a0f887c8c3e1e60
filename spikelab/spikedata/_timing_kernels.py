"""Compiled (numba) loops of the slice-timing analyses; :mod:`.slice_timing` wraps them.

Cached on disk (``cache=True``); semantics are documented and tested through the public
functions.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit, prange

TIMING_CODES = {"median": 0, "mean": 1, "first": 2}


@njit(cache=True)
def unit_timing(flat, offsets, n_units, n_slices, code, min_spikes, out):
    """out[u, s] = median/mean/first of train (s, u) (ms), NaN below ``min_spikes`` spikes.

    Train (s, u) is ``flat[offsets[s * n_units + u]:offsets[s * n_units + u + 1]]``, sorted.
    """
    for s in range(n_slices):
        for u in range(n_units):
            lo = offsets[s * n_units + u]
            hi = offsets[s * n_units + u + 1]
            n = hi - lo
            if n == 0 or n < min_spikes:
                out[u, s] = np.nan
            elif code == 2:
                out[u, s] = flat[lo]
            elif code == 1:
                out[u, s] = flat[lo:hi].mean()
            else:
                mid = lo + n // 2
                out[u, s] = flat[mid] if n % 2 else 0.5 * (flat[mid - 1] + flat[mid])


@njit(cache=True, inline="always")
def _next(state):
    """splitmix64: the next (state, 53-bit uniform in [0, 1)); cheap and thread-independent."""
    state = (state + np.uint64(0x9E3779B97F4A7C15)) & np.uint64(0xFFFFFFFFFFFFFFFF)
    z = state
    z = ((z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & np.uint64(0xFFFFFFFFFFFFFFFF)
    z = ((z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & np.uint64(0xFFFFFFFFFFFFFFFF)
    z = z ^ (z >> np.uint64(31))
    return state, (z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def _average_ranks(x, ranks):
    """Ranks 1..n of x with ties given their average rank (scipy's ``rankdata``)."""
    order = np.argsort(x, kind="mergesort")
    n = x.size
    i = 0
    while i < n:
        j = i
        while j + 1 < n and x[order[j + 1]] == x[order[i]]:
            j += 1
        value = 0.5 * (i + j) + 1.0
        for k in range(i, j + 1):
            ranks[order[k]] = value
        i = j + 1


@njit(cache=True, parallel=True)
def rank_order(timing, pair_i, pair_j, min_overlap, n_shuffles, seed, corr, overlap):
    """Spearman correlation (or its shuffle z-score) of every slice pair's unit timings.

    ``timing`` is (U, S) with NaN for inactive units. For each pair ``(pair_i[p], pair_j[p])``,
    i < j: ``overlap`` =
    units finite in both / U; below ``min_overlap`` units the pair is NaN; else Spearman's
    rho of the shared units (average ranks for ties; NaN when either side is constant).
    With ``n_shuffles > 0`` rho is z-scored against rho of the first slice's ranks with
    ``n_shuffles`` permutations of the second's (mean and population std; NaN if std is 0),
    each pair drawing from its own generator seeded by ``(seed, i, j)``, so the result does
    not depend on the number of threads. Both outputs are symmetric; the diagonal is left.
    """
    n_units, n_slices = timing.shape
    for p in prange(pair_i.size):
        i = pair_i[p]
        j = pair_j[p]
        a = np.empty(n_units)
        b = np.empty(n_units)
        n = 0
        for u in range(n_units):
            if np.isfinite(timing[u, i]) and np.isfinite(timing[u, j]):
                a[n] = timing[u, i]
                b[n] = timing[u, j]
                n += 1
        overlap[i, j] = overlap[j, i] = n / n_units
        value = np.nan
        if n >= min_overlap and n >= 2:
            ra = np.empty(n)
            rb = np.empty(n)
            _average_ranks(a[:n], ra)
            _average_ranks(b[:n], rb)
            mean = 0.5 * (n + 1)  # both rank vectors sum to n(n+1)/2, ties or not
            ssa = 0.0
            ssb = 0.0
            cross = 0.0
            for k in range(n):
                ssa += (ra[k] - mean) ** 2
                ssb += (rb[k] - mean) ** 2
                cross += (ra[k] - mean) * (rb[k] - mean)
            if ssa > 0 and ssb > 0:
                scale = np.sqrt(ssa * ssb)
                value = cross / scale
                if n_shuffles > 0:
                    value = _z_against_shuffles(
                        ra,
                        rb,
                        mean,
                        scale,
                        value,
                        n_shuffles,
                        np.uint64(seed) * np.uint64(1000003) + np.uint64(i * n_slices + j),
                    )
        corr[i, j] = corr[j, i] = value


@njit(cache=True)
def _z_against_shuffles(ra, rb, mean, scale, rho, n_shuffles, state):
    n = ra.size
    perm = rb.copy()
    total = 0.0
    total_sq = 0.0
    for _ in range(n_shuffles):
        for k in range(n - 1, 0, -1):  # Fisher-Yates
            state, u = _next(state)
            m = int(u * (k + 1))
            perm[k], perm[m] = perm[m], perm[k]
        cross = 0.0
        for k in range(n):
            cross += (ra[k] - mean) * (perm[k] - mean)
        r = cross / scale
        total += r
        total_sq += r * r
    mu = total / n_shuffles
    var = max(total_sq / n_shuffles - mu * mu, 0.0)
    return (rho - mu) / np.sqrt(var) if var > 1e-24 else np.nan
