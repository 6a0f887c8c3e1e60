"""`RateSliceStack`: firing rates of U units in S equal-length windows, shape (U, T, S)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import AnalysisError, AnalysisTypeError
from ._selection import index_range, slice_indices, unit_indices
from ._topics import topic
from ._windows import check_inside, windows_from_args
from .pairwise import PairwiseCompMatrix, PairwiseCompMatrixStack
from .ratedata import RateData
from .spikedata import SpikeData

# Analyses and figures are late-bound (see ._topics): not imports, so not part of this
# class's code.
_alignment = topic(".alignment")
_rate_correlations = topic(".rate_correlations")
_similarity = topic(".similarity")
_slice_timing = topic(".slice_timing")

__all__ = ["RateSliceStack"]


class RateSliceStack:
    """Rates of each unit in S windows of equal duration: ``event_stack[u, t, s]``.

    Build it either

    - from a recording: ``RateSliceStack(sd, time_peaks=..., time_bounds=(pre, post))`` or
      ``times_start_to_end=[(a, b), ...]``; rates are Hz from the smoothed inverse ISI
      (:func:`spikelab.spikedata.rates.resampled_isi`, Gaussian ``sigma_ms``) on a grid of
      ``step_size`` ms (default 1 ms);
    - from sampled rates: ``RateSliceStack(rd, ...)`` with a :class:`RateData` ``rd``: window
      ``[a, b)`` holds the samples with ``a <= t < b`` (``step_size`` is their spacing); or
    - from a ready array: ``RateSliceStack(event_matrix=array (U, T, S))``, optionally with
      ``times_start_to_end`` (default consecutive windows from 0) and ``step_size``.

    Windows must all have the same positive duration; given out of order they are sorted
    (with a warning). A stack has at least one slice (see :meth:`empty`).

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
        data_obj: SpikeData | RateData | None = None,
        times_start_to_end: Sequence[tuple[float, float]] | None = None,
        time_peaks: Sequence[float] | None = None,
        time_bounds: tuple[float, float] | None = None,
        sigma_ms: float = 10,
        event_matrix: np.ndarray | None = None,
        step_size: float | None = None,
        neuron_attributes: Sequence[dict] | None = None,
    ) -> None:
        step = 1.0 if step_size is None else float(step_size)
        if event_matrix is not None:
            stack = np.array(event_matrix, dtype=np.float64)
            if stack.ndim == 3 and stack.shape[2] == 0:
                raise AnalysisError("event_matrix has no slice (S = 0): a stack needs at least one")
            times = times_start_to_end
            attrs = neuron_attributes
        elif isinstance(data_obj, RateData):
            from .rate_windows import cut_windows, sample_step

            windows, _ = windows_from_args(times_start_to_end, time_peaks, time_bounds)
            start, stop = data_obj.times[0], data_obj.times[-1] + sample_step(data_obj.times)
            check_inside(windows, start, stop - start)
            stack, step = cut_windows(data_obj, windows), sample_step(data_obj.times)
            times = [tuple(w) for w in windows.tolist()]
            attrs = (
                neuron_attributes if neuron_attributes is not None else data_obj.neuron_attributes
            )
        elif isinstance(data_obj, SpikeData):
            rate_windows = _alignment.rate_windows

            windows, _ = windows_from_args(times_start_to_end, time_peaks, time_bounds)
            check_inside(windows, data_obj.start_time, data_obj.length)
            stack = rate_windows(data_obj, windows, step, float(sigma_ms))
            times = [tuple(w) for w in windows.tolist()]
            attrs = (
                neuron_attributes if neuron_attributes is not None else data_obj.neuron_attributes
            )
        else:
            raise AnalysisTypeError(
                f"RateSliceStack needs data_obj (a SpikeData or RateData) or event_matrix, "
                f"got {type(data_obj).__name__}"
            )
        self._set(stack, times, step, attrs)

    def _set(self, stack: np.ndarray, times: Sequence[tuple[float, float]] | None, step_size: float,
             neuron_attributes: Sequence[dict] | None) -> None:
        if stack.ndim != 3:
            raise AnalysisError(
                f"event_matrix must be 3-D (units, time, slices), got {stack.shape}"
            )
        if not (np.isfinite(step_size) and step_size > 0):
            raise AnalysisError(f"step_size must be > 0 ms, got {step_size}")
        if times is None:  # consecutive windows from 0, as 0.1.2 numbers a ready array's slices
            width = stack.shape[1] * step_size
            times = [(k * width, (k + 1) * width) for k in range(stack.shape[2])]
        self.event_stack: np.ndarray = stack
        self.step_size: float = float(step_size)
        self.times: list[tuple[float, float]] = [(float(a), float(b)) for a, b in times]
        if len(self.times) != stack.shape[2]:
            raise AnalysisError(f"{len(self.times)} times for {stack.shape[2]} slices")
        attrs = None
        if neuron_attributes is not None:
            attrs = copy.deepcopy([dict(a) for a in neuron_attributes])
            if len(attrs) != stack.shape[0]:
                raise AnalysisError(
                    f"neuron_attributes has {len(attrs)} entries for {stack.shape[0]} units"
                )
        self.neuron_attributes: list[dict] | None = attrs

    @classmethod
    def _assemble(
        cls,
        stack: np.ndarray,
        times: Sequence[tuple[float, float]] | None,
        step_size: float,
        neuron_attributes: Sequence[dict] | None,
    ) -> RateSliceStack:
        """A stack from parts already checked (selections of a stack, stored stacks, empty)."""
        out = cls.__new__(cls)
        out._set(np.asarray(stack, dtype=np.float64), times, float(step_size), neuron_attributes)
        return out

    @classmethod
    def empty(cls, n_units: int, n_samples: int, step_size: float = 1.0,
              neuron_attributes: Sequence[dict] | None = None) -> RateSliceStack:
        """A stack of ``n_units`` x ``n_samples`` and no slice (no event fits a window).

        Examples
        --------
        >>> RateSliceStack.empty(3, 500).event_stack.shape
        (3, 500, 0)
        """
        return cls._assemble(np.zeros((n_units, n_samples, 0)), [], step_size, neuron_attributes)

    @property
    def N(self) -> int:
        """Number of units."""
        return self.event_stack.shape[0]

    def __len__(self) -> int:
        return self.event_stack.shape[2]

    # ----------------------------------------------------------------- selections
    def subset(
        self, units: Any, by: str | None = None, preserve_order: bool = False
    ) -> RateSliceStack:
        """Keep some units: indices sorted and de-duplicated (given order with ``preserve_order``),
        or every unit whose attribute ``by`` equals one of ``units``.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import RateSliceStack
        >>> rng = np.random.default_rng(0)
        >>> rss = RateSliceStack(event_matrix=rng.uniform(0, 5, (3, 20, 4)), step_size=1.0)
        >>> rss.subset([2, 0]).event_stack.shape
        (2, 20, 4)
        """
        idx = unit_indices(
            units, self.N, by=by, attributes=self.neuron_attributes, preserve_order=preserve_order
        )
        attrs = None if self.neuron_attributes is None else [self.neuron_attributes[i] for i in idx]
        return self._assemble(self.event_stack[idx], self.times, self.step_size, attrs)

    def subslice(self, slices: Any) -> RateSliceStack:
        """The slices at ``slices`` (an index, indices, or a boolean mask), in the order given,
        duplicates dropped, negative indices counted from the end.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import RateSliceStack
        >>> rng = np.random.default_rng(0)
        >>> rss = RateSliceStack(event_matrix=rng.uniform(0, 5, (3, 20, 4)), step_size=1.0)
        >>> rss.subslice([3, 0]).event_stack.shape
        (3, 20, 2)
        """
        idx = slice_indices(slices, self.event_stack.shape[2])
        return self._assemble(
            self.event_stack[:, :, idx],
            [self.times[i] for i in idx],
            self.step_size,
            self.neuron_attributes,
        )

    def subtime_by_index(self, start_idx: int, end_idx: int) -> RateSliceStack:
        """Samples ``[start_idx, end_idx)`` of every slice (negative: from the end); ``times``
        become ``start + index * step_size``.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import RateSliceStack
        >>> rng = np.random.default_rng(0)
        >>> rss = RateSliceStack(event_matrix=rng.uniform(0, 5, (3, 20, 4)), step_size=1.0)
        >>> rss.subtime_by_index(5, -5).event_stack.shape
        (3, 10, 4)
        """
        lo, hi = index_range(start_idx, end_idx, self.event_stack.shape[1])
        times = [(a + lo * self.step_size, a + hi * self.step_size) for a, _ in self.times]
        return self._assemble(
            self.event_stack[:, lo:hi, :], times, self.step_size, self.neuron_attributes
        )

    def convert_to_list_of_RateData(self) -> list[RateData]:
        """One :class:`RateData` per slice, sampled at ``start + k * step_size`` ms.

        Examples
        --------
        >>> rss = RateSliceStack(event_matrix=np.ones((2, 3, 2)), step_size=5.0)
        >>> [rd.times.tolist() for rd in rss.convert_to_list_of_RateData()]
        [[0.0, 5.0, 10.0], [15.0, 20.0, 25.0]]
        """
        steps = np.arange(self.event_stack.shape[1]) * self.step_size
        return [
            RateData(self.event_stack[:, :, s], a + steps, copy.deepcopy(self.neuron_attributes))
            for s, (a, _) in enumerate(self.times)
        ]

    # ----------------------------------------------------------------- analyses (thin forwards)
    def get_slice_to_slice_unit_corr_from_stack(
        self, MIN_RATE_THRESHOLD: float = 0.1, MIN_FRAC: float = 0.3, max_lag: int | None = 10, *,
        frac_active: np.ndarray | None = None, centered: bool = False,
    ) -> tuple[PairwiseCompMatrixStack, np.ndarray]:
        """(scores (S, S, U), av (U,)).

        See :func:`spikelab.spikedata.rate_correlations.get_slice_to_slice_unit_corr_from_stack`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import RateSliceStack
        >>> rng = np.random.default_rng(0)
        >>> rss = RateSliceStack(event_matrix=rng.uniform(0, 5, (3, 20, 4)), step_size=1.0)
        >>> scores, av = rss.get_slice_to_slice_unit_corr_from_stack(max_lag=2)
        >>> scores.shape, av.round(3)
        ((4, 4, 3), array([0.782, 0.75 , 0.775]))
        """
        corr = _rate_correlations.get_slice_to_slice_unit_corr_from_stack
        return corr(
            self, MIN_RATE_THRESHOLD, MIN_FRAC, max_lag, frac_active=frac_active, centered=centered
        )

    def get_slice_to_slice_time_corr_from_stack(
        self, max_lag: int | None = 0, *, centered: bool = False
    ) -> tuple[PairwiseCompMatrixStack, np.ndarray]:
        """(scores (S, S, T), av (T,)).

        See :func:`spikelab.spikedata.rate_correlations.get_slice_to_slice_time_corr_from_stack`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import RateSliceStack
        >>> rng = np.random.default_rng(0)
        >>> rss = RateSliceStack(event_matrix=rng.uniform(0, 5, (3, 20, 4)), step_size=1.0)
        >>> scores, av = rss.get_slice_to_slice_time_corr_from_stack()
        >>> scores.shape, av.shape
        ((4, 4, 20), (20,))
        """
        corr = _rate_correlations.get_slice_to_slice_time_corr_from_stack
        return corr(self, max_lag, centered=centered)

    def unit_to_unit_correlation(
        self, max_lag: int | None = 10, *, centered: bool = False
    ) -> tuple[PairwiseCompMatrixStack, PairwiseCompMatrixStack, np.ndarray, np.ndarray]:
        """(corr, lag, av_corr, av_lag) per slice.

        See :func:`spikelab.spikedata.rate_correlations.unit_to_unit_correlation`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import RateSliceStack
        >>> rng = np.random.default_rng(0)
        >>> rss = RateSliceStack(event_matrix=rng.uniform(0, 5, (3, 20, 4)), step_size=1.0)
        >>> corr, lag, av_corr, av_lag = rss.unit_to_unit_correlation(max_lag=2)
        >>> corr.shape, av_corr.round(3)
        ((3, 3, 4), array([0.772, 0.802, 0.823, 0.773]))
        """
        unit_to_unit_correlation = _rate_correlations.unit_to_unit_correlation
        return unit_to_unit_correlation(self, max_lag, centered=centered)

    def get_unit_timing_per_slice(self, MIN_RATE_THRESHOLD: float = 0.1) -> np.ndarray:
        """(U, S) sample index of each peak rate, NaN below the threshold.

        See :func:`spikelab.spikedata.slice_timing.rate_unit_timing`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import RateSliceStack
        >>> rng = np.random.default_rng(0)
        >>> rss = RateSliceStack(event_matrix=rng.uniform(0, 5, (3, 20, 4)), step_size=1.0)
        >>> rss.get_unit_timing_per_slice()
        array([[13., 19.,  6.,  6.],
               [19.,  4.,  3.,  2.],
               [15.,  4.,  8.,  2.]])
        """
        rate_unit_timing = _slice_timing.rate_unit_timing
        return rate_unit_timing(self.event_stack, MIN_RATE_THRESHOLD)

    def rank_order_correlation(
        self,
        timing_matrix: np.ndarray | None = None,
        MIN_RATE_THRESHOLD: float = 0.1,
        min_overlap: int = 3,
        min_overlap_frac: float | None = None,
        n_shuffles: int = 100,
        seed: int | None = 1,
        n_jobs: int | None = -1,
    ) -> tuple[PairwiseCompMatrix, float, PairwiseCompMatrix]:
        """(corr, av_corr, overlap) of peak order between slices.

        See :func:`spikelab.spikedata.slice_timing.rank_order_correlation`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import RateSliceStack
        >>> rng = np.random.default_rng(0)
        >>> rss = RateSliceStack(event_matrix=rng.uniform(0, 5, (3, 20, 4)), step_size=1.0)
        >>> corr, av_corr, overlap = rss.rank_order_correlation(min_overlap=3, n_shuffles=10,
        ...                                                     n_jobs=1)
        >>> corr.shape, overlap.matrix[0, 1]
        ((4, 4), np.float64(1.0))
        """
        rank_order_correlation = _slice_timing.rank_order_correlation
        if timing_matrix is None:
            timing_matrix = self.get_unit_timing_per_slice(MIN_RATE_THRESHOLD)
        return rank_order_correlation(
            timing_matrix, min_overlap, n_shuffles, min_overlap_frac, seed, n_jobs
        )

    def order_units_across_slices(
        self,
        agg_func: str,
        MIN_RATE_THRESHOLD: float = 0.1,
        MIN_FRAC_ACTIVE: float = 0.0,
        frac_active: np.ndarray | None = None,
        timing_matrix: np.ndarray | None = None,
    ) -> tuple:
        """Units sorted by typical peak time, split by activity.

        See :func:`spikelab.spikedata.slice_timing.order_units`.

        Returns ``(event stacks, ids, std, typical peak sample, frac active)``, each a
        (highly active, less active) pair. Activity is the fraction of slices with a defined
        timing unless ``frac_active`` is given.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import RateSliceStack
        >>> rng = np.random.default_rng(0)
        >>> rss = RateSliceStack(event_matrix=rng.uniform(0, 5, (3, 20, 4)), step_size=1.0)
        >>> stacks, ids, std, typical, frac = rss.order_units_across_slices("median")
        >>> ids
        (array([1, 2, 0]), array([], dtype=int64))
        """
        order_units = _slice_timing.order_units
        if timing_matrix is None:
            timing_matrix = self.get_unit_timing_per_slice(MIN_RATE_THRESHOLD)
        if frac_active is None:
            frac_active = np.isfinite(np.asarray(timing_matrix, dtype=np.float64)).mean(axis=1)
        groups, spread, typical, frac = order_units(
            timing_matrix, (self.N, len(self)), agg_func, frac_active, MIN_FRAC_ACTIVE, True
        )
        stacks = tuple(self.event_stack[g] for g in groups)
        return stacks, groups, spread, typical, frac

    def slice_to_slice_similarity(self, metric: str = "cosine") -> PairwiseCompMatrix:
        """(S, S) similarity of the slices' rates; see :mod:`spikelab.spikedata.similarity`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import RateSliceStack
        >>> rng = np.random.default_rng(0)
        >>> rss = RateSliceStack(event_matrix=rng.uniform(0, 5, (3, 20, 4)), step_size=1.0)
        >>> rss.slice_to_slice_similarity().matrix.round(3)
        array([[1.   , 0.683, 0.747, 0.697],
               [0.683, 1.   , 0.762, 0.775],
               [0.747, 0.762, 1.   , 0.763],
               [0.697, 0.775, 0.763, 1.   ]])
        """
        similarity_matrix, slice_vectors = _similarity.similarity_matrix, _similarity.slice_vectors
        return PairwiseCompMatrix(similarity_matrix(slice_vectors(self.event_stack), metric),
                                  metadata={"metric": metric})

    def __repr__(self) -> str:
        return f"RateSliceStack(shape={self.event_stack.shape}, step_size={self.step_size} ms)"
