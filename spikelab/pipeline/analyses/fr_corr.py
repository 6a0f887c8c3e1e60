"""Pairwise firing-rate correlation over the whole recording."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...spikedata.rate_correlations import get_pairwise_fr_corr
from ...spikedata.rates import resampled_isi
from ...spikedata.spikedata import SpikeData

__all__ = ["fr_corr"]


def fr_corr(
    sd: SpikeData, params: Mapping[str, Any], upstream: Mapping[str, Any]
) -> dict[str, Any]:
    """``fr_corr_matrix`` and ``fr_corr_lag`` (PairwiseCompMatrix, lags in bins) of the
    inverse-ISI rates on a ``bin_size_ms`` grid smoothed by ``sigma_ms``."""
    times = np.arange(sd.start_time, sd.start_time + sd.length, params["bin_size_ms"])
    rates = resampled_isi(sd, times, sigma_ms=params["sigma_ms"])
    corr, lag = get_pairwise_fr_corr(rates, max_lag=params["max_lag"])
    return {"fr_corr_matrix": corr, "fr_corr_lag": lag}
