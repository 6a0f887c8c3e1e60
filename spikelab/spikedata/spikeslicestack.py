"""`SpikeSliceStack`: the same units' spike trains cut into S time windows (slices)."""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np

from ._windows import check_inside, windows_from_args
from .pairwise import PairwiseCompMatrixStack
from .spikedata import SpikeData

__all__ = ["SpikeSliceStack"]


class SpikeSliceStack:
    """S slices of one recording, each a :class:`SpikeData` over its own window.

    Build it from a recording and either explicit windows or event peaks:

    - ``times_start_to_end=[(a, b), ...]``: slice k holds the spikes in ``[a, b)`` shifted
      so that ``a`` is 0 (``start_time=0``, ``length=b-a``).
    - ``time_peaks=[p, ...], time_bounds=(pre, post)``: slices sorted by peak; slice k holds
      the spikes in ``[p-pre, p+post)`` relative to ``p`` (``start_time=-pre``,
      ``length=pre+post`` exactly).

    or directly from ``spike_stack=[SpikeData, ...]`` (optionally with
    ``times_start_to_end``). All times in ms.

    Attributes
    ----------
    spike_stack : list of SpikeData
    times : list of (start, end)
        Absolute window of each slice (ms).
    N : int
        Number of units.
    neuron_attributes : list of dict or None
    """

    def __init__(
        self,
        data_obj: SpikeData | None = None,
        times_start_to_end: Sequence[tuple[float, float]] | None = None,
        time_peaks: Sequence[float] | None = None,
        time_bounds: tuple[float, float] | None = None,
        spike_stack: Sequence[SpikeData] | None = None,
        neuron_attributes: Sequence[dict] | None = None,
    ) -> None:
        if spike_stack is not None:
            self._init_from_slices(list(spike_stack), times_start_to_end, neuron_attributes)
            return
        if data_obj is None:
            raise ValueError("SpikeSliceStack needs data_obj (a SpikeData) or spike_stack")
        windows, peaks = windows_from_args(times_start_to_end, time_peaks, time_bounds)
        check_inside(windows, data_obj.start_time, data_obj.length)
        if peaks is None:
            slices = [data_obj.subtime(a, b) for a, b in windows]
        else:
            pre = float(time_bounds[0])
            post = float(time_bounds[1])
            slices = [data_obj.subtime(p - pre, p + post, shift_to=p) for p in peaks]
            for s in slices:  # exact duration, whatever the float error of (p+post)-(p-pre)
                s.length = pre + post
        for s in slices:
            s.neuron_attributes = None  # per-unit attributes live once, on the stack
        attrs = neuron_attributes if neuron_attributes is not None else data_obj.neuron_attributes
        self._init_from_slices(slices, [tuple(w) for w in windows.tolist()], attrs)

    def _init_from_slices(
        self,
        slices: list[SpikeData],
        times: Sequence[tuple[float, float]] | None,
        neuron_attributes: Sequence[dict] | None,
    ) -> None:
        n_units = {s.N for s in slices}
        if len(n_units) > 1:
            raise ValueError(f"all slices must have the same number of units, got {sorted(n_units)}")
        self.spike_stack: list[SpikeData] = slices
        self.N: int = n_units.pop() if n_units else 0
        if times is None:
            times = [(s.start_time, s.start_time + s.length) for s in slices]
        self.times: list[tuple[float, float]] = [(float(a), float(b)) for a, b in times]
        if len(self.times) != len(slices):
            raise ValueError(f"{len(self.times)} times for {len(slices)} slices")
        attrs = None
        if neuron_attributes is not None:
            attrs = copy.deepcopy([dict(a) for a in neuron_attributes])
            if len(attrs) != self.N:
                raise ValueError(f"neuron_attributes has {len(attrs)} entries for {self.N} units")
        self.neuron_attributes: list[dict] | None = attrs

    def to_raster_array(self, bin_size: float = 1.0, absolute_times: bool = False) -> np.ndarray:
        """Spike counts (N, T, S); see :func:`spikelab.spikedata.alignment.to_raster_array`."""
        from .alignment import to_raster_array
        return to_raster_array(self, bin_size, absolute_times)

    def unit_to_unit_comparison(
        self, metric: str = "ccg", delt: float = 20.0, bin_size: float = 1.0, max_lag: float = 350
    ) -> tuple[PairwiseCompMatrixStack, PairwiseCompMatrixStack | None, np.ndarray, np.ndarray | None]:
        """(corr, lag, av_corr, av_lag) over unit pairs per slice; see :func:`spikelab.spikedata.spike_comparisons.unit_to_unit_comparison`."""
        from .spike_comparisons import unit_to_unit_comparison
        return unit_to_unit_comparison(self, metric, delt, bin_size, max_lag)

    def get_slice_to_slice_unit_comparison(
        self, metric: str = "ccg", delt: float = 20.0, bin_size: float = 1.0, max_lag: float = 350,
        min_spikes: int = 2, min_frac: float = 0.3, frac_active: np.ndarray | None = None,
    ) -> tuple[PairwiseCompMatrixStack, PairwiseCompMatrixStack | None, np.ndarray, np.ndarray | None]:
        """(corr, lag, av_corr, av_lag) over slice pairs per unit; see :func:`spikelab.spikedata.spike_comparisons.get_slice_to_slice_unit_comparison`."""
        from .spike_comparisons import get_slice_to_slice_unit_comparison as compare
        return compare(self, metric, delt, bin_size, max_lag, min_spikes, min_frac, frac_active)

    def __len__(self) -> int:
        return len(self.spike_stack)

    def __repr__(self) -> str:
        return f"SpikeSliceStack(N={self.N}, slices={len(self.spike_stack)})"
