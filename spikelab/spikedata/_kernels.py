"""Compiled (numba) inner loops of the analyses; the topic modules wrap them.

Every kernel works on plain arrays (concatenated trains plus offsets) so that it compiles
once and is cached on disk (``cache=True``).  Their semantics are documented, and tested,
in the public functions that call them.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit, prange


# ------------------------------------------------------------------ windowed inverse-ISI rates
@njit(cache=True, inline="always")
def _reflect_index(i: int, n: int) -> int:
    """scipy.ndimage ``mode='reflect'`` (d c b a | a b c d) for one index."""
    j = i % (2 * n)
    return 2 * n - 1 - j if j >= n else j


@njit(cache=True)
def _fill_window(starts, rates, first, reach, n_grid, buf):
    """buf[m] = piecewise-constant rate at grid index reflect(first - reach + m)."""
    n = starts.size
    k = 0
    prev = -2
    for m in range(buf.size):
        i = _reflect_index(first - reach + m, n_grid)
        if i != prev + 1:  # not the next index: find the interval afresh
            k = np.searchsorted(starts, i, side="right")
        else:
            while k < n and starts[k] <= i:
                k += 1
        buf[m] = rates[k - 1] if 1 <= k < n else 0.0
        prev = i


@njit(cache=True)
def _smooth_runs(buf, cum_weights, n_samples, run_lo, run_hi, run_val, acc):
    """acc[t] = sum_j w[j] * buf[t + j], using that buf is piecewise constant.

    Each run of equal values contributes value * (sum of the weights it covers), taken from
    the cumulative weights: O(samples x runs per kernel span) instead of O(samples x span).
    Zero runs are skipped, so a window without spikes nearby stays exactly 0.
    """
    n_runs = 0
    m = 0
    while m < buf.size:
        lo, v = m, buf[m]
        while m < buf.size and buf[m] == v:
            m += 1
        if v != 0.0:
            run_lo[n_runs], run_hi[n_runs], run_val[n_runs] = lo, m, v
            n_runs += 1
    span = cum_weights.size - 1
    r0 = 0
    for t in range(n_samples):
        while r0 < n_runs and run_hi[r0] <= t:
            r0 += 1
        total = 0.0
        r = r0
        while r < n_runs and run_lo[r] < t + span:
            a = max(run_lo[r], t) - t
            b = min(run_hi[r], t + span) - t
            total += run_val[r] * (cum_weights[b] - cum_weights[a])
            r += 1
        acc[t] = total


@njit(cache=True, parallel=True)
def window_rates(
    starts, rates, spike_off, rate_off, first, n_samples, reach, n_grid, cum_weights, out
):
    """Smoothed inverse-ISI rate of every unit in every window, written to ``out[u, t, s]``.

    ``starts[spike_off[u]:spike_off[u+1]]`` are unit u's spikes as rounded grid indices and
    ``rates[rate_off[u]:rate_off[u+1]]`` its interval rates (Hz).  Window s covers grid
    indices ``first[s] .. first[s] + n_samples - 1``; ``cum_weights`` (length 2*reach+2) is
    the cumulative sum, from 0, of the normalised Gaussian kernel of ``gaussian_filter1d``.
    """
    width = n_samples + 2 * reach
    for u in prange(spike_off.size - 1):
        st = starts[spike_off[u] : spike_off[u + 1]]
        rt = rates[rate_off[u] : rate_off[u + 1]]
        buf = np.zeros(width)
        acc = np.empty(n_samples)
        run_lo = np.empty(width, dtype=np.int64)
        run_hi = np.empty(width, dtype=np.int64)
        run_val = np.empty(width)
        for s in range(first.size):
            if st.size < 2:
                out[u, :, s] = 0.0
                continue
            _fill_window(st, rt, first[s], reach, n_grid, buf)
            _smooth_runs(buf, cum_weights, n_samples, run_lo, run_hi, run_val, acc)
            out[u, :, s] = acc


# ------------------------------------------------------------------ Gaussian smoothing
@njit(cache=True, parallel=True)
def gaussian_rows(data, weights, out):
    """``out[u]`` = row ``u`` of ``data`` correlated with the symmetric ``weights`` (odd length).

    The row is reflected at both ends (``d c b a | a b c d | d c b a``, repeated for rows
    shorter than the kernel).  The sum is scipy.ndimage's for symmetric weights, term by
    term: the centre term, then ``(x[t - j] + x[t + j]) * w[r - j]`` from the farthest pair
    inwards, so it rounds exactly as ``gaussian_filter1d`` does.
    """
    n_rows, n = data.shape
    r = weights.size // 2
    for u in prange(n_rows):
        padded = np.empty(n + 2 * r)
        for m in range(n + 2 * r):
            padded[m] = data[u, _reflect_index(m - r, n)]
        for t in range(n):
            acc = padded[t + r] * weights[r]
            for j in range(r, 0, -1):
                acc += (padded[t + r - j] + padded[t + r + j]) * weights[r - j]
            out[u, t] = acc


# ------------------------------------------------------------------ lagged correlation
@njit(cache=True, nogil=True)
def keep_best_lag(best, best_lag, products, denom, lag, transposed):
    """Fold one lag's products into the running maximum, in one pass without temporaries.

    Serial on purpose (memory-bound, called once per lag); ``nogil`` so that batches in
    worker threads run it side by side.

    ``value = products[b, i, j] / denom[b, i, j]`` (``products[b, j, i]`` when
    ``transposed``; 0 where denom is 0); it replaces the best so far when larger, or equal
    at a lower lag, so ties go to the lowest lag whatever the visiting order.
    """
    n_batch, n_rows, n_cols = best.shape
    for b in range(n_batch):
        for i in range(n_rows):
            for j in range(n_cols):
                d = denom[b, i, j]
                p = products[b, j, i] if transposed else products[b, i, j]
                v = p / d if d > 0 else 0.0
                if v > best[b, i, j] or (v == best[b, i, j] and lag < best_lag[b, i, j]):
                    best[b, i, j] = v
                    best_lag[b, i, j] = lag


# ------------------------------------------------------------------ spike-triggered population rate
@njit(cache=True, parallel=True)
def triggered_others(bins, offsets, pop, reach, out, valid):
    """For each unit i and lag ``l`` in ``[-reach, reach]`` bins: the sum over i's spikes of
    the other units' count ``pop[t + l] - count_i[t + l]`` (``out[i, l + reach]``) and the
    number of i's spikes with ``t + l`` inside the recording (``valid[i, l + reach]``).

    ``bins[offsets[i]:offsets[i+1]]`` are unit i's spike bins, sorted (one entry per spike,
    so a bin with k spikes triggers k times); ``pop`` the population count per bin.  Unit
    i's own count at ``t + l`` comes from its spikes within ``reach`` of ``t``.
    """
    n_bins = pop.size
    for i in prange(offsets.size - 1):
        lo = offsets[i]
        hi = offsets[i + 1]
        near_lo = lo
        near_hi = lo
        for s in range(lo, hi):
            t = bins[s]
            for k in range(2 * reach + 1):
                b = t + k - reach
                if 0 <= b < n_bins:
                    out[i, k] += pop[b]
                    valid[i, k] += 1
            while bins[near_lo] < t - reach:
                near_lo += 1
            while near_hi < hi and bins[near_hi] <= t + reach:
                near_hi += 1
            for q in range(near_lo, near_hi):  # own spikes are not "others"
                out[i, bins[q] - t + reach] -= 1.0
