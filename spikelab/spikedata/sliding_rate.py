"""Firing rates from a sliding square window (spikes per ms, i.e. kHz), as spikelab 0.1.2
computes them."""

from __future__ import annotations

import math

import numpy as np
from scipy.ndimage import gaussian_filter1d

from ..errors import AnalysisError
from ._binning import guarded_floor
from .ratedata import RateData
from .spikedata import SpikeData

__all__ = ["sliding_rate"]


def _step(step_size: float | None, sampling_rate: float | None) -> float:
    if (step_size is None) == (sampling_rate is None):
        raise AnalysisError("give exactly one of step_size (ms) and sampling_rate (samples per ms)")
    step = float(step_size) if step_size is not None else 1.0 / float(sampling_rate)
    if not (math.isfinite(step) and step > 0):
        raise AnalysisError(f"the step must be a positive number of ms, got step_size={step_size}, "
                            f"sampling_rate={sampling_rate}")
    return step


def _window_bounds(n: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Prefix-sum indices giving ``np.convolve(counts, ones(width), 'same')`` exactly:
    sample ``i`` sums ``counts[lower[i]:upper[i]]``."""
    centre = (width - 1) // 2  # where np.convolve's 'same' output starts in the full one
    i = np.arange(n)
    return np.clip(i + centre - width + 1, 0, n), np.clip(i + centre + 1, 0, n)


def _bin_counts(trains: list[np.ndarray], edges: np.ndarray) -> np.ndarray:
    """(units, bins) spike counts in ``[edges[k], edges[k+1])``; a spike on the last edge
    counts in the last bin, spikes outside are ignored."""
    n = edges.size - 1
    flat = np.concatenate(trains) if trains else np.zeros(0)
    idx = np.searchsorted(edges, flat, side="right") - 1
    idx[flat == edges[-1]] = n - 1
    unit = np.repeat(np.arange(len(trains)), [t.size for t in trains])
    keep = (idx >= 0) & (idx < n)
    counts = np.bincount(unit[keep] * n + idx[keep], minlength=len(trains) * n)
    return counts.reshape(len(trains), n)


_UNITS_PER_PASS = 32  # bounds the integer work arrays to a few times the rows they fill


def sliding_rate(
    sd: SpikeData,
    window_size: float,
    step_size: float | None = None,
    sampling_rate: float | None = None,
    t_start: float | None = None,
    t_end: float | None = None,
    gauss_sigma: float = 0.0,
    apply_square: bool = True,
) -> RateData:
    """Each unit's rate in a window of ``window_size`` ms centred on every sample.

    The axis has ``n = floor((t_end - t_start) / step) + 1`` bins of ``step`` ms from
    ``t_start``; the spikes in ``[t_start + k*step, t_start + (k+1)*step)`` count in bin
    ``k`` (the last bin also takes a spike exactly on its right edge; spikes outside are
    ignored) and sample ``k`` sits at the bin centre.  With ``apply_square`` the counts are
    summed over ``K = max(1, round(window_size / step))`` bins (``np.convolve(..., 'same')``
    alignment) and divided by ``K * step``; without, each bin's count is divided by
    ``step``.  ``gauss_sigma > 0`` then smooths with
    :func:`scipy.ndimage.gaussian_filter1d` (``sigma = gauss_sigma / step`` samples,
    reflect mode).

    Parameters
    ----------
    window_size : float
        Window width in ms (> 0).
    step_size, sampling_rate : float
        The sample spacing in ms, or its inverse in samples per ms: exactly one.
    t_start, t_end : float, optional
        The axis in ms; default ``start_time - window_size/2`` to
        ``start_time + length + window_size/2``.
    gauss_sigma : float
        Gaussian smoothing in ms (0: none).
    apply_square : bool
        Sum over the window (True) or keep per-bin rates (False).

    Returns
    -------
    RateData
        Rates in spikes per ms (``rate_unit="kHz"``), shape (N, n), ``times`` the bin
        centres in ms.

    Examples
    --------
    >>> rd = sliding_rate(SpikeData([[5.0]], length=10), 2, step_size=1)
    >>> rd.times[5:9], rd.inst_Frate_data[0, 5:9]
    (array([4.5, 5.5, 6.5, 7.5]), array([0. , 0.5, 0.5, 0. ]))
    """
    width_ms = float(window_size)
    if not (math.isfinite(width_ms) and width_ms > 0):
        raise AnalysisError(f"window_size must be a positive number of ms, got {window_size}")
    step = _step(step_size, sampling_rate)
    sigma = float(gauss_sigma)
    if not sigma >= 0:
        raise AnalysisError(f"gauss_sigma must be >= 0 ms, got {gauss_sigma}")
    lo = sd.start_time - width_ms / 2 if t_start is None else float(t_start)
    hi = sd.start_time + sd.length + width_ms / 2 if t_end is None else float(t_end)
    if not hi > lo:
        raise AnalysisError(f"t_end ({hi} ms) must be after t_start ({lo} ms)")
    n = int(guarded_floor((hi - lo) / step)) + 1
    edges = lo + np.arange(n + 1) * step
    width = max(1, round(width_ms / step))
    lower, upper = _window_bounds(n, width)
    rates = np.empty((sd.N, n), dtype=np.float64)
    for first in range(0, sd.N, _UNITS_PER_PASS):  # whole-array passes over a few units
        counts = _bin_counts(list(sd.train[first:first + _UNITS_PER_PASS]), edges)
        rows = slice(first, first + counts.shape[0])
        if apply_square:  # window sums from integer prefix sums: exact, O(bins)
            prefix = np.zeros((counts.shape[0], n + 1), dtype=np.int64)
            np.cumsum(counts, axis=1, out=prefix[:, 1:])
            rates[rows] = (prefix[:, upper] - prefix[:, lower]) / (width * step)
        else:
            rates[rows] = counts / step
    if sigma > 0 and sd.N:
        rates = gaussian_filter1d(rates, sigma / step, axis=1)
    return RateData(rates, edges[:-1] + step / 2, sd.neuron_attributes, rate_unit="kHz")
