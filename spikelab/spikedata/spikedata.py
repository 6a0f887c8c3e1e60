"""`SpikeData`: a set of spike trains on a common time axis (ms), with its invariants.

The class holds data and checks it; analyses live as functions in the topic modules
(:mod:`spikelab.spikedata.rates`, ``bursts``, ``sttc``, ``correlation``, ``alignment``)
and the methods here only forward to them.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._topics import topic

# Analyses are late-bound (see ._topics): not imports, so not part of this class's code.
_alignment = topic(".alignment")
_bursts = topic(".bursts")
_rates = topic(".rates")
_sttc = topic(".sttc")

if TYPE_CHECKING:
    from scipy import sparse

    from .pairwise import PairwiseCompMatrix
    from .ratedata import RateData
    from .rateslicestack import RateSliceStack
    from .spikeslicestack import SpikeSliceStack

__all__ = ["SpikeData"]


def _as_train(values: Any, unit: int) -> np.ndarray:
    """Copy one unit's spike times into a sorted float64 array, rejecting NaN/inf."""
    arr = np.array(values, dtype=np.float64).ravel()
    if arr.size and not np.all(np.isfinite(arr)):
        bad = "NaN" if np.isnan(arr).any() else "infinite"
        raise ValueError(f"spike times for unit {unit} contain {bad} values")
    arr.sort(kind="stable")
    return arr


