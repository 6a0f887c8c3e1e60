"""A lab's own analyses in the workspace cache, on the real `snakemake` (issue 11's acceptance).

A separate project folder imports the workflow as a Snakemake module with the Snakefile of
docs/pipeline.md (which adds a rule of its own), and declares two analyses of its own in its
config: an ISI histogram per recording, in its own file, and a comparison of each recording
with a baseline, stored under the comparison namespace. One run is made once per session and
copied for each scenario.
"""

from __future__ import annotations

import copy
import hashlib
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace

from ..docs.doc_blocks import AS_A_MODULE, blocks, section
from .harness import (REPO, collect_logs, jobs_run, make_project, rules_run, run,
                      shared_project, small_config)

pytestmark = [pytest.mark.slow, pytest.mark.workflow]

ISI_MODULE = '''\
import numpy as np


def isi_histogram(sd, params, upstream):
    """Inter-spike intervals of every unit, pooled: counts per bin of max_ms / bins ms."""
    isis = np.concatenate([np.diff(train) for train in sd.train])
    # one histogram per recording; intervals beyond max_ms are left out
    counts, edges = np.histogram(isis, bins=params["bins"], range=(0, params["max_ms"]))
    return {"isi_hist": counts, "isi_edges": edges}


def isi_change(recordings, params, upstream):
    """Change of the ISI histogram from the first recording of the pair to the second."""
    first, second = recordings
    return {"isi_change": upstream[second]["isi_hist"] - upstream[first]["isi_hist"]}
'''



def lab_snakefile(workflow: Path) -> str:
    """The project Snakefile of docs/pipeline.md, importing the workflow copy at ``workflow``."""
    page = REPO / "docs" / "pipeline.md"
    text = next(code for lang, code in blocks(section(page, AS_A_MODULE))
                if lang == "text" and code.startswith("# Snakefile of your project"))
    text, n = re.subn(r"(snakefile:\n\s+)[^\n]+", rf'\1"{workflow}/Snakefile"', text)
    assert n == 1
    return text


ISI_BLOCKS = {
    "isi_hist": {"function": "workflow/analyses/isi.py:isi_histogram",
                 "keys": ["isi_hist", "isi_edges"], "params": {"bins": 25, "max_ms": 500}},
    "isi_change": {"function": "workflow/analyses/isi.py:isi_change", "keys": ["isi_change"],
                   "scope": "all", "pairs": {"baseline": "A"}, "reads": {"isi_hist": ["isi_hist"]}},
}
ANALYSES = ["bursts", "burst_alignment", "burst_corr", "sttc", "summary", *ISI_BLOCKS]


def analyses_run(output: str) -> dict:
    """{analysis: jobs} of the analysis jobs (not simulate, recording, merge or lab rules)."""
    return {rule: n for rule, n in rules_run(output).items() if rule in ANALYSES}


def lab_config(**extra_analyses) -> dict:
    """Two recordings (B smaller than A), the built-ins but fr_corr, and the lab's analyses."""
    config = small_config(**{"analyses.fr_corr.enabled": False})
    config["recordings"]["B"]["simulate"]["n_units"] = 12
    config["analyses"].update(copy.deepcopy(ISI_BLOCKS))
    config["analyses"].update(extra_analyses)
    return config


