"""Cutting sampled rates (a :class:`~spikelab.RateData`) into time windows.

A window ``[a, b)`` (ms) holds the samples whose time ``t`` satisfies ``a <= t < b``, as in
spikelab 0.1.2; every window of a stack must hold the same number of samples.
"""

from __future__ import annotations

import numpy as np

from ..errors import AnalysisError
from .ratedata import RateData

__all__ = ["sample_step", "recording_span", "frame_windows", "cut_windows"]


def sample_step(times: np.ndarray) -> float:
    """Spacing (ms) of a sampled axis: ``times[1] - times[0]``; needs two samples.

    Examples
    --------
    >>> sample_step(np.array([0.0, 2.5, 5.0]))
    2.5
    """
    if times.size < 2:
        raise AnalysisError(f"need at least 2 time samples to know their spacing, got {times.size}")
    return float(times[1] - times[0])


def recording_span(times: np.ndarray) -> tuple[float, float]:
    """``(first sample, last sample + one step)``: the time the samples cover (ms).

    Examples
    --------
    >>> recording_span(np.array([0.0, 2.5, 5.0]))
    (0.0, 7.5)
    """
    return float(times[0]), float(times[-1]) + sample_step(times)


def frame_windows(times: np.ndarray, length: float, overlap: float) -> np.ndarray:
    """Consecutive windows of ``length`` ms, overlapping by ``overlap`` ms, inside the samples.

    Windows start at the first sample, every ``length - overlap`` ms; a window must end by
    the last sample plus one step. Returns shape (S, 2).

    Examples
    --------
    >>> frame_windows(np.arange(6.0), length=4.0, overlap=2.0)
    array([[0., 4.],
           [2., 6.]])
    """
    length, overlap = float(length), float(overlap)
    if not (np.isfinite(length) and np.isfinite(overlap)):
        raise AnalysisError(f"length and overlap must be finite ms, got {length}, {overlap}")
    if overlap < 0:
        raise AnalysisError(
            f"overlap must be >= 0 ms (it is an overlap, not a stride), got {overlap}"
        )
    if not overlap < length:
        raise AnalysisError(f"overlap ({overlap} ms) must be less than length ({length} ms)")
    start, stop = recording_span(times)
    if stop - start < length:
        raise AnalysisError(
            f"the rates span {stop - start} ms, shorter than one frame of {length} ms"
        )
    step = length - overlap
    count = int(np.floor((stop - start - length) / step + 1e-9)) + 1
    starts = start + step * np.arange(count)
    return np.column_stack([starts, starts + length])


def cut_windows(rd: RateData, windows: np.ndarray) -> np.ndarray:
    """Rates of every unit in each window: shape ``(U, T, S)``.

    Raises AnalysisError when a window holds no sample or windows hold different numbers
    of samples (an uneven time axis, or windows not a whole number of samples long).

    Examples
    --------
    >>> rd = RateData(np.array([[0.0, 1, 2, 3, 4, 5]]), np.arange(6.0))
    >>> cut_windows(rd, np.array([[0.0, 2.0], [3.0, 5.0]]))
    array([[[0., 3.],
            [1., 4.]]])
    """
    windows = np.asarray(windows, dtype=np.float64).reshape(-1, 2)
    first = np.searchsorted(rd.times, windows[:, 0], side="left")
    stop = np.searchsorted(rd.times, windows[:, 1], side="left")
    counts = stop - first
    if counts.size and (counts.min() != counts.max() or counts[0] == 0):
        raise AnalysisError(
            "every window must hold the same number (> 0) of rate samples, got "
            f"{sorted(set(counts.tolist()))} "
            f"for windows {windows[:3].tolist()}{'...' if len(windows) > 3 else ''}"
        )
    n = int(counts[0]) if counts.size else 0
    index = first[:, None] + np.arange(n)[None, :]  # (S, T)
    return np.ascontiguousarray(np.transpose(rd.inst_Frate_data[:, index], (0, 2, 1)))
