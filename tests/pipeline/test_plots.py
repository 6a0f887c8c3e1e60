"""spikelab.pipeline.plots / plot_targets: which figures a config asks for, and the plot
job drawing each kind from part workspaces (a fake ``snakemake`` object, no Snakemake run)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import yaml
from snakemake.iocontainers import Namedlist

from spikelab import PairwiseCompMatrix, RateSliceStack, SpikeData
from spikelab.errors import ConfigError
from spikelab.pipeline import plots
from spikelab.pipeline.graph import StepGraph
from spikelab.pipeline.plot_targets import (
    CONDITION_FIGURES,
    RECORDING_FIGURES,
    plot_targets,
    sttc_plot_key,
)
from spikelab.workspace import AnalysisWorkspace

REPO = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def demo_config() -> dict:
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["recordings"] = {"A": {"simulate": {"seed": 1}}, "B": {"simulate": {"seed": 2}}}
    return config


def with_changes(config: dict, **dotted) -> dict:
    config = copy.deepcopy(config)
    for path, value in dotted.items():
        *parents, last = path.split("__")
        block = config
        for key in parents:
            block = block[key]
        block[last] = value
    return config


# --------------------------------------------------------------------------- targets
def test_all_figures_when_everything_is_enabled(demo_config):
    expected = [f"results/plots/{r}/{k}.png" for r in "AB"
                for k in ("raster", "aligned_rate", "sttc")]
    expected += [f"results/plots/all/{k}.png"
                 for k in ("sttc_distribution", "burst_corr_distribution", "summary")]
    assert plot_targets(StepGraph(demo_config)) == expected


@pytest.mark.parametrize("change, absent", [
    ({"plots__enabled": False}, set(RECORDING_FIGURES) | set(CONDITION_FIGURES)),
    ({"analyses__sttc__enabled": False}, {"sttc", "sttc_distribution"}),
    ({"analyses__burst_corr__enabled": False}, {"burst_corr_distribution"}),
    ({"summary__enabled": False}, {"summary"}),
])
def test_figures_of_disabled_analyses_are_not_asked_for(demo_config, change, absent):
    kinds = {Path(p).stem for p in plot_targets(StepGraph(with_changes(demo_config, **change)))}
    everything = set(RECORDING_FIGURES) | set(CONDITION_FIGURES)
    assert kinds == everything - absent


@pytest.mark.parametrize("delt, key", [(20, "sttc_matrix"), ([10, 50], "sttc_matrix_delt10")])
def test_sttc_plot_key_is_the_first_key_the_sttc_step_writes(demo_config, delt, key):
    assert sttc_plot_key(StepGraph(with_changes(demo_config, analyses__sttc__delt=delt))) == key


def test_every_figure_kind_has_a_job_adapter():
    assert set(plots._ADAPTERS) == set(RECORDING_FIGURES) | set(CONDITION_FIGURES)


# --------------------------------------------------------------------------- jobs
def save_part(path: Path, namespace: str, items: dict) -> str:
    ws = AnalysisWorkspace()
    for key, obj in items.items():
        ws.store(namespace, key, obj)
    ws.save(str(path))
    return str(path.with_suffix(".h5"))


@pytest.fixture(scope="module")
def parts(tmp_path_factory) -> dict:
    """Part workspaces of two small recordings and the summary, laid out like results/parts."""
    root = tmp_path_factory.mktemp("parts")
    rng = np.random.default_rng(0)
    out: dict = {}
    for rec in ("A", "B"):
        (root / rec).mkdir()
        sd = SpikeData([np.sort(rng.uniform(0, 5000, 40)) for _ in range(4)], length=5000.0)
        m = rng.uniform(-0.2, 0.8, (4, 4))
        out[rec] = {
            "recording": save_part(root / rec / "recording", rec, {"spikedata": sd}),
            "bursts": save_part(root / rec / "bursts", rec,
                                {"burst_edges": np.array([[1000.0, 1300.0]])}),
            "burst_alignment": save_part(
                root / rec / "burst_alignment", rec,
                {"burst_rss": RateSliceStack(event_matrix=rng.gamma(2, 3, (4, 75, 2)),
                                             step_size=10.0)}),
            "sttc": save_part(root / rec / "sttc", rec,
                              {"sttc_matrix": PairwiseCompMatrix((m + m.T) / 2,
                                                                 metadata={"delt": 20.0})}),
            "burst_corr": save_part(root / rec / "burst_corr", rec,
                                    {"burst_corr_unit_avg": rng.uniform(0, 1, 4)}),
        }
    (root / "all").mkdir()
    summary = {"conditions": np.array(["A", "B"]), "burst_rate_hz": np.array([0.2, 0.1]),
               "mean_sttc": np.array([0.1, np.nan])}
    out["summary"] = save_part(root / "all" / "summary", "all", {"summary": summary})
    return out


def fake_snakemake(tmp_path: Path, kind: str, inputs, *, recording: str | None = None,
                   **params) -> SimpleNamespace:
    named = (Namedlist(fromdict=inputs) if isinstance(inputs, dict)
             else Namedlist(toclone=list(inputs)))
    return SimpleNamespace(
        input=named, output=Namedlist(toclone=[str(tmp_path / "out" / f"{kind}.png")]),
        log=Namedlist(toclone=[str(tmp_path / f"{kind}.log")]),
        params=SimpleNamespace(kind=kind, **params),
        wildcards=SimpleNamespace(recording=recording), rule=f"plot_{kind}", config={},
    )


def job_cases(parts) -> dict:
    both = ["A", "B"]
    return {
        "raster": ({"recording": parts["A"]["recording"], "bursts": parts["A"]["bursts"]},
                   {"recording": "A"}),
        "aligned_rate": ({"burst_alignment": parts["A"]["burst_alignment"]},
                         {"recording": "A", "pre_ms": 250}),
        "sttc": ({"sttc": parts["B"]["sttc"]}, {"recording": "B", "key": "sttc_matrix"}),
        "sttc_distribution": ([parts[r]["sttc"] for r in both],
                              {"recordings": both, "key": "sttc_matrix"}),
        "burst_corr_distribution": ([parts[r]["burst_corr"] for r in both],
                                    {"recordings": both}),
        "summary": ([parts["summary"]], {"namespace": "all"}),
    }


@pytest.mark.parametrize("kind", [*RECORDING_FIGURES, *CONDITION_FIGURES])
def test_run_plots_writes_each_figure_as_png(parts, tmp_path, kind):
    inputs, params = job_cases(parts)[kind]
    smk = fake_snakemake(tmp_path, kind, inputs, **params)
    plots.run_plots(smk)
    assert Path(smk.output[0]).read_bytes()[:8] == PNG
    assert f"{kind}: drew {smk.output[0]}" in Path(smk.log[0]).read_text()


def test_raster_without_bursts_step_draws_no_bursts(parts):
    fig = plots.raster_figure(parts["A"]["recording"], "A")
    ax = fig.axes[0]
    assert len(ax.patches) == 0 and ax.get_title(loc="left").startswith("A: spike raster")


def test_raster_shades_the_stored_burst_edges(parts):
    ax = plots.raster_figure(parts["A"]["recording"], "A", parts["A"]["bursts"]).axes[0]
    assert [(p.get_x(), p.get_x() + p.get_width()) for p in ax.patches] == [(1.0, 1.3)]


def test_distribution_figure_reads_each_recording_from_its_own_part(parts):
    fig = plots.burst_corr_distribution_figure({r: parts[r]["burst_corr"] for r in "AB"})
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["A\nn = 4", "B\nn = 4"]


def test_unknown_kind_is_a_config_error_listing_the_kinds(tmp_path):
    smk = fake_snakemake(tmp_path, "histogram", [])
    with pytest.raises(SystemExit) as exit_:  # the job ends with the message, no traceback
        plots.run_plots(smk)
    assert exit_.value.code == 1
    logged = (tmp_path / "histogram.log").read_text()
    assert re.search(rf"{ConfigError.__name__}: unknown figure kind 'histogram'.*'aligned_rate'",
                     logged)
