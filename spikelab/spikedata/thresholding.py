"""Spikes from raw voltage traces: Butterworth band-pass filtering and threshold crossings.

A channel's spike is a sample where the (filtered) trace crosses ``threshold_sigma`` times
the channel's standard deviation: upwards (``"up"``), downwards (``"down"``) or either way
(``"both"``, ``|x| > threshold``).  With ``hysteresis`` only the first sample of each run
above threshold counts; without, every such sample does.  Sample ``k`` becomes the spike
time ``start_time + (k + 0.5) / fs`` (ms): the middle of its sampling interval.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import signal

from ..errors import AnalysisError
from .spikedata import SpikeData

__all__ = ["butter_filter", "from_thresholding", "DIRECTIONS"]

DIRECTIONS = ("both", "up", "down")
DEFAULT_BAND = {"lowcut": 300.0, "highcut": 6000.0, "order": 3}  # Hz, used by filter=True


def butter_filter(data: np.ndarray, lowcut: float | None = None, highcut: float | None = None,
                  fs: float = 20000.0, order: int = 5) -> np.ndarray:
    """Zero-phase Butterworth filter along the last axis (second-order sections, forwards and
    backwards): band-pass with both cutoffs, high-pass with ``lowcut`` only, low-pass with
    ``highcut`` only (a ``lowcut`` of 0 counts as none).  Frequencies and ``fs`` in Hz.

    Examples
    --------
    >>> t = np.arange(2000) / 20000.0
    >>> slow_and_fast = np.sin(2 * np.pi * 10 * t) + np.sin(2 * np.pi * 1000 * t)
    >>> kept = butter_filter(slow_and_fast, lowcut=300, highcut=6000, fs=20000.0, order=3)
    >>> bool(np.abs(kept - np.sin(2 * np.pi * 1000 * t))[200:-200].max() < 0.05)
    True
    """
    low = float(lowcut) if lowcut else None
    high = float(highcut) if highcut is not None else None
    if low is None and high is None:
        raise AnalysisError("butter_filter needs lowcut, highcut or both (Hz)")
    nyquist = float(fs) / 2
    for name, value in (("lowcut", low), ("highcut", high)):
        if value is not None and not 0 < value < nyquist:
            raise AnalysisError(
                f"{name}={value} Hz must lie between 0 and the Nyquist frequency {nyquist} Hz"
            )
    if low is not None and high is not None:
        if not low < high:
            raise AnalysisError(f"lowcut ({low} Hz) must be below highcut ({high} Hz)")
        sos = signal.butter(int(order), [low, high], btype="bandpass", fs=float(fs), output="sos")
    elif low is not None:
        sos = signal.butter(int(order), low, btype="highpass", fs=float(fs), output="sos")
    else:
        sos = signal.butter(int(order), high, btype="lowpass", fs=float(fs), output="sos")
    return signal.sosfiltfilt(sos, np.asarray(data, dtype=np.float64), axis=-1)


def _crossings(trace: np.ndarray, threshold: float, direction: str, hysteresis: bool) -> np.ndarray:
    above = {
        "both": np.abs(trace) > threshold,
        "up": trace > threshold,
        "down": trace < -threshold,
    }[direction]
    if hysteresis:
        above = above & ~np.r_[False, above[:-1]]  # the first sample of each run
    return np.flatnonzero(above)


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
    """One unit per channel of ``data`` (channels, samples), spikes where the trace crosses a
    threshold (see the module).

    Parameters
    ----------
    data : ndarray (channels, samples)
    fs_Hz : float
        Sampling rate in Hz.
    threshold_sigma : float
        Threshold in standard deviations of each channel's (filtered) trace.
    filter : bool or dict
        True: 3rd-order 300-6000 Hz band-pass (:func:`butter_filter`); a dict: keyword
        arguments for :func:`butter_filter` (``fs`` is ``fs_Hz``); False: none.
    hysteresis : bool
        Count each run above threshold once (True) or every sample in it.
    direction : {"both", "up", "down"}
    length, start_time : float, optional
        Recording length and start (ms); default ``samples / fs`` and 0.

    Returns
    -------
    SpikeData
        With the (filtered) traces as ``raw_data`` and their sample times (ms, from
        ``start_time``) as ``raw_time``.  A UserWarning tells when no spike was found.

    Examples
    --------
    >>> trace = np.zeros((1, 1000)); trace[0, [100, 101, 600]] = [40, 30, -40]; trace[0, ::7] += 1
    >>> SpikeData.from_thresholding(trace, fs_Hz=10000.0, filter=False).train
    [array([10.05, 60.05])]
    """
    traces = np.asarray(data)
    if traces.ndim != 2:
        raise AnalysisError(f"data must be 2-D (channels, samples), got shape {traces.shape}")
    if direction not in DIRECTIONS:
        raise AnalysisError(f"direction must be one of {list(DIRECTIONS)}, got {direction!r}")
    fs = float(fs_Hz)
    if not (math.isfinite(fs) and fs > 0):
        raise AnalysisError(f"fs_Hz must be a positive sampling rate in Hz, got {fs_Hz}")
    if filter is True:
        if DEFAULT_BAND["highcut"] >= fs / 2:
            raise AnalysisError(
                f"the default 300-6000 Hz band needs fs_Hz above 12000 Hz, got {fs}; "
                "pass filter=dict(lowcut=..., highcut=...) or filter=False"
            )
        traces = butter_filter(traces, fs=fs, **DEFAULT_BAND)
    elif isinstance(filter, dict):
        traces = butter_filter(traces, **{**filter, "fs": fs})
    elif filter is not False:
        raise TypeError(
            f"filter must be True, False or a dict of butter_filter arguments, got {filter!r}"
        )
    start = 0.0 if start_time is None else float(start_time)
    step_ms = 1000.0 / fs
    thresholds = float(threshold_sigma) * np.std(traces, axis=1)
    trains = [start + (_crossings(row, thr, direction, hysteresis) + 0.5) * step_ms
              for row, thr in zip(traces, thresholds, strict=True)]
    if not any(t.size for t in trains):
        warnings.warn(
            f"from_thresholding found no spike at threshold_sigma={threshold_sigma}, direction="
            f"{direction!r}: lower the threshold or check the traces",
            UserWarning,
            stacklevel=3,
        )
    n = traces.shape[1]
    return SpikeData(
        trains,
        length=n * step_ms if length is None else float(length),
        start_time=start,
        raw_data=traces,
        raw_time=start + np.arange(n) * step_ms,
    )
