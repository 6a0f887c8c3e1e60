"""Compiled (numba) degree-preserving double-edge swaps on a set of (row, column) cells."""

from __future__ import annotations

import numpy as np

from ._jit import njit


@njit(cache=True, inline="always")
def _is_set(bits, cell):
    return (bits[cell >> 6] >> np.uint64(cell & 63)) & np.uint64(1)


@njit(cache=True, inline="always")
def _flip(bits, cell):
    bits[cell >> 6] ^= np.uint64(1) << np.uint64(cell & 63)


@njit(cache=True)
def occupancy(rows, cols, n_cols):
    """A bitset of the occupied cells ``row * n_cols + col`` (one bit per cell)."""
    n_cells = (rows.max() + 1) * n_cols if rows.size else 0
    bits = np.zeros((n_cells + 63) // 64 + 1, dtype=np.uint64)
    for k in range(rows.size):
        _flip(bits, rows[k] * n_cols + cols[k])
    return bits


@njit(cache=True)
def swap_batch(rows, cols, n_cols, bits, picks, wanted):
    """Try the swaps proposed by ``picks`` (pairs of cell indices) until ``wanted`` succeed.

    A swap of cells ``a = (r1, c1)`` and ``b = (r2, c2)`` moves them to ``(r1, c2)`` and
    ``(r2, c1)``; it is allowed when ``r1 != r2``, ``c1 != c2`` and both targets are empty,
    so every row and column keeps its number of cells.  Returns ``(done, tried)``.
    """
    done = 0
    tried = 0
    for k in range(picks.shape[0]):
        if done == wanted:
            break
        tried += 1
        a = picks[k, 0]
        b = picks[k, 1]
        r1, c1, r2, c2 = rows[a], cols[a], rows[b], cols[b]
        if r1 == r2 or c1 == c2:
            continue
        if _is_set(bits, r1 * n_cols + c2) or _is_set(bits, r2 * n_cols + c1):
            continue
        _flip(bits, r1 * n_cols + c1)
        _flip(bits, r2 * n_cols + c2)
        _flip(bits, r1 * n_cols + c2)
        _flip(bits, r2 * n_cols + c1)
        cols[a] = c2
        cols[b] = c1
        done += 1
    return done, tried