def write_lab_config(root: Path, config: dict) -> None:
    (root / "config" / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def merged(root: Path) -> Path:
    return root / "results" / "workspace.h5"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def state(root: Path) -> dict:
    described = LazyAnalysisWorkspace.load(str(merged(root))).describe()
    return {(ns, key): (info["created_at"], info.get("fingerprint"))
            for ns, keys in described.items() for key, info in keys.items()}


def log_of(root: Path, namespace: str, step: str) -> str:
    return (root / "logs" / namespace / f"{step}.log").read_text()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """The lab's project after its first run (shared by xdist workers: copy it to change it)."""
    def build(base: Path) -> None:
        workflow = make_project(base / "spikelab-workflow", small_config())
        root = base / "lab"
        (root / "config").mkdir(parents=True)
        (root / "workflow" / "analyses").mkdir(parents=True)
        (root / "Snakefile").write_text(lab_snakefile(workflow))
        (root / "workflow" / "analyses" / "isi.py").write_text(ISI_MODULE)
        write_lab_config(root, lab_config())
        proc = run(root)
        (base / "output.txt").write_text(proc.stdout + proc.stderr)

    base = shared_project(tmp_path_factory, "own-analyses", build)
    return base / "lab", (base / "output.txt").read_text()


@pytest.fixture
def project(lab, tmp_path):
    root = tmp_path / "lab"
    shutil.copytree(lab[0], root, symlinks=True)
    return root


def naive_isi_histogram(sd, bins: int, max_ms: float) -> np.ndarray:
    width = max_ms / bins
    counts = np.zeros(bins, dtype=np.int64)
    for train in sd.train:
        for a, b in zip(train[:-1], train[1:], strict=True):
            isi = b - a
            if 0 <= isi <= max_ms:
                counts[min(int(isi // width), bins - 1)] += 1
    return counts


def test_the_lab_analysis_is_computed_and_merged_with_provenance(lab):
    root, output = lab
    path = str(merged(root))
    ws = LazyAnalysisWorkspace.load(path)
    assert set(ws.describe()) == {"A", "B", "all", "C_A_B"}
    for rec in ("A", "B"):
        info = ws.get_info(rec, "isi_hist")
        prov = info["provenance"]
        assert prov["step"] == "isi_hist" and prov["params"] == {"bins": 25, "max_ms": 500}
        assert re.fullmatch(r"[0-9a-f]{64}", prov["inputs"])
        assert re.fullmatch(r"code:[0-9a-f]{64}", prov["version"])  # the code hash
        sd = AnalysisWorkspace.load_item(path, rec, "spikedata")
        np.testing.assert_array_equal(AnalysisWorkspace.load_item(path, rec, "isi_hist"),
                                      naive_isi_histogram(sd, 25, 500))
        assert "computed" in log_of(root, rec, "isi_hist")
    change = AnalysisWorkspace.load_item(path, AnalysisWorkspace.comparison_namespace("A", "B"),
                                         "isi_change")
    np.testing.assert_array_equal(change, AnalysisWorkspace.load_item(path, "B", "isi_hist")
                                  - AnalysisWorkspace.load_item(path, "A", "isi_hist"))
    assert ws.get_info("C_A_B", "isi_change")["provenance"]["step"] == "isi_change"
    assert set(ws.describe()["A"]) >= {"spikedata", "tburst", "sttc_matrix", "burst_corr"}
    assert (root / "results" / "isi_table.csv").read_text().startswith("recording,n_intervals\nA,")
    assert rules_run(output)["merge"] == 1


def test_editing_the_function_body_reruns_it_and_what_reads_it_only(project):
    before = state(project)
    isi = project / "workflow" / "analyses" / "isi.py"
    isi.write_text(isi.read_text().replace('bins=params["bins"]', 'bins=params["bins"] * 2'))
    proc = run(project)
    assert analyses_run(proc.stdout + proc.stderr) == {"isi_hist": 2, "isi_change": 1}
    after = state(project)
    for item in after:
        changed = item[1] in ("isi_hist", "isi_edges", "isi_change")
        assert (after[item] != before[item]) is changed, item
    assert AnalysisWorkspace.load_item(str(merged(project)), "A", "isi_hist").shape == (50,)
    assert "replaced stale C_A_B/isi_change" in (project / "logs" / "merge.log").read_text()


@pytest.mark.parametrize("edit", [
    lambda s: s.replace("# one histogram per recording; intervals beyond max_ms are left out",
                        "# intervals longer than max_ms are not counted"),
    lambda s: s.replace('"""Inter-spike intervals of every unit, pooled: counts per bin of '
                        'max_ms / bins ms."""', '"""Pooled ISI histogram (ms)."""'),
])
def test_editing_only_a_comment_or_docstring_recomputes_nothing(project, edit):
    before = digest(merged(project))
    isi = project / "workflow" / "analyses" / "isi.py"
    edited = edit(isi.read_text())
    assert edited != isi.read_text()
    isi.write_text(edited)
    proc = run(project)
    assert jobs_run(proc.stdout + proc.stderr) == {}, proc.stdout
    assert digest(merged(project)) == before


def test_changing_a_builtin_module_recomputes_exactly_the_analyses_using_it(project, tmp_path):
    """In a copy of the package, a code change to spikelab/spikedata/sttc.py."""
    package = tmp_path / "package"
    shutil.copytree(REPO / "spikelab", package / "spikelab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    sttc = package / "spikelab" / "spikedata" / "sttc.py"
    sttc.write_text(sttc.read_text() + "\n_EDITED = True  # a change of code, not of results\n")
    env = {"PYTHONPATH": str(package)}

    proc = run(project, "--dry-run", env=env)
    assert analyses_run(proc.stdout + proc.stderr) == {"sttc": 2, "summary": 1}

    before = state(project)
    # every analysis job runs again: each restores its results unless its code changed
    run(project, "--forcerun", *ANALYSES, env=env)
    for rec in ("A", "B"):
        assert "computed" in log_of(project, rec, "sttc")
        for step in ("bursts", "burst_alignment", "burst_corr", "isi_hist"):
            assert "restored from" in log_of(project, rec, step), step
    for namespace, step in (("all", "summary"), ("C_A_B", "isi_change")):
        assert "restored from" in log_of(project, namespace, step)
    after = state(project)
    for item in after:
        assert (after[item][1] != before[item][1]) is (item[1] == "sttc_matrix"), item
    assert "replaced stale A/sttc_matrix" in (project / "logs" / "merge.log").read_text()


BAD_MODULE = '''\
import numpy as np


def undeclared(sd, params, upstream):
    return {"n_undeclared": np.array([1]), "extra": np.array([2])}


def missing(sd, params, upstream):
    return {}


def unstorable(sd, params, upstream):
    return {"n_unstorable": {"spikes", "set"}}


def raises_on_small(sd, params, upstream):
    if sd.N < 16:
        raise ValueError(f"only {sd.N} units")
    return {"n_units": np.array([sd.N])}
'''
#: analysis -> (its key, the failure's message, the recordings it fails on)
BAD = {
    "undeclared": ("n_undeclared", "key 'extra': returned but not declared "
                                   "(declared keys: n_undeclared)", "AB"),
    "missing": ("n_missing", "key 'n_missing': declared but not returned (returned: nothing)",
                "AB"),
    "unstorable": ("n_unstorable", "key 'n_unstorable': cannot store an object of type "
                                   "builtins.set", "AB"),
    "raises_on_small": ("n_units", "raised ValueError: only 12 units (while computing n_units)",
                        "B"),
}


def test_every_bad_result_fails_its_job_with_one_message_and_the_rest_goes_on(project):
    (project / "workflow" / "analyses" / "bad.py").write_text(BAD_MODULE)
    config = lab_config(**{name: {"function": f"workflow/analyses/bad.py:{name}", "keys": [key]}
                           for name, (key, _, _) in BAD.items()})
    write_lab_config(project, config)

    proc = run(project, "--keep-going", check=False)
    assert proc.returncode != 0
    for name, (_key, message, failing) in BAD.items():
        for rec in "AB":
            log = log_of(project, rec, name)
            part = project / "results" / "parts" / rec / f"{name}.h5"
            if rec in failing:
                head = (f"AnalysisRunError: analysis {name} (workflow/analyses/bad.py:{name}), "
                        f"recording {rec}")
                assert head in log and message in log, log
                assert not part.exists()  # nothing written
            else:
                assert "computed" in log and part.exists(), log
    assert 'raise ValueError(f"only {sd.N} units")' in log_of(project, "B", "raises_on_small")
    described = LazyAnalysisWorkspace.load(str(merged(project))).describe()
    assert "n_units" in described["A"] and "n_units" not in described["B"]  # A went on
    assert not {"n_undeclared", "n_missing", "n_unstorable"} & set(described["A"])
    assert "merging the" in (project / "logs" / "merge.log").read_text()  # the lab's onerror


def test_a_bad_declaration_stops_the_run_before_any_job(project):
    config = lab_config()
    config["analyses"]["isi_change"]["reads"] = {"isi_hist": ["isi_histogram"]}
    write_lab_config(project, config)
    proc = run(project, check=False)
    assert proc.returncode != 0
    assert ("analyses.isi_change.reads.isi_hist: isi_hist does not write ['isi_histogram']; "
            "it writes isi_hist, isi_edges") in proc.stdout + proc.stderr, collect_logs(project)
    assert jobs_run(proc.stdout + proc.stderr) == {}


def test_the_module_s_figures_and_report_captions_resolve_in_the_project(project):
    config = lab_config()
    config["plots"] = {"enabled": True}
    write_lab_config(project, config)
    run(project)
    assert {p.name for p in (project / "results" / "plots" / "A").iterdir()} == {
        "raster.png", "aligned_rate.png", "sttc.png"}
    run(project, "--report", "report.html")
    report = (project / "report.html").read_text(errors="replace")
    assert "STTC" in report and len(report) > 100_000  # the captions and figures are in it
