"""Signal helpers in plain numpy: peak finding, burst edges, long convolutions.

Burst detection runs in every workflow job of that name; with these helpers it needs
neither ``scipy.signal`` (1.3 s to import, it pulls in ``scipy.stats``) nor a compiled
kernel, so its job starts in a fraction of a second.  Each helper says which library
function it reproduces; the tests compare them on random and adversarial inputs.
"""

from __future__ import annotations

import numpy as np

__all__ = ["find_peaks", "burst_edges", "fft_convolve_same"]


def _local_maxima(x: np.ndarray) -> np.ndarray:
    """Indices of the local maxima of ``x``; a flat peak gives its middle (rounded down).

    A maximum is a run of equal values with a strictly lower value on both sides, so the
    first and last samples never qualify.  NaN equals nothing and is greater than nothing.
    As ``scipy.signal.find_peaks`` finds its candidates.
    """
    if x.size < 3:
        return np.zeros(0, dtype=np.int64)
    run_starts = np.concatenate([[0], np.flatnonzero(x[1:] != x[:-1]) + 1])
    run_lasts = np.concatenate([run_starts[1:] - 1, [x.size - 1]])
    values = x[run_starts]
    middle = np.arange(1, run_starts.size - 1)
    is_max = (values[middle - 1] < values[middle]) & (values[middle + 1] < values[middle])
    runs = middle[is_max]
    return ((run_starts[runs] + run_lasts[runs]) // 2).astype(np.int64)


def _keep_apart(peaks: np.ndarray, heights: np.ndarray, distance: float) -> np.ndarray:
    """Mask of the peaks kept when, highest first, each removes lower ones closer than ``distance``.

    Ties in height are visited in ``np.argsort`` order (as scipy), so equal heights are
    resolved identically.
    """
    apart = np.ceil(distance)
    keep = np.ones(peaks.size, dtype=bool)
    for j in np.argsort(heights)[::-1]:
        if not keep[j]:
            continue
        lo = np.searchsorted(peaks, peaks[j] - apart, side="right")
        hi = np.searchsorted(peaks, peaks[j] + apart, side="left")
        keep[lo:j] = False
        keep[j + 1 : hi] = False
    return keep


def find_peaks(x: np.ndarray, height: float, distance: float) -> np.ndarray:
    """Peaks of ``x`` at least ``height`` high and at least ``distance`` samples apart.

    The same indices as ``scipy.signal.find_peaks(x, height=height, distance=distance)[0]``:
    local maxima (flat ones at their middle) with ``x[peak] >= height``, then, highest
    first, each kept peak removes the lower peaks fewer than ``ceil(distance)`` samples
    away.

    Parameters
    ----------
    x : ndarray (n,)
        The signal.
    height : float
        Minimum peak value.
    distance : float
        Minimum distance between peaks, samples (>= 1).

    Returns
    -------
    ndarray of int64
        Peak indices, increasing.

    Examples
    --------
    >>> find_peaks(np.array([0, 2, 0, 3, 3, 0, 1, 0.0]), height=1.5, distance=1).tolist()
    [1, 3]
    """
    x = np.asarray(x, dtype=np.float64).ravel()
    peaks = _local_maxima(x)
    peaks = peaks[x[peaks] >= height]
    if peaks.size > 1 and distance > 1:
        # distance <= 1 keeps every peak: two maxima are at least 2 samples apart
        peaks = peaks[_keep_apart(peaks, x[peaks], distance)]
    return peaks


_FIRST_SCAN = 256  # samples; the scan doubles until it finds a crossing or the signal's end


def _last_below(pop: np.ndarray, stop: int, level: float) -> int:
    """Largest ``i < stop`` with ``pop[i] < level``, or -1."""
    width = _FIRST_SCAN
    hi = stop
    while hi > 0:
        lo = max(0, hi - width)
        below = np.flatnonzero(pop[lo:hi] < level)
        if below.size:
            return int(lo + below[-1])
        hi, width = lo, 2 * width
    return -1


def _first_below(pop: np.ndarray, start: int, level: float) -> int:
    """Smallest ``i >= start`` with ``pop[i] < level``, or -1."""
    width = _FIRST_SCAN
    lo = start
    while lo < pop.size:
        hi = min(pop.size, lo + width)
        below = np.flatnonzero(pop[lo:hi] < level)
        if below.size:
            return int(lo + below[0])
        lo, width = hi, 2 * width
    return -1


def burst_edges(
    pop: np.ndarray, peaks: np.ndarray, levels: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each peak, the last sample before it and the first after it with ``pop < level``.

    Returns two int64 arrays; -1 marks a missing edge (NaN never counts as below).  The
    scans start at the peak and widen geometrically, so their cost is about the burst's
    width, not the recording's length.
    """
    pop = np.asarray(pop, dtype=np.float64)
    starts = np.full(len(peaks), -1, dtype=np.int64)
    ends = np.full(len(peaks), -1, dtype=np.int64)
    for k, (peak, level) in enumerate(
        zip(np.asarray(peaks).tolist(), np.asarray(levels).tolist(), strict=True)
    ):
        starts[k] = _last_below(pop, peak, level)
        ends[k] = _first_below(pop, peak + 1, level)
    return starts, ends


def fft_convolve_same(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``np.convolve(x, kernel, mode="same")`` through the FFT (rounding differs by ~1e-16 x max).

    ``x`` is at least as long as ``kernel`` (``np.convolve`` otherwise returns the kernel's
    length).  The full convolution has ``x.size + kernel.size - 1`` samples; 'same' keeps
    ``x.size`` of them starting at ``(kernel.size - 1) // 2``, as ``np.convolve`` centres it.
    """
    full = x.size + kernel.size - 1
    n = _fast_length(full)
    spectrum = np.fft.rfft(x, n) * np.fft.rfft(kernel, n)
    start = (kernel.size - 1) // 2
    return np.fft.irfft(spectrum, n)[start : start + x.size]


def _fast_length(n: int) -> int:
    """Smallest 2^a 3^b 5^c >= n: lengths the FFT handles fastest."""
    best = 1 << max(0, (n - 1).bit_length())
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            p = p35
            while p < n:
                p *= 2
            best = min(best, p)
            p35 *= 3
        p5 *= 5
    return best
