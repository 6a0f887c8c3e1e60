"""Helpers shared by the pairwise comparisons: triangle means, mirroring, validity averages."""

from __future__ import annotations

import warnings

import numpy as np


def mirror_upper(
    values: np.ndarray, lags: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Make ``(..., n, n)`` results symmetric from their ``i <= j`` half (lags antisymmetric).

    0.1.2 computes each pair once, ``i <= j``, and mirrors it; a pair's reverse comparison
    could otherwise pick the other end of a tie between lags.
    """
    n = values.shape[-1]
    rows, cols = np.tril_indices(n, k=-1)
    values = values.copy()
    values[..., rows, cols] = values[..., cols, rows]
    if lags is not None:
        lags = lags.copy()
        lags[..., rows, cols] = -lags[..., cols, rows]
    return values, lags


def lower_triangle_mean(stack: np.ndarray) -> np.ndarray:
    """NaN-mean of the strict lower triangle of each ``stack[:, :, k]``: shape (K,)."""
    rows, cols = np.tril_indices(stack.shape[0], k=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN triangles are expected: NaN
        return (
            np.nanmean(stack[rows, cols, :], axis=0)
            if rows.size
            else np.full(stack.shape[2], np.nan)
        )


def mask_invalid(stack: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Set ``stack[i, j, k]`` to NaN unless slices i and j are both valid for unit k.

    ``stack`` is (S, S, U), ``valid`` is (S, U).
    """
    both = valid[:, None, :] & valid[None, :, :]
    return np.where(both, stack, np.nan)


def slice_average(
    stack: np.ndarray, valid: np.ndarray, min_frac: float, frac_active: np.ndarray | None
) -> np.ndarray:
    """Per unit: the lower-triangle mean, or NaN when too many of its slices are invalid.

    A unit is averaged when its share of invalid slices is at most ``min_frac``; with
    ``frac_active`` given (per unit, e.g. from ``get_frac_active``), when
    ``frac_active >= 1 - min_frac`` instead.
    """
    av = lower_triangle_mean(stack)
    if frac_active is not None:
        keep = np.asarray(frac_active, dtype=np.float64).ravel() >= 1 - min_frac
    else:
        keep = (
            (1.0 - valid.mean(axis=0)) <= min_frac
            if valid.shape[0]
            else np.zeros(valid.shape[1], bool)
        )
    return np.where(keep, av, np.nan)


def warn_too_few(count: int, what: str) -> None:
    warnings.warn(
        f"fewer than 2 {what} ({count}): every comparison is NaN", RuntimeWarning, stacklevel=3
    )
