"""Lagged, normalised cross-correlation of rate signals, and its batched all-pairs form.

spikelab 0.1.2 calls these "correlations", but by default they are **uncentred**: the value
is a cosine similarity with lag,

    r(lag) = sum_t ref[t] * comp[t - lag] / sqrt(sum ref^2 * sum comp^2),

maximised over ``lag`` in ``[-max_lag, max_lag]`` (samples).  Two silent-free, non-negative
rates therefore correlate positively even when independent.  ``centered=True`` subtracts
each signal's mean first, which makes the lag-0 value Pearson's r.  Positive lag means
``comp`` leads ``ref`` (a pulse in comp 2 samples *later* than in ref gives lag -2).
Undefined cases: both signals all zero -> (NaN, 0); one all zero -> (0.0, 0); otherwise a
NaN or infinite sample in either -> (NaN, 0).  Ties between lags go to the lowest lag.

The batched form computes, for each lag ``l >= 0``, one stacked matrix product giving every
pair's sum at ``+l`` (and, transposed, at ``-l``): ``max_lag + 1`` products instead of one
full-length correlation per pair.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import threadpool_limits

from ..errors import AnalysisError
from ._jit import get_num_threads
from ._kernels import keep_best_lag
from ._pairstats import mirror_upper

__all__ = ["compute_cross_correlation_with_lag", "lagged_correlation_matrices", "all_pairs"]


def _lag_limit(max_lag: int | None, n_samples: int) -> int:
    """0.1.2's reading of ``max_lag``: None -> 0, negative -> |max_lag|, capped at T - 1."""
    if max_lag is None:
        return 0
    if not float(max_lag).is_integer():
        raise AnalysisError(f"max_lag must be a whole number of samples, got {max_lag}")
    return int(min(abs(int(max_lag)), max(n_samples - 1, 0)))


def _prepare(x: np.ndarray, centered: bool) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x - x.mean(axis=-1, keepdims=True) if centered and x.shape[-1] else x


def compute_cross_correlation_with_lag(
    ref_rate: np.ndarray, comp_rate: np.ndarray, max_lag: int | None = 0, *, centered: bool = False
) -> tuple[float, int]:
    """Maximum normalised cross-correlation of two equal-length signals and its lag.

    See the module docstring for the formula, sign convention and undefined cases.

    Parameters
    ----------
    ref_rate, comp_rate : array-like, shape (T,)
    max_lag : int or None
        Largest lag searched, in samples (None: 0; negative: its absolute value).
    centered : bool
        Subtract each signal's mean first (Pearson at lag 0).  Default False (0.1.2).

    Returns
    -------
    (float, int)
        The maximum over lags and the lag where it occurs.

    Examples
    --------
    >>> compute_cross_correlation_with_lag([0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 1, 0], 3)
    (1.0, -2)
    """
    ref, comp = np.asarray(ref_rate, dtype=np.float64), np.asarray(comp_rate, dtype=np.float64)
    if ref.ndim != 1 or ref.shape != comp.shape:
        raise AnalysisError(
            f"signals must be 1-D of equal length, got {ref.shape} and {comp.shape}"
        )
    corr, lag = lagged_correlation_matrices(
        ref[None, None, :], comp[None, None, :], max_lag, centered=centered
    )
    return float(corr[0, 0, 0]), int(lag[0, 0, 0])


def _products_at(x: np.ndarray, y: np.ndarray, lag: int) -> np.ndarray:
    """``sum_t x[b, i, t] * y[b, j, t - lag]`` for all b, i, j (lag >= 0)."""
    n = x.shape[-1]
    return np.matmul(x[..., lag:], np.swapaxes(y[..., : n - lag], -1, -2))


