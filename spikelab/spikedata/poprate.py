"""The population rate: all units' spikes binned and smoothed (times in ms).

Burst detection works on it; it needs numpy only (long Gaussian kernels go through numpy's
FFT), so the burst jobs of the workflow load neither scipy nor numba.
"""

from __future__ import annotations

import numpy as np

from ..errors import AnalysisError
from ._binning import bin_counts, check_bin_size, n_bins
from ._signal import fft_convolve_same
from .spikedata import SpikeData

__all__ = ["binned", "get_pop_rate", "smooth_counts"]


def binned(sd: SpikeData, bin_size: float = 40.0) -> np.ndarray:
    """Population spike count per bin of ``bin_size`` ms (all units summed), int64.

    Examples
    --------
    >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
    >>> binned(sd, bin_size=5.0)
    array([4, 3])
    """
    b = check_bin_size(bin_size)
    times = np.concatenate(sd.train) if sd.N else np.zeros(0)
    return bin_counts(times, sd.start_time, b, n_bins(sd.length, b))


def _boxcar(x: np.ndarray, width: int) -> np.ndarray:
    """Moving average over ``width`` samples, ``np.convolve(..., 'same')`` (0.1.2's centring)."""
    if width <= 0:
        return x
    return np.convolve(x, np.ones(width) / width, mode="same")


_FFT_TAPS = 128  # longer kernels: FFT convolution (3x faster at 601 taps, 600k bins)


def _gaussian(x: np.ndarray, sigma: float) -> np.ndarray:
    """Convolve with ``N(0, sigma)`` sampled on ``arange(-3s, 3s + 1)``, normalised to sum 1.

    ``x`` holds non-negative counts.  Long kernels go through the FFT (overlap-add), whose
    rounding noise (~1e-15 of the maximum) is then removed where it matters: bins with no
    count within the kernel's reach are set to exactly 0 (as the direct sum gives), and the
    rest cannot be negative.
    """
    if sigma <= 0:
        return x
    grid = np.arange(-3 * sigma, 3 * sigma + 1)
    kernel = np.exp(-0.5 * (grid / sigma) ** 2)  # the pdf's constant cancels in the normalisation
    kernel /= kernel.sum()
    if kernel.size <= _FFT_TAPS or x.size < kernel.size:
        return np.convolve(x, kernel, mode="same")
    out = np.maximum(fft_convolve_same(x, kernel), 0.0)
    # 'same' output i sums x[i + c - K + 1 .. i + c], c = (K - 1) // 2, as np.convolve centres it
    nonzero = np.concatenate([[0], np.cumsum(x != 0)])
    i = np.arange(x.size)
    c = (kernel.size - 1) // 2
    lo, hi = np.clip(i + c - kernel.size + 1, 0, x.size), np.clip(i + c + 1, 0, x.size)
    out[nonzero[hi] == nonzero[lo]] = 0.0
    return out


def get_pop_rate(
    sd: SpikeData,
    square_width: float = 20,
    gauss_sigma: float = 100,
    raster_bin_size_ms: float = 1.0,
) -> np.ndarray:
    """Smoothed population spike count, in spikes per bin summed over units.

    The per-bin count (all units) is smoothed by a boxcar of ``round(square_width / bin)``
    samples, then by a Gaussian of ``gauss_sigma / bin`` samples truncated at 3 sigma and
    normalised to sum 1; both are ``'same'`` convolutions and each is skipped at width 0.

    Parameters
    ----------
    square_width, gauss_sigma : float
        Boxcar width and Gaussian sigma in ms.
    raster_bin_size_ms : float
        Bin width in ms.

    Raises
    ------
    AnalysisError
        If a kernel is longer than the recording (``np.convolve`` would then return an array
        sized to the kernel, silently misaligning every index).

    Examples
    --------
    >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
    >>> get_pop_rate(sd, square_width=2, gauss_sigma=0)
    array([0.5, 1. , 0.5, 0.5, 1. , 1. , 0.5, 0. , 0.5, 1. ])
    """
    b = check_bin_size(raster_bin_size_ms, "raster_bin_size_ms")
    return smooth_counts(binned(sd, b).astype(np.float64), square_width, gauss_sigma, b, sd.length)


def smooth_counts(
    counts: np.ndarray, square_width: float, gauss_sigma: float, bin_size: float, length: float
) -> np.ndarray:
    """The smoothing of :func:`get_pop_rate` applied to per-bin counts of a ``length`` ms recording.

    Examples
    --------
    >>> smooth_counts(np.array([0.0, 0, 4, 0, 0]), square_width=3, gauss_sigma=0, bin_size=1.0,
    ...               length=5.0)
    array([0.        , 1.33333333, 1.33333333, 1.33333333, 0.        ])
    """
    if square_width < 0 or gauss_sigma < 0:
        raise AnalysisError(
            f"square_width and gauss_sigma must be >= 0 ms, got {square_width}, {gauss_sigma}"
        )
    width, sigma = int(round(square_width / bin_size)), gauss_sigma / bin_size
    if square_width > length or width > counts.size:
        raise AnalysisError(
            f"square_width ({square_width} ms) exceeds the recording length ({length} ms)"
        )
    if sigma > 0 and (
        6 * gauss_sigma > length or np.arange(-3 * sigma, 3 * sigma + 1).size > counts.size
    ):
        raise AnalysisError(
            f"gauss_sigma ({gauss_sigma} ms) is too large for the recording length ({length} ms): "
            "the kernel spans 6 sigma"
        )
    return _gaussian(_boxcar(counts, width), sigma)
