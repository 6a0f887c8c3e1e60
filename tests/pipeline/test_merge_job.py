"""The merge job: stale-aware merge of part files, mtime refresh, pruning, failed runs."""

import glob
import hashlib
import os

import h5py
import numpy as np
import pytest

from spikelab import AnalysisWorkspace
from spikelab.errors import CorruptWorkspaceError
from spikelab.pipeline.merge_job import merge_available, merge_parts, rebuild_if_damaged
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
    # older than any part: the next run merges again instead of taking it as up to date
    assert os.path.getmtime(target + ".h5") == 0 and "marked out of date" in log.read_text()
    assert merge_available(target, [str(tmp_path / "none.h5")]) is None


def test_the_log_counts_added_replaced_and_skipped_items_exactly(merged, tmp_path, caplog):
    caplog.set_level("INFO", logger="spikelab.pipeline")
    report = merge_parts(merged, [part(tmp_path / "a2.h5", "A", "k", 5.0, {"p": 2}),  # replaces
                                  str(tmp_path / "b.h5"),                             # skipped
                                  part(tmp_path / "c.h5", "C", "k", 3.0, {"p": 1})])  # added
    assert (report["merged"], report["replaced"], report["skipped"]) == (2, 1, 1)  # as 0.1.2
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("added 1, replaced 1, skipped 1 (same fingerprint): items from "
                               "3 part(s)") for line in lines), lines
    assert "replaced stale A/k" in lines


@pytest.mark.parametrize("damage", [b"not HDF5 at all" * 100, None])
def test_a_damaged_merged_workspace_is_kept_aside_and_rebuilt_from_the_parts(
        merged, tmp_path, caplog, damage):
    h5 = merged + ".h5"
    original = open(h5, "rb").read()
    open(h5, "wb").write(damage if damage is not None else original[:len(original) // 2])
    caplog.set_level("INFO", logger="spikelab.pipeline")
    report = merge_parts(merged, [str(tmp_path / "a.h5"), str(tmp_path / "b.h5")])
    assert report["merged"] == 2
    kept = sorted(tmp_path.glob("ws.damaged-*.h5"))
    assert len(kept) == 1 and kept[0].read_bytes() == (damage or original[:len(original) // 2])
    assert sorted(tmp_path.glob("ws.damaged-*.json")) == [kept[0].with_suffix(".json")]
    ws = AnalysisWorkspace.load(merged)
    assert ws.get("A", "k").tolist() == [1.0] and ws.get("B", "k").tolist() == [2.0]
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert f"{h5} cannot be read" in text and f"kept as {kept[0]}" in text
    assert "rebuilding" in text and "added 2, replaced 0, skipped 0" in text


def test_rebuild_if_damaged_puts_only_a_damaged_workspace_behind_its_parts(merged, tmp_path):
    h5 = merged + ".h5"
    assert rebuild_if_damaged(h5) is None and os.path.getmtime(h5) > 0
    assert rebuild_if_damaged(str(tmp_path / "absent.h5")) is None
    open(h5, "r+b").truncate(1000)
    message = rebuild_if_damaged(h5)
    assert message.startswith(f"{h5} cannot be read (") and "rebuild" in message
    assert os.path.getmtime(h5) == 0


def test_a_merged_workspace_missing_a_shard_is_kept_aside_with_its_shards(merged, tmp_path):
    folder = tmp_path / "ws.shards"
    kept_shard, lost_shard = sorted(folder.iterdir())
    lost_shard.unlink()  # e.g. the root copied without all of its folder
    assert "shard files are missing" in rebuild_if_damaged(merged + ".h5")
    report = merge_parts(merged, [str(tmp_path / "a.h5"), str(tmp_path / "b.h5")])
    assert report["merged"] == 2
    kept = sorted(tmp_path.glob("ws.damaged-*.h5"))
    assert len(kept) == 1
    assert [p.name for p in kept[0].with_suffix(".shards").iterdir()] == [kept_shard.name]
    ws = AnalysisWorkspace.load(merged)
    assert ws.get("A", "k").tolist() == [1.0] and ws.get("B", "k").tolist() == [2.0]


def test_a_damaged_item_of_the_merged_workspace_is_kept_aside_and_rebuilt(tmp_path, caplog):
    """An item whose data changed after it was merged (its index still reads fine): the merge
    that has to rewrite its namespace keeps the merged workspace aside and rebuilds it,
    instead of failing at every rerun."""
    target = str(tmp_path / "ws")
    parts = [part(tmp_path / "a.h5", "A", "k", 1.0, {"p": 1}),
             part(tmp_path / "j.h5", "A", "j", 3.0, {"p": 1})]
    merge_parts(target, parts)
    (shard,) = glob.glob(str(tmp_path / "ws.shards" / "*"))
    with h5py.File(shard, "r+") as f:
        f["A/j/data"][0] = 99.0  # the checksum stays: the value no longer matches it
    caplog.set_level("INFO", logger="spikelab.pipeline")
    changed = part(tmp_path / "a2.h5", "A", "k", 5.0, {"p": 2})
    report = merge_parts(target, [changed, parts[1]])
    assert report["merged"] == 2
    ws = AnalysisWorkspace.load(target)
    assert ws.get("A", "k").tolist() == [5.0] and ws.get("A", "j").tolist() == [3.0]
    (kept,) = tmp_path.glob("ws.damaged-*.h5")
    assert "A/j" in caplog.text and f"kept as {kept}" in caplog.text
    assert "rebuilding" in caplog.text


def test_a_damaged_part_is_named_and_the_merged_workspace_kept(merged, tmp_path):
    bad = part(tmp_path / "c.h5", "C", "k", 4.0, {"p": 1})
    with h5py.File(bad, "r+") as f:
        f["C/k/data"][0] = 99.0
    with pytest.raises(CorruptWorkspaceError, match="c.h5"):
        merge_parts(merged, [bad])
    assert not list(tmp_path.glob("ws.damaged-*"))
    assert AnalysisWorkspace.load(merged).get("A", "k").tolist() == [1.0]
