"""Evoked responses in event-aligned slices: counts against a per-slice baseline.

All windows are ``(start_ms, end_ms)`` on the slices' own time axis (relative to the event
for event-centred slices). The raster is :meth:`SpikeSliceStack.to_raster_array
<spikelab.SpikeSliceStack.to_raster_array>` (bins ``(k b, (k+1) b]`` from each slice's
start). A unit's baseline in a slice is its number of spikes ``t`` with ``start <= t < end``
in the baseline window, divided by the window's duration: its *expected* count per bin is
that rate times ``bin_size``.

- ``"subtract"``: ``count - expected``;
- ``"ratio"``: ``count / expected`` (NaN where expected is 0);
- ``"zscore"``: ``(count - expected) / sqrt(expected)``, a Poisson z-score (NaN where 0).

A response window selects the bins it overlaps: ``floor((start - t0) / b)`` up to
``ceil((end - t0) / b)`` (exclusive), ``t0`` the slices' start, clipped to the slice.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

from ..errors import AnalysisError
from ._binning import check_bin_size, guarded_ceil, guarded_floor
from .slice_timing import flat_trains
from .spikeslicestack import SpikeSliceStack

__all__ = ["MODES", "AGGREGATORS", "baseline_counts", "baseline_normalized_raster",
           "response_bins", "responsive_units", "responsive_units_per_group",
           "responsiveness_change", "response_amplitudes", "per_unit_response_regression"]

MODES = ("subtract", "ratio", "zscore")
AGGREGATORS = ("mean", "max")


def _window(window: Sequence[float], name: str) -> tuple[float, float]:
    start, end = (float(v) for v in window)
    if not end > start:
        raise AnalysisError(f"{name} must have end > start (ms), got {tuple(window)}")
    return start, end


def baseline_counts(
    stack: SpikeSliceStack, baseline_window_ms: Sequence[float]
) -> tuple[np.ndarray, float]:
    """Spikes of each unit in the baseline window of each slice, ``(U, S)``, and its duration (ms).

    Raises AnalysisError naming the first slice that does not contain the window.

    Examples
    --------
    >>> from spikelab import SpikeData
    >>> rng = np.random.default_rng(0)
    >>> onsets = np.array([100.0, 300.0, 500.0, 700.0])
    >>> evoked = (onsets[:, None] + rng.uniform(10, 20, (4, 5))).ravel()  # unit 0 responds
    >>> sd = SpikeData([np.r_[evoked, rng.uniform(0, 800, 8)], rng.uniform(0, 800, 12)],
    ...                length=800.0)
    >>> stack = sd.align_to_events(onsets, pre_ms=50.0, post_ms=50.0)  # slices: -50..50 ms
    >>> counts, duration_ms = baseline_counts(stack, (-50, 0))
    >>> counts
    array([[1., 0., 1., 0.],
           [0., 1., 0., 0.]])
    >>> duration_ms
    50.0
    """
    start, end = _window(baseline_window_ms, "baseline_window_ms")
    for i, s in enumerate(stack.spike_stack):
        if start < s.start_time or end > s.start_time + s.length:
            raise AnalysisError(
                f"baseline_window_ms ({start}, {end}) falls outside slice {i}, which spans "
                f"[{s.start_time}, {s.start_time + s.length}] ms"
            )
    flat, offsets = flat_trains(stack)
    inside = np.concatenate([[0], np.cumsum((flat >= start) & (flat < end))])
    counts = inside[offsets[1:]] - inside[offsets[:-1]]
    return counts.reshape(len(stack.spike_stack), stack.N).T.astype(np.float64), end - start


def _expected(
    stack: SpikeSliceStack, bin_size: float, baseline_window_ms: Sequence[float]
) -> np.ndarray:
    counts, duration = baseline_counts(stack, baseline_window_ms)
    return counts / duration * bin_size  # (U, S)


def baseline_normalized_raster(
    stack: SpikeSliceStack,
    bin_size: float,
    baseline_window_ms: Sequence[float],
    mode: str = "subtract",
) -> np.ndarray:
    """Each bin's count against the slice's baseline expectation: float ``(U, T, S)``.

    See the module docstring for the three modes.

    Examples
    --------
    >>> from spikelab import SpikeData
    >>> rng = np.random.default_rng(0)
    >>> onsets = np.array([100.0, 300.0, 500.0, 700.0])
    >>> evoked = (onsets[:, None] + rng.uniform(10, 20, (4, 5))).ravel()  # unit 0 responds
    >>> sd = SpikeData([np.r_[evoked, rng.uniform(0, 800, 8)], rng.uniform(0, 800, 12)],
    ...                length=800.0)
    >>> stack = sd.align_to_events(onsets, pre_ms=50.0, post_ms=50.0)  # slices: -50..50 ms
    >>> z = baseline_normalized_raster(stack, 25.0, (-50, 0), mode="zscore")
    >>> z.shape
    (2, 4, 4)
    """
    if mode not in MODES:
        raise AnalysisError(f"mode must be one of {list(MODES)}, got {mode!r}")
    b = check_bin_size(bin_size)
    expected = _expected(stack, b, baseline_window_ms)[:, None, :]
    counts = stack.to_raster_array(b).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        if mode == "subtract":
            return counts - expected
        out = counts / expected if mode == "ratio" else (counts - expected) / np.sqrt(expected)
    return np.where(expected > 0, out, np.nan)


def response_bins(stack: SpikeSliceStack, bin_size: float, n_bins: int,
                  response_window_ms: Sequence[float] | None) -> slice:
    """The raster bins a response window overlaps (all of them for None).

    Examples
    --------
    >>> from spikelab import SpikeData
    >>> rng = np.random.default_rng(0)
    >>> onsets = np.array([100.0, 300.0, 500.0, 700.0])
    >>> evoked = (onsets[:, None] + rng.uniform(10, 20, (4, 5))).ravel()  # unit 0 responds
    >>> sd = SpikeData([np.r_[evoked, rng.uniform(0, 800, 8)], rng.uniform(0, 800, 12)],
    ...                length=800.0)
    >>> stack = sd.align_to_events(onsets, pre_ms=50.0, post_ms=50.0)  # slices: -50..50 ms
    >>> response_bins(stack, 10.0, 10, (0, 50))
    slice(5, 10, None)
    """
    if response_window_ms is None:
        return slice(0, n_bins)
    start, end = _window(response_window_ms, "response_window_ms")
    origin = stack.spike_stack[0].start_time if stack.spike_stack else 0.0
    lo = int(np.clip(guarded_floor((start - origin) / bin_size), 0, n_bins))
    hi = int(np.clip(guarded_ceil((end - origin) / bin_size), 0, n_bins))
    if hi <= lo:
        raise AnalysisError(f"response_window_ms {tuple(response_window_ms)} covers no bin of the "
                            f"{n_bins} x {bin_size} ms slices starting at {origin} ms")
    return slice(lo, hi)


def _zscores(stack, bin_size, baseline_window_ms, response_window_ms) -> np.ndarray:
    z = baseline_normalized_raster(stack, bin_size, baseline_window_ms, mode="zscore")
    return z[:, response_bins(stack, float(bin_size), z.shape[1], response_window_ms), :]


def _mask(z: np.ndarray, z_threshold: float, aggregator: str) -> np.ndarray:
    """Units whose slice-aggregated z-score exceeds the threshold in some bin."""
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", RuntimeWarning
        )  # units with no baseline: NaN, not responsive
        agg = np.nanmean(z, axis=2) if aggregator == "mean" else np.nanmax(z, axis=2)
    with np.errstate(invalid="ignore"):
        return np.any(agg > float(z_threshold), axis=1)


def _check_aggregator(aggregator: str) -> None:
    if aggregator not in AGGREGATORS:
        raise AnalysisError(f"aggregator must be one of {list(AGGREGATORS)}, got {aggregator!r}")


def responsive_units(stack: SpikeSliceStack, bin_size: float, baseline_window_ms: Sequence[float],
                     response_window_ms: Sequence[float] | None = None, z_threshold: float = 2.0,
                     aggregator: str = "mean") -> np.ndarray:
    """Units with an evoked response: boolean ``(U,)``.

    The Poisson z-scores (bins of the response window) are averaged (``"mean"``, ignoring
    NaN) or maximised (``"max"``) over slices; a unit responds when some bin exceeds
    ``z_threshold``. Units without baseline spikes in any slice never respond.

    Examples
    --------
    >>> from spikelab import SpikeData
    >>> rng = np.random.default_rng(0)
    >>> onsets = np.array([100.0, 300.0, 500.0, 700.0])
    >>> evoked = (onsets[:, None] + rng.uniform(10, 20, (4, 5))).ravel()  # unit 0 responds
    >>> sd = SpikeData([np.r_[evoked, rng.uniform(0, 800, 8)], rng.uniform(0, 800, 12)],
    ...                length=800.0)
    >>> stack = sd.align_to_events(onsets, pre_ms=50.0, post_ms=50.0)  # slices: -50..50 ms
    >>> responsive_units(stack, 10.0, (-50, 0), response_window_ms=(0, 50))
    array([ True, False])
    """
    _check_aggregator(aggregator)
    return _mask(
        _zscores(stack, bin_size, baseline_window_ms, response_window_ms), z_threshold, aggregator
    )


def _labels(group_labels: Any, n_slices: int) -> np.ndarray:
    labels = np.asarray(group_labels)
    if labels.ndim != 1 or labels.size != n_slices:
        raise AnalysisError(f"group_labels has {labels.size} entries for {n_slices} slices")
    return labels


def responsive_units_per_group(
    stack: SpikeSliceStack,
    group_labels: Sequence[Any],
    bin_size: float,
    baseline_window_ms: Sequence[float],
    response_window_ms: Sequence[float] | None = None,
    z_threshold: float = 2.0,
    aggregator: str = "mean",
) -> dict[str, np.ndarray]:
    """:func:`responsive_units` on the slices of each group (e.g. stimulation cycle).

    Returns ``{"groups": sorted labels (G,), "mask": bool (U, G), "responsive_count": (G,)}``.

    Examples
    --------
    >>> from spikelab import SpikeData
    >>> rng = np.random.default_rng(0)
    >>> onsets = np.array([100.0, 300.0, 500.0, 700.0])
    >>> evoked = (onsets[:, None] + rng.uniform(10, 20, (4, 5))).ravel()  # unit 0 responds
    >>> sd = SpikeData([np.r_[evoked, rng.uniform(0, 800, 8)], rng.uniform(0, 800, 12)],
    ...                length=800.0)
    >>> stack = sd.align_to_events(onsets, pre_ms=50.0, post_ms=50.0)  # slices: -50..50 ms
    >>> per_group = responsive_units_per_group(stack, ["a", "a", "b", "b"], 10.0, (-50, 0),
    ...                                        response_window_ms=(0, 50))
    >>> per_group["groups"], per_group["responsive_count"]
    (array(['a', 'b'], dtype='<U1'), array([1, 1]))
    """
    _check_aggregator(aggregator)
    labels = _labels(group_labels, len(stack.spike_stack))
    z = _zscores(stack, bin_size, baseline_window_ms, response_window_ms)
    groups = np.unique(labels)
    mask = np.column_stack([_mask(z[:, :, labels == g], z_threshold, aggregator) for g in groups]) \
        if groups.size else np.zeros((stack.N, 0), dtype=bool)
    return {"groups": groups, "mask": mask, "responsive_count": mask.sum(axis=0)}


def responsiveness_change(
    stack: SpikeSliceStack,
    group_labels: Sequence[Any],
    early_groups: Any,
    late_groups: Any,
    bin_size: float,
    baseline_window_ms: Sequence[float],
    response_window_ms: Sequence[float] | None = None,
    z_threshold: float = 2.0,
    aggregator: str = "mean",
) -> dict[str, Any]:
    """Units gained, lost and preserved between the slices of two sets of groups.

    Returns ``early_mask``, ``late_mask``, ``gained`` (late only), ``lost`` (early only),
    ``preserved`` (both), each bool ``(U,)``, and their ``*_count`` ints.

    Examples
    --------
    >>> from spikelab import SpikeData
    >>> rng = np.random.default_rng(0)
    >>> onsets = np.array([100.0, 300.0, 500.0, 700.0])
    >>> evoked = (onsets[:, None] + rng.uniform(10, 20, (4, 5))).ravel()  # unit 0 responds
    >>> sd = SpikeData([np.r_[evoked, rng.uniform(0, 800, 8)], rng.uniform(0, 800, 12)],
    ...                length=800.0)
    >>> stack = sd.align_to_events(onsets, pre_ms=50.0, post_ms=50.0)  # slices: -50..50 ms
    >>> change = responsiveness_change(stack, [1, 1, 2, 2], [1], [2], 10.0, (-50, 0),
    ...                                response_window_ms=(0, 50))
    >>> change["preserved"], change["gained"], change["lost"]
    (array([ True, False]), array([False, False]), array([False, False]))
    """
    _check_aggregator(aggregator)
    labels = _labels(group_labels, len(stack.spike_stack))
    z = _zscores(stack, bin_size, baseline_window_ms, response_window_ms)
    masks = {}
    for name, groups in (("early", early_groups), ("late", late_groups)):
        chosen = np.isin(labels, np.atleast_1d(np.asarray(groups)))
        if not chosen.any():
            raise AnalysisError(
                f"no slice has a label in {name}_groups={groups!r}; "
                f"labels: {np.unique(labels).tolist()}"
            )
        masks[name] = _mask(z[:, :, chosen], z_threshold, aggregator)
    early, late = masks["early"], masks["late"]
    out: dict[str, Any] = {"early_mask": early, "late_mask": late, "gained": ~early & late,
                           "lost": early & ~late, "preserved": early & late}
    for key in ("early_mask", "late_mask", "gained", "lost", "preserved"):
        out[key.replace("_mask", "") + "_count"] = int(out[key].sum())
    return out


def response_amplitudes(
    stack: SpikeSliceStack,
    bin_size: float,
    response_window_ms: Sequence[float],
    baseline_window_ms: Sequence[float] | None = None,
) -> np.ndarray:
    """Spike count of each unit in the response window's bins per slice, ``(U, S)``.

    With a baseline window, the expected count of those bins is subtracted.

    Examples
    --------
    >>> from spikelab import SpikeData
    >>> rng = np.random.default_rng(0)
    >>> onsets = np.array([100.0, 300.0, 500.0, 700.0])
    >>> evoked = (onsets[:, None] + rng.uniform(10, 20, (4, 5))).ravel()  # unit 0 responds
    >>> sd = SpikeData([np.r_[evoked, rng.uniform(0, 800, 8)], rng.uniform(0, 800, 12)],
    ...                length=800.0)
    >>> stack = sd.align_to_events(onsets, pre_ms=50.0, post_ms=50.0)  # slices: -50..50 ms
    >>> response_amplitudes(stack, 10.0, (0, 50))
    array([[5., 6., 7., 5.],
           [1., 1., 2., 2.]])
    """
    b = check_bin_size(bin_size)
    raster = stack.to_raster_array(b)
    bins = response_bins(stack, b, raster.shape[1], response_window_ms)
    amplitude = raster[:, bins, :].sum(axis=1).astype(np.float64)
    if baseline_window_ms is not None:
        amplitude -= _expected(stack, b, baseline_window_ms) * (bins.stop - bins.start)
    return amplitude


def per_unit_response_regression(
    stack: SpikeSliceStack,
    bin_size: float,
    response_window_ms: Sequence[float],
    x_values: Sequence[float] | None = None,
    baseline_window_ms: Sequence[float] | None = None,
    min_valid_slices: int = 3,
) -> dict[str, np.ndarray]:
    """Ordinary least squares of each unit's response amplitude on ``x_values`` (default 0..S-1).

    Returns ``slope``, ``intercept``, ``r_squared``, ``p_value`` (two-sided t-test of the
    slope), ``stderr`` (of the slope), each ``(U,)``, plus ``amplitudes`` ``(U, S)`` and
    ``x_values``. Pairs with a NaN are left out; fewer than ``min_valid_slices`` pairs, or
    all x equal, give NaN. A constant amplitude gives slope 0, r² 0 and p 1.

    Examples
    --------
    >>> from spikelab import SpikeData
    >>> rng = np.random.default_rng(0)
    >>> onsets = np.array([100.0, 300.0, 500.0, 700.0])
    >>> evoked = (onsets[:, None] + rng.uniform(10, 20, (4, 5))).ravel()  # unit 0 responds
    >>> sd = SpikeData([np.r_[evoked, rng.uniform(0, 800, 8)], rng.uniform(0, 800, 12)],
    ...                length=800.0)
    >>> stack = sd.align_to_events(onsets, pre_ms=50.0, post_ms=50.0)  # slices: -50..50 ms
    >>> fit = per_unit_response_regression(stack, 10.0, (0, 50), x_values=[1, 2, 3, 4])
    >>> fit["slope"].round(3)
    array([0.1, 0.4])
    """
    amplitude = response_amplitudes(stack, bin_size, response_window_ms, baseline_window_ms)
    n_slices = amplitude.shape[1]
    x = (
        np.arange(n_slices, dtype=np.float64)
        if x_values is None
        else np.asarray(x_values, dtype=np.float64).ravel()
    )
    if x.size != n_slices:
        raise AnalysisError(f"x_values has {x.size} values for {n_slices} slices")
    fit = linear_fits(x, amplitude, int(min_valid_slices))
    return {**fit, "amplitudes": amplitude, "x_values": x}


def linear_fits(x: np.ndarray, y: np.ndarray, min_valid: int) -> dict[str, np.ndarray]:
    """OLS of each row of ``y`` (K, n) on ``x`` (n,), NaN pairs dropped, all rows at once."""
    valid = np.isfinite(x)[None, :] & np.isfinite(y)
    n = valid.sum(axis=1).astype(np.float64)
    xs, ys = np.where(valid, x[None, :], 0.0), np.where(valid, y, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx, my = xs.sum(axis=1) / n, ys.sum(axis=1) / n
        dx = np.where(valid, x[None, :] - mx[:, None], 0.0)
        dy = np.where(valid, y - my[:, None], 0.0)
        sxx, syy, sxy = (dx * dx).sum(axis=1), (dy * dy).sum(axis=1), (dx * dy).sum(axis=1)
        slope = sxy / sxx
        r = np.where(syy > 0, sxy / np.sqrt(sxx * syy), 0.0)
        df = n - 2
        stderr = np.sqrt(np.maximum(1 - r**2, 0.0) * syy / sxx / df)
        t = np.where(np.abs(r) < 1, r * np.sqrt(df / ((1 - r) * (1 + r))), np.inf)
        p = np.where(syy > 0, 2 * stats.t.sf(np.abs(t), df), 1.0)
    fit = {
        "slope": slope,
        "intercept": my - slope * mx,
        "r_squared": r**2,
        "p_value": p,
        "stderr": stderr,
    }
    undefined = (n < max(min_valid, 2)) | ~(sxx > 0)
    return {k: np.where(undefined, np.nan, v).astype(np.float64) for k, v in fit.items()}
