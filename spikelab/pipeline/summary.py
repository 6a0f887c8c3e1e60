"""Cross-condition summary: one number per condition and metric, in the shared namespace."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .runner import ItemRef

__all__ = ["SUMMARY_KEYS", "SUMMARY_VERSION", "summary_inputs", "summarise"]

SUMMARY_KEYS = ["summary"]
SUMMARY_VERSION = "1"

#: Which item of each per-recording step the summary reads.
_READS = {"bursts": "burst_stats", "burst_corr": "burst_corr_unit_avg"}


def summary_inputs(recordings: Sequence[str], parts: Mapping[str, Sequence[str]],
                   params: Mapping[str, Any]) -> dict[str, ItemRef]:
    """Label ``{recording}/{step}`` -> the item it reads, from each step's list of parts."""
    refs = {}
    for step in params["steps"]:
        key = params["sttc_key"] if step == "sttc" else _READS[step]
        paths = parts[step]
        for recording, path in zip(recordings, paths, strict=True):
            refs[f"{recording}/{step}"] = ItemRef(str(path), recording, key)
    return refs


def _nanmean(values: np.ndarray) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN: no valid pair/unit
        return float(np.nanmean(values)) if values.size else float("nan")


def summarise(recordings: Sequence[str], loaded: Mapping[str, Any]) -> dict[str, Any]:
    """Per-condition metrics as arrays aligned with ``conditions``.

    ``n_units``, ``n_bursts``, ``burst_rate_hz`` (bursts per second), ``mean_sttc`` (mean of
    the STTC matrix's lower triangle) and ``mean_burst_corr`` (mean over units of the
    slice-to-slice burst correlation), for the steps that ran.
    """
    summary: dict[str, Any] = {"conditions": np.array(list(recordings), dtype=str)}
    columns: dict[str, list[float]] = {}
    for rec in recordings:
        stats = loaded.get(f"{rec}/bursts")
        if stats is not None:
            columns.setdefault("n_units", []).append(stats["n_units"])
            columns.setdefault("n_bursts", []).append(stats["n_bursts"])
            columns.setdefault("burst_rate_hz", []).append(stats["burst_rate_hz"])
        sttc = loaded.get(f"{rec}/sttc")
        if sttc is not None:
            columns.setdefault("mean_sttc", []).append(_nanmean(sttc.extract_lower_triangle()))
        corr = loaded.get(f"{rec}/burst_corr")
        if corr is not None:
            columns.setdefault("mean_burst_corr", []).append(_nanmean(np.asarray(corr)))
    summary.update({name: np.asarray(vals) for name, vals in columns.items()})
    return {"summary": summary}
