"""`RateData`: firing rates of U units sampled on a common time axis (ms)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import AnalysisError
from ._selection import index_range, unit_indices
from ._topics import topic
from .pairwise import PairwiseCompMatrix

# Analyses and figures are late-bound (see ._topics): not imports, so not part of this
# class's code.
_manifold = topic(".manifold")
_rate_correlations = topic(".rate_correlations")

if TYPE_CHECKING:
    from .rateslicestack import RateSliceStack

__all__ = ["RateData"]


def _checked_times(times: Any) -> np.ndarray:
    times = np.array(times, dtype=np.float64).ravel()
    if not np.all(np.isfinite(times)):
        raise ValueError(
            f"times must be finite ms, got {int(np.sum(~np.isfinite(times)))} NaN/infinite values"
        )
    if np.any(np.diff(times) < 0):
        raise ValueError(
            "times must be non-decreasing: sort them (with the matching columns of the rates)"
        )
    return times


class RateData:
    """Instantaneous firing rates, one row per unit.

    Parameters
    ----------
    inst_Frate_data : array-like, shape (U, T)
        Rates (Hz unless ``rate_unit`` says otherwise), one row per unit.
    times : array-like, shape (T,)
        Sample times in ms: finite and non-decreasing (may be negative for event-aligned
        windows).
    neuron_attributes : list of dict, optional
        One dict per unit.
    rate_unit : str, optional
        Unit of the rates, e.g. ``"Hz"``; kept through save/load.

    Raises
    ------
    ValueError
        Shapes that do not match, NaN/infinite or decreasing ``times``.
    """

    def __init__(
        self,
        inst_Frate_data: np.ndarray,
        times: np.ndarray,
        neuron_attributes: Sequence[dict] | None = None,
        rate_unit: str | None = None,
    ) -> None:
        data = np.array(inst_Frate_data, dtype=np.float64)
        if data.ndim == 1:
            data = data[None, :]
        times = _checked_times(times)
        if data.ndim != 2:
            raise ValueError(f"inst_Frate_data must be 2-D (units x time), got {data.shape}")
        if data.shape[1] != times.shape[0]:
            raise ValueError(
                f"inst_Frate_data has {data.shape[1]} time points but times has {times.shape[0]}"
            )
        if neuron_attributes is not None:
            neuron_attributes = [dict(a) for a in neuron_attributes]
            if len(neuron_attributes) != data.shape[0]:
                raise ValueError(
                    f"neuron_attributes has {len(neuron_attributes)} entries but there are "
                    f"{data.shape[0]} units"
                )
        self.inst_Frate_data: np.ndarray = data
        self.times: np.ndarray = times
        self.neuron_attributes: list[dict] | None = neuron_attributes
        self.rate_unit: str | None = rate_unit

    @property
    def N(self) -> int:
        """Number of units."""
        return self.inst_Frate_data.shape[0]

    def _with(
        self, data: np.ndarray, times: np.ndarray, units: Sequence[int] | None = None
    ) -> RateData:
        """A RateData of parts taken from this one (already checked): arrays are copied only
        while they still share memory with this one (a selection of units is a copy already,
        and copying 100s of MB twice made ``subset`` slower than 0.1.2's)."""
        attrs = self.neuron_attributes
        if attrs is not None and units is not None:
            attrs = [attrs[i] for i in units]
        out = type(self).__new__(type(self))
        out.inst_Frate_data = (
            data.copy() if np.may_share_memory(data, self.inst_Frate_data) else data
        )
        out.times = times.copy() if np.may_share_memory(times, self.times) else times
        out.neuron_attributes = copy.deepcopy(attrs)
        out.rate_unit = self.rate_unit
        return out

    def subset(self, units: Any, by: str | None = None, preserve_order: bool = False) -> RateData:
        """Keep some units: sorted, de-duplicated indices (given order with ``preserve_order``),
        or every unit whose attribute ``by`` equals one of ``units``.

        Examples
        --------
        >>> rd = RateData([[1.0, 2.0], [3.0, 4.0]], [0.0, 1.0], [{"id": "a"}, {"id": "b"}])
        >>> rd.subset([1, 0]).inst_Frate_data[:, 0].tolist(), rd.subset("b", by="id").N
        ([1.0, 3.0], 1)
        """
        idx = unit_indices(units, self.N, by=by, attributes=self.neuron_attributes,
                           preserve_order=preserve_order)
        return self._with(self.inst_Frate_data[idx], self.times, idx)

    def subtime(self, start: float | None, end: float | None) -> RateData:
        """Samples with ``start <= t < end`` (ms, literal times), times unchanged.

        ``None`` (or ``...``) leaves that side open. Raises ValueError when ``start >= end``,
        a bound is NaN, or no sample falls inside.

        Examples
        --------
        >>> RateData([[1.0, 2.0, 3.0]], [0.0, 1.0, 2.0]).subtime(None, 2).times.tolist()
        [0.0, 1.0]
        """
        lo = -np.inf if start is None or start is Ellipsis else float(start)
        hi = np.inf if end is None or end is Ellipsis else float(end)
        if np.isnan(lo) or np.isnan(hi) or not lo < hi:
            raise AnalysisError(f"subtime needs start < end (ms), got start={start}, end={end}")
        first, stop = np.searchsorted(self.times, [lo, hi], side="left")  # times are sorted
        if stop <= first:
            span = f"[{self.times[0]}, {self.times[-1]}]" if self.times.size else "empty"
            raise AnalysisError(f"no sample in [{start}, {end}) ms; the samples span {span} ms")
        return self._with(self.inst_Frate_data[:, first:stop], self.times[first:stop])

    def subtime_by_index(self, start_idx: int, end_idx: int) -> RateData:
        """Samples ``start_idx`` to ``end_idx`` (exclusive), negative counted from the end.

        Examples
        --------
        >>> RateData([[1.0, 2.0, 3.0]], [0.0, 1.0, 2.0]).subtime_by_index(1, -1).times.tolist()
        [1.0]
        """
        lo, hi = index_range(start_idx, end_idx, self.times.size)
        return self._with(self.inst_Frate_data[:, lo:hi], self.times[lo:hi])

    def frames(self, length: float, overlap: float = 0) -> RateSliceStack:
        """Cut into windows of ``length`` ms overlapping by ``overlap`` ms
        (``0 <= overlap < length``).

        Windows start at the first sample; those past the last sample plus one step are left
        out. Returns a :class:`~spikelab.RateSliceStack` (``step_size`` = the sample spacing).

        Examples
        --------
        >>> rd = RateData([[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]], [0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
        >>> rd.frames(4, overlap=2).times
        [(0.0, 4.0), (2.0, 6.0)]
        """
        from .rate_windows import cut_windows, frame_windows, sample_step
        from .rateslicestack import RateSliceStack

        windows = frame_windows(self.times, length, overlap)
        return RateSliceStack(
            event_matrix=cut_windows(self, windows),
            times_start_to_end=windows.tolist(),
            step_size=sample_step(self.times),
            neuron_attributes=self.neuron_attributes,
        )

    def get_manifold(self, method: str = "PCA", n_components: int = 2, **kwargs: Any) -> tuple:
        """Embed the time points (features: units) with PCA or UMAP.

        PCA: ``(embedding (T, k), explained_variance_ratio (k,), components (k, U))``; UMAP
        (``ml`` extra): ``(embedding, trustworthiness)``, or ``(embedding, labels,
        trustworthiness)`` with ``use_graph_communities=True, return_labels=True``. See
        :func:`spikelab.spikedata.manifold.embed`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import RateData
        >>> rd = RateData(np.array([[0.0, 1, 2, 1, 0], [1.0, 2, 1, 0, 0]]), np.arange(5.0))
        >>> embedding, explained, components = rd.get_manifold("PCA", n_components=1)
        >>> embedding.shape, explained.round(3)
        ((5, 1), array([0.643]))
        """
        embed = _manifold.embed
        return embed(self.inst_Frate_data.T, method, n_components, **kwargs)

    def get_pairwise_fr_corr(
        self, max_lag: int | None = 10, *, centered: bool = False
    ) -> tuple[PairwiseCompMatrix, PairwiseCompMatrix]:
        """(corr, lag) PairwiseCompMatrix of all unit pairs.

        See :func:`spikelab.spikedata.rate_correlations.get_pairwise_fr_corr`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import RateData
        >>> rd = RateData(np.array([[0.0, 1, 2, 1, 0], [1.0, 2, 1, 0, 0]]), np.arange(5.0))
        >>> corr, lag = rd.get_pairwise_fr_corr(max_lag=1)
        >>> corr.matrix.round(3)
        array([[1., 1.],
               [1., 1.]])
        >>> lag.matrix
        array([[ 0.,  1.],
               [-1.,  0.]])
        """
        get_pairwise_fr_corr = _rate_correlations.get_pairwise_fr_corr
        return get_pairwise_fr_corr(self, max_lag, centered=centered)

    def __repr__(self) -> str:
        return f"RateData(shape={self.inst_Frate_data.shape}, rate_unit={self.rate_unit!r})"