def lagged_correlation_matrices(
    x: np.ndarray, y: np.ndarray | None = None, max_lag: int | None = 0, *, centered: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Batched :func:`compute_cross_correlation_with_lag` of every row pair.

    Parameters
    ----------
    x : ndarray, shape (B, n, T)
        B batches of n signals of T samples.
    y : ndarray, shape (B, m, T), optional
        Signals to compare with; None compares ``x`` with itself (half the products).
    max_lag : int or None
        Largest lag in samples, as in :func:`compute_cross_correlation_with_lag`.

    Returns
    -------
    corr : ndarray (B, n, m)
        ``corr[b, i, j]`` = max over lags of the correlation of ``x[b, i]`` (ref) with
        ``y[b, j]`` (comp).
    lag : ndarray (B, n, m), int64
        Where the maximum occurs.

    Examples
    --------
    >>> x = np.array([[[0.0, 1, 0, 0], [0.0, 0, 1, 0]]])  # (B, n, T)
    >>> corr, lag = lagged_correlation_matrices(x, max_lag=1)
    >>> corr
    array([[[1., 1.],
            [1., 1.]]])
    >>> lag
    array([[[ 0, -1],
            [ 1,  0]]])
    """
    x = _prepare(x, centered)
    same = y is None
    y = x if same else _prepare(y, centered)
    if x.ndim != 3 or y.shape[::2] != x.shape[::2]:
        raise AnalysisError(f"expected (B, n, T) and (B, m, T) arrays, got {x.shape} and {y.shape}")
    limit = _lag_limit(max_lag, x.shape[-1])
    nx, ny = (
        np.einsum("bnt,bnt->bn", x, x),
        np.einsum("bnt,bnt->bn", y, y),
    )  # no (B, n, T) temporary
    denom = np.sqrt(nx)[:, :, None] * np.sqrt(ny)[:, None, :]  # no underflow of nx * ny
    best = np.full(denom.shape, -np.inf)
    best_lag = np.zeros(denom.shape, dtype=np.int64)
    for lag in range(limit + 1):
        forward = _products_at(x, y, lag)
        keep_best_lag(best, best_lag, forward, denom, lag, False)
        if lag:  # -lag: the products of (comp, ref) at +lag, transposed (free when y is x)
            back = forward if same else _products_at(y, x, lag)
            keep_best_lag(best, best_lag, back, denom, -lag, True)
    # A NaN (or inf) sample makes the correlation undefined: NaN at lag 0, as 0.1.2 gives,
    # never a 0.0 that reads as "uncorrelated".  Silence takes precedence, also as in 0.1.2.
    broken = ~np.isfinite(nx)[:, :, None] | ~np.isfinite(ny)[:, None, :]
    best[broken] = np.nan
    best_lag[broken] = 0
    silent_x, silent_y = (nx == 0)[:, :, None], (ny == 0)[:, None, :]
    best[silent_x | silent_y] = 0.0
    best[silent_x & silent_y] = np.nan
    best_lag[silent_x | silent_y] = 0
    return best, best_lag


_BATCH_BYTES = 64 * 2**20  # keep each batch's (B, n, n) temporaries around 64 MB


def all_pairs(
    x: np.ndarray, max_lag: int | None, centered: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of rows of each ``x[b]`` (shape (B, n, T)), as spikelab 0.1.2 reports them.

    Runs :func:`lagged_correlation_matrices` on batches of ``x`` in worker threads (one
    per core numba may use), each with a single BLAS thread: the products are many small
    matrix multiplications, for which a multi-threaded BLAS mostly waits on its own
    threads (10x slower on a busy machine).  Memory stays bounded by the batch size.  The
    ``i <= j`` half is then mirrored (values symmetric, lags antisymmetric).

    Returns
    -------
    (corr, lag) : ndarray (B, n, n) each

    Examples
    --------
    >>> x = np.array([[[0.0, 1, 0, 0], [0.0, 0, 1, 0]]])  # (B, n, T)
    >>> all_pairs(x, max_lag=1)
    (array([[[1., 1.],
            [1., 1.]]]), array([[[ 0, -1],
            [ 1,  0]]]))
    """
    workers = max(1, get_num_threads())
    per_item = max(1, x.shape[1] ** 2 * 8 * 6)
    step = max(1, min(_BATCH_BYTES // (per_item * workers), -(-x.shape[0] // workers)))
    starts = range(0, max(x.shape[0], 1), step)  # at least one (possibly empty) batch

    def run(i: int) -> tuple[np.ndarray, np.ndarray]:
        batch = np.ascontiguousarray(x[i : i + step])
        return lagged_correlation_matrices(batch, None, max_lag, centered=centered)

    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        parts = list(pool.map(run, starts))
    return mirror_upper(
        np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    )
