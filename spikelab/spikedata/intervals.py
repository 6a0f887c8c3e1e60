"""Inter-spike intervals and their variability (all intervals in ms).

Functions take a :class:`~spikelab.SpikeData` first; its methods of the same names forward
to them.  Numbers are those of spikelab 0.1.2.
"""

from __future__ import annotations

import numpy as np

from .spikedata import SpikeData

__all__ = ["interspike_intervals", "cv_isi", "cv2_isi"]


def interspike_intervals(sd: SpikeData) -> list[np.ndarray]:
    """The intervals (ms) between consecutive spikes of each unit (empty below 2 spikes).

    Examples
    --------
    >>> interspike_intervals(SpikeData([[1.0, 2.0, 2.5, 7.0], [3.0]], length=10))
    [array([1. , 0.5, 4.5]), array([], dtype=float64)]
    """
    return [t[1:] - t[:-1] for t in sd.train]  # np.diff, without its per-call overhead


def cv_isi(sd: SpikeData) -> np.ndarray:
    """Coefficient of variation of each unit's intervals, ``std / mean`` (population std).

    About 1 for a Poisson train, 0 for a clock.  NaN for a unit with fewer than 2 intervals
    (3 spikes) or a zero mean interval (all spikes at one time).

    Examples
    --------
    >>> cv_isi(SpikeData([[0.0, 1.0, 4.0], [1.0, 3.0, 5.0, 7.0], [2.0]], length=10))
    array([0.5, 0. , nan])
    """
    # One unit at a time: its intervals stay in the CPU cache across the few passes below
    # (pooling all units into one array and reducing by unit is slower: memory-bound).
    out = np.full(sd.N, np.nan)
    for unit, train in enumerate(sd.train):
        n = train.size - 1
        if n >= 2:
            deviation = train[1:] - train[:-1]
            mean = deviation.sum() / n
            if mean > 0:
                deviation -= mean  # population std, two-pass as np.std
                out[unit] = np.sqrt(np.dot(deviation, deviation) / n) / mean
    return out


def cv2_isi(sd: SpikeData) -> np.ndarray:
    """CV2 of each unit (Holt et al., 1996): the mean over consecutive interval pairs of
    ``2 |I[k+1] - I[k]| / (I[k+1] + I[k])``.

    Insensitive to slow rate changes, since it compares neighbouring intervals only.  NaN
    for a unit with fewer than 2 intervals; a pair of zero intervals (three spikes at one
    time) is 0/0 and makes the unit NaN, as in spikelab 0.1.2.

    Examples
    --------
    >>> cv2_isi(SpikeData([[0.0, 1.0, 4.0], [1.0, 3.0, 5.0]], length=10))
    array([1., 0.])
    """
    out = np.full(sd.N, np.nan)
    with np.errstate(invalid="ignore"):  # 0/0 for a pair of zero intervals: NaN, kept
        for unit, train in enumerate(sd.train):
            n = train.size - 1
            if n >= 2:
                isi = train[1:] - train[:-1]
                later, earlier = isi[1:], isi[:-1]
                ratio = np.abs(later - earlier)
                ratio /= later + earlier
                out[unit] = 2 * ratio.sum() / (n - 1)
    return out
