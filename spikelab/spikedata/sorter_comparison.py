"""Comparing two spike sortings of one recording (SpikeInterface's method: Buccino et al.,
eLife 2020): spike-train agreement, template footprint similarity, and the best one-to-one
unit assignment.

- ``"spike_times"``: units i (sorting 1) and j (sorting 2) share ``n_ij`` spikes, the most
  that can be paired one to one within ``delta_ms``; agreement is the Jaccard index
  ``n_ij / (n_i + n_j - n_ij)``, ``frac_1 = n_ij / n_i``, ``frac_2 = n_ij / n_j`` (0 for
  empty units).
- ``"waveforms"``: each unit's footprint is its ``template`` (on its ``channel``) and
  ``neighbor_templates[1:]`` (on ``neighbor_channels[1:]``), each cut to ``pre + post + 1``
  samples around the template's largest absolute value (zero-padded at the template's
  ends); similarity is the cosine of two footprints over the samples they overlap when
  shifted by up to ``max_lag`` samples, maximised over the shifts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..errors import AnalysisError
from ._sorter_kernels import match_counts
from .spikedata import SpikeData

__all__ = ["compare_sorter", "best_match_assignment", "COMPARISON_TYPES"]

COMPARISON_TYPES = ("spike_times", "waveforms")
_WAVEFORM_KEYS = ("template", "neighbor_templates", "channel", "neighbor_channels")


def _flat(trains: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.concatenate([[0], np.cumsum([t.size for t in trains])]).astype(np.int64)
    return (np.concatenate(trains) if trains else np.zeros(0)), offsets


def _spike_time_agreement(
    sd: SpikeData, other: SpikeData, delta_ms: float
) -> dict[str, np.ndarray]:
    delta = float(delta_ms)
    if not delta >= 0:
        raise AnalysisError(f"delta_ms must be >= 0 ms, got {delta_ms}")
    times1, offsets1 = _flat(sd.train)
    times2, offsets2 = _flat(other.train)
    units2 = np.repeat(np.arange(other.N), np.diff(offsets2))
    index2 = np.arange(times2.size) - offsets2[units2]
    order = np.argsort(times2, kind="stable")
    shared = np.zeros((sd.N, other.N), dtype=np.int64)
    match_counts(
        times1, offsets1, times2[order], units2[order], index2[order], other.N, delta, shared
    )
    n1 = np.diff(offsets1).astype(np.float64)[:, None]
    n2 = np.diff(offsets2).astype(np.float64)[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        agreement = np.where(n1 + n2 - shared > 0, shared / (n1 + n2 - shared), 0.0)
        frac_1 = np.where(n1 > 0, shared / n1, 0.0)
        frac_2 = np.where(n2 > 0, shared / n2, 0.0)
    return {"agreement": agreement, "frac_1": frac_1, "frac_2": frac_2}


def _waveform_attributes(sd: SpikeData, side: str) -> list[dict]:
    if sd.neuron_attributes is None:
        raise AnalysisError(
            f"{side} has no neuron_attributes; a waveform comparison needs "
            f"{list(_WAVEFORM_KEYS)} per unit"
        )
    for u, attrs in enumerate(sd.neuron_attributes):
        missing = [k for k in _WAVEFORM_KEYS if k not in attrs]
        if missing:
            raise AnalysisError(
                f"{side}.neuron_attributes[{u}] lacks {missing} (needs {list(_WAVEFORM_KEYS)})"
            )
        neighbours = np.ravel(attrs["neighbor_channels"])
        if neighbours.size == 0 or int(neighbours[0]) != int(attrs["channel"]):
            raise AnalysisError(
                f"{side}.neuron_attributes[{u}]: neighbor_channels must start with the unit's own "
                f"channel {attrs['channel']}, got {neighbours.tolist()}"
            )
    return sd.neuron_attributes


def _cut(row: np.ndarray, centre: int, pre: int, post: int) -> np.ndarray:
    """``row[centre - pre : centre + post + 1]``, zero where that runs past the row's ends."""
    out = np.zeros(pre + post + 1)
    lo, hi = centre - pre, centre + post + 1
    out[max(0, -lo): out.size - max(0, hi - row.size)] = row[max(lo, 0): min(hi, row.size)]
    return out


