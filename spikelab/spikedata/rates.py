"""Binning spike trains and turning them into rates (all times in ms, rates in Hz).

Functions here take a :class:`~spikelab.SpikeData` first; the class's methods of the same
names forward to them.  Semantics (and numbers) are those of spikelab 0.1.2, except that bin
arithmetic is guarded against float drift (see ``_binning``).  The population rate
(:func:`binned`, :func:`get_pop_rate`, :func:`smooth_counts`) lives in ``poprate``, so
that burst detection's code does not include the compiled smoothing of
:func:`resampled_isi`; it is importable from here too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import AnalysisError
from ._binning import bin_indices, check_bin_size, n_bins
from .poprate import binned, get_pop_rate, smooth_counts
from .ratedata import RateData
from .spikedata import SpikeData

if TYPE_CHECKING:  # annotations only: scipy is imported by the one function using it
    from scipy import sparse

__all__ = [
    "sparse_raster",
    "raster",
    "binned",
    "binned_meanrate",
    "rates",
    "resampled_isi",
    "isi_rate_at",
    "isi_intervals",
    "get_pop_rate",
    "smooth_counts",
    "gaussian_smooth",
    "gaussian_radius",
]


def sparse_raster(
    sd: SpikeData, bin_size: float = 1.0, time_offset: float = 0.0
) -> sparse.csr_matrix:
    """Spike counts per unit and bin as a sparse ``(N, nbins)`` int64 matrix.

    Parameters
    ----------
    sd : SpikeData
    bin_size : float
        Bin width in ms (> 0).
    time_offset : float
        Added to every spike time (ms) after shifting by ``-start_time``.

    Notes
    -----
    Bins are left-open, right-closed, ``(k*b, (k+1)*b]`` after the shift: a spike lands in bin
    ``ceil(t/b) - 1`` and a spike exactly at ``start_time`` in bin 0.  There are
    ``ceil((length + time_offset) / b)`` bins.  Both ceilings ignore float drift, so slices of
    equal duration always get equal bin counts.  Spikes shifted before the first bin
    (negative ``time_offset``) are clipped into bin 0, as in spikelab 0.1.2.

    Examples
    --------
    >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
    >>> sparse_raster(sd, bin_size=5.0).toarray()  # bins (0, 5], (5, 10]
    array([[2, 1],
           [1, 2],
           [1, 0]])
    """
    from scipy import sparse  # here: the analyses that only bin need no scipy

    b = check_bin_size(bin_size)
    nb = n_bins(sd.length + float(time_offset), b)
    units, times = sd.idces_times()
    cols = bin_indices(times, sd.start_time - float(time_offset), b, nb)
    data = np.ones(times.size, dtype=np.int64)
    return sparse.csr_matrix((data, (units, cols)), shape=(sd.N, nb), dtype=np.int64)


def raster(sd: SpikeData, bin_size: float = 1.0, time_offset: float = 0.0) -> np.ndarray:
    """Dense ``(N, nbins)`` int64 spike-count raster; same bins as :func:`sparse_raster`.

    Example: trains ``[[0, 1, 1.5, 2]]``, length 3, bin 1 ms -> ``[[2, 2, 0]]``.

    Examples
    --------
    >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
    >>> raster(sd, bin_size=5.0)
    array([[2, 1],
           [1, 2],
           [1, 0]])
    """
    return sparse_raster(sd, bin_size, time_offset).toarray()


_RATE_SCALE = {"kHz": 1.0, "Hz": 1000.0}  # spikes per ms -> the unit


def _rate_scale(unit: str) -> float:
    if unit not in _RATE_SCALE:
        raise AnalysisError(f"unknown rate unit {unit!r}; valid units: {sorted(_RATE_SCALE)}")
    return _RATE_SCALE[unit]


def binned_meanrate(sd: SpikeData, bin_size: float = 40.0, unit: str = "kHz") -> np.ndarray:
    """Mean rate per unit in each bin: :func:`binned` counts / ``bin_size`` / ``N``.

    ``unit`` is ``"kHz"`` (spikes per ms, 0.1.2's default) or ``"Hz"``; all zeros when
    there are no units.

    Examples
    --------
    >>> binned_meanrate(SpikeData([[1.0, 2.0, 5.0], [3.0]], length=8), 4, unit="Hz")
    array([375., 125.])
    """
    scale = _rate_scale(unit)
    counts = binned(sd, bin_size).astype(np.float64)
    return counts / float(bin_size) / sd.N * scale if sd.N else counts


def rates(sd: SpikeData, unit: str = "kHz") -> np.ndarray:
    """Mean firing rate of each unit over the whole recording.

    Parameters
    ----------
    unit : {"kHz", "Hz"}
        ``"kHz"`` gives spikes per ms (0.1.2's default), ``"Hz"`` spikes per second.

    Notes
    -----
    A zero-length recording has an undefined rate: 0.0 for units without spikes, NaN for
    units with some.

    Examples
    --------
    >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
    >>> rates(sd, unit="Hz")  # 3 spikes in 10 ms: 300 Hz
    array([300., 300., 100.])
    """
    scale = _rate_scale(unit)
    counts = np.array([t.size for t in sd.train], dtype=np.float64)
    if sd.length == 0:
        return np.where(counts == 0, 0.0, np.nan)
    return counts / sd.length * scale


def _grid_step(times: np.ndarray) -> tuple[float, float]:
    """Origin and spacing (ms) of an evenly spaced time grid, as 0.1.2 reads them."""
    if times.size < 2:
        raise AnalysisError(
            f"times must be an evenly spaced grid of at least 2 points (ms), got {times.size}"
        )
    t0, dt = float(times[0]), float(times[1] - times[0])
    if not dt > 0:
        raise AnalysisError(f"times must increase, got a step of {dt} ms")
    return t0, dt


def isi_intervals(train: np.ndarray, t0: float, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """Each spike's grid index ``round((s - t0) / dt)`` and each interval's rate (Hz).

    Interval ``k`` runs from index ``k`` to index ``k + 1`` of the first array.

    Examples
    --------
    >>> isi_intervals(np.array([0.0, 2.0, 3.0, 7.0]), 0.0, 1.0)
    (array([0, 2, 3, 7]), array([ 500., 1000.,  250.]))
    """
    idx = np.rint((train - t0) / dt).astype(np.int64)
    isi = np.diff(train)
    with np.errstate(divide="ignore", over="ignore"):  # duplicate spikes: 1/0 on an empty interval
        rate = 1000.0 / isi
    return idx, rate


def isi_rate_at(train: np.ndarray, t0: float, dt: float, index: np.ndarray) -> np.ndarray:
    """Unsmoothed inverse-ISI rate (Hz) of one sorted train at integer grid indices.

    Interval ``k`` (between spikes ``k-1`` and ``k``) covers grid indices
    ``[round((s_{k-1}-t0)/dt), round((s_k-t0)/dt))`` with value ``1000 / (s_k - s_{k-1})``;
    indices before the first or after the last spike read 0.

    Examples
    --------
    >>> isi_rate_at(np.array([0.0, 2.0, 3.0, 7.0]), 0.0, 1.0, np.arange(8))
    array([ 500.,  500., 1000.,  250.,  250.,  250.,  250.,    0.])
    """
    out = np.zeros(np.shape(index), dtype=np.float64)
    if train.size < 2:
        return out
    starts, rate = isi_intervals(train, t0, dt)
    k = np.searchsorted(starts, index, side="right")  # spikes at or before each index
    inside = (k >= 1) & (k < train.size)
    out[inside] = rate[k[inside] - 1]
    return out


def _isi_rate_row(train: np.ndarray, t0: float, dt: float, n: int) -> np.ndarray:
    """``isi_rate_at`` on the whole grid ``0..n-1``, filled interval by interval (O(n))."""
    row = np.zeros(n, dtype=np.float64)
    if train.size < 2:
        return row
    starts, rate = isi_intervals(train, t0, dt)
    edges = np.clip(starts, 0, n)
    row[edges[0] : edges[-1]] = np.repeat(rate, np.diff(edges))
    return row


def resampled_isi(sd: SpikeData, times: np.ndarray, sigma_ms: float = 10.0) -> RateData:
    """Instantaneous firing rate (Hz) of every unit on an evenly spaced grid of ``times`` (ms).

    The rate is piecewise constant, ``1000 / ISI`` between consecutive spikes, with interval
    boundaries rounded to the grid (``round((s - t0) / dt)``), 0 before the first and after the
    last spike, and all zero for units with fewer than 2 spikes.  It is then smoothed by
    :func:`gaussian_smooth` (``scipy.ndimage.gaussian_filter1d`` with ``sigma = sigma_ms /
    dt`` samples, its default ``reflect`` boundary); ``sigma_ms=0`` skips smoothing.

    Example: spikes [10, 20, 40], grid 0..49 ms, sigma 0 -> 0 on [0, 10), 100 Hz on [10, 20),
    50 Hz on [20, 40), 0 after.

    Notes
    -----
    Trap fixed on purpose: when ``times`` starts after a unit's first spike, spikelab 0.1.2
    slices its rate array with the negative grid index of the early intervals, so they either
    vanish or are written, wrapped around, near the *end* of the grid.  Here an interval
    simply covers the part of the grid it overlaps.  Grids starting at or before
    ``start_time`` (every grid spikelab itself builds) give identical numbers.

    Returns
    -------
    RateData
        ``inst_Frate_data`` shape (N, len(times)), ``rate_unit="Hz"``.

    Examples
    --------
    >>> sd = SpikeData([[0.0, 2.0, 3.0, 7.0]], length=8.0)
    >>> resampled_isi(sd, np.arange(0.0, 8.0, 1.0), sigma_ms=0.0).inst_Frate_data
    array([[ 500.,  500., 1000.,  250.,  250.,  250.,  250.,    0.]])
    """
    times = np.asarray(times, dtype=np.float64).ravel()
    sigma_ms = float(sigma_ms)
    if not sigma_ms >= 0:
        raise AnalysisError(f"sigma_ms must be >= 0 ms, got {sigma_ms}")
    if times.size == 0:
        return RateData(np.zeros((sd.N, 0)), times, sd.neuron_attributes, rate_unit="Hz")
    t0, dt = _grid_step(times)
    data = np.zeros((sd.N, times.size), dtype=np.float64)
    for u, train in enumerate(sd.train):
        data[u] = _isi_rate_row(train, t0, dt, times.size)
    if sigma_ms > 0 and sd.N:
        data = gaussian_smooth(data, sigma_ms / dt)
    return RateData(data, times, sd.neuron_attributes, rate_unit="Hz")


GAUSSIAN_TRUNCATE = 4.0  # scipy.ndimage.gaussian_filter1d's default kernel reach, in sigmas


def gaussian_radius(sigma: float) -> int:
    """Samples the Gaussian kernel reaches on either side: ``int(4 sigma + 0.5)``.

    Examples
    --------
    >>> gaussian_radius(2.5)
    10
    """
    return int(GAUSSIAN_TRUNCATE * float(sigma) + 0.5)


def gaussian_smooth(data: np.ndarray, sigma: float) -> np.ndarray:
    """Each row of ``data`` smoothed by a Gaussian of ``sigma`` samples: a new float64 array.

    Bit for bit ``scipy.ndimage.gaussian_filter1d(data, sigma, axis=1)`` (kernel truncated at
    ``GAUSSIAN_TRUNCATE`` = 4 sigmas, ``reflect`` boundary), computed by a compiled kernel
    that is parallel over rows.

    Examples
    --------
    >>> gaussian_smooth(np.array([[0.0, 0, 4, 0, 0]]), 0.5).round(3).tolist()
    [[0.001, 0.426, 3.146, 0.426, 0.001]]
    """
    from ._kernels import gaussian_rows  # compiled: only what smooths pays for numba

    data = np.ascontiguousarray(data, dtype=np.float64)
    sigma = float(sigma)
    x = np.arange(-gaussian_radius(sigma), gaussian_radius(sigma) + 1)
    weights = np.exp(-0.5 / (sigma * sigma) * x**2)  # scipy's expression, for its rounding
    weights = weights / weights.sum()
    out = np.empty_like(data)
    gaussian_rows(data.reshape(-1, data.shape[-1]), weights, out.reshape(-1, data.shape[-1]))
    return out
