"""`SpikeSliceStack`: the same units' spike trains cut into S time windows (slices).

The class holds the slices and forwards analyses to topic modules: ``slice_timing`` (firing
order), ``slice_response`` (evoked responses), ``similarity``, ``decoding``,
``spike_comparisons`` and ``alignment``.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..errors import AnalysisError, AnalysisTypeError
from ._selection import index_range, slice_indices, unit_indices
from ._topics import topic
from ._windows import check_inside, windows_from_args
from .pairwise import PairwiseCompMatrix, PairwiseCompMatrixStack
from .spikedata import SpikeData

# Analyses and figures are late-bound (see ._topics): not imports, so not part of this
# class's code.
_alignment = topic(".alignment")
_decoding = topic(".decoding")
_matrices = topic("..plotting.matrices")
_similarity = topic(".similarity")
_slice_response = topic(".slice_response")
_slice_timing = topic(".slice_timing")
_spike_comparisons = topic(".spike_comparisons")

__all__ = ["SpikeSliceStack"]


def _like(
    sd: SpikeData, train: list[np.ndarray], attrs: list[dict] | None, **window: float
) -> SpikeData:
    """A slice with ``sd``'s window (or ``window``) and metadata, holding ``train``."""
    return SpikeData(train, length=window.get("length", sd.length),
                     start_time=window.get("start_time", sd.start_time),
                     neuron_attributes=attrs, metadata=copy.deepcopy(sd.metadata))


