"""Spike-based pairwise comparisons of a SpikeSliceStack: unit pairs per slice, slice pairs per unit.

Two metrics (times in ms):

- ``"sttc"``: the spike time tiling coefficient (:mod:`spikelab.spikedata.sttc`) with window
  ``delt``, each slice's spikes over its own window.  No lag.
- ``"ccg"``: the lagged normalised cross-correlation (:mod:`spikelab.spikedata.correlation`,
  uncentred) of spike-count rasters of ``bin_size`` ms, over lags up to
  ``round(max_lag / bin_size)`` bins; lags are reported in bins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import AnalysisError
from ._pairstats import lower_triangle_mean, mask_invalid, slice_average, warn_too_few
from .alignment import to_raster_array
from .correlation import all_pairs
from .pairwise import PairwiseCompMatrixStack
from .sttc import sttc_matrix_of

if TYPE_CHECKING:
    from .spikeslicestack import SpikeSliceStack

__all__ = ["unit_to_unit_comparison", "get_slice_to_slice_unit_comparison", "METRICS"]

METRICS = ("ccg", "sttc")


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise AnalysisError(f"metric must be one of {list(METRICS)}, got {metric!r}")


def _ccg(rasters: np.ndarray, bin_size: float, max_lag: float) -> tuple[np.ndarray, np.ndarray]:
    """all_pairs over rasters (B, n, T) with the lag limit converted from ms to bins."""
    corr, lag = all_pairs(rasters.astype(np.float64), int(round(max_lag / bin_size)))
    return corr, lag.astype(np.float64)


def _slice_length(stack: SpikeSliceStack) -> float:
    lengths = {s.length for s in stack.spike_stack}
    if len(lengths) > 1:
        raise AnalysisError(f"slice-to-slice STTC needs slices of one length, got {sorted(lengths)} ms")
    return lengths.pop()


def unit_to_unit_comparison(
    stack: SpikeSliceStack, metric: str = "ccg", delt: float = 20.0, bin_size: float = 1.0, max_lag: float = 350
):
    """For each slice, compare every pair of units.

    Returns
    -------
    corr : PairwiseCompMatrixStack (U, U, S)
    lag : PairwiseCompMatrixStack (U, U, S) or None
        Lag in bins of the maximum (``"ccg"``); None for ``"sttc"``.
    av_corr : ndarray (S,)
        NaN-mean of each slice's lower triangle.
    av_lag : ndarray (S,) or None
    """
    _check_metric(metric)
    if metric == "sttc":
        per_slice = [sttc_matrix_of(s.train, s.start_time, s.length, delt) for s in stack.spike_stack]
        corr = np.stack(per_slice, axis=2) if per_slice else np.zeros((stack.N, stack.N, 0))
        return PairwiseCompMatrixStack(corr, times=stack.times), None, lower_triangle_mean(corr), None
    rasters = to_raster_array(stack, bin_size)  # (U, T, S)
    corr, lag = _ccg(np.transpose(rasters, (2, 0, 1)), bin_size, max_lag)  # (S, U, U)
    corr, lag = np.transpose(corr, (1, 2, 0)), np.transpose(lag, (1, 2, 0))
    return (PairwiseCompMatrixStack(corr, times=stack.times), PairwiseCompMatrixStack(lag, times=stack.times),
            lower_triangle_mean(corr), lower_triangle_mean(lag))


def get_slice_to_slice_unit_comparison(
    stack: SpikeSliceStack,
    metric: str = "ccg",
    delt: float = 20.0,
    bin_size: float = 1.0,
    max_lag: float = 350,
    min_spikes: int = 2,
    min_frac: float = 0.3,
    frac_active: np.ndarray | None = None,
):
    """For each unit, compare its spikes across every pair of slices.

    Slice s is valid for unit u when u fires at least ``min_spikes`` spikes in it; pairs
    with an invalid slice (diagonal included) are NaN.

    Returns
    -------
    corr : PairwiseCompMatrixStack (S, S, U)
    lag : PairwiseCompMatrixStack (S, S, U) or None
        Lag in bins (``"ccg"``); None for ``"sttc"``.
    av_corr : ndarray (U,)
        NaN-mean of each unit's lower triangle when at most ``min_frac`` of its slices are
        invalid (given ``frac_active``: when ``frac_active[u] >= 1 - min_frac``), else NaN.
    av_lag : ndarray (U,) or None
        The same average of the lags.
    """
    _check_metric(metric)
    n_slices, n_units = len(stack.spike_stack), stack.N
    if n_slices < 2:
        warn_too_few(n_slices, "slices")
        nan = np.full((n_slices, n_slices, n_units), np.nan)
        lag = None if metric == "sttc" else PairwiseCompMatrixStack(nan.copy())
        return PairwiseCompMatrixStack(nan), lag, np.full(n_units, np.nan), None if lag is None else np.full(n_units, np.nan)
    counts = np.array([[t.size for t in s.train] for s in stack.spike_stack]).reshape(n_slices, n_units)
    valid = counts >= min_spikes  # (S, U)
    if metric == "sttc":
        length = _slice_length(stack)
        per_unit = [sttc_matrix_of([s.train[u] - s.start_time for s in stack.spike_stack], 0.0, length, delt)
                    for u in range(n_units)]
        corr = mask_invalid(np.stack(per_unit, axis=2) if per_unit else np.zeros((n_slices, n_slices, 0)), valid)
        return PairwiseCompMatrixStack(corr), None, slice_average(corr, valid, min_frac, frac_active), None
    rasters = to_raster_array(stack, bin_size)  # (U, T, S)
    corr, lag = _ccg(np.transpose(rasters, (0, 2, 1)), bin_size, max_lag)  # (U, S, S)
    corr = mask_invalid(np.transpose(corr, (1, 2, 0)), valid)
    lag = mask_invalid(np.transpose(lag, (1, 2, 0)), valid)
    return (PairwiseCompMatrixStack(corr), PairwiseCompMatrixStack(lag),
            slice_average(corr, valid, min_frac, frac_active), slice_average(lag, valid, min_frac, frac_active))
