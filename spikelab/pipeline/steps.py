"""The workflow's analysis steps: (SpikeData, params, upstream results) -> {key: result}.

Each step names the keys it writes, the upstream keys it reads and a code version. The
version is part of every item's fingerprint: bump it when a step's results change for the
same inputs and parameters, so cached results computed by the old code are not reused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..spikedata import RateSliceStack, SpikeData, SpikeSliceStack

__all__ = ["Step", "STEPS", "sttc_key"]

Results = dict[str, Any]


@dataclass(frozen=True)
class Step:
    """One analysis of the workflow.

    Attributes
    ----------
    name : str
        Rule and part-file name.
    version : str
        Code version of this step's results (part of the fingerprint).
    keys : callable
        ``keys(params) -> list of str``: the workspace keys the step writes.
    reads : dict
        Upstream step name -> keys of it this step reads.
    compute : callable
        ``compute(sd, params, upstream) -> {key: result}``; ``upstream`` maps each key of
        ``reads`` to its object.
    """

    name: str
    version: str
    keys: Callable[[Mapping[str, Any]], list[str]]
    reads: Mapping[str, tuple[str, ...]]
    compute: Callable[[SpikeData, Mapping[str, Any], Mapping[str, Any]], Results]


def _bursts(sd: SpikeData, p: Mapping[str, Any], _: Mapping[str, Any]) -> Results:
    tburst, edges, peak_amp = sd.get_bursts(
        p["thr_burst"], p["min_burst_diff"], p["burst_edge_mult_thresh"],
        square_width=p["square_width"], gauss_sigma=p["gauss_sigma"],
        acc_square_width=p["acc_square_width"], acc_gauss_sigma=p["acc_gauss_sigma"],
        raster_bin_size_ms=p["raster_bin_size_ms"], peak_to_trough=p["peak_to_trough"],
    )
    stats: dict[str, Any] = {
        "n_units": int(sd.N),
        "length_ms": float(sd.length),
        "n_bursts": int(len(tburst)),
        "burst_rate_hz": float(len(tburst) / (sd.length / 1000.0)) if sd.length else 0.0,
        "ibi_ms": np.diff(tburst).astype(np.float64),
        "duration_ms": (edges[:, 1] - edges[:, 0]).astype(np.float64),
    }
    if len(tburst):
        frac_unit, frac_burst, backbone = sd.get_frac_active(
            edges, p["min_spikes"], p["backbone_threshold"], bin_size=p["raster_bin_size_ms"]
        )
        stats["frac_active_per_unit"] = np.asarray(frac_unit, dtype=np.float64)
        stats["frac_active_per_burst"] = np.asarray(frac_burst, dtype=np.float64)
        stats["backbone_units"] = np.asarray(backbone, dtype=np.int64)
        stats["frac_spikes_in_burst"] = np.asarray(
            sd.get_frac_spikes_in_burst(edges, bin_size=p["raster_bin_size_ms"]), dtype=np.float64
        )
    return {"tburst": tburst, "burst_edges": edges, "burst_peak_amp": peak_amp,
            "burst_stats": stats}


def _burst_alignment(sd: SpikeData, p: Mapping[str, Any], up: Mapping[str, Any]) -> Results:
    events = np.asarray(up["tburst"], dtype=np.float64)
    pre, post = p["pre_ms"], p["post_ms"]
    stop = sd.start_time + sd.length
    if not np.any((events - pre >= sd.start_time) & (events + post <= stop)):
        # No burst fits a whole window: store empty stacks rather than fail the condition.
        from ..spikedata._binning import guarded_floor  # numba: only jobs pay for it

        n_bins = int(guarded_floor((pre + post) / p["bin_size_ms"]))  # as align_to_events
        return {"burst_rss": RateSliceStack.empty(sd.N, n_bins, p["bin_size_ms"], sd.neuron_attributes),
                "burst_sss": SpikeSliceStack.empty(sd.N, sd.neuron_attributes)}
    common = dict(bin_size_ms=p["bin_size_ms"], sigma_ms=p["sigma_ms"])
    rss = sd.align_to_events(events, pre, post, kind="rate", **common)
    sss = sd.align_to_events(events, pre, post, kind="spike", **common)
    return {"burst_rss": rss, "burst_sss": sss}


def _burst_corr(sd: SpikeData, p: Mapping[str, Any], up: Mapping[str, Any]) -> Results:
    stack, unit_avg = up["burst_rss"].get_slice_to_slice_unit_corr_from_stack(
        MIN_RATE_THRESHOLD=p["MIN_RATE_THRESHOLD"], MIN_FRAC=p["MIN_FRAC"], max_lag=p["max_lag"]
    )
    return {"burst_corr": stack, "burst_corr_unit_avg": np.asarray(unit_avg, dtype=np.float64)}


def _delts(p: Mapping[str, Any]) -> list[float]:
    delt = p["delt"]
    return [float(d) for d in delt] if isinstance(delt, (list, tuple)) else [float(delt)]


def sttc_key(delt: float, several: bool) -> str:
    """``sttc_matrix`` for a single configured window, ``sttc_matrix_delt20`` for each of several."""
    return f"sttc_matrix_delt{delt:g}" if several else "sttc_matrix"


def _sttc_keys(p: Mapping[str, Any]) -> list[str]:
    delts = _delts(p)
    return [sttc_key(d, len(delts) > 1) for d in delts]


def _sttc(sd: SpikeData, p: Mapping[str, Any], _: Mapping[str, Any]) -> Results:
    delts = _delts(p)
    return {sttc_key(d, len(delts) > 1): sd.spike_time_tilings(delt=d) for d in delts}


def _fr_corr(sd: SpikeData, p: Mapping[str, Any], _: Mapping[str, Any]) -> Results:
    times = np.arange(sd.start_time, sd.start_time + sd.length, p["bin_size_ms"])
    rates = sd.resampled_isi(times, sigma_ms=p["sigma_ms"])
    corr, lag = rates.get_pairwise_fr_corr(max_lag=p["max_lag"])
    return {"fr_corr_matrix": corr, "fr_corr_lag": lag}


def _fixed(*keys: str) -> Callable[[Mapping[str, Any]], list[str]]:
    return lambda _params: list(keys)


STEPS: dict[str, Step] = {
    step.name: step
    for step in [
        Step("bursts", "1", _fixed("tburst", "burst_edges", "burst_peak_amp", "burst_stats"),
             {}, _bursts),
        # 2: stacks without slices keep the recording's unit count and attributes
        Step("burst_alignment", "2", _fixed("burst_rss", "burst_sss"),
             {"bursts": ("tburst",)}, _burst_alignment),
        Step("burst_corr", "1", _fixed("burst_corr", "burst_corr_unit_avg"),
             {"burst_alignment": ("burst_rss",)}, _burst_corr),
        Step("sttc", "1", _sttc_keys, {}, _sttc),
        Step("fr_corr", "1", _fixed("fr_corr_matrix", "fr_corr_lag"), {}, _fr_corr),
    ]
}
