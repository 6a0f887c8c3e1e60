"""The step graph: built-in and user analyses from one registry, resolved and checked."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest
import yaml

from spikelab.errors import ConfigError
from spikelab.pipeline.graph import StepGraph

from ..workflow.harness import REPO

BUILTIN_ORDER = ["bursts", "burst_alignment", "burst_corr", "sttc", "fr_corr", "summary"]


@pytest.fixture
def config():
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


@pytest.fixture
def project(tmp_path):
    """A project folder with one analysis file of the lab's own."""
    folder = tmp_path / "workflow" / "analyses"
    folder.mkdir(parents=True)
    (folder / "isi.py").write_text(textwrap.dedent('''
        import numpy as np

        def isi_histogram(sd, params, upstream):
            return {"isi_hist": np.zeros(3)}

        def compare(recordings, params, upstream):
            return {"delta": np.zeros(1)}
    '''))
    return tmp_path


def with_analysis(config, name="isi_hist", **block):
    config = copy.deepcopy(config)
    entry = {"function": "workflow/analyses/isi.py:isi_histogram", "keys": ["isi_hist"]}
    entry.update(block)
    config["analyses"][name] = entry
    return config


def test_demo_config_enables_every_builtin_in_dependency_order(config):
    graph = StepGraph(config)
    assert graph.names == BUILTIN_ORDER
    assert graph.reads("burst_corr") == {"burst_alignment": ["burst_rss"]}
    assert graph.namespaces("summary") == ["all"]
    assert graph.namespaces("sttc") == list(config["recordings"])


def test_an_analysis_whose_input_is_disabled_is_a_config_error(config):
    config["analyses"]["burst_alignment"]["enabled"] = False
    with pytest.raises(ConfigError, match="burst_corr.*burst_alignment.*disabled"):
        StepGraph(config)


def test_the_summary_reads_only_what_is_enabled(config):
    config["analyses"]["sttc"]["enabled"] = False
    config["analyses"]["sttc"]["delt"] = [10, 20]
    assert StepGraph(config).reads("summary") == {
        "bursts": ["burst_stats"], "burst_corr": ["burst_corr_unit_avg"]}
    config["analyses"]["sttc"]["enabled"] = True
    assert StepGraph(config).reads("summary")["sttc"] == [
        "sttc_matrix_delt10",
        "sttc_matrix_delt20",
    ]


@pytest.mark.parametrize("edit", [
    lambda c: c["analyses"].__setitem__("sttc", {"delt": 20.0, "enabled": True}),
    lambda c: c["analyses"].__setitem__("bursts", dict(reversed(c["analyses"]["bursts"].items()))),
    lambda c: c["analyses"]["bursts"].__setitem__("enabled", True),
])
def test_canonical_params_ignore_key_order_integral_floats_and_enabled(config, edit):
    edited = copy.deepcopy(config)
    edit(edited)
    for step in ("bursts", "sttc"):
        assert StepGraph(edited).params_json(step) == StepGraph(config).params_json(step)


def test_canonical_params_change_with_a_value(config):
    edited = copy.deepcopy(config)
    edited["analyses"]["sttc"]["delt"] = 20.5
    assert StepGraph(edited).params_json("sttc") != StepGraph(config).params_json("sttc")
    assert "enabled" not in StepGraph(config).params("sttc")


def test_expected_items_cover_every_recording_and_the_summary(config):
    items = StepGraph(config).expected_items()
    assert ("D0", "spikedata") in items and ("D0", "sttc_matrix") in items
    assert ("all", "summary") in items
    config["analyses"]["sttc"]["delt"] = [10, 20]
    assert ("D0", "sttc_matrix_delt10") in StepGraph(config).expected_items()


def test_parts_are_one_per_recording_and_analysis_namespace(config):
    graph = StepGraph(config)
    n = len(config["recordings"])
    assert len(graph.parts()) == n + 5 * n + 1
    assert graph.parts()[0] == "results/parts/D0/recording.h5"
    assert graph.parts()[-1] == "results/parts/all/summary.h5"


def test_a_user_analysis_joins_the_graph_after_what_it_reads(config, project):
    config = with_analysis(config, reads={"bursts": ["tburst"]}, params={"bins": 50})
    graph = StepGraph(config, project_dir=project)
    assert graph.names.index("isi_hist") > graph.names.index("bursts")
    assert graph.params("isi_hist") == {"bins": 50}
    job = graph.job("isi_hist", "D3")
    assert job["inputs"] == [
        ["spikedata", "results/parts/D3/recording.h5", "D3", "spikedata"],
        ["tburst", "results/parts/D3/bursts.h5", "D3", "tburst"]]
    assert job["about"] == "recording D3" and graph.version("isi_hist").startswith("code:")
    assert ("D3", "isi_hist") in graph.expected_items()


def test_user_analyses_are_ordered_by_what_they_read_not_where_they_are_written(config, project):
    config = with_analysis(config, name="second", keys=["b"], reads={"first": ["a"]})
    config = with_analysis(config, name="first", keys=["a"])
    assert StepGraph(config, project_dir=project).names[-2:] == ["first", "second"]


