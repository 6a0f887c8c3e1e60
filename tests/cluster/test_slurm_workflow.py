"""Scenario 9: the SLURM profile runs the real workflow and yields the local run's results.

The workflow (Snakefile, workflow/, config/) is copied twice into tmp_path with a small
config (2 simulated recordings, tiny cultures), run once locally (``--cores 2``) and once
through ``--profile workflow/profiles/slurm`` on the test cluster, with job status read
from ``squeue`` (no accounting). The two merged workspaces must hold the same items with
the same values and the same fingerprints.
"""

from __future__ import annotations

import re
from pathlib import Path

import h5py
import numpy as np
import pytest

from spikelab import AnalysisWorkspace
from spikelab.ondisk import SEAL_ATTR
from tests.cluster import slurm
from tests.cluster.runner import SnakemakeRun, run_snakemake, slurm_args
from tests.workflow.harness import make_project, small_config

MERGED = Path("results") / "workspace.h5"
# HDF5 attributes that legitimately differ between two runs: when an item was made, and
# the item's seal (a checksum over its attributes, that time included).
RUN_SPECIFIC_ATTRS = {"__created_at__", SEAL_ATTR}
SUBMITTED = re.compile(r"submitted with SLURM jobid (\d+) \(log: (\S+)\)")


def _flatten(group: h5py.Group) -> dict[str, object]:
    """Every dataset and attribute under ``group``, by path (run-specific attributes left out)."""
    found: dict[str, object] = {}

    def visit(name: str, obj) -> None:
        for attr, value in obj.attrs.items():
            if attr not in RUN_SPECIFIC_ATTRS:
                found[f"{name}@{attr}"] = value
        if isinstance(obj, h5py.Dataset):
            found[name] = obj[()]

    visit(".", group)
    group.visititems(visit)
    return found


def _same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype.kind in "fc" and b.dtype.kind in "fc":
            return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
        return a.shape == b.shape and bool(np.all(a == b))
    return a == b


def _differences(local: Path, on_slurm: Path, ns: str, key: str) -> list[str]:
    """Paths under item ``ns/key`` whose stored values differ between the two files."""
    with h5py.File(local, "r") as fa, h5py.File(on_slurm, "r") as fb:
        a, b = _flatten(fa[ns][key]), _flatten(fb[ns][key])
    if a.keys() != b.keys():
        return sorted(set(a) ^ set(b))
    return [path for path in a if not _same(a[path], b[path])]


def _submissions(run: SnakemakeRun) -> list[tuple[str, str]]:
    """(SLURM job id, log path) of every submission of a run."""
    return SUBMITTED.findall(run.output)


def _run_twice(root: Path) -> tuple[Path, Path, SnakemakeRun]:
    """The same small project run locally and on SLURM; returns both roots and the SLURM run."""
    config = small_config(("A", "B"))
    local = make_project(root / "local", config)
    on_slurm = make_project(root / "slurm", config)
    local_run = run_snakemake(local, ["--cores", "2"], timeout_s=600)
    assert local_run.returncode == 0, local_run.describe()
    assert not _submissions(local_run)
    slurm_run = run_snakemake(
        on_slurm, slurm_args(on_slurm / "workflow" / "profiles" / "slurm"), timeout_s=900)
    assert slurm_run.returncode == 0, slurm_run.describe() + "\n" + "\n".join(slurm.job_states())
    return local, on_slurm, slurm_run


def _assert_grouped_submissions(run: SnakemakeRun, n_recordings: int) -> None:
    logs = [log for _, log in _submissions(run)]
    # One submission per recording, carrying all of that recording's jobs (6 rules), and
    # one compiling the kernels on a compute node before them...
    groups = [log for log in logs if "/slurm_logs/group_recording_analyses" in log]
    assert len(groups) == n_recordings, run.describe()
    assert [log for log in logs if log not in groups] == [
        log for log in logs if "/slurm_logs/rule_compile_kernels/" in log] != [], logs
    assert len(logs) == n_recordings + 1, logs
    # ...and the localrules (summary, merge) ran in the Snakemake process.
    assert re.search(r"localrule merge:", run.output), run.describe()


def _assert_same_workspaces(local: Path, on_slurm: Path) -> None:
    ws_local = AnalysisWorkspace.load(local)
    ws_slurm = AnalysisWorkspace.load(on_slurm)
    items = ws_local.list_keys()
    assert items == ws_slurm.list_keys()
    for ns, keys in items.items():
        for key in keys:
            fp_local = ws_local.get_info(ns, key)["fingerprint"]
            assert fp_local and fp_local == ws_slurm.get_info(ns, key)["fingerprint"], (ns, key)
            assert not _differences(local, on_slurm, ns, key), (ns, key)


@pytest.mark.slurm
@pytest.mark.slow
@pytest.mark.xdist_group("slurm")
def test_slurm_profile_yields_the_local_merged_workspace(slurm_cluster: slurm.Cluster,
                                                         tmp_path: Path):
    local, on_slurm, run = _run_twice(tmp_path)
    _assert_grouped_submissions(run, n_recordings=2)
    # The jobs wrote their rule logs on the shared file system.
    assert (on_slurm / "logs" / "A" / "sttc.log").read_text().strip()
    items = AnalysisWorkspace.load(local / MERGED).list_keys()
    assert set(items) == {"A", "B", "all"}
    assert {"spikedata", "tburst", "burst_rss", "burst_corr", "sttc_matrix",
            "fr_corr_matrix"} <= set(items["A"])
    _assert_same_workspaces(local / MERGED, on_slurm / MERGED)


@pytest.mark.parametrize("change", ["value", "fingerprint", "missing"])
def test_workspace_comparison_catches_a_difference(tmp_path: Path, change: str):
    """The comparison above can fail: one altered number, fingerprint or item is caught."""
    matrix = np.arange(6, dtype=float).reshape(2, 3)
    paths = []
    for name, altered in (("a", False), ("b", True)):
        ws = AnalysisWorkspace()
        data = matrix + 0.5 * (altered and change == "value")
        ws.store("A", "m", data, provenance=_provenance(altered and change == "fingerprint"))
        if not (altered and change == "missing"):
            ws.store("A", "extra", np.ones(2), provenance=_provenance(False))
        ws.save(tmp_path / name)
        paths.append(tmp_path / f"{name}.h5")
    with pytest.raises(AssertionError):
        _assert_same_workspaces(*paths)


def test_workspace_comparison_accepts_equal_files_made_at_different_times(tmp_path: Path):
    paths = []
    for name in ("a", "b"):
        ws = AnalysisWorkspace()
        ws.store("A", "m", np.arange(3.0), provenance=_provenance(False))
        ws.save(tmp_path / name)
        paths.append(tmp_path / f"{name}.h5")
    _assert_same_workspaces(*paths)


def _provenance(altered: bool) -> dict:
    return {"step": "sttc", "params": {"delt": 21 if altered else 20}, "inputs": "abc"}
