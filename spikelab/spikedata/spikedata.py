"""`SpikeData`: a set of spike trains on a common time axis (ms), with its invariants.

The class holds data and checks it; analyses live as functions in the topic modules
(:mod:`spikelab.spikedata.rates`, ``bursts``, ``sttc``, ``latencies``, ...) and the methods
only forward to them: those of one recording in :mod:`._sd_analyses`, those about units,
their attributes and combining recordings in :mod:`._sd_units`.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from ._copying import copied_attributes
from ._sd_analyses import SpikeDataAnalyses
from ._sd_units import SpikeDataUnits
from ._selection import unit_indices, whole_number_indices
from ._topics import topic

# Analyses are late-bound (see ._topics): not imports, so not part of this class's code.
_thresholding = topic(".thresholding")

__all__ = ["SpikeData"]


def _as_train(values: Any, unit: int) -> np.ndarray:
    """Copy one unit's spike times into a sorted float64 array, rejecting NaN/inf."""
    arr = np.array(values, dtype=np.float64).ravel()
    if arr.size and not np.all(np.isfinite(arr)):
        bad = "NaN" if np.isnan(arr).any() else "infinite"
        raise ValueError(f"spike times for unit {unit} contain {bad} values")
    arr.sort(kind="stable")
    return arr


class _CheckedTrains(list):
    """Spike trains already as the constructor makes them (new 1-D float64 arrays, sorted,
    finite), cut from a checked recording: taken as they are. Copying and checking every
    train again was most of the time of cutting a recording into event windows."""