def test_a_scope_all_analysis_reads_every_recording(config, project):
    config = with_analysis(config, name="cmp", function="workflow/analyses/isi.py:compare",
                           keys=["delta"], scope="all", reads={"bursts": ["burst_stats"]})
    graph = StepGraph(config, project_dir=project)
    assert graph.namespaces("cmp") == ["all"]
    labels = [label for label, *_ in graph.inputs("cmp", "all")]
    assert labels == [f"{r}/burst_stats" for r in config["recordings"]]


@pytest.mark.parametrize("pairs, expected", [
    ("all", {"C_D0_D3": ("D0", "D3"), "C_D0_D10": ("D0", "D10"), "C_D3_D10": ("D3", "D10")}),
    ({"baseline": "D3"}, {"C_D3_D0": ("D3", "D0"), "C_D3_D10": ("D3", "D10")}),
    ([["D10", "D0"]], {"C_D10_D0": ("D10", "D0")}),
])
def test_pairs_get_one_comparison_namespace_each(config, project, pairs, expected):
    config["recordings"] = {r: config["recordings"][r] for r in ("D0", "D3", "D10")}
    config = with_analysis(config, name="cmp", function="workflow/analyses/isi.py:compare",
                           keys=["delta"], scope="all", pairs=pairs, reads={"sttc": "all"})
    graph = StepGraph(config, project_dir=project)
    assert graph.pairs("cmp") == expected
    assert graph.namespaces("cmp") == list(expected)
    first = next(iter(expected))
    assert graph.recordings_of("cmp", first) == list(expected[first])
    assert {(ns, "delta") for ns in expected} <= set(graph.expected_items())
    assert graph.job("cmp", first)["about"].startswith("recordings ")


BAD_DECLARATIONS = [
    (
        dict(reads={"nope": ["x"]}),
        r"analyses\.isi_hist\.reads\.nope: no analysis 'nope'; valid: "
        r"recording, bursts",
    ),
    (
        dict(reads={"bursts": ["tbursts"]}),
        r"analyses\.isi_hist\.reads\.bursts: bursts does not "
        r"write \['tbursts'\]; it writes tburst",
    ),
    (
        dict(reads={"fr_corr": "all"}, _disable="fr_corr"),
        r"analyses\.isi_hist is enabled but needs analyses\.fr_corr, which is disabled",
    ),
    (dict(reads={"summary": ["summary"]}), r"reads\.summary: summary has scope: all"),
    (
        dict(keys=["tburst"]),
        r"analyses\.isi_hist\.keys: 'tburst' is also written by analyses\.bursts",
    ),
    (dict(keys=["spikedata"]), r"analyses\.isi_hist\.keys: 'spikedata' is the recording itself"),
    (dict(keys=[]), r"analyses\.isi_hist\.keys: the list of keys .* is required"),
    (dict(keys=None), r"analyses\.isi_hist\.keys: the list of keys .* is required"),
    (dict(keys=["a/b"]), r"analyses\.isi_hist\.keys: .*'/'"),
    (dict(function="isi_histogram"), r"analyses\.isi_hist\.function: .*not a function reference"),
    (
        dict(function="workflow/analyses/nowhere.py:f"),
        r"analyses\.isi_hist\.function: .*nowhere\.py "
        r"not found",
    ),
    (
        dict(function="workflow/analyses/isi.py:isi_hist"),
        r"analyses\.isi_hist\.function: .*defines no 'isi_hist' "
        r".*functions there: isi_histogram, compare",
    ),
    (
        dict(function="nolab.analyses:f"),
        r"analyses\.isi_hist\.function: .*module nolab\.analyses "
        r"not found",
    ),
    (dict(scope="pairs"), r"analyses\.isi_hist\.scope: 'pairs'; valid: \['recording', 'all'\]"),
    (dict(pairs="all"), r"analyses\.isi_hist\.pairs: only a scope: all analysis"),
    (dict(scope="all", pairs={"baseline": "D99"}), r"pairs\.baseline: no recording 'D99'"),
    (
        dict(scope="all", pairs=[["D0", "D0"]]),
        r"pairs: \[D0, D0\] compares a recording with itself",
    ),
    (dict(colour="red"), r"analyses\.isi_hist: unknown field\(s\) \['colour'\]"),
]


@pytest.mark.parametrize("block, message", BAD_DECLARATIONS)
def test_every_bad_declaration_is_one_config_error_naming_its_key(config, project, block, message):
    block = dict(block)
    disable = block.pop("_disable", None)
    config = with_analysis(config, **block)
    if disable:
        config["analyses"][disable]["enabled"] = False
    with pytest.raises(ConfigError, match=message):
        _ = StepGraph(config, project_dir=project).versions


