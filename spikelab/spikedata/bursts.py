"""Network bursts: detection on the population rate, parameter sweeps, per-burst participation.

Times are in ms.  Burst times and edges are returned in ms, ``start_time + bin * bin_size``;
at spikelab 0.1.2's defaults (1 ms bins, ``start_time`` 0) these are exactly 0.1.2's bin
indices.  The per-burst helpers take such ms edges and turn them back into raster bins.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..errors import AnalysisError
from ._binning import bin_indices, check_bin_size, n_bins
from ._signal import burst_edges, find_peaks
from .poprate import binned, smooth_counts
from .spikedata import SpikeData

__all__ = ["get_bursts", "burst_sensitivity", "get_frac_active", "get_frac_spikes_in_burst"]


def _population_rates(sd, square_width, gauss_sigma, acc_square_width, acc_gauss_sigma,
                      bin_size, pop_rate, pop_rate_acc):
    """The broad rate P (peaks, edges) and the narrow rate A (burst time), given or computed."""
    if pop_rate is None or pop_rate_acc is None:
        counts = binned(sd, bin_size).astype(np.float64)  # shared by both smoothings
    if pop_rate is None:
        pop_rate = smooth_counts(counts, square_width, gauss_sigma, bin_size, sd.length)
    if pop_rate_acc is None:
        pop_rate_acc = smooth_counts(counts, acc_square_width, acc_gauss_sigma, bin_size, sd.length)
    return (np.asarray(pop_rate, dtype=np.float64).ravel(),
            np.asarray(pop_rate_acc, dtype=np.float64).ravel())


def _rms(pop: np.ndarray, override: float | None) -> float:
    if override is None:
        return float(np.sqrt(np.mean(pop**2))) if pop.size else 0.0
    if not float(override) > 0:
        raise AnalysisError(f"pop_rms_override must be > 0, got {override}")
    return float(override)


def _trough_baselines(pop: np.ndarray, peaks: np.ndarray) -> np.ndarray:
    """Per peak, the higher of the minima between it and its neighbouring peaks (NaN: none).

    The minimum between peaks k and k+1 is ``pop[i0 + argmin(pop[i0:i1])]``; a peak with
    no neighbour on either side (a lone burst) has no baseline.
    """
    left = np.full(peaks.size, np.nan)
    right = np.full(peaks.size, np.nan)
    for k in range(peaks.size - 1):
        i0, i1 = peaks[k], peaks[k + 1]
        if i1 - i0 > 1:
            right[k] = left[k + 1] = pop[i0 + np.argmin(pop[i0:i1])]
    return np.fmax(left, right)


def _detect(pop, pop_acc, height, distance, mult, peak_to_trough):
    """Bin indices ``(tburst, start, end)`` and amplitudes of the bursts in ``pop``."""
    if not distance >= 1:
        raise AnalysisError(f"min_burst_diff must be >= 1 bin, got {distance}")
    peaks = find_peaks(pop, height=height, distance=distance)
    baseline = _trough_baselines(pop, peaks) if peak_to_trough else np.zeros(peaks.size)
    keep = ~np.isnan(baseline)
    peaks, baseline = peaks[keep], baseline[keep]
    levels = baseline + mult * np.maximum(0.0, pop[peaks] - baseline)
    starts, ends = burst_edges(pop, peaks.astype(np.int64), levels)
    keep = (starts >= 0) & (ends >= 0)
    peaks, starts, ends = peaks[keep], starts[keep], ends[keep]
    if pop_acc.size != pop.size:
        return peaks, starts, ends, pop[peaks].astype(np.float64)
    tburst = np.empty(peaks.size, dtype=np.int64)
    amp = np.empty(peaks.size, dtype=np.float64)
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
        j = int(np.argmax(pop_acc[a:b]))
        tburst[k], amp[k] = a + j, pop_acc[a + j]
    return tburst, starts, ends, amp


def get_bursts(
    sd: SpikeData,
    thr_burst: float,
    min_burst_diff: int,
    burst_edge_mult_thresh: float,
    square_width: float = 20,
    gauss_sigma: float = 100,
    acc_square_width: float = 8,
    acc_gauss_sigma: float = 8,
    raster_bin_size_ms: float = 1.0,
    peak_to_trough: bool = True,
    pop_rate: np.ndarray | None = None,
    pop_rate_acc: np.ndarray | None = None,
    pop_rms_override: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Detect network bursts as peaks of the smoothed population rate.

    1. P = :func:`~spikelab.spikedata.rates.get_pop_rate` with ``square_width``/``gauss_sigma`` (or
       ``pop_rate``); A = the same with ``acc_square_width``/``acc_gauss_sigma`` (or
       ``pop_rate_acc``).  Both in spikes per bin summed over units.
    2. Peaks: those of ``scipy.signal.find_peaks(P, height=thr_burst * rms,
       distance=min_burst_diff)`` (found by ``_signal.find_peaks``, without scipy),
       with ``rms = sqrt(mean(P**2))`` (or ``pop_rms_override``, > 0); distance in bins.
    3. Baseline: with ``peak_to_trough``, the higher of the minima of P between the peak and
       its neighbouring peaks; else 0.
    4. Edges: the last bin before and the first bin after the peak where P drops below
       ``baseline + burst_edge_mult_thresh * max(0, P[peak] - baseline)``.
    5. Burst time: the argmax of A between the edges (its maximum is the amplitude) when A
       and P have the same length, else the peak of P and ``P[peak]``.

    Returns
    -------
    tburst : ndarray (B,)
        Burst times, ms.
    edges : ndarray (B, 2)
        Start and end edge of each burst, ms (``(0, 2)`` when there are none).
    peak_amp : ndarray (B,)
        Burst amplitudes, spikes per bin.

    Notes
    -----
    Traps kept from spikelab 0.1.2 for identical numbers: with ``peak_to_trough=True`` a peak
    needs a neighbouring peak to have a trough, so **a recording with a single burst yields
    none** (use ``peak_to_trough=False``); a burst whose edge would fall outside the
    recording is dropped.  Two bursts can share a burst time (A peaks in an overlap): this
    warns and keeps both.  Times are ``start_time + bin * raster_bin_size_ms``, which are
    0.1.2's bin indices at its defaults.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> trains = [np.r_[rng.uniform(0, 2000, 5), rng.normal(500, 5, 20),
    ...                 rng.normal(1500, 5, 20)] for _ in range(10)]
    >>> sd = SpikeData(trains, length=2000.0)
    >>> tburst, edges, peak_amp = get_bursts(sd, thr_burst=2, min_burst_diff=200,
    ...                                   burst_edge_mult_thresh=0.3)
    >>> tburst.round(-1), edges.round(-1)  # the two bursts at 500 and 1500 ms
    (array([ 500., 1500.]), array([[ 340.,  660.],
           [1340., 1660.]]))
    """
    b = check_bin_size(raster_bin_size_ms, "raster_bin_size_ms")
    pop, pop_acc = _population_rates(sd, square_width, gauss_sigma, acc_square_width,
                                     acc_gauss_sigma, b, pop_rate, pop_rate_acc)
    height = thr_burst * _rms(pop, pop_rms_override)
    tb, starts, ends, amp = _detect(pop, pop_acc, height, min_burst_diff,
                                    burst_edge_mult_thresh, peak_to_trough)
    if np.unique(tb).size < tb.size:
        warnings.warn(f"{tb.size - np.unique(tb).size} burst time(s) are duplicated; kept both",
                      UserWarning, stacklevel=2)
    edges = np.column_stack([starts, ends]).reshape(-1, 2)
    return sd.start_time + tb * b, sd.start_time + edges * b, amp


