"""Float-safe bin arithmetic shared by rasters, population rates and window grids (ms).

Bin edges are multiples of a bin size ``b`` measured from the recording start, so a spike's
bin is ``ceil(t / b) - 1`` and a duration ``L`` has ``ceil(L / b)`` bins.  Computed naively,
``ceil`` turns float noise into a whole extra bin (``0.3 / 0.1 == 2.9999999999999996`` but
``0.7 / 0.1 == 7.000000000000001``), so two slices of the same duration could get different
bin counts.  Every ceil/floor here first removes a tolerance of
``max(1e-9, 4 * eps * |x|)`` (in bins) that is far below any real spacing.
"""

from __future__ import annotations

import numpy as np

from ..errors import AnalysisError

_EPS = np.finfo(np.float64).eps


def _tolerance(x: np.ndarray) -> np.ndarray | float:
    """``max(1e-9, 4 eps |x|)``: a scalar whenever |x| < ~1e6, saving two passes over x."""
    if x.size == 0 or 4 * _EPS * max(abs(float(x.max())), abs(float(x.min()))) <= 1e-9:
        return 1e-9
    return np.maximum(1e-9, 4 * _EPS * np.abs(x))


def guarded_ceil(x: np.ndarray | float) -> np.ndarray:
    """``ceil(x)`` that ignores float drift just above an integer; int64 result."""
    x = np.asarray(x, dtype=np.float64)
    return np.ceil(x - _tolerance(x)).astype(np.int64)


def guarded_floor(x: np.ndarray | float) -> np.ndarray:
    """``floor(x)`` that ignores float drift just below an integer; int64 result."""
    x = np.asarray(x, dtype=np.float64)
    return np.floor(x + _tolerance(x)).astype(np.int64)


def check_bin_size(bin_size: float, name: str = "bin_size") -> float:
    """Return ``bin_size`` as float, raising AnalysisError unless it is finite and > 0 ms."""
    b = float(bin_size)
    if not np.isfinite(b) or b <= 0:
        raise AnalysisError(f"{name} must be a positive number of ms, got {bin_size}")
    return b


def n_bins(length: float, bin_size: float) -> int:
    """Number of bins of ``bin_size`` ms needed to cover ``length`` ms: ``ceil(L / b)``."""
    return max(int(guarded_ceil(length / bin_size)), 0)


_CHUNK = 1 << 18  # spikes binned at a time: temporaries stay in cache, memory stays flat


def bin_indices(times: np.ndarray, origin: float, bin_size: float, nbins: int) -> np.ndarray:
    """Bin index of each time in left-open, right-closed bins ``(k*b, (k+1)*b]`` from ``origin``.

    ``ceil((t - origin) / b) - 1`` with the drift guard: a time exactly at ``origin`` goes to
    bin 0; times outside the grid are clipped into the first or last bin (as spikelab 0.1.2
    does for a negative ``time_offset``).  Runs over every spike, in chunks.
    """
    times = np.asarray(times, dtype=np.float64).ravel()
    origin, bin_size, last = float(origin), float(bin_size), max(int(nbins) - 1, 0)
    out = np.empty(times.size, dtype=np.int64)
    for lo in range(0, times.size, _CHUNK):
        chunk = guarded_ceil((times[lo : lo + _CHUNK] - origin) / bin_size) - 1
        np.clip(chunk, 0, last, out=out[lo : lo + _CHUNK])
    return out


def bin_counts(times: np.ndarray, origin: float, bin_size: float, nbins: int) -> np.ndarray:
    """Number of ``times`` in each of ``nbins`` bins (same bins as :func:`bin_indices`), int64."""
    if int(nbins) <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.bincount(bin_indices(times, origin, bin_size, nbins), minlength=int(nbins)).astype(
        np.int64, copy=False)
