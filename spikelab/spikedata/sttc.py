"""Spike time tiling coefficient (STTC; Cutts & Eglen 2014) for unit pairs and matrices.

Definition used (times in ms, trains shifted by ``-start_time`` so the recording is
``[0, L]``)::

    T_A  = |union of [a - delt, a + delt] over a in A, clipped to [0, L]| / L
    P_A  = #{a in A : min_b |a - b| <= delt} / |A|
    STTC = 1/2 [ (P_A - T_B) / (1 - P_A T_B)  +  (P_B - T_A) / (1 - P_B T_A) ]

Undefined cases: an empty train gives 0.0; a half whose denominator is 0 counts 0; a
zero-length recording gives NaN (T is 0/0).  Trap kept from spikelab 0.1.2 for identical
numbers: coincidence is ``<= delt`` (inclusive) where the paper writes ``< delt``.

Reference: C. Cutts and S. Eglen, "Detecting pairwise correlations in spike trains: an
objective comparison of methods and application to the study of retinal waves",
J. Neurosci. 34(43):14288-14303, 2014.

Cost (compiled, parallel): T once per unit; the coincidence counts of all pairs by one
sweep over every spike in time order that keeps the set of units firing within ``delt``,
which costs the number of (spike, nearby unit) pairs instead of units^2 x spikes.  A linear
merge of the two trains per pair (parallel over pairs) is available as ``method="merge"``
and computes single pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import AnalysisError
from ._jit import get_num_threads
from ._sttc_kernels import (
    coincidence_counts,
    coincidences,
    sttc_from_counts,
    sttc_pairs,
    tiled_fraction,
    tiled_fractions,
)
from .pairwise import PairwiseCompMatrix
from .spikedata import SpikeData

__all__ = ["spike_time_tiling", "spike_time_tilings", "sttc_matrix_of"]


def _check_delt(delt: float) -> float:
    d = float(delt)
    if not d > 0 or not np.isfinite(d):
        raise AnalysisError(f"delt must be a positive number of ms, got {delt}")
    return d


def _flatten(trains: Sequence[np.ndarray], start_time: float) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate trains shifted to start at 0, with per-train offsets."""
    sizes = [t.size for t in trains]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    flat = np.concatenate(trains).astype(np.float64) - start_time if trains else np.zeros(0)
    return np.ascontiguousarray(flat), offsets