def footprint(attrs: dict, pre: int, post: int) -> tuple[np.ndarray, np.ndarray]:
    """A unit's footprint as ``(channels, rows)``: the channels it covers and, for each, the
    ``pre + post + 1`` samples around the template's largest absolute value."""
    template = np.asarray(attrs["template"], dtype=np.float64).ravel()
    centre = int(np.argmax(np.abs(template))) if template.size else 0
    neighbours = np.atleast_2d(np.asarray(attrs["neighbor_templates"], dtype=np.float64))
    channels = np.ravel(attrs["neighbor_channels"]).astype(np.int64)
    rows = [template] + [neighbours[k] for k in range(1, channels.size)]
    return channels, np.array([_cut(r, centre, pre, post) for r in rows])


def _overlap_similarity(
    fp1: tuple[np.ndarray, np.ndarray], fp2: tuple[np.ndarray, np.ndarray], max_lag: int
) -> float:
    """Best cosine over shifts of two sparse footprints, each over the overlapping samples."""
    (ch1, rows1), (ch2, rows2) = fp1, fp2
    n = rows1.shape[1]
    common, at1, at2 = np.intersect1d(ch1, ch2, return_indices=True)
    best = np.nan
    for lag in range(-min(max_lag, n - 1), min(max_lag, n - 1) + 1):
        a = rows1[:, max(lag, 0): n + min(lag, 0)]
        b = rows2[:, max(-lag, 0): n - max(lag, 0)]
        na, nb = np.sqrt(np.sum(a * a)), np.sqrt(np.sum(b * b))
        if na == 0 and nb == 0:
            continue
        value = float(np.sum(a[at1] * b[at2])) / (na * nb) if na > 0 and nb > 0 else 0.0
        best = value if np.isnan(best) else max(best, value)
    return best


def _waveform_similarity(
    sd: SpikeData, other: SpikeData, f_rel_to_trough: tuple[int, int], max_lag: int
) -> np.ndarray:
    pre, post = (int(v) for v in f_rel_to_trough)
    if pre < 0 or post < 0 or int(max_lag) < 0:
        raise AnalysisError(
            f"f_rel_to_trough and max_lag must be >= 0 samples, got {f_rel_to_trough}, {max_lag}"
        )
    fps1 = [footprint(a, pre, post) for a in _waveform_attributes(sd, "self")]
    fps2 = [footprint(a, pre, post) for a in _waveform_attributes(other, "other")]
    return np.array(
        [[_overlap_similarity(a, b, int(max_lag)) for b in fps2] for a in fps1]
    ).reshape(len(fps1), len(fps2))


