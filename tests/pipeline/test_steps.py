"""The workflow's analysis steps on a small simulated culture: keys, types, edge cases."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from spikelab import (PairwiseCompMatrix, PairwiseCompMatrixStack, RateSliceStack, SpikeData,
                      SpikeSliceStack)
from spikelab.pipeline.config import step_params
from spikelab.pipeline.steps import STEPS, sttc_key
from spikelab.pipeline.summary import summarise
from spikelab.simulate import culture

from ..workflow.harness import REPO

CONFIG = yaml.safe_load((REPO / "config" / "config.yaml").read_text())


@pytest.fixture(scope="module")
def results():
    sd = culture(12, 30, burst_rate_hz=0.3, seed=3)
    out = {"spikedata": sd}
    for name in ("bursts", "burst_alignment", "burst_corr", "sttc", "fr_corr"):
        step = STEPS[name]
        params = step_params(CONFIG, name)
        produced = step.compute(sd, params, out)
        assert list(produced) == step.keys(params)
        out.update(produced)
    return out


def test_every_step_writes_its_keys_with_the_documented_types(results):
    sd = results["spikedata"]
    assert results["tburst"].ndim == 1 and results["burst_edges"].shape == (len(results["tburst"]), 2)
    assert results["burst_stats"]["n_bursts"] == len(results["tburst"]) > 3
    assert isinstance(results["burst_rss"], RateSliceStack)
    assert isinstance(results["burst_sss"], SpikeSliceStack)
    assert isinstance(results["burst_corr"], PairwiseCompMatrixStack)
    assert results["burst_corr_unit_avg"].shape == (sd.N,)
    assert isinstance(results["sttc_matrix"], PairwiseCompMatrix)
    assert results["sttc_matrix"].metadata["delt"] == 20
    assert results["fr_corr_matrix"].matrix.shape == (sd.N, sd.N)


def test_burst_stats_agree_with_the_burst_times(results):
    stats = results["burst_stats"]
    np.testing.assert_allclose(stats["ibi_ms"], np.diff(results["tburst"]))
    assert stats["burst_rate_hz"] == pytest.approx(len(results["tburst"]) / 30.0)
    assert 0 <= stats["frac_spikes_in_burst"].min() <= stats["frac_spikes_in_burst"].max() <= 1


def test_several_sttc_windows_get_one_key_each():
    sd = culture(6, 10, seed=1)
    params = {"delt": [10, 20.5]}
    out = STEPS["sttc"].compute(sd, params, {})
    assert list(out) == ["sttc_matrix_delt10", "sttc_matrix_delt20.5"] == STEPS["sttc"].keys(params)
    assert sttc_key(20.0, several=False) == "sttc_matrix"


def test_alignment_without_any_whole_burst_window_stores_empty_stacks():
    sd = SpikeData([[100.0, 200.0], [150.0]], length=1000.0)
    params = step_params(CONFIG, "burst_alignment")
    out = STEPS["burst_alignment"].compute(sd, params, {"tburst": np.array([50.0, 990.0])})
    assert out["burst_rss"].event_stack.shape == (2, 750, 0)
    assert len(out["burst_sss"].spike_stack) == 0 and out["burst_sss"].N == 2  # the units are still known


def test_summary_has_one_value_per_condition(results):
    loaded = {f"{c}/bursts": results["burst_stats"] for c in ("X", "Y")}
    loaded.update({f"{c}/sttc": results["sttc_matrix"] for c in ("X", "Y")})
    summary = summarise(["X", "Y"], loaded)["summary"]
    assert summary["conditions"].tolist() == ["X", "Y"]
    expected = np.nanmean(results["sttc_matrix"].extract_lower_triangle())
    np.testing.assert_allclose(summary["mean_sttc"], [expected, expected])
    assert "mean_burst_corr" not in summary