def _half(p: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``(p - t) / (1 - p t)`` elementwise, 0 where the denominator is 0."""
    den = 1.0 - p * t
    out = np.zeros(np.broadcast(p, t).shape)
    np.divide(p - t, den, out=out, where=den != 0)
    return out


def _coincidence_matrix(flat: np.ndarray, sizes: np.ndarray, delt: float) -> np.ndarray:
    """C[i, j] = spikes of unit i with a spike of unit j within delt, by one sweep in time order.

    The order is numpy's stable sort: the trains are sorted runs, which its merge sort only
    merges (bench/sttc_time_order.py: as fast as a compiled counting sort at 500 units x
    600 s, and nothing to compile).
    """
    order = np.argsort(flat, kind="stable")
    u_sorted = np.repeat(np.arange(sizes.size, dtype=np.int32), sizes)[order]
    chunks = max(1, min(get_num_threads(), flat.size))
    return coincidence_counts(flat[order], u_sorted, sizes.size, delt, chunks).sum(
        axis=0, dtype=np.int64
    )


def _sttc_from_coincidences(counts: np.ndarray, sizes: np.ndarray, tiles: np.ndarray) -> np.ndarray:
    """STTC matrix from C[i, j], train sizes and tiled fractions (vectorised formula)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        prop = counts / sizes[:, None].astype(np.float64)  # P[i, j]: share of i's spikes near j
    halves = _half(prop, tiles[None, :])
    out = 0.5 * (halves + halves.T)
    empty = sizes == 0
    out[empty, :] = 0.0
    out[:, empty] = 0.0
    return out


METHODS = ("auto", "sweep", "merge")


def sttc_matrix_of(
    trains: Sequence[np.ndarray],
    start_time: float,
    length: float,
    delt: float,
    method: str = "auto",
) -> np.ndarray:
    """``(n, n)`` STTC matrix of sorted trains (ms) recorded over
    ``[start_time, start_time+length]``.

    Diagonal exactly 1.0, symmetric.  Off-diagonal NaN for pairs of non-empty trains when
    ``length`` is 0.

    ``method`` picks how coincidences are counted (same numbers either way): ``"sweep"``
    (and ``"auto"``) walks all spikes once in time order, ``"merge"`` merges each pair's
    trains in parallel over pairs.  The sweep costs at most what the merges cost (units x
    spikes steps) and usually a small fraction of it.

    Examples
    --------
    >>> trains = [np.array([1.0, 5.0, 9.0]), np.array([2.0, 6.0, 9.5])]
    >>> sttc_matrix_of(trains, start_time=0.0, length=10.0, delt=1.0).round(3)
    array([[1., 1.],
           [1., 1.]])
    """
    if method not in METHODS:
        raise AnalysisError(f"method must be one of {list(METHODS)}, got {method!r}")
    delt = _check_delt(delt)
    n = len(trains)
    sizes = np.array([t.size for t in trains], dtype=np.int64)
    rows, cols = np.triu_indices(n, k=1)
    if length <= 0:
        out = np.full((n, n), np.nan)
        out[(sizes == 0)[:, None] | (sizes == 0)[None, :]] = 0.0
    else:
        flat, offsets = _flatten(trains, start_time)
        tiles = tiled_fractions(flat, offsets, delt, float(length))
        if method != "merge":
            out = _sttc_from_coincidences(_coincidence_matrix(flat, sizes, delt), sizes, tiles)
        else:
            out = np.zeros((n, n))
            values = sttc_pairs(
                flat, offsets, tiles, delt, rows.astype(np.int64), cols.astype(np.int64)
            )
            out[rows, cols] = out[cols, rows] = values
    np.fill_diagonal(out, 1.0)
    return out


def spike_time_tiling(sd: SpikeData, i: int, j: int, delt: float = 20.0) -> float:
    """STTC between units ``i`` and ``j`` with coincidence window ``delt`` ms (see module doc).

    Example: trains [10, 20, 30, 40] and [11, 21, 35, 60], length 100 ms, delt 5 -> 0.75.

    Examples
    --------
    >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
    >>> spike_time_tiling(sd, 0, 1, delt=1.0)
    1.0
    """
    delt = _check_delt(delt)
    a = np.ascontiguousarray(sd.train[i] - sd.start_time)
    b = np.ascontiguousarray(sd.train[j] - sd.start_time)
    if a.size == 0 or b.size == 0:
        return 0.0
    if sd.length <= 0:
        return float("nan")
    ca, cb = coincidences(a, b, delt)
    ta, tb = tiled_fraction(a, delt, sd.length), tiled_fraction(b, delt, sd.length)
    return float(sttc_from_counts(a.size, b.size, ca, cb, ta, tb))


def spike_time_tilings(sd: SpikeData, delt: float = 20.0) -> PairwiseCompMatrix:
    """STTC of every unit pair: symmetric ``(N, N)`` matrix, diagonal 1.0,
    ``metadata={'delt': delt}``.

    Raises
    ------
    AnalysisError
        If ``delt <= 0``.

    Examples
    --------
    >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
    >>> spike_time_tilings(sd, delt=1.0).matrix.round(3)
    array([[ 1.   ,  1.   ,  0.571],
           [ 1.   ,  1.   , -0.375],
           [ 0.571, -0.375,  1.   ]])
    """
    matrix = sttc_matrix_of(sd.train, sd.start_time, sd.length, delt)
    return PairwiseCompMatrix(matrix, metadata={"delt": delt})