def compare_sorter(
    sd: SpikeData,
    other: SpikeData,
    comparison_type: str = "spike_times",
    delta_ms: float = 0.4,
    f_rel_to_trough: tuple[int, int] = (20, 40),
    max_lag: int = 5,
) -> dict[str, Any]:
    """Compare ``sd``'s units with ``other``'s (see the module for both measures).

    Parameters
    ----------
    other : SpikeData
        The other sorting of the same recording.
    comparison_type : {"spike_times", "waveforms"}
    delta_ms : float
        Largest distance (ms, inclusive) of two matching spikes (``"spike_times"``).
    f_rel_to_trough : (int, int)
        Samples kept before and after the template's extremum (``"waveforms"``).
    max_lag : int
        Largest shift in samples (``"waveforms"``).

    Returns
    -------
    dict
        ``labels_1``, ``labels_2`` (unit indices), ``metadata`` (the settings) and either
        ``agreement``, ``frac_1``, ``frac_2`` (M, N) or ``similarity`` (M, N).  Feed a
        matrix to :func:`best_match_assignment` for the unit mapping.

    Notes
    -----
    The spike matching is one compiled sweep over the spikes of ``other`` near each spike
    of ``sd`` (parallel over units): its cost is the number of such nearby spike pairs, not
    ``M x N`` merges.  Footprints are kept per channel, so a probe with thousands of
    channels costs no memory for channels a unit does not cover.

    Examples
    --------
    >>> a = SpikeData([[1.0, 2.0, 3.0, 10.0], [5.0, 6.0]], length=20)
    >>> b = SpikeData([[1.1, 2.5, 10.2], [5.3, 6.0, 7.0]], length=20)
    >>> compare_sorter(a, b)["agreement"]
    array([[0.4       , 0.        ],
           [0.        , 0.66666667]])
    """
    if not isinstance(other, SpikeData):
        raise TypeError(
            f"compare_sorter needs a SpikeData to compare with, got {type(other).__name__}"
        )
    if comparison_type not in COMPARISON_TYPES:
        raise AnalysisError(
            f"comparison_type must be one of {list(COMPARISON_TYPES)}, got {comparison_type!r}"
        )
    result: dict[str, Any] = {"labels_1": list(range(sd.N)), "labels_2": list(range(other.N))}
    if comparison_type == "spike_times":
        result["metadata"] = {"comparison_type": comparison_type, "delta_ms": delta_ms}
        result.update(_spike_time_agreement(sd, other, delta_ms))
    else:
        result["metadata"] = {
            "comparison_type": comparison_type,
            "f_rel_to_trough": f_rel_to_trough,
            "max_lag": max_lag,
        }
        result["similarity"] = _waveform_similarity(sd, other, f_rel_to_trough, max_lag)
    return result


def best_match_assignment(score_matrix: np.ndarray, minimize: bool = False) -> dict[str, Any]:
    """The one-to-one assignment of rows to columns with the largest (or smallest) total
    score: the Hungarian algorithm (:func:`scipy.optimize.linear_sum_assignment`).

    Returns
    -------
    dict
        ``row_indices``, ``col_indices`` (the ``min(M, N)`` matched pairs, rows ascending),
        ``scores`` and ``total_score``; ``unmatched_rows``, ``unmatched_cols``;
        ``row_order``, ``col_order`` (matched first, then unmatched) and
        ``reordered_matrix = score_matrix[np.ix_(row_order, col_order)]``, whose diagonal
        holds the matched pairs.

    Examples
    --------
    >>> r = best_match_assignment(np.array([[0.1, 0.9, 0.3], [0.8, 0.2, 0.1]]))
    >>> r["col_indices"], r["unmatched_cols"], r["reordered_matrix"]
    (array([1, 0]), array([2]), array([[0.9, 0.1, 0.3],
           [0.2, 0.8, 0.1]]))
    """
    scores = np.asarray(score_matrix, dtype=np.float64)
    if scores.ndim != 2:
        raise AnalysisError(f"score_matrix must be 2-D (M, N), got shape {scores.shape}")
    if not np.isfinite(scores).all():
        raise AnalysisError(
            "score_matrix contains NaN or infinite values; replace them (e.g. with 0) first"
        )
    rows, cols = linear_sum_assignment(scores, maximize=not minimize)
    unmatched_rows = np.setdiff1d(np.arange(scores.shape[0]), rows)
    unmatched_cols = np.setdiff1d(np.arange(scores.shape[1]), cols)
    row_order = np.concatenate([rows, unmatched_rows]).astype(np.int64)
    col_order = np.concatenate([cols, unmatched_cols]).astype(np.int64)
    return {
        "row_indices": rows,
        "col_indices": cols,
        "scores": scores[rows, cols],
        "total_score": float(scores[rows, cols].sum()),
        "unmatched_rows": unmatched_rows,
        "unmatched_cols": unmatched_cols,
        "row_order": row_order,
        "col_order": col_order,
        "reordered_matrix": scores[np.ix_(row_order, col_order)],
    }
