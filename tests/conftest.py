"""Shared factories and comparison helpers for the whole test suite."""

from __future__ import annotations

import numpy as np
import pytest

from spikelab import SpikeData


def poisson_spikedata(n_units: int = 5, length_ms: float = 1000.0, rate_hz: float = 5.0,
                      seed: int = 0, start_time: float = 0.0) -> SpikeData:
    """Independent Poisson trains: a small, fast, reproducible recording."""
    rng = np.random.default_rng(seed)
    trains = []
    for _ in range(n_units):
        n = rng.poisson(rate_hz * length_ms / 1000.0)
        trains.append(start_time + np.sort(rng.uniform(0, length_ms, n)))
    return SpikeData(trains, length=length_ms, start_time=start_time)


@pytest.fixture
def small_sd() -> SpikeData:
    return poisson_spikedata()
