"""Cutting a recording into event-aligned windows: spike slices, rate slices, raster stacks.

All times are in ms and rates in Hz.  Rate windows use the inverse-ISI rate of
:func:`spikelab.spikedata.rates.resampled_isi` on the recording's grid
``arange(start_time, start_time + length, bin_size_ms)``, but are computed window by window
(with a margin wide enough for the Gaussian kernel) instead of over the whole recording: the
numbers are those of spikelab 0.1.2, at a fraction of its time and memory.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..errors import AnalysisError
from ._binning import check_bin_size, guarded_ceil
from ._kernels import window_rates
from .rates import gaussian_radius, isi_intervals, sparse_raster
from .rateslicestack import RateSliceStack
from .spikedata import SpikeData
from .spikeslicestack import SpikeSliceStack

__all__ = ["align_to_events", "rate_windows", "to_raster_array"]

KINDS = ("spike", "rate")
_EPS = np.finfo(np.float64).eps


def _samples_per_window(windows: np.ndarray, step: float) -> int:
    """Grid points every window holds: ``floor(duration / step)``, the same for all windows.

    The tolerance scales with the absolute times, whose rounding is what makes
    ``(p + post) - (p - pre)`` differ from ``pre + post``.
    """
    scale = np.max(np.abs(windows), axis=1)
    ratio = (windows[:, 1] - windows[:, 0]) / step
    counts = np.floor(ratio + 1e-9 + 8 * _EPS * (scale / step + np.abs(ratio))).astype(np.int64)
    if np.unique(counts).size > 1:
        raise AnalysisError(
            f"rate windows must all span the same number of {step} ms samples, got "
            f"{sorted(set(counts.tolist()))}"
        )
    if counts.size and counts[0] < 1:
        raise AnalysisError(
            f"rate windows of {windows[0, 1] - windows[0, 0]} ms hold no {step} ms sample; "
            "use a smaller bin_size_ms or wider windows"
        )
    return int(counts[0]) if counts.size else 0


def _first_sample(grid: np.ndarray, windows: np.ndarray, n_samples: int) -> np.ndarray:
    """Index of the first grid point at or after each window start.

    A grid point less than the rounding error of the window's absolute times below the
    start still counts: ``(e + 6e-14) - 250`` must select the same points as ``e - 250``.
    """
    tol = 8 * _EPS * np.maximum(1.0, np.max(np.abs(windows), axis=1))
    first = np.searchsorted(grid, windows[:, 0] - tol, side="left")
    return np.minimum(first, grid.size - n_samples)


def rate_windows(
    sd: SpikeData, windows: np.ndarray, bin_size_ms: float, sigma_ms: float
) -> np.ndarray:
    """Smoothed inverse-ISI rates (Hz) of every unit in each window: shape ``(U, T, S)``.

    Parameters
    ----------
    sd : SpikeData
    windows : ndarray, shape (S, 2)
        Absolute ``(start, end)`` ms, inside the recording, all of the same duration.
    bin_size_ms : float
        Grid spacing in ms; the grid is ``arange(start_time, start_time + length, bin_size_ms)``.
    sigma_ms : float
        Gaussian smoothing sigma in ms (0: none).

    Notes
    -----
    Window ``s`` holds the ``T = floor(duration / bin)`` grid points starting at the first one
    ``>= start`` (the points in ``[start, end)`` when the duration is a whole number of bins).
    Each value equals ``resampled_isi(sd, grid, sigma_ms)`` at that point: the rate is
    evaluated on the window plus ``int(4 sigma + 0.5)`` samples either side (the kernel's
    reach; reflected at the recording's ends exactly as ``gaussian_filter1d`` does) and
    smoothed there, each run of constant rate weighted by the kernel mass it covers.  Cost
    is O(U S T) time and the output's memory, independent of the recording length.

    Examples
    --------
    >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
    >>> rate_windows(sd, np.array([[0.0, 4.0], [5.0, 9.0]]), 1.0, 0.0).shape  # (U, T, S)
    (3, 4, 2)
    """
    step = check_bin_size(bin_size_ms, "bin_size_ms")
    if not float(sigma_ms) >= 0:
        raise AnalysisError(f"sigma_ms must be >= 0 ms, got {sigma_ms}")
    windows = np.asarray(windows, dtype=np.float64).reshape(-1, 2)
    if windows.shape[0] == 0:
        return np.zeros((sd.N, 0, 0), dtype=np.float64)
    grid = np.arange(sd.start_time, sd.start_time + sd.length, step)
    n_samples = _samples_per_window(windows, step)
    if grid.size < n_samples:
        raise AnalysisError(
            f"rate windows of {n_samples} samples do not fit a {grid.size}-sample recording"
        )
    dt = float(grid[1] - grid[0]) if grid.size > 1 else step  # as 0.1.2 reads its grid
    sigma = float(sigma_ms) / dt
    reach = gaussian_radius(sigma) if sigma > 0 else 0
    offsets = np.arange(-reach, reach + 1)
    weights = np.exp(-0.5 * offsets**2 / sigma**2) if reach else np.ones(1)
    tables = _interval_tables(sd, float(grid[0]), dt)
    out = np.empty((sd.N, n_samples, windows.shape[0]), dtype=np.float64)
    first = _first_sample(grid, windows, n_samples)
    cum_weights = np.concatenate([[0.0], np.cumsum(weights / weights.sum())])
    window_rates(*tables, first, n_samples, reach, grid.size, cum_weights, out)
    return out


def _interval_tables(sd: SpikeData, t0: float, dt: float) -> tuple[np.ndarray, ...]:
    """All units' interval start indices and rates, concatenated, with per-unit offsets."""
    pieces = [isi_intervals(train, t0, dt) for train in sd.train]
    starts = [p[0] for p in pieces]
    rates = [p[1] for p in pieces]
    spike_off = np.concatenate([[0], np.cumsum([a.size for a in starts])]).astype(np.int64)
    rate_off = np.concatenate([[0], np.cumsum([a.size for a in rates])]).astype(np.int64)
    flat_starts = np.concatenate(starts).astype(np.int64) if starts else np.zeros(0, np.int64)
    flat_rates = np.concatenate(rates).astype(np.float64) if rates else np.zeros(0)
    return flat_starts, flat_rates, spike_off, rate_off


def _event_times(sd: SpikeData, events: np.ndarray | str) -> np.ndarray:
    if isinstance(events, str):
        if events not in sd.metadata:
            raise AnalysisError(
                f"metadata has no key {events!r}; available keys: {sorted(sd.metadata)}"
            )
        events = sd.metadata[events]
    times = np.asarray(events, dtype=np.float64).ravel()
    if not np.all(np.isfinite(times)):
        bad = int(np.sum(~np.isfinite(times)))
        raise AnalysisError(f"{bad} of {times.size} event times are NaN or infinite")
    return times


def _check_bounds(pre_ms: float, post_ms: float) -> tuple[float, float]:
    pre, post = float(pre_ms), float(post_ms)
    if not (np.isfinite(pre) and np.isfinite(post) and pre >= 0 and post >= 0):
        raise AnalysisError(
            f"pre_ms and post_ms must be finite and >= 0 ms, got {pre_ms}, {post_ms}"
        )
    if pre + post <= 0:
        raise AnalysisError("pre_ms + post_ms must be > 0 ms: every slice would be empty")
    return pre, post


def _events_inside(sd: SpikeData, events: np.ndarray, pre: float, post: float) -> np.ndarray:
    """Keep events whose whole window lies in the recording; warn once about the others."""
    stop = sd.start_time + sd.length
    kept = events[(events - pre >= sd.start_time) & (events + post <= stop)]
    if kept.size == 0:
        raise AnalysisError(
            f"no event left: all {events.size} event(s) have a [-{pre}, +{post}] ms window "
            f"outside the recording [{sd.start_time}, {stop}] ms"
        )
    if kept.size < events.size:
        warnings.warn(
            f"{events.size - kept.size} event(s) dropped because their [-{pre}, +{post}] ms window "
            f"extends outside the recording [{sd.start_time}, {stop}] ms",
            UserWarning,
            stacklevel=3,
        )
    return kept


def align_to_events(
    sd: SpikeData,
    events: np.ndarray | str,
    pre_ms: float,
    post_ms: float,
    *,
    kind: str = "spike",
    bin_size_ms: float = 1.0,
    sigma_ms: float = 10,
) -> SpikeSliceStack | RateSliceStack:
    """Cut the recording into one window ``[e - pre_ms, e + post_ms)`` per event ``e`` (ms).

    Parameters
    ----------
    events : array-like of float, or str
        Event times in ms, or a key of ``sd.metadata`` holding them.
    pre_ms, post_ms : float
        Window before and after each event, ms (>= 0, sum > 0).
    kind : {"spike", "rate"}
        ``"spike"``: a :class:`~spikelab.SpikeSliceStack` whose slices have
        ``start_time=-pre_ms`` and ``length=pre_ms+post_ms``.  ``"rate"``: a
        :class:`~spikelab.RateSliceStack` of inverse-ISI rates in Hz (see
        :func:`rate_windows`), shape ``(U, (pre_ms+post_ms)/bin_size_ms, S)``.
    bin_size_ms, sigma_ms : float
        Rate grid spacing and Gaussian sigma (ms); used only for ``kind="rate"``.

    Notes
    -----
    An event is kept iff ``e - pre_ms >= start_time`` and ``e + post_ms <= start_time +
    length``; dropped events give one UserWarning with their count.  Slices are sorted by
    event time (duplicates kept).

    Raises
    ------
    AnalysisError
        Unknown ``kind``, NaN/infinite events, negative ``pre_ms``/``post_ms``, a missing
        metadata key, bad ``bin_size_ms``/``sigma_ms``, or no event left inside the recording.

    Examples
    --------
    >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
    >>> stack = align_to_events(sd, [3.0, 7.0], pre_ms=2.0, post_ms=2.0)
    >>> stack.times
    [(1.0, 5.0), (5.0, 9.0)]
    >>> stack.spike_stack[1].train  # ms from the event
    [array([-2.]), array([-1.]), array([], dtype=float64)]
    """
    if kind not in KINDS:
        raise AnalysisError(f"kind must be one of {list(KINDS)}, got {kind!r}")
    pre, post = _check_bounds(pre_ms, post_ms)
    if kind == "rate":
        step = check_bin_size(bin_size_ms, "bin_size_ms")
        if not float(sigma_ms) >= 0:
            raise AnalysisError(f"sigma_ms must be >= 0 ms, got {sigma_ms}")
    kept = _events_inside(sd, _event_times(sd, events), pre, post)
    if kind == "spike":
        return SpikeSliceStack(sd, time_peaks=kept, time_bounds=(pre, post))
    return RateSliceStack(
        sd, time_peaks=kept, time_bounds=(pre, post), sigma_ms=float(sigma_ms), step_size=step
    )


def to_raster_array(
    stack: SpikeSliceStack, bin_size: float = 1.0, absolute_times: bool = False
) -> np.ndarray:
    """Spike counts of every slice: int64 array ``(N, T, S)``.

    Parameters
    ----------
    bin_size : float
        Bin width in ms (left-open, right-closed bins, as :func:`~.rates.raster`).
    absolute_times : bool
        False: bin 0 is each slice's own start.  True: all slices share one axis starting at
        the earliest slice start and spanning to the latest slice end, so a spike's bin
        reflects its position in the recording (can be large).

    Examples
    --------
    >>> from spikelab import SpikeData, SpikeSliceStack
    >>> sd = SpikeData([[1.0, 2.0, 6.0, 7.5], [3.0, 8.0], [4.0, 9.0]], length=10.0)
    >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
    >>> to_raster_array(stack, bin_size=2.5)[:, :, 0]
    array([[2, 0],
           [0, 1],
           [0, 1]])
    """
    b = check_bin_size(bin_size)
    slices, n = stack.spike_stack, stack.N
    if not slices:
        return np.zeros((n, 0, 0), dtype=np.int64)
    if absolute_times:
        origin = min(a for a, _ in stack.times)
        n_total = int(guarded_ceil((max(e for _, e in stack.times) - origin) / b))
        offsets = [a - origin for a, _ in stack.times]
    else:
        n_total, offsets = None, [0.0] * len(slices)
    rasters = [sparse_raster(s, b, off) for s, off in zip(slices, offsets, strict=True)]
    widths = {r.shape[1] for r in rasters}
    if n_total is None and len(widths) > 1:
        raise AnalysisError(
            f"slices have different bin counts {sorted(widths)}; cut equal-duration slices"
        )
    n_total = max(widths) if n_total is None else max(n_total, max(widths))
    out = np.zeros((n, n_total, len(slices)), dtype=np.int64)
    for s, r in enumerate(rasters):
        out[:, : r.shape[1], s] = r.toarray()
    return out
