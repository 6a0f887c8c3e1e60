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
    condition_plot_inputs,
    figure_inputs,
    figure_report,
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


@pytest.mark.parametrize("change, kinds, steps", [
    ({}, list(RECORDING_FIGURES), ["recording", "bursts", "burst_alignment", "sttc"]),
    ({"analyses__bursts__enabled": False, "analyses__burst_alignment__enabled": False,
      "analyses__burst_corr__enabled": False}, ["raster", "sttc"], ["recording", "sttc"]),
    ({}, list(CONDITION_FIGURES), ["burst_corr", "sttc", "summary"]),
])
def test_a_plot_job_reads_the_parts_its_figures_need(demo_config, change, kinds, steps):
    graph = StepGraph(with_changes(demo_config, **change))
    figures = RECORDING_FIGURES if set(kinds) <= set(RECORDING_FIGURES) else CONDITION_FIGURES
    assert sorted(figure_inputs(graph, kinds, figures)) == sorted(steps)


def test_the_job_across_recordings_reads_each_recording_s_part_and_the_summary(demo_config):
    graph = StepGraph(demo_config)
    inputs = condition_plot_inputs(graph, list(CONDITION_FIGURES), "all")
    for step in ("sttc", "burst_corr"):
        assert inputs[step] == [f"results/parts/{rec}/{step}.h5" for rec in demo_config[
            "recordings"]]
    assert inputs["summary"] == "results/parts/all/summary.h5"


@pytest.mark.parametrize("target, category, labels", [
    ("D0", "Per condition", {"condition": "D0", "figure": "sttc"}),
    ("all", "Across conditions", {"figure": "sttc"}),
])
def test_each_figure_has_its_caption_and_place_in_the_report(target, category, labels):
    described = figure_report(target, "sttc", "all")
    assert described["caption"] == "../report/sttc.rst"
    assert (described["category"], described["labels"]) == (category, labels)
    assert described.get("subcategory") == (target if target != "all" else None)


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


def fake_snakemake(tmp_path: Path, kinds: list[str], inputs: dict, *,
                   recording: str | None = None, **params) -> SimpleNamespace:
    """What Snakemake hands a plot job: named inputs, one named output per figure kind."""
    outputs = {kind: str(tmp_path / "out" / f"{kind}.png") for kind in kinds}
    return SimpleNamespace(
        input=Namedlist(fromdict=inputs), output=Namedlist(fromdict=outputs),
        log=Namedlist(toclone=[str(tmp_path / "figures.log")]),
        params=SimpleNamespace(kinds=kinds, **params),
        wildcards=SimpleNamespace(recording=recording), rule="plot_recording", config={},
    )


def job_cases(parts) -> dict:
    """The two plot jobs: every figure of recording A, and every figure across A and B."""
    both = ["A", "B"]
    return {
        "recording": ({"recording": parts["A"]["recording"], "bursts": parts["A"]["bursts"],
                       "burst_alignment": parts["A"]["burst_alignment"],
                       "sttc": parts["A"]["sttc"]},
                      {"recording": "A", "pre_ms": 250, "key": "sttc_matrix"},
                      list(RECORDING_FIGURES)),
        "conditions": ({"sttc": [parts[r]["sttc"] for r in both],
                        "burst_corr": [parts[r]["burst_corr"] for r in both],
                        "summary": parts["summary"]},
                       {"recordings": both, "key": "sttc_matrix", "namespace": "all"},
                       list(CONDITION_FIGURES)),
    }


@pytest.mark.parametrize("job", ["recording", "conditions"])
def test_one_plot_job_writes_each_of_its_figures_as_png(parts, tmp_path, job):
    inputs, params, kinds = job_cases(parts)[job]
    smk = fake_snakemake(tmp_path, kinds, inputs, **params)
    plots.run_plots(smk)
    logged = Path(smk.log[0]).read_text()
    for kind in kinds:
        assert Path(smk.output[kind]).read_bytes()[:8] == PNG
        assert f"{kind}: drew {smk.output[kind]}" in logged


def test_a_job_draws_only_the_kinds_it_is_given(parts, tmp_path):
    inputs, params, _ = job_cases(parts)["recording"]
    smk = fake_snakemake(tmp_path, ["raster"], inputs, **params)
    plots.run_plots(smk)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["raster.png"]


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
    smk = fake_snakemake(tmp_path, ["histogram"], {})
    with pytest.raises(SystemExit) as exit_:  # the job ends with the message, no traceback
        plots.run_plots(smk)
    assert exit_.value.code == 1
    logged = (tmp_path / "figures.log").read_text()
    assert re.search(rf"{ConfigError.__name__}: unknown figure kind 'histogram'.*'aligned_rate'",
                     logged)


def test_a_figure_cut_short_leaves_no_file(tmp_path):
    """A killed plot job must not leave a partial PNG where Snakemake looks for its output."""
    from matplotlib.figure import Figure

    from spikelab.pipeline.plots import save_figure

    fig = Figure()

    def cut_short(path, **kwargs):
        with open(path, "wb") as fh:
            fh.write(b"\x89PNG partial")
        raise KeyboardInterrupt

    fig.savefig = cut_short
    target = tmp_path / "plots" / "A_raster.png"
    with pytest.raises(KeyboardInterrupt):
        save_figure(fig, target)
    assert list(target.parent.iterdir()) == []
    save_figure(Figure(), target)
    assert target.read_bytes().startswith(b"\x89PNG")