def burst_sensitivity(
    sd: SpikeData,
    thr_values: np.ndarray,
    dist_values: np.ndarray,
    burst_edge_mult_thresh: float,
    square_width: float = 20,
    gauss_sigma: float = 100,
    acc_square_width: float = 8,
    acc_gauss_sigma: float = 8,
    raster_bin_size_ms: float = 1.0,
    peak_to_trough: bool = True,
    pop_rate: np.ndarray | None = None,
    pop_rate_acc: np.ndarray | None = None,
    pop_rms_override: float | None = None,
) -> np.ndarray:
    """Number of bursts :func:`get_bursts` finds for each ``(thr_burst, min_burst_diff)``.

    The population rates are computed once.  Returns an int64 array of shape
    ``(len(thr_values), len(dist_values))``; distances are in bins.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> trains = [np.r_[rng.uniform(0, 2000, 5), rng.normal(500, 5, 20),
    ...                 rng.normal(1500, 5, 20)] for _ in range(10)]
    >>> sd = SpikeData(trains, length=2000.0)
    >>> burst_sensitivity(sd, np.array([2.0, 50.0]), np.array([100, 2000]), 0.3)
    array([[2, 0],
           [0, 0]])
    """
    b = check_bin_size(raster_bin_size_ms, "raster_bin_size_ms")
    pop, pop_acc = _population_rates(sd, square_width, gauss_sigma, acc_square_width,
                                     acc_gauss_sigma, b, pop_rate, pop_rate_acc)
    rms = _rms(pop, pop_rms_override)
    thr_values = np.atleast_1d(np.asarray(thr_values, dtype=np.float64))
    dist_values = np.atleast_1d(np.asarray(dist_values))
    counts = np.zeros((thr_values.size, dist_values.size), dtype=np.int64)
    for i, thr in enumerate(thr_values):
        for j, dist in enumerate(dist_values):
            tb = _detect(pop, pop_acc, thr * rms, dist, burst_edge_mult_thresh, peak_to_trough)[0]
            counts[i, j] = tb.size
    return counts


