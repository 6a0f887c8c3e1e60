"""Turning (peaks, bounds) or explicit (start, end) pairs into checked time windows (ms).

The rules are spikelab 0.1.2's: at least one window, each of positive duration, all of the
same duration, sorted by start (explicit windows out of order are sorted, with a warning).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from ..errors import AnalysisError

_EPS = np.finfo(np.float64).eps


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
        raise AnalysisError("give either times_start_to_end or time_peaks with time_bounds")
    if time_peaks is not None:
        if time_bounds is None or len(time_bounds) != 2:
            raise AnalysisError("time_peaks needs time_bounds=(pre_ms, post_ms)")
        pre, post = (float(b) for b in time_bounds)
        if pre < 0 or post < 0 or not np.isfinite([pre, post]).all():
            raise AnalysisError(f"time_bounds must be non-negative ms, got {time_bounds}")
        if pre + post == 0:
            raise AnalysisError("time_bounds (0, 0) gives zero-length windows")
        peaks = np.sort(np.asarray(time_peaks, dtype=np.float64).ravel())
        if not np.all(np.isfinite(peaks)):
            raise AnalysisError("time_peaks contain NaN or infinite values")
        if peaks.size == 0:
            raise AnalysisError("time_peaks is empty: a stack needs at least one slice")
        return np.column_stack([peaks - pre, peaks + post]).reshape(-1, 2), peaks
    return _explicit_windows(times_start_to_end), None


def _explicit_windows(times_start_to_end: Sequence[tuple[float, float]]) -> np.ndarray:
    windows = np.asarray(times_start_to_end, dtype=np.float64).reshape(-1, 2)
    if windows.shape[0] == 0:
        raise AnalysisError("times_start_to_end is empty: a stack needs at least one slice")
    if not np.all(np.isfinite(windows)):
        raise AnalysisError("times_start_to_end must be finite (start, end) pairs in ms")
    durations = windows[:, 1] - windows[:, 0]
    short = np.flatnonzero(durations <= 0)
    if short.size:
        raise AnalysisError(
            f"time window {short[0]} {tuple(windows[short[0]])} ms has no positive duration "
            "(end must be > start)"
        )
    tolerance = 1e-9 + 8 * _EPS * np.max(np.abs(windows))
    if np.ptp(durations) > tolerance:
        raise AnalysisError(
            "all time windows must have the same duration, got "
            f"{sorted(set(durations.tolist()))} ms"
        )
    order = np.argsort(windows[:, 0], kind="stable")
    if np.any(np.diff(windows[:, 0]) < 0):
        warnings.warn(
            "times_start_to_end was not sorted by start time: the slices are in time order",
            UserWarning,
            stacklevel=4,
        )
        windows = windows[order]
    return windows


def check_inside(windows: np.ndarray, start_time: float, length: float) -> None:
    """Raise AnalysisError naming the first window that leaves the recording."""
    stop = start_time + length
    for i, (a, b) in enumerate(windows):
        if a < start_time or b > stop:
            raise AnalysisError(
                f"time window {i} ({a}, {b}) ms extends outside the recording "
                f"[{start_time}, {stop}] ms"
            )