class SpikeData(SpikeDataAnalyses, SpikeDataUnits):
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
    raw_data : ndarray, optional
        Raw signal, shape (channels, samples).
    raw_time : ndarray or float, optional
        Time of each raw sample in ms, or a scalar sampling rate in kHz (samples per ms;
        the time axis then starts at 0 ms, as in spikelab 0.1.2). Both or neither of
        ``raw_data`` and ``raw_time``.

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
        if isinstance(train, _CheckedTrains):
            trains = list(train)
        else:
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
        if raw_time.ndim == 0:  # a sampling rate in kHz: build the time axis from 0 ms
            rate = float(raw_time)
            if not (math.isfinite(rate) and rate > 0):
                raise ValueError(
                    f"a scalar raw_time is a sampling rate in kHz and must be > 0, got {rate}"
                )
            n = raw_data.shape[-1] if raw_data.ndim else 0
            raw_time = np.arange(n) / rate
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
        """Build from parallel arrays of unit indices and spike times (ms).

        Indices must be whole numbers (``2.0`` is unit 2; ``2.5`` raises rather than
        losing the spike); ``N`` pads with empty units.

        Examples
        --------
        >>> SpikeData.from_idces_times([0, 1, 0], [5.0, 3.0, 1.0]).train
        [array([1., 5.]), array([3.])]
        """
        idces = whole_number_indices(idces).ravel()
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
        """Build from ``(unit_index, time_ms)`` pairs.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData.from_events([(0, 1.0), (1, 2.0), (0, 3.5)], N=2, length=5.0)
        >>> sd.train
        [array([1. , 3.5]), array([2.])]
        """
        pairs = list(events)
        idces = [int(i) for i, _ in pairs]
        times = [float(t) for _, t in pairs]
        return cls.from_idces_times(idces, times, N=N, **kwargs)

    @classmethod
    def from_raster(cls, raster: np.ndarray, bin_size_ms: float, **kwargs: Any) -> SpikeData:
        """Build from a (units x bins) count raster.

        Bin ``k`` covers ``start_time + (k*b, (k+1)*b]``; its ``c`` spikes are spread evenly
        inside it, at ``start_time + k*b + j*b/(c+1)`` for ``j = 1..c``. ``start_time``
        (default 0) and the other keywords go to the constructor; ``length`` defaults to
        the raster's duration.

        Examples
        --------
        >>> SpikeData.from_raster(np.array([[2, 0, 1]]), 10.0, start_time=-10).train
        [array([-6.66666667, -3.33333333, 15.        ])]
        """
        raster = np.asarray(raster)
        if raster.ndim != 2:
            raise ValueError(f"raster must be 2-D (units x bins), got shape {raster.shape}")
        if np.any(raster < 0):
            raise ValueError("raster counts must be non-negative")
        if raster.dtype.kind not in "iub" and np.any(raster != np.round(raster)):
            raise ValueError("raster counts must be whole numbers of spikes")
        b = float(bin_size_ms)
        if not (math.isfinite(b) and b > 0):
            raise ValueError(f"bin_size_ms must be a positive number of ms, got {bin_size_ms}")
        origin = float(kwargs.get("start_time", 0.0))
        trains = []
        for row in raster.astype(np.int64):
            counts = row[row > 0]
            starts = np.repeat(np.flatnonzero(row) * b, counts)
            # position j (1-based) of each spike inside its bin, out of c+1 gaps
            j = np.concatenate([np.arange(1, c + 1) for c in counts]) if counts.size else []
            gaps = np.repeat(counts + 1, counts)
            trains.append(origin + starts + np.asarray(j, dtype=np.float64) * b / gaps)
        kwargs.setdefault("length", raster.shape[1] * b)
        return cls(trains, **kwargs)

    @staticmethod
    def from_thresholding(
        data: np.ndarray,
        fs_Hz: float = 20000.0,
        threshold_sigma: float = 5.0,
        filter: dict | bool = True,
        hysteresis: bool = True,
        direction: str = "both",
        *,
        length: float | None = None,
        start_time: float | None = None,
    ) -> SpikeData:
        """One unit per channel of raw traces, spikes at threshold crossings; see
        :func:`spikelab.spikedata.thresholding.from_thresholding`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData
        >>> trace = np.zeros((1, 1000)); trace[0, [100, 600]] = [40.0, -40.0]
        >>> SpikeData.from_thresholding(trace, fs_Hz=10000.0, filter=False).train
        [array([10.05, 60.05])]
        """
        return _thresholding.from_thresholding(
            data,
            fs_Hz,
            threshold_sigma,
            filter,
            hysteresis,
            direction,
            length=length,
            start_time=start_time,
        )

    # ----------------------------------------------------------------- views
    def idces_times(self) -> tuple[np.ndarray, np.ndarray]:
        """All spikes as parallel ``(unit_index, time_ms)`` arrays, grouped by unit.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.idces_times()
        (array([0, 0, 0, 1, 1, 1, 2]), array([1. , 5. , 9. , 2. , 6. , 9.5, 4. ]))
        """
        idces = np.repeat(np.arange(self.N), [t.size for t in self.train])
        times = np.concatenate(self.train) if self.N else np.empty(0)
        return idces, times

    def _clone(self, train: list[np.ndarray], **overrides: Any) -> SpikeData:
        kwargs: dict[str, Any] = dict(length=self.length, start_time=self.start_time)
        if self.raw_time.size:
            kwargs.update(raw_data=self.raw_data, raw_time=self.raw_time)
        kwargs.update(overrides)
        # copies of what is not overridden only (a subset brings its own attributes)
        if "neuron_attributes" not in kwargs:
            kwargs["neuron_attributes"] = copied_attributes(self.neuron_attributes)
        if "metadata" not in kwargs:
            kwargs["metadata"] = copy.deepcopy(self.metadata)
        return SpikeData(train, **kwargs)

    def subset(self, units: Iterable[Any] | int, by: str | None = None,
               preserve_order: bool = False) -> SpikeData:
        """Keep only some units, by the selection rules of ``spikelab.spikedata._selection``.

        Parameters
        ----------
        units : int or iterable
            Unit indices (integers in ``[0, N)``; fractional or boolean ones raise
            ``TypeError``, negative or out-of-range ones ``UnitIndexError``), or, with
            ``by``, values of that neuron attribute.
        by : str, optional
            Name of a neuron attribute to select on (e.g. ``"unit_id"``): every unit whose
            attribute equals one of ``units`` is kept, in recording order.
        preserve_order : bool
            False (default, as 0.1.2): indices sorted. True: in the order given. Duplicates
            are dropped either way.

        Examples
        --------
        >>> sd = SpikeData([[1.0], [2.0], [3.0]], length=5)
        >>> [t.tolist() for t in sd.subset([2, 0, 2]).train]
        [[1.0], [3.0]]
        >>> [t.tolist() for t in sd.subset([2, 0], preserve_order=True).train]
        [[3.0], [1.0]]
        """
        idx = unit_indices(
            units, self.N, by=by, attributes=self.neuron_attributes, preserve_order=preserve_order
        )
        attrs = None
        if self.neuron_attributes is not None:
            attrs = copied_attributes([self.neuron_attributes[i] for i in idx])
        return self._clone(_CheckedTrains(self.train[i].copy() for i in idx),
                           neuron_attributes=attrs)

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

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.subtime(4.0, 8.0).train
        [array([1.]), array([2.]), array([0.])]
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
            raise ValueError(
                f"subtime window [{start}, {end}) ms leaves the recording "
                f"[{self.start_time}, {stop}] ms: there are no spikes to report outside it"
            )
        zero = start if shift_to is None else float(shift_to)
        train = _CheckedTrains()  # times minus one number stay sorted and finite
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

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> stack = sd.frames(4.0)
        >>> stack.times
        [(0.0, 4.0), (4.0, 8.0)]
        """
        from .spikeslicestack import SpikeSliceStack

        step = float(length) - float(overlap)
        if not (length > 0 and 0 <= overlap < length):
            raise ValueError(f"frames need length > overlap >= 0 ms (an overlap, not a stride), "
                             f"got length {length}, overlap {overlap}")
        stop = self.start_time + self.length
        n = (
            int(math.floor((self.length - length) / step + 1e-9)) + 1
            if self.length >= length
            else 0
        )
        windows = [
            (self.start_time + k * step, self.start_time + k * step + length) for k in range(n)
        ]
        windows = [(a, min(b, stop)) for a, b in windows]
        return SpikeSliceStack(self, times_start_to_end=windows)

    def __getitem__(self, key: slice | int | Iterable[int]) -> SpikeData:
        """``sd[a:b]`` is ``sd.subtime(a, b)`` (ms); ``sd[i]`` or ``sd[[i, j]]`` is
        ``sd.subset(...)``.

        Examples
        --------
        >>> sd = SpikeData([[1.0, 6.0], [3.0]], length=10)
        >>> sd[2:8].train, sd[[1]].train
        ([array([4.]), array([1.])], [array([3.])])
        """
        if isinstance(key, slice):
            if key.step is not None:
                raise ValueError(
                    f"a time slice takes no step, got {key.step} (sd[start_ms:end_ms])"
                )
            return self.subtime(key.start, key.stop)
        return self.subset(key)

    @property
    def times(self) -> Iterator[float]:
        """Every spike time (ms) of every unit, in time order (an iterator).

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> [float(t) for t in sd.times]
        [1.0, 2.0, 4.0, 5.0, 6.0, 9.0, 9.5]
        """
        flat = np.concatenate(self.train) if self.N else np.zeros(0)
        return iter(np.sort(flat, kind="stable"))

    def __repr__(self) -> str:
        spikes = sum(t.size for t in self.train)
        return (
            f"SpikeData(N={self.N}, length={self.length} ms, start_time={self.start_time} ms, "
            f"spikes={spikes})"
        )


def __getattr__(name: str) -> Any:
    """``randomize`` lived in this module in spikelab 0.1.2; it is imported on first use."""
    if name == "randomize":  # late-bound like the analyses (see ._topics)
        return topic(".resampling").randomize
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