def _edge_bins(sd: SpikeData, edges: np.ndarray, bin_size: float) -> np.ndarray:
    """Burst edges in ms -> raster bin indices (int64, shape (B, 2)), checked against the raster."""
    edges = np.asarray(edges, dtype=np.float64)
    if edges.size == 0:
        edges = edges.reshape(0, 2)
    if edges.ndim != 2 or edges.shape[1] != 2:
        raise AnalysisError(
            f"burst edges must have shape (B, 2) of [start, end] ms, got shape {edges.shape}"
        )
    if not np.all(np.isfinite(edges)):
        raise AnalysisError("burst edges contain NaN or infinite values")
    inverted = np.flatnonzero(edges[:, 0] > edges[:, 1])
    if inverted.size:
        raise AnalysisError(
            f"burst edge {inverted[0]} {edges[inverted[0]].tolist()} ms ends before it starts"
        )
    spans = np.rint((edges - sd.start_time) / bin_size).astype(np.int64)
    nb = n_bins(sd.length, bin_size)
    if spans.size and (spans.min() < 0 or spans.max() >= nb):
        raise AnalysisError(
            f"burst edges {edges[np.any((spans < 0) | (spans >= nb), axis=1)][0].tolist()} ms fall "
            f"outside the recording's {nb} bins of {bin_size} ms; edges are in ms, as get_bursts "
            "returns them, and bin_size must match its raster_bin_size_ms"
        )
    return spans


def _occupied_bins_per_burst(sd: SpikeData, spans: np.ndarray, bin_size: float) -> np.ndarray:
    """(N, B) number of raster bins in ``[edge0, edge1]`` that hold a spike of each unit."""
    nb = n_bins(sd.length, bin_size)
    counts = np.zeros((sd.N, spans.shape[0]), dtype=np.int64)
    for u, train in enumerate(sd.train):
        occupied = np.unique(bin_indices(train, sd.start_time, bin_size, nb))
        counts[u] = np.searchsorted(occupied, spans[:, 1], "right") - np.searchsorted(
            occupied, spans[:, 0], "left"
        )
    return counts