class SpikeData:
    """Spike trains of ``N`` units recorded over ``[start_time, start_time + length]`` (ms).

    Parameters
    ----------
    train : sequence of array-like
        One array of spike times (ms) per unit. Each is copied and sorted.
    N : int, optional
        Number of units; larger than ``len(train)`` pads with empty units.
    length : float, optional
        Recording duration in ms. ``None`` means last spike minus ``start_time`` (0 when
        there are no spikes).
    start_time : float
        Time (ms) at which the recording starts. Default 0.
    neuron_attributes : list of dict, optional
        One dict per unit (e.g. ``{"unit_id": 3, "x": 17.5}``).
    metadata : dict, optional
        Free-form recording metadata (JSON-like values and arrays).
    raw_data, raw_time : ndarray, optional
        Raw signal (channels x samples) and its time axis in ms; both or neither.

    Raises
    ------
    ValueError
        For NaN/inf spike times, a negative or NaN length, a spike outside the recording
        window, ``neuron_attributes`` of the wrong length, or only one of
        ``raw_data``/``raw_time``.
    """

    def __init__(
        self,
        train: Iterable[Any],
        *,
        N: int | None = None,
        length: float | None = None,
        start_time: float = 0.0,
        neuron_attributes: Sequence[dict] | None = None,
        metadata: dict | None = None,
        raw_data: np.ndarray | None = None,
        raw_time: np.ndarray | float | None = None,
    ) -> None:
        trains = [_as_train(t, i) for i, t in enumerate(train)]
        if N is not None:
            if N < len(trains):
                raise ValueError(f"N={N} is smaller than the number of trains ({len(trains)})")
            trains += [np.empty(0, dtype=np.float64) for _ in range(N - len(trains))]
        start_time = float(start_time)
        if not math.isfinite(start_time):
            raise ValueError(f"start_time must be finite, got {start_time}")
        if length is None:
            last = max((t[-1] for t in trains if t.size), default=start_time)
            length = float(last) - start_time
        length = float(length)
        if math.isnan(length) or length < 0:
            raise ValueError(f"length must be a non-negative number of ms, got {length}")
        self.train: list[np.ndarray] = trains
        self.N: int = len(trains)
        self.length: float = length
        self.start_time: float = start_time
        self._check_window()
        self.neuron_attributes: list[dict] | None = self._checked_attributes(neuron_attributes)
        self.metadata: dict = dict(metadata) if metadata else {}
        self.raw_data, self.raw_time = self._checked_raw(raw_data, raw_time)

    # ----------------------------------------------------------------- invariants
    def _check_window(self) -> None:
        lo, hi = self.start_time, self.start_time + self.length
        # A few ulps of slack: times shifted into a window ((t - e) vs (start - e) + length)
        # may round past its edge although they lie inside it.
        slack = 4 * np.finfo(np.float64).eps * max(1.0, abs(lo), abs(hi))
        lo, hi = lo - slack, hi + slack
        for unit, t in enumerate(self.train):
            if t.size and (t[0] < lo or t[-1] > hi):
                bad = t[0] if t[0] < lo else t[-1]
                raise ValueError(
                    f"unit {unit} has a spike at {bad} ms outside the recording window "
                    f"[{self.start_time}, {self.start_time + self.length}] ms"
                )

    def _checked_attributes(self, attrs: Sequence[dict] | None) -> list[dict] | None:
        if attrs is None:
            return None
        attrs = [dict(a) for a in attrs]
        if len(attrs) != self.N:
            raise ValueError(
                f"neuron_attributes has {len(attrs)} entries but there are {self.N} units"
            )
        return attrs

    @staticmethod
    def _checked_raw(raw_data: Any, raw_time: Any) -> tuple[np.ndarray, np.ndarray]:
        if (raw_data is None) != (raw_time is None):
            raise ValueError("raw_data and raw_time must be given together (or neither)")
        if raw_data is None:
            return np.zeros((0, 0)), np.zeros(0)
        raw_data = np.asarray(raw_data)
        raw_time = np.asarray(raw_time, dtype=np.float64)
        if raw_time.ndim == 0:  # a sampling step: build the time axis from it
            n = raw_data.shape[-1] if raw_data.ndim else 0
            raw_time = np.arange(n) * float(raw_time)
        if raw_data.size and raw_data.shape[-1] != raw_time.shape[0]:
            raise ValueError(
                f"raw_data has {raw_data.shape[-1]} samples but raw_time has {raw_time.shape[0]}"
            )
        return raw_data, raw_time

    # ----------------------------------------------------------------- constructors
    @classmethod
    def from_idces_times(
        cls, idces: Sequence[int], times: Sequence[float], N: int | None = None, **kwargs: Any
    ) -> SpikeData:
        """Build from parallel arrays of unit indices and spike times (ms)."""
        idces = np.asarray(idces, dtype=np.int64).ravel()
        times = np.asarray(times, dtype=np.float64).ravel()
        if idces.shape != times.shape:
            raise ValueError(
                f"idces ({idces.size}) and times ({times.size}) must have the same length"
            )
        if idces.size and idces.min() < 0:
            raise ValueError("unit indices must be non-negative")
        n = int(idces.max()) + 1 if idces.size else 0
        if N is not None:
            if n > N:
                raise ValueError(f"unit index {n - 1} is out of range for N={N}")
            n = N
        order = np.argsort(idces, kind="stable")
        bounds = np.searchsorted(idces[order], np.arange(n + 1))
        sorted_times = times[order]
        trains = [sorted_times[bounds[i] : bounds[i + 1]] for i in range(n)]
        return cls(trains, N=n, **kwargs)

    @classmethod
    def from_events(
        cls, events: Iterable[tuple[int, float]], N: int | None = None, **kwargs: Any
    ) -> SpikeData:
        """Build from ``(unit_index, time_ms)`` pairs."""
        pairs = list(events)
        idces = [int(i) for i, _ in pairs]
        times = [float(t) for _, t in pairs]
        return cls.from_idces_times(idces, times, N=N, **kwargs)

    @classmethod
    def from_raster(cls, raster: np.ndarray, bin_size_ms: float, **kwargs: Any) -> SpikeData:
        """Build from a (units x bins) count raster.

        Bin ``k`` covers ``(k*b, (k+1)*b]``; its ``c`` spikes are spread evenly inside it,
        at ``k*b + j*b/(c+1)`` for ``j = 1..c``.
        """
        raster = np.asarray(raster)
        if raster.ndim != 2:
            raise ValueError(f"raster must be 2-D (units x bins), got shape {raster.shape}")
        if np.any(raster < 0):
            raise ValueError("raster counts must be non-negative")
        b = float(bin_size_ms)
        if not (np.isfinite(b) and b > 0):
            raise ValueError(f"bin_size_ms must be a positive number of ms, got {bin_size_ms}")
        trains = []
        for row in raster.astype(np.int64):
            counts = row[row > 0]
            starts = np.repeat(np.flatnonzero(row) * b, counts)
            # position j (1-based) of each spike inside its bin, out of c+1 gaps
            j = np.concatenate([np.arange(1, c + 1) for c in counts]) if counts.size else []
            gaps = np.repeat(counts + 1, counts)
            trains.append(starts + np.asarray(j, dtype=np.float64) * b / gaps)
        kwargs.setdefault("length", raster.shape[1] * b)
        return cls(trains, **kwargs)

    # ----------------------------------------------------------------- views
    def idces_times(self) -> tuple[np.ndarray, np.ndarray]:
        """All spikes as parallel ``(unit_index, time_ms)`` arrays, grouped by unit."""
        idces = np.repeat(np.arange(self.N), [t.size for t in self.train])
        times = np.concatenate(self.train) if self.N else np.empty(0)
        return idces, times

    def _clone(self, train: list[np.ndarray], **overrides: Any) -> SpikeData:
        kwargs: dict[str, Any] = dict(
            length=self.length,
            start_time=self.start_time,
            neuron_attributes=copy.deepcopy(self.neuron_attributes),
            metadata=copy.deepcopy(self.metadata),
        )
        if self.raw_time.size:
            kwargs.update(raw_data=self.raw_data, raw_time=self.raw_time)
        kwargs.update(overrides)
        return SpikeData(train, **kwargs)

    def subset(self, units: Iterable[Any], by: str | None = None) -> SpikeData:
        """Keep only some units, in the order given.

        Parameters
        ----------
        units : iterable
            Unit indices, or values of the neuron attribute ``by``.
        by : str, optional
            Name of a neuron attribute to select on (e.g. ``"unit_id"``).
        """
        wanted = list(units)
        if by is None:
            idx = [int(u) for u in wanted]
            for u in idx:
                if not -self.N <= u < self.N:
                    raise IndexError(f"unit index {u} out of range for {self.N} units")
        else:
            if self.neuron_attributes is None:
                raise ValueError(f"cannot subset by {by!r}: this SpikeData has no neuron_attributes")
            values = [a.get(by) for a in self.neuron_attributes]
            idx = [i for w in wanted for i, v in enumerate(values) if v == w]
        attrs = None
        if self.neuron_attributes is not None:
            attrs = [copy.deepcopy(self.neuron_attributes[i]) for i in idx]
        return self._clone([self.train[i].copy() for i in idx], neuron_attributes=attrs)

    def subtime(self, start: float | None, end: float | None,
                shift_to: float | None = None) -> SpikeData:
        """Spikes in ``[start, end)`` ms as a new recording of length ``end - start``.

        Parameters
        ----------
        start, end : float or None
            Window in ms (start inclusive, end exclusive). ``None`` (or ``...``) leaves that
            side untruncated. For a recording with ``start_time >= 0``, negative values
            count back from the end of the recording (as in spikelab 0.1.2); for one with a
            negative ``start_time`` (event-centred data) they are literal times.
        shift_to : float, optional
            The time that becomes 0 in the result (default ``start``). The result has
            ``start_time = start - shift_to`` and ``length = end - start``; pass an event
            time to get spikes relative to it.

        Raises
        ------
        ValueError
            Unless ``start < end`` and the window lies inside the recording (a window
            beyond it would claim silence where nothing was recorded).
        """
        stop = self.start_time + self.length
        start = self.start_time if start is None or start is Ellipsis else float(start)
        end = stop if end is None or end is Ellipsis else float(end)
        if self.start_time >= 0:
            start = stop + start if start < 0 else start
            end = stop + end if end < 0 else end
        if not end > start:  # NaN bounds too
            raise ValueError(f"subtime needs start < end, got start {start} ms, end {end} ms")
        slack = 4 * np.finfo(np.float64).eps * max(1.0, abs(self.start_time), abs(stop))
        if start < self.start_time - slack or end > stop + slack:
            raise ValueError(f"subtime window [{start}, {end}) ms leaves the recording "
                             f"[{self.start_time}, {stop}] ms: there are no spikes to report outside it")
        zero = start if shift_to is None else float(shift_to)
        train = []
        for t in self.train:
            lo, hi = np.searchsorted(t, [start, end], side="left")
            train.append(t[lo:hi] - zero)
        raw: dict[str, Any] = {}
        if self.raw_time.size:
            keep = (self.raw_time >= start) & (self.raw_time < end)
            raw = dict(raw_data=self.raw_data[..., keep], raw_time=self.raw_time[keep] - zero)
        return self._clone(train, length=end - start, start_time=start - zero, **raw)

    def frames(self, length: float, overlap: float = 0.0):
        """Cut the recording into windows of ``length`` ms overlapping by ``overlap`` ms.

        Returns a :class:`~spikelab.SpikeSliceStack` with one slice per whole window.
        """
        from .spikeslicestack import SpikeSliceStack

        step = float(length) - float(overlap)
        if not (length > 0 and 0 <= overlap < length):
            raise ValueError(f"frames need length > overlap >= 0 ms (an overlap, not a stride), "
                             f"got length {length}, overlap {overlap}")
        stop = self.start_time + self.length
        n = int(math.floor((self.length - length) / step + 1e-9)) + 1 if self.length >= length else 0
        windows = [(self.start_time + k * step, self.start_time + k * step + length) for k in range(n)]
        windows = [(a, min(b, stop)) for a, b in windows]
        return SpikeSliceStack(self, times_start_to_end=windows)

    # ----------------------------------------------------------------- analyses (thin forwards)
    def sparse_raster(self, bin_size: float = 1.0, time_offset: float = 0.0) -> sparse.csr_matrix:
        """Sparse (N, bins) spike counts; see :func:`spikelab.spikedata.rates.sparse_raster`."""
        return _rates.sparse_raster(self, bin_size, time_offset)

    def raster(self, bin_size: float = 1.0, time_offset: float = 0.0) -> np.ndarray:
        """Dense (N, bins) spike counts; see :func:`spikelab.spikedata.rates.raster`."""
        return _rates.raster(self, bin_size, time_offset)

    def binned(self, bin_size: float = 40.0) -> np.ndarray:
        """Population spike count per bin; see :func:`spikelab.spikedata.rates.binned`."""
        return _rates.binned(self, bin_size)

    def rates(self, unit: str = "kHz") -> np.ndarray:
        """Mean rate per unit ('kHz' or 'Hz'); see :func:`spikelab.spikedata.rates.rates`."""
        return _rates.rates(self, unit)

    def resampled_isi(self, times: np.ndarray, sigma_ms: float = 10.0) -> RateData:
        """Smoothed inverse-ISI rates (Hz) on ``times``; see :func:`spikelab.spikedata.rates.resampled_isi`."""
        return _rates.resampled_isi(self, times, sigma_ms)

    def get_pop_rate(self, square_width: float = 20, gauss_sigma: float = 100,
                     raster_bin_size_ms: float = 1.0) -> np.ndarray:
        """Smoothed population count; see :func:`spikelab.spikedata.rates.get_pop_rate`."""
        return _rates.get_pop_rate(self, square_width, gauss_sigma, raster_bin_size_ms)

    def align_to_events(self, events: np.ndarray | str, pre_ms: float, post_ms: float, *, kind: str = "spike",
                        bin_size_ms: float = 1.0, sigma_ms: float = 10) -> SpikeSliceStack | RateSliceStack:
        """Event-aligned SpikeSliceStack or RateSliceStack; see :func:`spikelab.spikedata.alignment.align_to_events`."""
        return _alignment.align_to_events(self, events, pre_ms, post_ms, kind=kind, bin_size_ms=bin_size_ms, sigma_ms=sigma_ms)

    def get_bursts(self, thr_burst: float, min_burst_diff: int, burst_edge_mult_thresh: float,
                   square_width: float = 20, gauss_sigma: float = 100, acc_square_width: float = 8,
                   acc_gauss_sigma: float = 8, raster_bin_size_ms: float = 1.0, peak_to_trough: bool = True,
                   pop_rate: np.ndarray | None = None, pop_rate_acc: np.ndarray | None = None,
                   pop_rms_override: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Network bursts ``(tburst ms, edges ms, peak_amp)``; see :func:`spikelab.spikedata.bursts.get_bursts`."""
        return _bursts.get_bursts(self, thr_burst, min_burst_diff, burst_edge_mult_thresh, square_width,
                                  gauss_sigma, acc_square_width, acc_gauss_sigma, raster_bin_size_ms,
                                  peak_to_trough, pop_rate, pop_rate_acc, pop_rms_override)

    def burst_sensitivity(self, thr_values: np.ndarray, dist_values: np.ndarray, burst_edge_mult_thresh: float,
                          square_width: float = 20, gauss_sigma: float = 100, acc_square_width: float = 8,
                          acc_gauss_sigma: float = 8, raster_bin_size_ms: float = 1.0,
                          peak_to_trough: bool = True, pop_rate: np.ndarray | None = None,
                          pop_rate_acc: np.ndarray | None = None,
                          pop_rms_override: float | None = None) -> np.ndarray:
        """Burst counts over a (threshold, distance) grid; see :func:`spikelab.spikedata.bursts.burst_sensitivity`."""
        return _bursts.burst_sensitivity(self, thr_values, dist_values, burst_edge_mult_thresh, square_width,
                                         gauss_sigma, acc_square_width, acc_gauss_sigma, raster_bin_size_ms,
                                         peak_to_trough, pop_rate, pop_rate_acc, pop_rms_override)

    def get_frac_active(self, edges: np.ndarray, MIN_SPIKES: int, backbone_threshold: float,
                        bin_size: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Burst participation per unit and per burst; see :func:`spikelab.spikedata.bursts.get_frac_active`."""
        return _bursts.get_frac_active(self, edges, MIN_SPIKES, backbone_threshold, bin_size)

    def get_frac_spikes_in_burst(self, edges: np.ndarray, bin_size: float = 1.0, *, per_spike: bool = False) -> np.ndarray:
        """Fraction of each unit's spikes in bursts; see :func:`spikelab.spikedata.bursts.get_frac_spikes_in_burst`."""
        return _bursts.get_frac_spikes_in_burst(self, edges, bin_size, per_spike=per_spike)

    def spike_time_tiling(self, i: int, j: int, delt: float = 20.0) -> float:
        """STTC of units i and j; see :func:`spikelab.spikedata.sttc.spike_time_tiling`."""
        return _sttc.spike_time_tiling(self, i, j, delt)

    def spike_time_tilings(self, delt: float = 20.0) -> PairwiseCompMatrix:
        """STTC matrix (PairwiseCompMatrix); see :func:`spikelab.spikedata.sttc.spike_time_tilings`."""
        return _sttc.spike_time_tilings(self, delt)

    def __repr__(self) -> str:
        spikes = sum(t.size for t in self.train)
        return (
            f"SpikeData(N={self.N}, length={self.length} ms, start_time={self.start_time} ms, "
            f"spikes={spikes})"
        )
