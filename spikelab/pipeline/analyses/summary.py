"""The cross-condition summary: one number per condition and metric (a ``scope: all`` analysis)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ...spikedata.pairwise import PairwiseCompMatrix
from .sttc_keys import is_sttc_key

__all__ = ["summary"]


def _nanmean(values: np.ndarray) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN: no valid pair/unit
        return float(np.nanmean(values)) if values.size else float("nan")


def _mean_sttc(matrix: PairwiseCompMatrix) -> float:
    return _nanmean(matrix.extract_lower_triangle())


def summary(recordings: Sequence[str], params: Mapping[str, Any],
            upstream: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Per-condition metrics as arrays aligned with ``conditions``.

    ``n_units``, ``n_bursts``, ``burst_rate_hz`` (bursts per second), ``mean_sttc`` (mean of
    the lower triangle of the first STTC matrix) and ``mean_burst_corr`` (mean over units of
    the slice-to-slice burst correlation), for the analyses that ran.
    """
    result: dict[str, Any] = {"conditions": np.array(list(recordings), dtype=str)}
    columns: dict[str, list[float]] = {}
    for rec in recordings:
        items = upstream[rec]
        stats = items.get("burst_stats")
        if stats is not None:
            columns.setdefault("n_units", []).append(stats["n_units"])
            columns.setdefault("n_bursts", []).append(stats["n_bursts"])
            columns.setdefault("burst_rate_hz", []).append(stats["burst_rate_hz"])
        sttc = next((items[key] for key in items if is_sttc_key(key)), None)
        if sttc is not None:
            columns.setdefault("mean_sttc", []).append(_mean_sttc(sttc))
        corr = items.get("burst_corr_unit_avg")
        if corr is not None:
            columns.setdefault("mean_burst_corr", []).append(_nanmean(np.asarray(corr)))
    result.update({name: np.asarray(vals) for name, vals in columns.items()})
    return {"summary": result}
