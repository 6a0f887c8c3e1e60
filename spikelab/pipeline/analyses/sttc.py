"""Spike time tiling coefficient matrix, one per configured coincidence window."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...spikedata.spikedata import SpikeData
from ...spikedata.sttc import spike_time_tilings
from .sttc_keys import delts, sttc_key

__all__ = ["sttc"]


def sttc(sd: SpikeData, params: Mapping[str, Any], upstream: Mapping[str, Any]) -> dict[str, Any]:
    """One PairwiseCompMatrix per ``delt`` (ms), keyed as :func:`.sttc_keys.sttc_keys` names
    them."""
    windows = delts(params)
    return {sttc_key(d, len(windows) > 1): spike_time_tilings(sd, d) for d in windows}
