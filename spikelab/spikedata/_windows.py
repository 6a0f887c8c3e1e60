"""Turning (peaks, bounds) or explicit (start, end) pairs into checked time windows (ms)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def windows_from_args(
    times_start_to_end: Sequence[tuple[float, float]] | None,
    time_peaks: Sequence[float] | None,
    time_bounds: tuple[float, float] | None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Return ``(windows (S, 2), peaks or None)`` from either way of naming slices.

    Windows built from peaks are sorted by peak time, and every window has exactly the
    duration ``pre + post`` (no float drift from subtracting absolute times).
    """
    if (times_start_to_end is None) == (time_peaks is None):
        raise ValueError("give either times_start_to_end or time_peaks with time_bounds")
    if time_peaks is not None:
        if time_bounds is None or len(time_bounds) != 2:
            raise ValueError("time_peaks needs time_bounds=(pre_ms, post_ms)")
        pre, post = (float(b) for b in time_bounds)
        if pre < 0 or post < 0 or not np.isfinite([pre, post]).all():
            raise ValueError(f"time_bounds must be non-negative ms, got {time_bounds}")
        peaks = np.sort(np.asarray(time_peaks, dtype=np.float64).ravel())
        if not np.all(np.isfinite(peaks)):
            raise ValueError("time_peaks contain NaN or infinite values")
        return np.column_stack([peaks - pre, peaks + post]).reshape(-1, 2), peaks
    windows = np.asarray(times_start_to_end, dtype=np.float64).reshape(-1, 2)
    if not np.all(np.isfinite(windows)) or np.any(windows[:, 1] < windows[:, 0]):
        raise ValueError("times_start_to_end must be finite (start, end) pairs with end >= start")
    return windows, None


def check_inside(windows: np.ndarray, start_time: float, length: float) -> None:
    """Raise ValueError naming the first window that leaves the recording."""
    stop = start_time + length
    for i, (a, b) in enumerate(windows):
        if a < start_time or b > stop:
            raise ValueError(
                f"time window {i} ({a}, {b}) ms extends outside the recording "
                f"[{start_time}, {stop}] ms"
            )