def test_a_cycle_is_named(config, project):
    config = with_analysis(config, name="a", keys=["ka"], reads={"b": ["kb"]})
    config = with_analysis(config, name="b", keys=["kb"], reads={"a": ["ka"]})
    with pytest.raises(ConfigError, match=r"analyses\.a\.reads: a cycle: a -> b -> a"):
        StepGraph(config, project_dir=project)


@pytest.mark.parametrize("name", ["merge", "recording", "all", "plot_isi"])
def test_names_of_the_workflow_rules_are_refused(config, project, name):
    with pytest.raises(ConfigError, match=rf"analyses\.{name}: the name is taken"):
        StepGraph(with_analysis(config, name=name), project_dir=project)


def test_a_block_without_function_that_is_no_builtin_says_how_to_declare_one(config):
    config["analyses"]["bursts2"] = {"enabled": True}
    with pytest.raises(
        ConfigError, match=r"analyses\.bursts2: not a built-in analysis .*`function:`"
    ):
        StepGraph(config)


def test_colliding_comparison_namespaces_are_refused(config, project):
    config["recordings"] = {"a_b": {"path": "x"}, "c": {"path": "y"}, "a": {"path": "z"},
                            "b_c": {"path": "w"}}
    config = with_analysis(config, name="cmp", function="workflow/analyses/isi.py:compare",
                           keys=["delta"], scope="all", pairs=[["a_b", "c"], ["a", "b_c"]])
    with pytest.raises(ConfigError, match="both get the namespace C_a_b_c"):
        StepGraph(config, project_dir=project)


def test_an_unparsable_analysis_file_is_named_with_its_line(config, project):
    (project / "workflow" / "analyses" / "isi.py").write_text("def isi_histogram(:\n")
    with pytest.raises(ConfigError, match=r"analyses\.isi_hist\.function: .*isi\.py line 1"):
        _ = StepGraph(with_analysis(config), project_dir=project).versions


def test_a_manual_version_joins_the_code_hash(config, project):
    plain = StepGraph(with_analysis(config), project_dir=project).version("isi_hist")
    versioned = StepGraph(with_analysis(config, version=2), project_dir=project).version("isi_hist")
    assert versioned == f"version:2;{plain}"


def test_a_scope_all_analysis_may_read_the_recordings_themselves(config, project):
    config = with_analysis(config, name="cmp", function="workflow/analyses/isi.py:compare",
                           keys=["delta"], scope="all", reads={"recording": ["spikedata"]})
    graph = StepGraph(config, project_dir=project)
    assert graph.inputs("cmp", "all")[0] == ("D0/spikedata", "results/parts/D0/recording.h5",
                                             "D0", "spikedata")
    per_recording = with_analysis(config, reads={"recording": "all"})  # the first argument
    assert StepGraph(per_recording, project_dir=project).reads("isi_hist") == {}


def test_only_analyses_whose_code_uses_compiled_kernels_wait_for_them(config):
    graph = StepGraph(config)
    kernels, sttc = "spikelab.spikedata._kernels", "spikelab.spikedata._sttc_kernels"
    assert {name: graph.kernel_modules(name) for name in graph.names} == {
        "bursts": [], "burst_alignment": [kernels], "burst_corr": [kernels],
        "sttc": [sttc], "fr_corr": [kernels], "summary": []}
    assert graph.kernel_modules() == [kernels, sttc]
    assert re.fullmatch(r"__kernels__\.[0-9a-f]{16}\.json", os.path.basename(graph.kernels_record))


def test_the_kernels_version_names_their_code_numba_and_python(config):
    import numba

    version = StepGraph(config).kernels_version
    assert version.startswith("code:") and f";numba:{numba.__version__};python:" in version
    assert StepGraph(config).kernels_version == version


@pytest.mark.parametrize("edited, record_changes, sttc_changes", [
    ("spikedata/_sttc_kernels.py", True, True),  # a kernel
    ("spikedata/_jit.py", True, True),  # what the kernels import
    ("spikedata/kernel_cache.py", True, False),  # the calls compiling them
    ("spikedata/sttc.py", False, True),  # an analysis calling a kernel: only its code hash
])
def test_the_kernels_record_is_named_after_the_kernels_code_only(config, tmp_path, edited,
                                                                 record_changes, sttc_changes):
    """A new version is a new record file (so the compile job runs because its output is
    missing, never because its params changed); in a copy of the package."""
    package = tmp_path / "package"
    shutil.copytree(REPO / "spikelab", package / "spikelab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    code = ("import json, sys; from spikelab.pipeline.graph import StepGraph; "
            "g = StepGraph(json.loads(sys.argv[1])); print(g.kernels_record, g.versions['sttc'])")

    def record_and_sttc_version():
        proc = subprocess.run([sys.executable, "-c", code, json.dumps(config)], cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": str(package)},
                              capture_output=True, text=True, check=True)
        return proc.stdout.split()

    record, sttc = record_and_sttc_version()
    module = package / "spikelab" / edited
    module.write_text(module.read_text() + "\n_EDITED = True\n")
    new_record, new_sttc = record_and_sttc_version()
    assert (new_record != record, new_sttc != sttc) == (record_changes, sttc_changes)
