"""Shared factories and comparison helpers for the whole test suite."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spikelab import SpikeData
from tests import reference_env
from tests.ci import unavailable


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


@pytest.fixture(scope="session")
def reference_python(request) -> Path:
    """The interpreter of a spikelab 0.1.2 environment (see :mod:`tests.reference_env`).

    Built on first use into pytest's cache directory and reused by later runs;
    ``$SPIKELAB_REF_PYTHON`` names an existing one instead. If it cannot be built the test
    is skipped, or fails under CI; a ``$SPIKELAB_REF_PYTHON`` that is not a working 0.1.2
    is an error everywhere.
    """
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    say = reporter.write_line if reporter is not None else None
    cache = getattr(request.config, "cache", None)  # None under -p no:cacheprovider
    venv_dir = cache.mkdir(reference_env.CACHE_NAME) if cache is not None else None
    try:
        return reference_env.reference_python(venv_dir, report=say)
    except reference_env.ReferenceUnavailable as exc:
        unavailable(f"no spikelab {reference_env.VERSION} reference environment: {exc}")
