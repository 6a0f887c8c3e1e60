"""Raw voltage snippets around each spike, from a SpikeData's ``raw_data``.

Sample ``k`` of the raw traces is at ``raw_time[k]`` (ms), evenly spaced with rate
``fs_kHz = 1 / (raw_time[1] - raw_time[0])``.  A spike at ``t`` falls on sample
``s = floor((t - raw_time[0]) * fs_kHz + 0.5)`` and its snippet holds samples
``[s - b, s + a)`` with ``b = floor(ms_before * fs_kHz + 0.5)`` and
``a = floor(ms_after * fs_kHz + 0.5)``; spikes whose snippet would leave the traces are
skipped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import AnalysisError
from ._selection import unit_indices
from .attributes import neuron_to_channel_map
from .spikedata import SpikeData
from .thresholding import butter_filter

__all__ = ["get_waveform_traces"]


def _half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


def _units(sd: SpikeData, unit: int | slice | Sequence[int] | None) -> list[int]:
    if unit is None:
        return list(range(sd.N))
    if isinstance(unit, slice):
        return list(range(sd.N))[unit]
    return unit_indices(unit, sd.N, preserve_order=True)


def _channels_of(
    sd: SpikeData, units: list[int], channels: int | Sequence[int] | None
) -> list[list[int]]:
    n_channels = sd.raw_data.shape[0]
    if channels is None or (not np.isscalar(channels) and len(channels) == 0):
        mapping = neuron_to_channel_map(sd)
        chosen = [[mapping[u]] if u in mapping else list(range(n_channels)) for u in units]
    else:
        fixed = np.atleast_1d(np.asarray(channels)).astype(np.int64).tolist()
        chosen = [fixed for _ in units]
    for u, chans in zip(units, chosen, strict=True):
        bad = [c for c in chans if not 0 <= c < n_channels]
        if bad:
            raise AnalysisError(
                f"unit {u}: channel {bad[0]} is not a row of raw_data ({n_channels} channels)"
            )
    return chosen


def get_waveform_traces(
    sd: SpikeData,
    unit: int | slice | Sequence[int] | None = None,
    ms_before: float = 1.0,
    ms_after: float = 2.0,
    channels: int | Sequence[int] | None = None,
    bandpass: tuple[float, float] | None = None,
    filter_order: int = 3,
    store: bool = True,
    return_channel_waveforms: bool = False,
    return_avg_waveform: bool = True,
) -> tuple[np.ndarray | list[np.ndarray], dict[str, Any]]:
    """Snippets of the raw traces around every spike of some units (see the module).

    Parameters
    ----------
    unit : int, slice, sequence of int or None
        One unit (the result is one array), several, or all (None; the result is a list).
    ms_before, ms_after : float
        Snippet span before and after each spike, ms.
    channels : int, sequence of int or None
        Rows of ``raw_data`` to cut; None or ``[]``: each unit's channel from
        :func:`~spikelab.spikedata.attributes.neuron_to_channel_map`, or every channel for
        units without one.
    bandpass : (low Hz, high Hz), optional
        Filter the traces first (:func:`~spikelab.spikedata.thresholding.butter_filter`
        with ``filter_order``).
    store : bool
        Also write ``waveforms``, ``avg_waveform`` and ``traces_meta`` into each unit's
        neuron attributes (created when missing).
    return_channel_waveforms : bool
        Add ``meta["channel_waveforms"]``: per unit, ``{channel: (samples, spikes)}``.
    return_avg_waveform : bool
        Add ``meta["avg_waveforms"]``: per unit, the mean snippet (channels, samples),
        NaN for a unit without a usable spike.

    Returns
    -------
    waveforms : ndarray (channels, samples, spikes) or list of them
    meta : dict
        ``fs_kHz``, ``unit_indices``, ``channels`` (per unit), ``spike_times_ms`` (the spikes
        kept, per unit), and the optional entries above.

    Examples
    --------
    >>> sd = SpikeData([[2.0, 5.0]], length=10, raw_data=np.arange(100.0)[None], raw_time=10.0)
    >>> snippets, meta = get_waveform_traces(sd, 0, ms_before=0.2, ms_after=0.3, store=False)
    >>> snippets[0].T
    array([[18., 19., 20., 21., 22.],
           [48., 49., 50., 51., 52.]])
    """
    if sd.raw_data.size == 0 or sd.raw_time.size < 2:
        raise AnalysisError(
            "this SpikeData has no raw_data (or fewer than 2 samples) to cut waveforms from"
        )
    traces = np.atleast_2d(sd.raw_data)
    fs_khz = 1.0 / float(sd.raw_time[1] - sd.raw_time[0])
    if bandpass is not None:
        low, high = bandpass
        traces = butter_filter(traces, low, high, fs=fs_khz * 1000.0, order=filter_order)
    before, after = _half_up(float(ms_before) * fs_khz), _half_up(float(ms_after) * fs_khz)
    if before < 0 or after < 0 or before + after == 0:
        raise AnalysisError(
            f"ms_before and ms_after must be >= 0 and span a sample, got {ms_before}, {ms_after}"
        )
    units = _units(sd, unit)
    channels_per_unit = _channels_of(sd, units, channels)
    meta: dict[str, Any] = {"fs_kHz": fs_khz, "unit_indices": units, "channels": channels_per_unit,
                            "spike_times_ms": []}
    waveforms, averages, per_channel = [], [], []
    for u, chans in zip(units, channels_per_unit, strict=True):
        train = sd.train[u]
        centre = np.floor((train - sd.raw_time[0]) * fs_khz + 0.5).astype(np.int64)
        ok = (centre - before >= 0) & (centre + after <= traces.shape[1])
        window = centre[ok][None, :] + np.arange(-before, after)[:, None]  # (samples, spikes)
        snippet = traces[np.asarray(chans, dtype=np.int64)[:, None, None], window[None, :, :]]
        waveforms.append(snippet)
        meta["spike_times_ms"].append(train[ok])
        averages.append(
            snippet.mean(axis=2) if snippet.shape[2] else np.full(snippet.shape[:2], np.nan)
        )
        per_channel.append({c: snippet[k] for k, c in enumerate(chans)})
        if store:
            _store(
                sd,
                u,
                snippet,
                averages[-1],
                dict(
                    fs_kHz=fs_khz,
                    ms_before=ms_before,
                    ms_after=ms_after,
                    bandpass=bandpass,
                    filter_order=filter_order,
                    channels=chans,
                    spike_times_ms=train[ok],
                ),
            )
    if return_avg_waveform:
        meta["avg_waveforms"] = averages
    if return_channel_waveforms:
        meta["channel_waveforms"] = per_channel
    single = isinstance(unit, (int, np.integer)) and not isinstance(unit, bool)
    return (waveforms[0] if single else waveforms), meta


def _store(
    sd: SpikeData, unit: int, snippet: np.ndarray, average: np.ndarray, traces_meta: dict
) -> None:
    if sd.neuron_attributes is None:
        sd.neuron_attributes = [{} for _ in range(sd.N)]
    sd.neuron_attributes[unit].update(
        waveforms=snippet, avg_waveform=average, traces_meta=traces_meta
    )
