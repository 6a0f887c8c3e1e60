"""The command every analysis job runs (workflow/scripts/run_job.py): compute or restore,
phase times, failures, the exit without teardown, and kernels compiled where they should
not be."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from spikelab import AnalysisWorkspace, SpikeData
from spikelab.pipeline.merge_job import merge_parts
from spikelab.pipeline.recording import spikedata_digest
from spikelab.pipeline.runner import run_spec

from ..workflow.harness import REPO

RUN_JOB = REPO / "workflow" / "scripts" / "run_job.py"
COMPUTE_PHASES = ["start", "lookup", "code", "inputs", "analysis", "saving"]


@pytest.fixture
def project(tmp_path):
    """A recording part and an analysis file of the lab's own, in a project folder."""
    sd = SpikeData([np.arange(5.0, 2000, 37.0), np.arange(11.0, 2000, 53.0)], length=2000.0)
    ws = AnalysisWorkspace()
    ws.store("R", "spikedata", sd, provenance={"step": "recording", "params": {},
                                               "inputs": spikedata_digest(sd), "version": "1"})
    ws.save(str(tmp_path / "recording.h5"))
    (tmp_path / "lab.py").write_text(
        "import numpy as np\n\n"
        "def count(sd, params, upstream):\n"
        "    return {'n': np.array([sd.N * params['factor']])}\n\n"
        "def broken(sd, params, upstream):\n"
        "    return {'n': np.array([1]) / params['missing']}\n\n"
        "def shuffled(sd, params, upstream):\n"
        "    from spikelab.spikedata.resampling import spike_shuffle\n"
        "    return {'n': np.array([spike_shuffle(sd, seed=0).N])}\n")
    return tmp_path


def job_args(root: Path, function: str = "lab.py:count", output: str = "out.h5") -> dict:
    job = {"step": "lab", "function": function, "scope": "recording", "namespace": "R",
           "about": "recording R", "recordings": ["R"], "keys": ["n"],
           "inputs": [["spikedata", str(root / "recording.h5"), "R", "spikedata"]],
           "output": str(root / output)}
    return {"--job": json.dumps(job), "--settings": json.dumps({"factor": 3}),
            "--code": "code:x", "--cache": json.dumps([str(root / "merged")]),
            "--log": str(root / "job.log"), "--timings": str(root / "timings.json")}


def run_job(root: Path, args: dict, env: dict | None = None) -> subprocess.CompletedProcess:
    argv = [sys.executable, str(RUN_JOB)] + [x for pair in args.items() for x in pair]
    return subprocess.run(argv, cwd=root, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def phases(root: Path) -> list[str]:
    return [m["phase"] for m in json.loads((root / "timings.json").read_text())["phases"]]


def test_a_job_computes_and_reports_its_phases(project):
    proc = run_job(project, job_args(project))
    assert proc.returncode == 0, proc.stderr
    assert AnalysisWorkspace.load_item(str(project / "out.h5"), "R", "n").tolist() == [6]
    assert phases(project) == COMPUTE_PHASES
    marks = json.loads((project / "timings.json").read_text())["phases"]
    assert all(
        a["wall"] <= b["wall"] and a["cpu"] <= b["cpu"]
        for a, b in zip(marks, marks[1:], strict=False)
    )
    log = (project / "job.log").read_text()  # flushed although the job skips teardown
    assert "R/lab: computed n in" in log
    assert all(f"{phase} " in log for phase in COMPUTE_PHASES[1:])


def test_a_job_restores_from_its_cache_without_importing_the_function(project):
    assert run_job(project, job_args(project)).returncode == 0
    merge_parts(str(project / "merged"), [str(project / "out.h5")])
    args = job_args(project, function="lab.py:broken", output="again.h5")  # never called
    args["--settings"] = json.dumps({"factor": 3.0})  # the same parameter
    proc = run_job(project, args)
    assert proc.returncode == 0, proc.stderr
    assert phases(project) == ["start", "lookup", "restore"]
    assert "restored from" in (project / "job.log").read_text()


def test_a_failing_analysis_exits_1_with_its_message_in_the_log(project):
    proc = run_job(project, job_args(project, function="lab.py:broken"))
    assert proc.returncode == 1
    log = (project / "job.log").read_text()
    assert "raised KeyError: 'missing'" in log and "lab.py" in log
    assert not (project / "out.h5").exists()


def test_a_bad_command_line_exits_2():
    proc = subprocess.run([sys.executable, str(RUN_JOB), "--job", "{}"], capture_output=True,
                          text=True)
    assert proc.returncode == 2 and "required" in proc.stderr


def test_a_job_that_had_to_compile_a_kernel_says_so(project, tmp_path):
    env = {"NUMBA_CACHE_DIR": str(tmp_path / "empty-cache")}
    proc = run_job(project, job_args(project, function="lab.py:shuffled"), env)
    assert proc.returncode == 0, proc.stderr
    log = (project / "job.log").read_text()
    assert "compiled _shuffle_kernels.occupancy, _shuffle_kernels.swap_batch in this job" in log
    assert run_job(project, job_args(project, function="lab.py:shuffled"), env).returncode == 0
    assert "in this job" not in (project / "job.log").read_text()  # the second one loads them


def test_run_spec_tells_an_observer_each_phase(project, monkeypatch):
    monkeypatch.chdir(project)
    seen: list[str] = []
    spec = {**json.loads(job_args(project)["--job"]), "params": {"factor": 3}, "version": "x"}
    assert run_spec(spec, [], on_phase=seen.append) == "computed"
    assert seen == COMPUTE_PHASES[1:]


def imported_packages(stderr: str) -> set[str]:
    """Top-level packages in a ``python -X importtime`` report."""
    return {line.rsplit("|", 1)[1].strip().split(".")[0]
            for line in stderr.splitlines() if line.startswith("import time:") and "|" in line}


def test_no_analysis_job_imports_what_it_does_not_use(tmp_path):
    """Every built-in analysis of the demo config, run as the workflow runs it: none imports
    Snakemake, pynwb or matplotlib; burst detection neither scipy nor numba."""
    import yaml

    from spikelab.pipeline.config import simulation_params
    from spikelab.pipeline.graph import StepGraph
    from spikelab.pipeline.recording import import_recording, simulate_recording

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["recordings"] = {"R": {"simulate": {"seed": 1, "dose": 0.0}}}
    config["simulation"].update(n_units=20, duration_s=30.0)
    config["parts_dir"] = str(tmp_path / "parts")
    graph = StepGraph(config, project_dir=REPO)
    simulate_recording(simulation_params(config, "R"), str(tmp_path / "R.nwb"))
    import_recording(str(tmp_path / "R.nwb"), "nwb", {}, "R", graph.part("R", "recording"))
    imports = {}
    for name in graph.names:  # in dependency order: each job's inputs exist
        namespace = graph.namespaces(name)[0]
        proc = subprocess.run(
            [
                sys.executable,
                "-X",
                "importtime",
                str(RUN_JOB),
                "--job",
                graph.job_json(name, namespace),
                "--settings",
                graph.params_json(name),
                "--code",
                graph.versions[name],
                "--cache",
                "[]",
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        imports[name] = imported_packages(proc.stderr)
    assert {"spikelab", "numpy", "h5py"} <= imports["sttc"]  # the report is read right
    assert {name: sorted(found & {"snakemake", "pynwb", "matplotlib"})
            for name, found in imports.items()} == {name: [] for name in graph.names}
    assert not imports["bursts"] & {"scipy", "numba"}
