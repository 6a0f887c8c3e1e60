"""Network bursts: peaks and edges (ms), peak amplitudes, and per-recording burst statistics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...spikedata.bursts import get_bursts, get_frac_active, get_frac_spikes_in_burst
from ...spikedata.spikedata import SpikeData

__all__ = ["bursts"]


def bursts(sd: SpikeData, params: Mapping[str, Any], upstream: Mapping[str, Any]) -> dict[str, Any]:
    """``tburst`` (ms), ``burst_edges`` (ms, (B, 2)), ``burst_peak_amp`` and ``burst_stats``.

    ``burst_stats`` holds ``n_units``, ``length_ms``, ``n_bursts``, ``burst_rate_hz``,
    ``ibi_ms`` and ``duration_ms``, plus, when there is a burst, ``frac_active_per_unit``,
    ``frac_active_per_burst``, ``backbone_units`` and ``frac_spikes_in_burst``.
    """
    p = params
    tburst, edges, peak_amp = get_bursts(
        sd, p["thr_burst"], p["min_burst_diff"], p["burst_edge_mult_thresh"],
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
        frac_unit, frac_burst, backbone = get_frac_active(
            sd, edges, p["min_spikes"], p["backbone_threshold"], bin_size=p["raster_bin_size_ms"])
        stats["frac_active_per_unit"] = np.asarray(frac_unit, dtype=np.float64)
        stats["frac_active_per_burst"] = np.asarray(frac_burst, dtype=np.float64)
        stats["backbone_units"] = np.asarray(backbone, dtype=np.int64)
        stats["frac_spikes_in_burst"] = np.asarray(
            get_frac_spikes_in_burst(sd, edges, bin_size=p["raster_bin_size_ms"]), dtype=np.float64)
    return {"tburst": tburst, "burst_edges": edges, "burst_peak_amp": peak_amp,
            "burst_stats": stats}
