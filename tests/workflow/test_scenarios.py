"""The rerun scenarios of spec/pipeline.md (1-8), each on the real `snakemake` command.

One fresh run at test size is made once per module and copied for each scenario (with the
.snakemake metadata and file times), so every scenario starts from the same finished state.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess

import h5py
import pytest

from spikelab.workspace.workspace import AnalysisWorkspace, LazyAnalysisWorkspace

from .harness import (SPIKELAB, collect_logs, interrupt_after, jobs_run, kill_when,
                      make_project, rules_run, run, small_config, start, wait_for,
                      write_config)

pytestmark = [pytest.mark.slow, pytest.mark.workflow]

ANALYSES = ["bursts", "burst_alignment", "burst_corr", "sttc", "fr_corr"]
KEYS = {"spikedata", "tburst", "burst_edges", "burst_peak_amp", "burst_stats", "burst_rss",
        "burst_sss", "burst_corr", "burst_corr_unit_avg", "sttc_matrix", "fr_corr_matrix",
        "fr_corr_lag"}


def merged(root):
    return root / "results" / "workspace.h5"


def state(root) -> dict:
    """(namespace, key) -> (created_at, content_hash, fingerprint) of the merged workspace."""
    described = LazyAnalysisWorkspace.load(str(merged(root))).describe()
    return {(ns, key): (info["created_at"], info.get("content_hash"), info.get("fingerprint"))
            for ns, keys in described.items() for key, info in keys.items()}


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """Scenario 1: a fresh project, one command, the whole analysis."""
    root = make_project(tmp_path_factory.mktemp("fresh"), small_config())
    proc = run(root)
    return root, proc.stdout + proc.stderr


@pytest.fixture
def project(fresh, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(fresh[0], root, symlinks=True)  # copy2 keeps mtimes: nothing looks stale
    return root


def test_fresh_run_builds_every_namespace_key_and_fingerprint(fresh):
    root, output = fresh
    described = AnalysisWorkspace.load(str(merged(root))).describe()
    assert list(described) == ["A", "B", "all"]
    for ns in ("A", "B"):
        assert set(described[ns]) == KEYS
        assert all(len(info["fingerprint"]) == 64 for info in described[ns].values())
    assert "summary" in described["all"]
    summary = AnalysisWorkspace.load_item(str(merged(root)), "all", "summary")
    assert list(summary["conditions"]) == ["A", "B"]
    assert rules_run(output)["merge"] == 1
    assert "computed" in (root / "logs" / "A" / "sttc.log").read_text()


def test_kernels_are_compiled_once_by_their_own_job_and_no_analysis_compiles(fresh):
    root, output = fresh
    assert rules_run(output)["compile_kernels"] == 1
    [path] = (root / "results" / "parts").glob("__kernels__.*.json")
    record = json.loads(path.read_text())
    assert record["modules"] == ["spikelab.spikedata._kernels", "spikelab.spikedata._sttc_kernels"]
    logs = {p.name: p.read_text() for p in (root / "logs").rglob("*.log")}
    assert not [name for name, text in logs.items() if "in this job" in text]
    assert "code " in logs["sttc.log"] and "analysis " in logs["sttc.log"]  # phase times


def test_unchanged_rerun_runs_nothing_and_keeps_bytes(project):
    before = digest(merged(project))
    proc = run(project)
    assert jobs_run(proc.stdout + proc.stderr) == {}, proc.stderr
    assert digest(merged(project)) == before


def test_adding_a_recording_runs_only_its_jobs(project):
    before = state(project)
    write_config(project, small_config(recordings=("A", "B", "C")))
    proc = run(project)
    jobs = jobs_run(proc.stdout + proc.stderr)
    per_recording = {rec for (_rule, rec) in jobs if rec is not None}
    assert per_recording == {"C"}
    assert {rule for (rule, rec) in jobs if rec == "C"} >= {"simulate_recording", *ANALYSES}
    after = state(project)
    assert {k: v for k, v in after.items() if k[0] in ("A", "B")} == {
        k: v for k, v in before.items() if k[0] in ("A", "B")}
    assert {key for ns, key in after if ns == "C"} == KEYS
    assert "skipped" in (project / "logs" / "merge.log").read_text()


def test_switching_recordings_keeps_the_old_ones_until_a_pruning_run(project):
    """The README's promise: the demo's items stay after a switch; prune=true drops them."""
    write_config(project, small_config(recordings=("C",)))
    run(project)
    assert set(LazyAnalysisWorkspace.load(str(merged(project))).list_namespaces()) == {
        "A", "B", "all", "C"}
    proc = run(project, "--config", "prune=True")
    assert set(rules_run(proc.stdout + proc.stderr)) <= {"merge", "all"}
    described = LazyAnalysisWorkspace.load(str(merged(project))).describe()
    assert set(described) == {"all", "C"} and set(described["C"]) == KEYS
    assert AnalysisWorkspace.load_item(str(merged(project)), "all", "summary")[
        "conditions"] == ["C"]


def test_changing_sttc_delt_reruns_only_sttc_and_leaves_nothing_stale(project):
    before = state(project)
    write_config(project, small_config(**{"analyses.sttc.delt": 35}))
    proc = run(project)
    assert set(rules_run(proc.stdout + proc.stderr)) <= {"sttc", "merge", "summary", "all"}
    assert rules_run(proc.stdout + proc.stderr)["sttc"] == 2
    after = state(project)
    for ns in ("A", "B"):
        assert after[(ns, "sttc_matrix")][2] != before[(ns, "sttc_matrix")][2]
        info = LazyAnalysisWorkspace.load(str(merged(project))).get_info(ns, "sttc_matrix")
        assert info["provenance"]["params"]["delt"] == 35
        assert AnalysisWorkspace.load_item(str(merged(project)), ns, "sttc_matrix").metadata[
            "delt"] == 35
        unchanged = {k: v for k, v in after.items() if k[0] == ns and k[1] != "sttc_matrix"}
        assert unchanged == {k: v for k, v in before.items() if k in unchanged}
    merge_log = (project / "logs" / "merge.log").read_text()
    assert (
        "replaced stale A/sttc_matrix" in merge_log and "replaced stale B/sttc_matrix" in merge_log
    )


@pytest.mark.parametrize("edit", ["reorder", "float"])
def test_reordered_keys_or_integral_floats_rerun_nothing(project, edit):
    config = small_config()
    if edit == "reorder":
        config["analyses"]["bursts"] = dict(reversed(list(config["analyses"]["bursts"].items())))
        config = dict(reversed(list(config.items())))
    else:
        config["analyses"]["sttc"]["delt"] = 20.0
        config["analyses"]["burst_alignment"]["pre_ms"] = 250.0
    write_config(project, config)
    before = digest(merged(project))
    proc = run(project)
    assert jobs_run(proc.stdout + proc.stderr) == {}
    assert digest(merged(project)) == before


def test_deleted_parts_are_restored_not_recomputed(project):
    before = digest(merged(project))
    shutil.rmtree(project / "results" / "parts")
    proc = run(project)  # the merged workspace is up to date: the parts are not needed
    assert jobs_run(proc.stdout + proc.stderr) == {}
    proc = run(project, "--forceall")  # every job runs again: each restores, none computes
    assert rules_run(proc.stdout + proc.stderr)["sttc"] == 2
    for ns in ("A", "B"):
        for step in ANALYSES:
            log = (project / "logs" / ns / f"{step}.log").read_text()
            assert "restored from" in log and "computed" not in log, log
    assert "added 0, replaced 0, skipped" in (project / "logs" / "merge.log").read_text()
    assert digest(merged(project)) == before
    proc = run(project)  # and the workflow is settled again afterwards
    assert jobs_run(proc.stdout + proc.stderr) == {}


def test_parts_deleted_then_a_downstream_edit_restores_upstream_and_computes_only_it(project):
    shutil.rmtree(project / "results" / "parts")
    write_config(project, small_config(**{"analyses.burst_corr.MIN_FRAC": 0.5}))
    run(project)
    for ns in ("A", "B"):
        for step in ("bursts", "burst_alignment"):
            assert "restored from" in (project / "logs" / ns / f"{step}.log").read_text()
        assert "computed" in (project / "logs" / ns / "burst_corr.log").read_text()


@pytest.mark.parametrize("target, delay", [
    ("logs/B/sttc.log", 0.3),          # during an analysis job
    ("logs/merge.log", 0.0),           # as the merge starts
    ("logs/merge.log", 0.4),           # while the merge writes
])
def test_sigkill_leaves_a_loadable_workspace_and_the_plain_rerun_finishes(project, target, delay):
    before = state(project)
    write_config(
        project, small_config(**{"analyses.sttc.delt": 30, "analyses.burst_corr.max_lag": 5})
    )
    (project / target).unlink(missing_ok=True)
    proc = start(project)
    kill_when(proc, project / target, delay=delay)
    now = state(project)  # opens, and is the old or the new workspace, never a mix
    assert set(now) == set(before)
    changed = {item for item in now if now[item] != before[item]}
    assert changed in (set(), CHANGED_BY_DELT_AND_MAX_LAG), changed
    with h5py.File(merged(project), "r") as f:
        assert "A" in f
    run(project)  # the plain command: no --unlock, no --rerun-incomplete
    final = AnalysisWorkspace.load(str(merged(project)))
    assert final.get_info("A", "sttc_matrix")["provenance"]["params"]["delt"] == 30
    assert verify(project).returncode == 0
    proc = run(project)
    assert jobs_run(proc.stdout + proc.stderr) == {}, collect_logs(project)


CHANGED_BY_DELT_AND_MAX_LAG = {(ns, key) for ns in ("A", "B")
                               for key in ("sttc_matrix", "burst_corr", "burst_corr_unit_avg")
                               } | {("all", "summary")}


def verify(root) -> subprocess.CompletedProcess:
    return subprocess.run([SPIKELAB, "verify", str(merged(root))], capture_output=True,
                          text=True, timeout=300)


def test_interrupted_at_random_moments_then_the_plain_command_completes(fresh, tmp_path):
    """SIGINT (Ctrl-C) and SIGKILL of the whole run at random moments of a fresh project,
    then the README's `snakemake --cores 2` finishes, and its merged workspace verifies and
    holds what an uninterrupted run made."""
    seed = int(os.environ.get("SPIKELAB_TEST_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    root = make_project(tmp_path / "p", small_config())
    # First a Ctrl-C once a recording is loaded: the failed run's merge (onerror) writes a
    # merged workspace with the finished parts only, newer than every part; the next run
    # must complete it, not take it as up to date.
    proc = start(root)
    assert wait_for(proc, root / "logs" / "A" / "bursts.log")
    interrupt_after(proc, signal.SIGINT, 0)
    assert 0 < len(state(root)) < len(state(fresh[0]))
    moments = []
    for sig in (signal.SIGKILL, signal.SIGINT, signal.SIGKILL, signal.SIGINT):
        moments.append((sig.name, round(rng.uniform(1.0, 12.0), 2)))
        interrupt_after(start(root), sig, moments[-1][1])
    context = f"SPIKELAB_TEST_SEED={seed}: interrupted at {moments}"
    proc = run(root, check=False)
    assert proc.returncode == 0, f"{context}\n{proc.stdout}\n{proc.stderr}\n{collect_logs(root)}"
    checked = verify(root)
    assert checked.returncode == 0, f"{context}\n{checked.stdout}{checked.stderr}"
    assert state_hashes(root) == state_hashes(fresh[0]), context
    proc = run(root)
    assert jobs_run(proc.stdout + proc.stderr) == {}, context


def state_hashes(root) -> dict:
    return {item: (content, fp) for item, (_created, content, fp) in state(root).items()}


@pytest.mark.parametrize("edit", [
    {},  # nothing else to do: the damage alone makes the plain command rebuild it
    {"analyses.sttc.delt": 30, "analyses.burst_alignment.post_ms": 6000},  # and jobs run
])
def test_a_damaged_merged_workspace_is_set_aside_and_rebuilt_by_the_plain_command(
        fresh, project, edit):
    h5 = merged(project)
    damaged = h5.read_bytes()[: h5.stat().st_size // 3]  # truncated: its index cannot be read
    h5.write_bytes(damaged)
    write_config(project, small_config(**edit))
    proc = run(project)
    output = proc.stdout + proc.stderr
    assert f"{h5.relative_to(project)} cannot be read" in output
    kept = list((project / "results").glob("workspace.damaged-*.h5"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    merge_log = (project / "logs" / "merge.log").read_text()
    assert f"kept as {kept[0].relative_to(project)}" in merge_log and "rebuilding" in merge_log
    assert verify(project).returncode == 0
    if not edit:
        assert set(rules_run(output)) <= {"merge", "all"}
        assert state_hashes(project) == state_hashes(fresh[0])
    else:
        for ns in ("A", "B"):
            sttc_log = (project / "logs" / ns / "sttc.log").read_text()
            assert sttc_log.count("cannot be read, so it is not used") == 1, sttc_log
            assert "computed" in sttc_log
            alignment_log = (project / "logs" / ns / "burst_alignment.log").read_text()
            assert f"{ns}/burst_alignment: UserWarning: " in alignment_log
            assert "event(s) dropped because their" in alignment_log
        final = LazyAnalysisWorkspace.load(str(merged(project)))
        assert final.get_info("A", "sttc_matrix")["provenance"]["params"]["delt"] == 30
    proc = run(project)
    assert jobs_run(proc.stdout + proc.stderr) == {}


@pytest.mark.parametrize("damage", ["corrupt", "missing"])
def test_bad_recording_fails_only_its_jobs_with_keep_going(project, damage, tmp_path):
    bad = tmp_path / "bad.nwb"
    if damage == "corrupt":
        bad.write_bytes(b"this is not an HDF5 file" * 10)
    config = small_config(recordings=("A", "B", "C"))
    config["recordings"]["BAD"] = {"path": str(bad)}
    write_config(project, config)
    proc = run(project, "--keep-going", check=False)
    assert proc.returncode != 0
    log = (project / "logs" / "BAD" / "recording.log").read_text()
    assert str(bad) in log
    assert ("not found" in log) if damage == "missing" else ("RecordingError" in log)
    assert {rec for (_rule, rec) in jobs_run(proc.stdout + proc.stderr)} >= {"C", "BAD"}
    described = LazyAnalysisWorkspace.load(str(merged(project))).describe()
    assert "BAD" not in described
    assert set(described["C"]) == KEYS  # the good new recording completed and was merged


def test_missing_recording_without_keep_going_fails_before_any_job(project, tmp_path):
    config = small_config()
    config["recordings"]["BAD"] = {"path": str(tmp_path / "nowhere.nwb")}
    write_config(project, config)
    proc = run(project, check=False)
    assert proc.returncode != 0
    assert "recordings.BAD.path" in proc.stderr + proc.stdout
    assert jobs_run(proc.stdout + proc.stderr) == {}


@pytest.mark.parametrize("edit, expected", [
    ({"analyses.bursts.thr_burst": 2.5},
     {"bursts": 2, "burst_alignment": 2, "burst_corr": 2, "summary": 1, "merge": 1}),
    ({"analyses.fr_corr.max_lag": 4}, {"fr_corr": 2, "merge": 1}),
    ({"analyses.burst_corr.MIN_FRAC": 0.5}, {"burst_corr": 2, "summary": 1, "merge": 1}),
    ({"analyses.sttc.delt": [10, 20]}, {"sttc": 2, "summary": 1, "merge": 1}),
    ({"analyses.bursts.peak_to_trough": True}, {}),
    ({"cache": ["elsewhere.h5"]}, {}),  # only where a job would restore from
])
def test_dry_run_schedules_exactly_what_a_config_edit_affects(project, edit, expected):
    for cache in edit.get("cache", []):  # a cache workspace must exist
        shutil.copy(merged(project), project / cache)
    write_config(project, small_config(**edit))
    proc = run(project, "--dry-run")
    scheduled = rules_run(proc.stdout + proc.stderr)
    scheduled.pop("all", None)
    assert dict(scheduled) == expected
