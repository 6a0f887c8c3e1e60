"""The Examples sections of the analysis modules run as written (doctest)."""

import doctest
import importlib

import numpy as np
import pytest

from spikelab import SpikeData

MODULES = [
    "spikelab.spikedata.spikedata",
    "spikelab.spikedata.attributes",
    "spikelab.spikedata.intervals",
    "spikelab.spikedata.sliding_rate",
    "spikelab.spikedata.latencies",
    "spikelab.spikedata.combine",
    "spikelab.spikedata.resampling",
    "spikelab.spikedata.population_coupling",
    "spikelab.spikedata.sorter_comparison",
    "spikelab.spikedata.rates",
    "spikelab.spikedata.thresholding",
    "spikelab.spikedata.waveforms",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples_run_as_written(name):
    module = importlib.import_module(name)
    globs = {"np": np, "SpikeData": SpikeData, **vars(module)}
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    tests = [t for t in finder.find(module, name, globs=globs) if t.examples]
    assert tests, f"{name} has no examples"
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} example(s) of {name} failed (see the output above)"
