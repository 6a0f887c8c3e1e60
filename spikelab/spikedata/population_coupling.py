"""Spike-triggered population rate (stPR): how strongly each unit is coupled to the rest of
the population (Okun et al. 2015, as measured by Bimbard et al.).

For unit ``i`` with raster counts ``r_i[t]`` (bins of ``bin_size`` ms), the others' count is
``o_i[t] = sum_{j != i} r_j[t]`` with mean ``m_i`` over the recording, and at lag ``l``::

    c_i(l) = sum_t r_i[t] (o_i[t + l] - m_i) / (n_i m_i)        (o_i = 0 outside the recording)

with ``n_i`` unit i's spike count: the others' mean relative excess ``l`` bins after each
spike of ``i``.  The curves are low-pass filtered (2nd-order Butterworth, zero phase).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import butter, filtfilt

from ..errors import AnalysisError
from ._binning import bin_indices, check_bin_size, n_bins
from ._kernels import triggered_others
from .spikedata import SpikeData

__all__ = ["compute_spike_trig_pop_rate"]

_FILTER_ORDER = 2


def compute_spike_trig_pop_rate(
    sd: SpikeData,
    window_ms: float = 80,
    cutoff_hz: float = 20,
    fs: float | None = None,
    bin_size: float = 1,
    cut_outer: int = 10,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Coupling curve of every unit to the others' population rate (see the module).

    Parameters
    ----------
    window_ms : float
        Lags from ``-window_ms`` to ``+window_ms`` (ms), in steps of ``bin_size``.
    cutoff_hz : float
        Low-pass cutoff (Hz) of the zero-phase Butterworth filter applied to the curves.
    fs : float, optional
        Sampling rate (Hz) of the lag axis for the filter design; default
        ``1000 / bin_size`` (0.1.2's 1000 at its 1 ms bins).
    bin_size : float
        Raster bin in ms.
    cut_outer : int
        Lags at each end left out when looking for the peak.

    Returns
    -------
    curves : ndarray (U, 2W+1)
        Filtered coupling curves, ``W = round(window_ms / bin_size)``.
    zero_lag : ndarray (U,)
        Coupling at lag 0.
    peak : ndarray (U,)
        Maximum of each curve over the lags kept after ``cut_outer``.
    delays : ndarray (U,)
        Lag (ms) of that maximum; positive: the unit leads the population.
    lags : ndarray (2W+1,)
        The lags in ms.

    Units without spikes, or whose others never fire, have NaN curves.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> sd = SpikeData([np.sort(rng.uniform(0, 2000, 40)) for _ in range(4)], length=2000)
    >>> curves, zero, peak, delay, lags = compute_spike_trig_pop_rate(sd, window_ms=10, cut_outer=2)
    >>> curves.shape, lags[[0, -1]]
    ((4, 21), array([-10., 10.]))
    """
    if sd.N < 2:
        raise AnalysisError(
            f"the spike-triggered population rate needs at least 2 units, got {sd.N}"
        )
    b = check_bin_size(bin_size)
    reach = int(round(float(window_ms) / b))
    rate = 1000.0 / b if fs is None else float(fs)
    if not (math.isfinite(rate) and 0 < float(cutoff_hz) < rate / 2):
        raise AnalysisError(
            f"cutoff_hz must be between 0 and half the sampling rate ({rate / 2} Hz), "
            f"got {cutoff_hz}"
        )
    filt_b, filt_a = butter(_FILTER_ORDER, float(cutoff_hz), fs=rate)
    pad = 3 * max(filt_a.size, filt_b.size)  # filtfilt's default padding
    if 2 * reach + 1 <= pad:
        raise AnalysisError(
            f"window_ms={window_ms} gives {2 * reach + 1} lags; the zero-phase filter needs more "
            f"than {pad} (window_ms >= {(pad // 2 + 1) * b} ms at {b} ms bins)"
        )
    cut = int(cut_outer)
    if not 0 <= cut <= reach:
        raise AnalysisError(f"cut_outer must be between 0 and {reach} lags, got {cut_outer}")
    nb = n_bins(sd.length, b)
    units, times = sd.idces_times()
    bins = bin_indices(times, sd.start_time, b, nb)
    pop = np.bincount(bins, minlength=nb).astype(np.float64)
    offsets = np.concatenate([[0], np.cumsum([t.size for t in sd.train])]).astype(np.int64)
    sums = np.zeros((sd.N, 2 * reach + 1))
    valid = np.zeros((sd.N, 2 * reach + 1))
    triggered_others(bins, offsets, pop, reach, sums, valid)
    counts = np.diff(offsets).astype(np.float64)
    others_mean = (pop.sum() - counts) / nb if nb else np.zeros(sd.N)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = (sums - others_mean[:, None] * valid) / (counts * others_mean)[:, None]
    raw[(counts == 0) | (others_mean == 0)] = np.nan
    curves = filtfilt(filt_b, filt_a, raw, axis=1)
    lags = np.arange(-reach, reach + 1) * b
    kept = curves[:, cut: 2 * reach + 1 - cut]
    defined = ~np.isnan(kept).any(axis=1)
    peak = np.full(sd.N, np.nan)
    delays = np.full(sd.N, np.nan)
    where = np.argmax(np.where(defined[:, None], kept, 0.0), axis=1)
    peak[defined] = kept[defined, where[defined]]
    delays[defined] = lags[cut + where[defined]]
    return curves, curves[:, reach].copy(), peak, delays, lags
