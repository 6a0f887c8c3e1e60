"""`RateSliceStack`: firing rates of U units in S equal-length windows, shape (U, T, S)."""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np

from ._windows import check_inside, windows_from_args
from .pairwise import PairwiseCompMatrixStack
from .spikedata import SpikeData

__all__ = ["RateSliceStack"]


class RateSliceStack:
    """Rates of each unit in S windows of equal duration: ``event_stack[u, t, s]``.

    Build it either

    - from a recording: ``RateSliceStack(sd, time_peaks=..., time_bounds=(pre, post))`` or
      ``times_start_to_end=[(a, b), ...]``; rates are Hz from the smoothed inverse ISI
      (:func:`spikelab.spikedata.rates.resampled_isi`, Gaussian ``sigma_ms``) on a grid of
      ``step_size`` ms (default 1 ms); or
    - from a ready array: ``RateSliceStack(event_matrix=array (U, T, S))``, optionally with
      ``times_start_to_end`` and ``step_size``.

    Attributes
    ----------
    event_stack : ndarray, shape (U, T, S)
    times : list of (start, end)
        Absolute window of each slice (ms).
    step_size : float
        Sample spacing in ms.
    neuron_attributes : list of dict or None
    """

    def __init__(
        self,
        data_obj: SpikeData | None = None,
        times_start_to_end: Sequence[tuple[float, float]] | None = None,
        time_peaks: Sequence[float] | None = None,
        time_bounds: tuple[float, float] | None = None,
        sigma_ms: float = 10,
        event_matrix: np.ndarray | None = None,
        step_size: float | None = None,
        neuron_attributes: Sequence[dict] | None = None,
    ) -> None:
        self.step_size: float = 1.0 if step_size is None else float(step_size)
        if self.step_size <= 0:
            raise ValueError(f"step_size must be > 0 ms, got {step_size}")
        if event_matrix is not None:
            stack = np.array(event_matrix, dtype=np.float64)
            if stack.ndim != 3:
                raise ValueError(f"event_matrix must be 3-D (units, time, slices), got {stack.shape}")
            if times_start_to_end is None:
                width = stack.shape[1] * self.step_size
                times_start_to_end = [(k * width, (k + 1) * width) for k in range(stack.shape[2])]
            attrs = neuron_attributes
        else:
            if data_obj is None:
                raise ValueError("RateSliceStack needs data_obj (a SpikeData) or event_matrix")
            from .alignment import rate_windows  # the analysis lives with the other analyses

            windows, _ = windows_from_args(times_start_to_end, time_peaks, time_bounds)
            check_inside(windows, data_obj.start_time, data_obj.length)
            stack = rate_windows(data_obj, windows, self.step_size, float(sigma_ms))
            times_start_to_end = [tuple(w) for w in windows.tolist()]
            attrs = neuron_attributes if neuron_attributes is not None else data_obj.neuron_attributes
        self.event_stack: np.ndarray = stack
        self.times: list[tuple[float, float]] = [(float(a), float(b)) for a, b in times_start_to_end]
        if len(self.times) != stack.shape[2]:
            raise ValueError(f"{len(self.times)} times for {stack.shape[2]} slices")
        if attrs is not None:
            attrs = copy.deepcopy([dict(a) for a in attrs])
            if len(attrs) != stack.shape[0]:
                raise ValueError(f"neuron_attributes has {len(attrs)} entries for {stack.shape[0]} units")
        self.neuron_attributes: list[dict] | None = attrs

    @property
    def N(self) -> int:
        """Number of units."""
        return self.event_stack.shape[0]

    def __len__(self) -> int:
        return self.event_stack.shape[2]

    def get_slice_to_slice_unit_corr_from_stack(
        self, MIN_RATE_THRESHOLD: float = 0.1, MIN_FRAC: float = 0.3, max_lag: int | None = 10, *,
        frac_active: np.ndarray | None = None, centered: bool = False,
    ) -> tuple[PairwiseCompMatrixStack, np.ndarray]:
        """(scores (S, S, U), av (U,)); see :func:`spikelab.spikedata.rate_correlations.get_slice_to_slice_unit_corr_from_stack`."""
        from .rate_correlations import get_slice_to_slice_unit_corr_from_stack as corr
        return corr(self, MIN_RATE_THRESHOLD, MIN_FRAC, max_lag, frac_active=frac_active, centered=centered)

    def get_slice_to_slice_time_corr_from_stack(
        self, max_lag: int | None = 0, *, centered: bool = False
    ) -> tuple[PairwiseCompMatrixStack, np.ndarray]:
        """(scores (S, S, T), av (T,)); see :func:`spikelab.spikedata.rate_correlations.get_slice_to_slice_time_corr_from_stack`."""
        from .rate_correlations import get_slice_to_slice_time_corr_from_stack as corr
        return corr(self, max_lag, centered=centered)

    def unit_to_unit_correlation(
        self, max_lag: int | None = 10, *, centered: bool = False
    ) -> tuple[PairwiseCompMatrixStack, PairwiseCompMatrixStack, np.ndarray, np.ndarray]:
        """(corr, lag, av_corr, av_lag) per slice; see :func:`spikelab.spikedata.rate_correlations.unit_to_unit_correlation`."""
        from .rate_correlations import unit_to_unit_correlation
        return unit_to_unit_correlation(self, max_lag, centered=centered)

    def __repr__(self) -> str:
        return f"RateSliceStack(shape={self.event_stack.shape}, step_size={self.step_size} ms)"
