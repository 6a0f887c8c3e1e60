"""Fixtures for the recording I/O tests: a small simulated culture."""

from __future__ import annotations

import numpy as np
import pytest

from spikelab import SpikeData
from spikelab.simulate import culture


@pytest.fixture(scope="module")
def sim() -> SpikeData:
    """30 units, 20 s, bursting: metadata with arrays and a nested dict, positions."""
    return culture(30, 20.0, burst_rate_hz=0.3, seed=11)


def on_sample_grid(sd: SpikeData, fs_hz: float) -> SpikeData:
    """``sd`` with every spike moved to the nearest sample ``k * 1000 / fs_hz`` ms."""
    trains = [np.round(t * fs_hz / 1000.0) * 1000.0 / fs_hz for t in sd.train]
    return SpikeData(trains, length=sd.length, neuron_attributes=sd.neuron_attributes,
                     metadata=sd.metadata)


def assert_same_trains(a: SpikeData, b: SpikeData, atol: float = 0.0) -> None:
    assert a.N == b.N
    for i, (x, y) in enumerate(zip(a.train, b.train, strict=True)):
        assert x.shape == y.shape, f"unit {i}: {x.size} vs {y.size} spikes"
        if atol:
            np.testing.assert_allclose(x, y, rtol=0, atol=atol, err_msg=f"unit {i}")
        else:
            np.testing.assert_array_equal(x, y, err_msg=f"unit {i}")


@pytest.fixture(name="on_sample_grid")
def _on_sample_grid():
    return on_sample_grid


@pytest.fixture(name="assert_same_trains")
def _assert_same_trains():
    return assert_same_trains
