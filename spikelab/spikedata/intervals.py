"""Inter-spike intervals and their variability (all intervals in ms).

Functions take a :class:`~spikelab.SpikeData` first; its methods of the same names forward
to them.  Numbers are those of spikelab 0.1.2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .spikedata import SpikeData

__all__ = ["interspike_intervals", "cv_isi", "cv2_isi"]


def interspike_intervals(sd: SpikeData) -> list[np.ndarray]:
    """The intervals (ms) between consecutive spikes of each unit (empty below 2 spikes).

    Examples
    --------
    >>> interspike_intervals(SpikeData([[1.0, 2.0, 2.5, 7.0], [3.0]], length=10))
    [array([1. , 0.5, 4.5]), array([], dtype=float64)]
    """
    return [np.diff(t) for t in sd.train]


def cv_isi(sd: SpikeData) -> np.ndarray:
    """Coefficient of variation of each unit's intervals, ``std / mean`` (population std).

    About 1 for a Poisson train, 0 for a clock.  NaN for a unit with fewer than 2 intervals
    (3 spikes) or a zero mean interval (all spikes at one time).

    Examples
    --------
    >>> cv_isi(SpikeData([[0.0, 1.0, 4.0], [1.0, 3.0, 5.0, 7.0], [2.0]], length=10))
    array([0.5, 0. , nan])
    """
    out = np.full(sd.N, np.nan)
    for unit, isi in enumerate(interspike_intervals(sd)):
        if isi.size >= 2:
            mean = isi.mean()
            if mean > 0:
                out[unit] = isi.std() / mean
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
    for unit, isi in enumerate(interspike_intervals(sd)):
        if isi.size >= 2:
            with np.errstate(invalid="ignore"):
                out[unit] = np.mean(2 * np.abs(np.diff(isi)) / (isi[1:] + isi[:-1]))
    return out
