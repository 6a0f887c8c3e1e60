"""Slice-to-slice (burst-to-burst) rate correlation of each unit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...spikedata.rate_correlations import get_slice_to_slice_unit_corr_from_stack
from ...spikedata.spikedata import SpikeData

__all__ = ["burst_corr"]


def burst_corr(
    sd: SpikeData, params: Mapping[str, Any], upstream: Mapping[str, Any]
) -> dict[str, Any]:
    """``burst_corr`` (PairwiseCompMatrixStack, (S, S, U)) and ``burst_corr_unit_avg`` (U,)."""
    stack, unit_avg = get_slice_to_slice_unit_corr_from_stack(
        upstream["burst_rss"], params["MIN_RATE_THRESHOLD"], params["MIN_FRAC"],
        params["max_lag"])
    return {"burst_corr": stack, "burst_corr_unit_avg": np.asarray(unit_avg, dtype=np.float64)}