def get_frac_active(
    sd: SpikeData,
    edges: np.ndarray,
    MIN_SPIKES: int,
    backbone_threshold: float,
    bin_size: float = 1.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which units take part in which bursts.

    A unit is active in a burst when at least ``MIN_SPIKES`` raster bins (of ``bin_size``
    ms) with ``edge0 <= bin <= edge1`` hold one of its spikes (occupied bins, not spikes).

    Parameters
    ----------
    edges : ndarray (B, 2)
        Burst edges in ms, as returned by :func:`get_bursts` with the same bin size.

    Returns
    -------
    frac_per_unit : ndarray (N,)
        Fraction of bursts each unit is active in (0 when there are no bursts).
    frac_per_burst : ndarray (B,)
        Fraction of units active in each burst (NaN when there are no units).
    backbone_units : ndarray of int
        Units with ``frac_per_unit >= backbone_threshold``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> trains = [np.r_[rng.uniform(0, 2000, 5), rng.normal(500, 5, 20),
    ...                 rng.normal(1500, 5, 20)] for _ in range(10)]
    >>> sd = SpikeData(trains, length=2000.0)
    >>> edges = np.array([[450.0, 550.0], [1450.0, 1550.0]])
    >>> per_unit, per_burst, backbone = get_frac_active(sd, edges, MIN_SPIKES=2,
    ...                                             backbone_threshold=0.9)
    >>> per_unit.mean(), backbone.sum()
    (np.float64(1.0), np.int64(45))
    """
    b = check_bin_size(bin_size)
    spans = _edge_bins(sd, edges, b)
    active = _occupied_bins_per_burst(sd, spans, b) >= MIN_SPIKES
    frac_per_unit = active.mean(axis=1) if spans.shape[0] else np.zeros(sd.N)
    frac_per_burst = active.mean(axis=0) if sd.N else np.full(spans.shape[0], np.nan)
    return frac_per_unit, frac_per_burst, np.flatnonzero(frac_per_unit >= backbone_threshold)


def _in_any_burst(spans: np.ndarray, nb: int) -> np.ndarray:
    """Boolean mask of the raster bins covered by at least one ``[edge0, edge1]``."""
    marks = np.zeros(nb + 1, dtype=np.int64)  # +1 at each start, -1 just after each end
    ok = spans[:, 0] <= spans[:, 1]
    np.add.at(marks, spans[ok, 0], 1)
    np.add.at(marks, spans[ok, 1] + 1, -1)
    return np.cumsum(marks[:nb]) > 0


def get_frac_spikes_in_burst(
    sd: SpikeData, edges: np.ndarray, bin_size: float = 1.0, *, per_spike: bool = False
) -> np.ndarray:
    """Fraction of each unit's spikes that fall in bursts.

    NaN for units without spikes, and for every unit when there are no bursts (as 0.1.2).

    Parameters
    ----------
    edges : ndarray (B, 2)
        Burst edges in ms, as from :func:`get_bursts` with the same ``bin_size``.
    per_spike : bool
        False (spikelab 0.1.2's numbers): for each burst, count the unit's *occupied* raster
        bins with ``edge0 <= bin <= edge1``, sum over bursts, divide by the unit's spike
        count.  Trap: a bin holding several spikes counts once, and a bin in two overlapping
        bursts counts twice, so the value can be below the true fraction or above 1.
        True: the fraction of the unit's spikes whose bin lies in at least one burst.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> trains = [np.r_[rng.uniform(0, 2000, 5), rng.normal(500, 5, 20),
    ...                 rng.normal(1500, 5, 20)] for _ in range(10)]
    >>> sd = SpikeData(trains, length=2000.0)
    >>> edges = np.array([[450.0, 550.0], [1450.0, 1550.0]])
    >>> get_frac_spikes_in_burst(sd, edges).round(2)
    array([0.58, 0.6 , 0.56, 0.56, 0.58, 0.62, 0.6 , 0.51, 0.56, 0.53])
    """
    b = check_bin_size(bin_size)
    spans = _edge_bins(sd, edges, b)
    n_spikes = np.array([t.size for t in sd.train], dtype=np.float64)
    if per_spike:
        nb = n_bins(sd.length, b)
        in_burst = _in_any_burst(spans, nb)
        hits = np.array(
            [in_burst[bin_indices(t, sd.start_time, b, nb)].sum() for t in sd.train],
            dtype=np.float64,
        )
    else:
        hits = _occupied_bins_per_burst(sd, spans, b).sum(axis=1).astype(np.float64)
    out = np.full(sd.N, np.nan)
    np.divide(hits, n_spikes, out=out, where=(n_spikes > 0) & (spans.shape[0] > 0))
    return out