class SpikeSliceStack:
    """S slices of one recording, each a :class:`SpikeData` over its own window.

    Build it from a recording and either explicit windows or event peaks:

    - ``times_start_to_end=[(a, b), ...]``: slice k holds the spikes in ``[a, b)`` shifted
      so that ``a`` is 0 (``start_time=0``, ``length=b-a``). Windows must all have the same
      positive duration; given out of order, they are sorted (with a warning).
    - ``time_peaks=[p, ...], time_bounds=(pre, post)``: slices sorted by peak; slice k holds
      the spikes in ``[p-pre, p+post)`` relative to ``p`` (``start_time=-pre``,
      ``length=pre+post`` exactly).

    or directly from ``spike_stack=[SpikeData, ...]`` (all with the same ``start_time`` and
    unit count; ``times_start_to_end`` defaults to consecutive windows ``(0, L0), (L0,
    L0+L1), ...``). All times in ms. A stack has at least one slice (see :meth:`empty`).

    Parameters
    ----------
    neuron_attributes : list of dict, optional
        One per unit; default those of ``data_obj`` (with ``spike_stack``: of the first
        slice when ``drop_slice_attributes``, else none).
    drop_slice_attributes : bool
        True (default): the slices carry no ``neuron_attributes`` (the stack holds the one
        copy); False: each slice keeps its own.

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
        drop_slice_attributes: bool = True,
    ) -> None:
        if spike_stack is not None:
            if data_obj is not None:
                warnings.warn(
                    "both data_obj and spike_stack given: using spike_stack",
                    UserWarning,
                    stacklevel=2,
                )
            slices, times = self._checked_slices(list(spike_stack), times_start_to_end)
            if neuron_attributes is None and drop_slice_attributes:
                neuron_attributes = slices[0].neuron_attributes  # moved, not lost
        else:
            if not isinstance(data_obj, SpikeData):
                raise AnalysisTypeError(
                    f"SpikeSliceStack needs data_obj (a SpikeData) or spike_stack, "
                    f"got {type(data_obj).__name__}"
                )
            if neuron_attributes is None:
                neuron_attributes = data_obj.neuron_attributes
            source = data_obj
            if drop_slice_attributes and data_obj.neuron_attributes is not None:
                # the stack holds the attributes once: slices cut without copying them
                source = copy.copy(data_obj)
                source.neuron_attributes = None
            slices, times = self._cut(source, times_start_to_end, time_peaks, time_bounds)
        if drop_slice_attributes:
            slices = [s if s.neuron_attributes is None else copy.copy(s) for s in slices]
            for s in slices:  # shallow copies: the caller's SpikeData keep their attributes
                s.neuron_attributes = None
        self._set(slices, times, neuron_attributes, slices[0].N)

    @staticmethod
    def _cut(sd: SpikeData, times_start_to_end, time_peaks, time_bounds):
        windows, peaks = windows_from_args(times_start_to_end, time_peaks, time_bounds)
        check_inside(windows, sd.start_time, sd.length)
        if peaks is None:
            slices = [sd.subtime(a, b) for a, b in windows]
        else:
            pre, post = float(time_bounds[0]), float(time_bounds[1])
            slices = [sd.subtime(p - pre, p + post, shift_to=p) for p in peaks]
            for s in slices:  # exact duration, whatever the float error of (p+post)-(p-pre)
                s.length = pre + post
        return slices, [tuple(w) for w in windows.tolist()]

    @staticmethod
    def _checked_slices(slices: list[SpikeData], times) -> tuple[list[SpikeData], list]:
        if not slices:
            raise AnalysisError("spike_stack is empty: a stack needs at least one slice")
        counts = sorted({s.N for s in slices})
        if len(counts) > 1:
            raise AnalysisError(f"all slices must have the same number of units, got {counts}")
        starts = sorted({s.start_time for s in slices})
        if len(starts) > 1:
            raise AnalysisError(
                f"all slices must share one start_time (0-based or the same pre-event "
                f"window), got {starts} ms"
            )
        if times is None:
            ends = np.cumsum([s.length for s in slices])
            times = list(
                zip(np.concatenate([[0.0], ends[:-1]]).tolist(), ends.tolist(), strict=True)
            )
        return slices, times

    def _set(self, slices: list[SpikeData], times: Sequence[tuple[float, float]],
             neuron_attributes: Sequence[dict] | None, n_units: int) -> None:
        self.spike_stack: list[SpikeData] = slices
        self.N: int = int(n_units)
        self.times: list[tuple[float, float]] = [(float(a), float(b)) for a, b in times]
        if len(self.times) != len(slices):
            raise AnalysisError(f"{len(self.times)} times for {len(slices)} slices")
        attrs = None
        if neuron_attributes is not None:
            attrs = copy.deepcopy([dict(a) for a in neuron_attributes])
            if len(attrs) != self.N:
                raise AnalysisError(
                    f"neuron_attributes has {len(attrs)} entries for {self.N} units"
                )
        self.neuron_attributes: list[dict] | None = attrs

    @classmethod
    def _assemble(cls, slices: list[SpikeData], times: Sequence[tuple[float, float]],
                  neuron_attributes: Sequence[dict] | None, n_units: int) -> SpikeSliceStack:
        """A stack from parts already checked (selections of a stack, stored stacks, empty)."""
        stack = cls.__new__(cls)
        stack._set(slices, times, neuron_attributes, n_units)
        return stack

    @classmethod
    def empty(
        cls, n_units: int, neuron_attributes: Sequence[dict] | None = None
    ) -> SpikeSliceStack:
        """A stack of ``n_units`` units and no slice (e.g. a recording where no event fits a
        window).

        Examples
        --------
        >>> SpikeSliceStack.empty(4)
        SpikeSliceStack(N=4, slices=0)
        """
        return cls._assemble([], [], neuron_attributes, n_units)

    # ----------------------------------------------------------------- selections
    def subset(
        self, units: Any, by: str | None = None, preserve_order: bool = False
    ) -> SpikeSliceStack:
        """Keep some units in every slice: indices sorted and de-duplicated (given order with
        ``preserve_order``), or every unit whose attribute ``by`` equals one of ``units``.

        Examples
        --------
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> sd = SpikeData([[1.0, 2.0, 6.0, 7.5], [3.0, 8.0], [4.0, 9.0]], length=10.0)
        >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
        >>> stack.subset([0, 2]).spike_stack[0].train
        [array([1., 2.]), array([4.])]
        """
        idx = unit_indices(
            units, self.N, by=by, attributes=self.neuron_attributes, preserve_order=preserve_order
        )
        slices = [
            _like(
                s,
                [s.train[i].copy() for i in idx],
                None if s.neuron_attributes is None else [s.neuron_attributes[i] for i in idx],
            )
            for s in self.spike_stack
        ]
        attrs = None if self.neuron_attributes is None else [self.neuron_attributes[i] for i in idx]
        return self._assemble(slices, self.times, attrs, len(idx))

    def subslice(self, slices: Any) -> SpikeSliceStack:
        """The slices at ``slices`` (an index, indices, or a boolean mask), in the order given,
        duplicates dropped, negative indices counted from the end.

        Examples
        --------
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> sd = SpikeData([[1.0, 2.0, 6.0, 7.5], [3.0, 8.0], [4.0, 9.0]], length=10.0)
        >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
        >>> stack.subslice([1]).times
        [(5.0, 10.0)]
        """
        idx = slice_indices(slices, len(self.spike_stack))
        return self._assemble([self.spike_stack[i] for i in idx], [self.times[i] for i in idx],
                              self.neuron_attributes, self.N)

    def subtime_by_index(self, start_idx: int, end_idx: int) -> SpikeSliceStack:
        """Trim every slice to ``[start_idx, end_idx)`` ms from its start (negative: from its end).

        Slices must last a whole number of ms. Spike times keep their axis (an event-centred
        slice stays centred on its event); ``times`` become the new absolute windows.

        Examples
        --------
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> sd = SpikeData([[1.0, 2.0, 6.0, 7.5], [3.0, 8.0], [4.0, 9.0]], length=10.0)
        >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
        >>> stack.subtime_by_index(1, 4).spike_stack[0].train
        [array([1., 2.]), array([3.]), array([], dtype=float64)]
        """
        if not self.spike_stack:
            raise AnalysisError("the stack has no slice to trim")
        duration = self.times[0][1] - self.times[0][0]
        n_ms = int(round(duration))
        if abs(duration - n_ms) > 1e-9 * max(1.0, duration):
            raise AnalysisError(
                f"slices last {duration} ms, not a whole number of ms (1 index = 1 ms): "
                "use SpikeData.subtime with explicit ms bounds"
            )
        lo, hi = index_range(start_idx, end_idx, n_ms, "ms")
        slices = []
        for s in self.spike_stack:
            piece = s.subtime(s.start_time + lo, s.start_time + hi, shift_to=0.0)
            piece.length = float(hi - lo)  # exact, whatever the float error of the bounds
            slices.append(piece)
        times = [(a + lo, a + hi) for a, _ in self.times]
        return self._assemble(slices, times, self.neuron_attributes, self.N)

    def apply(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> np.ndarray:
        """``func(slice, *args, **kwargs)`` for every slice, stacked: shape ``(S, ...)``.

        Examples
        --------
        >>> sd = SpikeData([[1.0, 2.0, 7.0]], length=10)
        >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
        >>> stack.apply(lambda s: s.rates("Hz")).tolist()
        [[400.0], [200.0]]
        """
        return np.stack([np.asarray(func(s, *args, **kwargs)) for s in self.spike_stack])

    # ----------------------------------------------------------------- analyses (thin forwards)
    def to_raster_array(self, bin_size: float = 1.0, absolute_times: bool = False) -> np.ndarray:
        """Spike counts (N, T, S); see :func:`spikelab.spikedata.alignment.to_raster_array`.

        Examples
        --------
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> sd = SpikeData([[1.0, 2.0, 6.0, 7.5], [3.0, 8.0], [4.0, 9.0]], length=10.0)
        >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
        >>> stack.to_raster_array(bin_size=2.5)[:, :, 0]
        array([[2, 0],
               [0, 1],
               [0, 1]])
        """
        to_raster_array = _alignment.to_raster_array
        return to_raster_array(self, bin_size, absolute_times)

    def unit_to_unit_comparison(
        self, metric: str = "ccg", delt: float = 20.0, bin_size: float = 1.0, max_lag: float = 350
    ) -> tuple[
        PairwiseCompMatrixStack, PairwiseCompMatrixStack | None, np.ndarray, np.ndarray | None
    ]:
        """(corr, lag, av_corr, av_lag) over unit pairs per slice.

        See :func:`spikelab.spikedata.spike_comparisons.unit_to_unit_comparison`.

        Examples
        --------
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> sd = SpikeData([[1.0, 2.0, 6.0, 7.5], [3.0, 8.0], [4.0, 9.0]], length=10.0)
        >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
        >>> corr, lag, av_corr, av_lag = stack.unit_to_unit_comparison("sttc", delt=1.0)
        >>> corr.stack[:, :, 0].round(3)
        array([[ 1.   ,  0.562, -0.5  ],
               [ 0.562,  1.   ,  1.   ],
               [-0.5  ,  1.   ,  1.   ]])
        """
        unit_to_unit_comparison = _spike_comparisons.unit_to_unit_comparison
        return unit_to_unit_comparison(self, metric, delt, bin_size, max_lag)

    def get_slice_to_slice_unit_comparison(
        self,
        metric: str = "ccg",
        delt: float = 20.0,
        bin_size: float = 1.0,
        max_lag: float = 350,
        min_spikes: int = 2,
        min_frac: float = 0.3,
        frac_active: np.ndarray | None = None,
    ) -> tuple[
        PairwiseCompMatrixStack, PairwiseCompMatrixStack | None, np.ndarray, np.ndarray | None
    ]:
        """(corr, lag, av_corr, av_lag) over slice pairs per unit.

        See :func:`spikelab.spikedata.spike_comparisons.get_slice_to_slice_unit_comparison`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> rng = np.random.default_rng(0)
        >>> sd = SpikeData([np.sort(rng.uniform(0, 400, 40)) for _ in range(3)], length=400.0)
        >>> windows = [(0, 100), (100, 200), (200, 300), (300, 400)]
        >>> stack = SpikeSliceStack(sd, times_start_to_end=windows)
        >>> corr, lag, av_corr, av_lag = stack.get_slice_to_slice_unit_comparison("sttc", delt=5.0)
        >>> corr.shape, av_corr.round(3)
        ((4, 4, 3), array([0.218, 0.273, 0.15 ]))
        """
        compare = _spike_comparisons.get_slice_to_slice_unit_comparison
        return compare(self, metric, delt, bin_size, max_lag, min_spikes, min_frac, frac_active)

    def get_unit_timing_per_slice(self, timing: str = "median", min_spikes: int = 2) -> np.ndarray:
        """(U, S) median/mean/first spike time (ms, slice axis).

        See :func:`spikelab.spikedata.slice_timing.spike_unit_timing`.

        Examples
        --------
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> sd = SpikeData([[1.0, 2.0, 6.0, 7.5], [3.0, 8.0], [4.0, 9.0]], length=10.0)
        >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
        >>> stack.get_unit_timing_per_slice("median", min_spikes=1)
        array([[1.5 , 1.75],
               [3.  , 3.  ],
               [4.  , 4.  ]])
        """
        spike_unit_timing = _slice_timing.spike_unit_timing
        return spike_unit_timing(self, timing, min_spikes)

    def compute_frac_active(self, min_spikes: int = 2) -> np.ndarray:
        """Fraction of slices with at least ``min_spikes`` spikes, per unit.

        See :func:`spikelab.spikedata.slice_timing.spike_frac_active`.

        Examples
        --------
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> sd = SpikeData([[1.0, 2.0, 6.0, 7.5], [3.0, 8.0], [4.0, 9.0]], length=10.0)
        >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
        >>> stack.compute_frac_active(min_spikes=1)
        array([1., 1., 1.])
        """
        spike_frac_active = _slice_timing.spike_frac_active
        return spike_frac_active(self, min_spikes)

    def rank_order_correlation(
        self,
        timing_matrix: np.ndarray | None = None,
        timing: str = "median",
        min_spikes: int = 2,
        min_overlap: int = 3,
        n_shuffles: int = 100,
        min_overlap_frac: float | None = None,
        seed: int | None = 1,
        n_jobs: int | None = -1,
    ) -> tuple[PairwiseCompMatrix, float, PairwiseCompMatrix]:
        """(corr, av_corr, overlap) of firing order between slices.

        See :func:`spikelab.spikedata.slice_timing.rank_order_correlation`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> rng = np.random.default_rng(0)
        >>> sd = SpikeData([np.sort(rng.uniform(0, 400, 40)) for _ in range(3)], length=400.0)
        >>> windows = [(0, 100), (100, 200), (200, 300), (300, 400)]
        >>> stack = SpikeSliceStack(sd, times_start_to_end=windows)
        >>> corr, av_corr, overlap = stack.rank_order_correlation(min_spikes=1, n_shuffles=10,
        ...                                                       n_jobs=1)
        >>> corr.shape
        (4, 4)
        """
        rank_order_correlation = _slice_timing.rank_order_correlation
        if timing_matrix is None:
            timing_matrix = self.get_unit_timing_per_slice(timing, min_spikes)
        return rank_order_correlation(
            timing_matrix, min_overlap, n_shuffles, min_overlap_frac, seed, n_jobs
        )

    def order_units_across_slices(
        self,
        agg_func: str = "median",
        timing: str = "median",
        min_spikes: int = 2,
        min_frac_active: float | None = 0.0,
        frac_active: np.ndarray | None = None,
        timing_matrix: np.ndarray | None = None,
    ) -> tuple:
        """Units sorted by typical timing, split by activity.

        See :func:`spikelab.spikedata.slice_timing.order_units`.

        Returns ``((high, low) stacks, ids, std, typical timing (ms), frac active)``, each a
        (highly active, less active) pair; a group without units gives None for its stack.
        Activity is :meth:`compute_frac_active` ``(min_spikes)`` unless ``frac_active`` is given.

        Examples
        --------
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> sd = SpikeData([[1.0, 2.0, 6.0, 7.5], [3.0, 8.0], [4.0, 9.0]], length=10.0)
        >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
        >>> stacks, ids, std, typical, frac = stack.order_units_across_slices(min_spikes=1)
        >>> ids
        (array([0, 1, 2]), array([], dtype=int64))
        """
        order_units = _slice_timing.order_units
        if timing_matrix is None:
            timing_matrix = self.get_unit_timing_per_slice(timing, min_spikes)
        if min_frac_active and frac_active is None:
            frac_active = self.compute_frac_active(min_spikes)
        groups, spread, typical, frac = order_units(
            timing_matrix, (self.N, len(self)), agg_func, frac_active, min_frac_active, False
        )
        stacks = tuple(self.subset(g, preserve_order=True) if g.size else None for g in groups)
        return stacks, groups, spread, typical, frac

    def baseline_normalized_raster(
        self, bin_size: float, baseline_window_ms: tuple[float, float], *, mode: str = "subtract"
    ) -> np.ndarray:
        """(U, T, S) counts against each slice's baseline.

        See :func:`spikelab.spikedata.slice_response.baseline_normalized_raster`.

        Examples
        --------
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> sd = SpikeData([[1.0, 2.0, 6.0, 7.5], [3.0, 8.0], [4.0, 9.0]], length=10.0)
        >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
        >>> stack.baseline_normalized_raster(1.0, baseline_window_ms=(0, 2))[:, :, 0]
        array([[ 0.5,  0.5, -0.5, -0.5, -0.5],
               [ 0. ,  0. ,  1. ,  0. ,  0. ],
               [ 0. ,  0. ,  0. ,  1. ,  0. ]])
        """
        baseline_normalized_raster = _slice_response.baseline_normalized_raster
        return baseline_normalized_raster(self, bin_size, baseline_window_ms, mode)

    def responsive_units(
        self,
        bin_size: float,
        baseline_window_ms: tuple[float, float],
        *,
        response_window_ms: tuple[float, float] | None = None,
        z_threshold: float = 2.0,
        aggregator: str = "mean",
    ) -> np.ndarray:
        """Boolean (U,) mask of responding units.

        See :func:`spikelab.spikedata.slice_response.responsive_units`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> rng = np.random.default_rng(0)
        >>> sd = SpikeData([np.sort(rng.uniform(0, 400, 40)) for _ in range(3)], length=400.0)
        >>> windows = [(0, 100), (100, 200), (200, 300), (300, 400)]
        >>> stack = SpikeSliceStack(sd, times_start_to_end=windows)
        >>> stack.responsive_units(10.0, baseline_window_ms=(0, 50), response_window_ms=(50, 100))
        array([False, False, False])
        """
        responsive_units = _slice_response.responsive_units
        return responsive_units(
            self, bin_size, baseline_window_ms, response_window_ms, z_threshold, aggregator
        )

    def responsive_units_per_group(
        self,
        group_labels: Sequence[Any],
        bin_size: float,
        baseline_window_ms: tuple[float, float],
        *,
        response_window_ms: tuple[float, float] | None = None,
        z_threshold: float = 2.0,
        aggregator: str = "mean",
    ) -> dict[str, np.ndarray]:
        """Responsive units per slice group.

        See :func:`spikelab.spikedata.slice_response.responsive_units_per_group`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> rng = np.random.default_rng(0)
        >>> sd = SpikeData([np.sort(rng.uniform(0, 400, 40)) for _ in range(3)], length=400.0)
        >>> windows = [(0, 100), (100, 200), (200, 300), (300, 400)]
        >>> stack = SpikeSliceStack(sd, times_start_to_end=windows)
        >>> per_group = stack.responsive_units_per_group([1, 1, 2, 2], 10.0, (0, 50),
        ...                                              response_window_ms=(50, 100))
        >>> sorted(per_group)
        ['groups', 'mask', 'responsive_count']
        """
        responsive_units_per_group = _slice_response.responsive_units_per_group
        return responsive_units_per_group(
            self,
            group_labels,
            bin_size,
            baseline_window_ms,
            response_window_ms,
            z_threshold,
            aggregator,
        )

    def responsiveness_change(
        self,
        group_labels: Sequence[Any],
        early_groups: Any,
        late_groups: Any,
        bin_size: float,
        baseline_window_ms: tuple[float, float],
        *,
        response_window_ms: tuple[float, float] | None = None,
        z_threshold: float = 2.0,
        aggregator: str = "mean",
    ) -> dict[str, Any]:
        """Units gained / lost / preserved between groups.

        See :func:`spikelab.spikedata.slice_response.responsiveness_change`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> rng = np.random.default_rng(0)
        >>> sd = SpikeData([np.sort(rng.uniform(0, 400, 40)) for _ in range(3)], length=400.0)
        >>> windows = [(0, 100), (100, 200), (200, 300), (300, 400)]
        >>> stack = SpikeSliceStack(sd, times_start_to_end=windows)
        >>> change = stack.responsiveness_change([1, 1, 2, 2], [1], [2], 10.0, (0, 50),
        ...                                     response_window_ms=(50, 100))
        >>> change["gained"], change["lost"]
        (array([False, False, False]), array([False, False, False]))
        """
        responsiveness_change = _slice_response.responsiveness_change
        return responsiveness_change(
            self,
            group_labels,
            early_groups,
            late_groups,
            bin_size,
            baseline_window_ms,
            response_window_ms,
            z_threshold,
            aggregator,
        )

    def per_unit_response_regression(
        self,
        bin_size: float,
        response_window_ms: tuple[float, float],
        *,
        x_values: Sequence[float] | None = None,
        baseline_window_ms: tuple[float, float] | None = None,
        min_valid_slices: int = 3,
    ) -> dict[str, np.ndarray]:
        """Per-unit OLS of response amplitude across slices.

        See :func:`spikelab.spikedata.slice_response.per_unit_response_regression`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> rng = np.random.default_rng(0)
        >>> sd = SpikeData([np.sort(rng.uniform(0, 400, 40)) for _ in range(3)], length=400.0)
        >>> windows = [(0, 100), (100, 200), (200, 300), (300, 400)]
        >>> stack = SpikeSliceStack(sd, times_start_to_end=windows)
        >>> fit = stack.per_unit_response_regression(10.0, (0, 50))
        >>> sorted(fit)
        ['amplitudes', 'intercept', 'p_value', 'r_squared', 'slope', 'stderr', 'x_values']
        >>> fit["slope"].round(3)
        array([-0.5, -0.6,  0.3])
        """
        per_unit_response_regression = _slice_response.per_unit_response_regression
        return per_unit_response_regression(
            self, bin_size, response_window_ms, x_values, baseline_window_ms, min_valid_slices
        )

    def slice_to_slice_similarity(
        self, metric: str = "cosine", *, bin_size: float = 1.0
    ) -> PairwiseCompMatrix:
        """(S, S) similarity of the slices' rasters; see :mod:`spikelab.spikedata.similarity`.

        Examples
        --------
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> sd = SpikeData([[1.0, 2.0, 6.0, 7.5], [3.0, 8.0], [4.0, 9.0]], length=10.0)
        >>> stack = SpikeSliceStack(sd, times_start_to_end=[(0, 5), (5, 10)])
        >>> stack.slice_to_slice_similarity(bin_size=1.0).matrix.round(3)
        array([[1.  , 0.75],
               [0.75, 1.  ]])
        """
        similarity_matrix, slice_vectors = _similarity.similarity_matrix, _similarity.slice_vectors
        sim = similarity_matrix(slice_vectors(self.to_raster_array(bin_size)), metric)
        return PairwiseCompMatrix(sim, metadata={"metric": metric})

    def group_pair_similarity(
        self,
        stim_labels: Sequence[Any],
        *,
        metric: str = "cosine",
        bin_size: float = 1.0,
        slice_indices: Sequence[int] | None = None,
    ) -> PairwiseCompMatrix:
        """(K, K) similarity of each label's mean response.

        See :func:`spikelab.spikedata.similarity.group_pair_similarity`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> rng = np.random.default_rng(0)
        >>> sd = SpikeData([np.sort(rng.uniform(0, 400, 40)) for _ in range(3)], length=400.0)
        >>> windows = [(0, 100), (100, 200), (200, 300), (300, 400)]
        >>> stack = SpikeSliceStack(sd, times_start_to_end=windows)
        >>> stack.group_pair_similarity(["a", "b", "a", "b"], bin_size=50.0).matrix.round(3)
        array([[1.   , 0.918],
               [0.918, 1.   ]])
        """
        group_pair_similarity = _similarity.group_pair_similarity
        return group_pair_similarity(self, stim_labels, metric, bin_size, slice_indices)

    def decode_slice_labels(
        self,
        labels: Sequence[Any],
        response_window_ms: tuple[float, float],
        *,
        bin_size: float,
        baseline_window_ms: tuple[float, float] | None = None,
        classifier: str = "ridge",
        cv: str | int = "loo",
        classifier_kwargs: dict | None = None,
        random_state: int | None = None,
    ) -> dict[str, Any]:
        """Cross-validated decoding of slice labels (``ml`` extra).

        See :func:`spikelab.spikedata.decoding.decode_slice_labels`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData, SpikeSliceStack
        >>> rng = np.random.default_rng(0)
        >>> sd = SpikeData([np.sort(rng.uniform(0, 400, 40)) for _ in range(3)], length=400.0)
        >>> windows = [(0, 100), (100, 200), (200, 300), (300, 400)]
        >>> stack = SpikeSliceStack(sd, times_start_to_end=windows)
        >>> result = stack.decode_slice_labels(["a", "b", "a", "b"], (0, 100), bin_size=10.0,
        ...                                  cv=2, random_state=0)
        >>> result["predictions"]
        array(['b', 'a', 'a', 'a'], dtype='<U1')
        """
        decode_slice_labels = _decoding.decode_slice_labels
        return decode_slice_labels(
            self,
            labels,
            response_window_ms,
            bin_size=bin_size,
            baseline_window_ms=baseline_window_ms,
            classifier=classifier,
            cv=cv,
            classifier_kwargs=classifier_kwargs,
            random_state=random_state,
        )

    def plot_aligned_slice_single_unit(
        self,
        unit_idx: int,
        ax=None,
        color_vals: np.ndarray | None = None,
        color_label: str = "",
        cmap: str = "viridis",
        time_offset: float = 0,
        xlabel: str = "Rel. time (ms)",
        ylabel: str = "Burst",
        x_range: tuple[float, float] | None = None,
        vlines: list[dict] | None = None,
        show_colorbar: bool = True,
        marker_size: float = 20,
        font_size: int | None = None,
        style: str = "scatter",
        invert_y: bool = False,
        linewidths: float = 0.5,
    ):
        """One unit's spikes, one row per slice.

        See :func:`spikelab.plotting.matrices.plot_unit_across_slices`.
        """
        plot_unit_across_slices = _matrices.plot_unit_across_slices
        (unit,) = unit_indices([unit_idx], self.N)
        return plot_unit_across_slices(
            [s.train[unit] for s in self.spike_stack],
            ax,
            color_vals,
            color_label,
            cmap,
            time_offset,
            xlabel,
            ylabel,
            x_range,
            vlines,
            show_colorbar,
            marker_size,
            font_size,
            style,
            invert_y,
            linewidths,
        )

    def __len__(self) -> int:
        return len(self.spike_stack)

    def __repr__(self) -> str:
        return f"SpikeSliceStack(N={self.N}, slices={len(self.spike_stack)})"
