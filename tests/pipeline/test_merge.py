"""The merge job: stale-aware merge of part files, mtime refresh, pruning, failed runs."""

import hashlib
import os

import numpy as np
import pytest

from spikelab import AnalysisWorkspace
from spikelab.pipeline.merge import merge_available, merge_parts
from spikelab.workspace.workspace import LazyAnalysisWorkspace


def part(path, ns, key, value, params):
    ws = AnalysisWorkspace()
    ws.store(ns, key, np.array([value], dtype=float),
             provenance={"step": "s", "params": params, "inputs": "x", "version": "1"})
    ws.save(path)
    return str(path)


@pytest.fixture
def merged(tmp_path):
    target = str(tmp_path / "ws")
    merge_parts(target, [part(tmp_path / "a.h5", "A", "k", 1.0, {"p": 1}),
                         part(tmp_path / "b.h5", "B", "k", 2.0, {"p": 1})])
    return target


def test_noop_merge_keeps_bytes_but_refreshes_mtime(merged, tmp_path):
    h5 = merged + ".h5"
    before = hashlib.sha256(open(h5, "rb").read()).hexdigest()
    os.utime(h5, (0, 0))
    report = merge_parts(merged, [str(tmp_path / "a.h5"), str(tmp_path / "b.h5")])
    assert (report["merged"], report["skipped"], report["replaced"]) == (0, 2, 0)
    assert hashlib.sha256(open(h5, "rb").read()).hexdigest() == before
    assert os.path.getmtime(h5) > 0  # Snakemake must see the output as newer than its parts


def test_changed_fingerprint_replaces_and_others_are_kept(merged, tmp_path):
    report = merge_parts(merged, [part(tmp_path / "a2.h5", "A", "k", 5.0, {"p": 2})])
    assert report["replaced_keys"] == [("A", "k")]
    ws = AnalysisWorkspace.load(merged)
    assert ws.get("A", "k").tolist() == [5.0] and ws.get("B", "k").tolist() == [2.0]


def test_prune_drops_items_no_longer_configured(merged, tmp_path):
    report = merge_parts(merged, [str(tmp_path / "a.h5")], prune=True, expected=[("A", "k")])
    assert report["pruned"] == 1
    assert LazyAnalysisWorkspace.load(merged).list_namespaces() == ["A"]


def test_after_a_failed_run_finished_parts_are_merged(tmp_path):
    target = str(tmp_path / "ws")
    done = part(tmp_path / "a.h5", "A", "k", 1.0, {"p": 1})
    log = tmp_path / "logs" / "merge.log"
    merge_available(target, [done, str(tmp_path / "never-written.h5")], log=str(log))
    assert LazyAnalysisWorkspace.load(target).list_namespaces() == ["A"]
    assert "merging the 1 finished part(s) of 2" in log.read_text()
    assert merge_available(target, [str(tmp_path / "none.h5")]) is None
