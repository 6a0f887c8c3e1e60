"""The built-in analyses on a small simulated culture: keys, types, edge cases, and that each
one's code hash covers every spikelab module whose code it runs."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import yaml

import spikelab
from spikelab import (PairwiseCompMatrix, PairwiseCompMatrixStack, RateSliceStack, SpikeData,
                      SpikeSliceStack)
from spikelab.pipeline.analyses.sttc_keys import sttc_key
from spikelab.pipeline.codehash import CodeHasher
from spikelab.pipeline.graph import StepGraph
from spikelab.simulate import culture

from ..workflow.harness import REPO

CONFIG = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
GRAPH = StepGraph(CONFIG)
PER_RECORDING = ["bursts", "burst_alignment", "burst_corr", "sttc", "fr_corr"]
PACKAGE = Path(spikelab.__file__).parent


def run(name, sd, upstream, params=None):
    function = GRAPH.analysis(name).function.load()
    return function(sd, GRAPH.params(name) if params is None else params, upstream)


@pytest.fixture(scope="module")
def results():
    sd = culture(12, 30, burst_rate_hz=0.3, seed=3)
    out = {"spikedata": sd}
    for name in PER_RECORDING:
        upstream = {k: out[k] for keys in GRAPH.reads(name).values() for k in keys}
        produced = run(name, sd, upstream)
        assert list(produced) == GRAPH.keys(name)
        out.update(produced)
    return out


def test_every_analysis_writes_its_keys_with_the_documented_types(results):
    sd = results["spikedata"]
    assert results["tburst"].ndim == 1 and results["burst_edges"].shape == (
        len(results["tburst"]),
        2,
    )
    assert results["burst_stats"]["n_bursts"] == len(results["tburst"]) > 3
    assert isinstance(results["burst_rss"], RateSliceStack)
    assert isinstance(results["burst_sss"], SpikeSliceStack)
    assert isinstance(results["burst_corr"], PairwiseCompMatrixStack)
    assert results["burst_corr_unit_avg"].shape == (sd.N,)
    assert isinstance(results["sttc_matrix"], PairwiseCompMatrix)
    assert results["sttc_matrix"].metadata["delt"] == 20
    assert results["fr_corr_matrix"].matrix.shape == (sd.N, sd.N)


def test_the_analyses_give_what_the_data_class_methods_give(results):
    """The pipeline calls the topic functions directly: same numbers as the public methods."""
    sd, p = results["spikedata"], GRAPH.params("bursts")
    tburst, edges, _ = sd.get_bursts(p["thr_burst"], p["min_burst_diff"],
                                     p["burst_edge_mult_thresh"], p["square_width"],
                                     p["gauss_sigma"], p["acc_square_width"], p["acc_gauss_sigma"],
                                     p["raster_bin_size_ms"], p["peak_to_trough"])
    np.testing.assert_array_equal(results["tburst"], tburst)
    np.testing.assert_array_equal(results["burst_edges"], edges)
    np.testing.assert_array_equal(results["sttc_matrix"].matrix, sd.spike_time_tilings(20).matrix)
    _, avg = results["burst_rss"].get_slice_to_slice_unit_corr_from_stack(0.1, 0.3, 10)
    np.testing.assert_array_equal(results["burst_corr_unit_avg"], avg)


def test_burst_stats_agree_with_the_burst_times(results):
    stats = results["burst_stats"]
    np.testing.assert_allclose(stats["ibi_ms"], np.diff(results["tburst"]))
    assert stats["burst_rate_hz"] == pytest.approx(len(results["tburst"]) / 30.0)
    assert 0 <= stats["frac_spikes_in_burst"].min() <= stats["frac_spikes_in_burst"].max() <= 1


def test_several_sttc_windows_get_one_key_each():
    sd = culture(6, 10, seed=1)
    out = run("sttc", sd, {}, {"delt": [10, 20.5]})
    assert list(out) == ["sttc_matrix_delt10", "sttc_matrix_delt20.5"]
    assert sttc_key(20.0, several=False) == "sttc_matrix"


def test_alignment_without_any_whole_burst_window_stores_empty_stacks():
    sd = SpikeData([[100.0, 200.0], [150.0]], length=1000.0)
    out = run("burst_alignment", sd, {"tburst": np.array([50.0, 990.0])})
    assert out["burst_rss"].event_stack.shape == (2, 750, 0)
    assert len(out["burst_sss"].spike_stack) == 0 and out["burst_sss"].N == 2  # units kept


def test_summary_has_one_value_per_condition(results):
    upstream = {c: {"burst_stats": results["burst_stats"], "sttc_matrix": results["sttc_matrix"]}
                for c in ("X", "Y")}
    summary = GRAPH.analysis("summary").function.load()(["X", "Y"], {}, upstream)["summary"]
    assert summary["conditions"].tolist() == ["X", "Y"]
    lower = results["sttc_matrix"].matrix[np.tril_indices(12, k=-1)]  # by hand
    np.testing.assert_allclose(summary["mean_sttc"], [np.nanmean(lower)] * 2)
    assert "mean_burst_corr" not in summary


# ------------------------------------------------------------------ completeness of the hash
def _module_of(filename: str) -> str | None:
    path = Path(filename)
    if not path.is_relative_to(PACKAGE):
        return None
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _traced(call):
    """Run ``call()``; return every spikelab module whose Python code ran (worker threads too)."""
    ran: set[str] = set()

    def profile(frame, event, arg):
        if event == "call":
            module = _module_of(frame.f_code.co_filename)
            if module is not None:
                ran.add(module)

    threading.setprofile(profile)
    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    return ran


@pytest.mark.parametrize("name", [*PER_RECORDING, "summary"])
def test_the_code_hash_covers_every_spikelab_module_the_analysis_runs(results, name):
    """The static closure is checked against what actually runs: a module whose code runs
    but is not hashed would let a code change go unnoticed."""
    analysis = GRAPH.analysis(name)
    function, params = analysis.function.load(), GRAPH.params(name)
    read = {k: results[k] for keys in GRAPH.reads(name).values() for k in keys}
    if analysis.scope == "recording":
        ran = _traced(lambda: function(results["spikedata"], params, read))
    else:
        ran = _traced(lambda: function(["X", "Y"], params, {"X": read, "Y": read}))
    hashed = set(CodeHasher().hash(analysis.function).modules)
    assert analysis.function.module in ran  # the tracer saw the analysis itself
    assert ran - hashed == set(), f"{name} runs code its hash does not cover"
