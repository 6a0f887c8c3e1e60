"""``merge_files``: the pipeline's file-level merge (HDF5 copies, atomic, no-op safe)."""

from __future__ import annotations

import hashlib
import json
import os

import h5py
import numpy as np
import pytest

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace
from spikelab.workspace import merge_files, verify


def _part(path, items, name="part"):
    """Save a workspace of ``{(ns, key): (value, params or None)}``; returns its path."""
    ws = AnalysisWorkspace(name=name)
    for (ns, key), (value, params) in items.items():
        prov = None if params is None else {"step": key, "params": params, "inputs": "i"}
        ws.store(ns, key, value, note=f"note {key}", provenance=prov)
    ws.save(path)
    return str(path)


def _digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.fixture
def parts(tmp_path):
    a = _part(tmp_path / "a", {("D0", "rates"): (np.arange(3.0), {"w": 1}),
                               ("D0", "bursts"): (np.arange(2.0), {"t": 5})})
    b = _part(tmp_path / "b", {("D1", "rates"): (np.ones(4), {"w": 1})})
    return a, b


def test_merge_into_a_new_target(tmp_path, parts):
    report = merge_files(tmp_path / "merged", parts)
    assert (report["merged"], report["skipped"], report["replaced"]) == (3, 0, 0)
    assert report["written"] is True
    assert [s["merged"] for s in report["sources"]] == [2, 1]
    ws = AnalysisWorkspace.load(tmp_path / "merged")
    assert ws.list_keys() == {"D0": ["rates", "bursts"], "D1": ["rates"]}
    source = AnalysisWorkspace.load(parts[0])
    assert ws.get_info("D0", "rates") == source.get_info("D0", "rates")  # entry carried over
    sidecar = json.loads((tmp_path / "merged.json").read_text())
    assert sidecar["index"]["D1"]["rates"]["note"] == "note rates"
    with h5py.File(tmp_path / "merged.h5", "r") as f:
        assert sidecar["save_id"] == f.attrs["__save_id__"]
    assert verify(tmp_path / "merged").ok


@pytest.mark.parametrize("mode", [{}, {"replace_stale": True}])
def test_a_no_op_rerun_leaves_the_target_byte_identical(tmp_path, parts, mode):
    merge_files(tmp_path / "merged", parts)
    before = {p: (_digest(tmp_path / p), os.stat(tmp_path / p).st_mtime_ns)
              for p in ("merged.h5", "merged.json")}
    report = merge_files(tmp_path / "merged", parts, **mode)
    assert (report["merged"], report["skipped"], report["written"]) == (0, 3, False)
    after = {p: (_digest(tmp_path / p), os.stat(tmp_path / p).st_mtime_ns) for p in before}
    assert after == before


def test_replace_stale(tmp_path, parts):
    merge_files(tmp_path / "merged", parts)
    rerun = _part(tmp_path / "a2", {("D0", "rates"): (np.arange(3.0), {"w": 1.0}),  # same
                                    ("D0", "bursts"): (np.full(2, 9.0), {"t": 6}),  # changed
                                    ("D0", "plain"): (np.zeros(1), None)})
    report = merge_files(tmp_path / "merged", [rerun], replace_stale=True)
    assert report["skipped_keys"] == [("D0", "rates")]
    assert report["replaced_keys"] == [("D0", "bursts")] and report["merged"] == 2
    ws = AnalysisWorkspace.load(tmp_path / "merged")
    assert ws.list_keys("D0") == ["rates", "bursts", "plain"]  # replaced in place, new last
    np.testing.assert_array_equal(ws.get("D0", "bursts"), np.full(2, 9.0))
    assert ws.get_info("D0", "bursts")["provenance"]["params"] == {"t": 6}
    # an item without fingerprint is never trusted as up to date
    again = merge_files(tmp_path / "merged", [rerun], replace_stale=True)
    assert again["replaced_keys"] == [("D0", "plain")] and again["skipped"] == 2


def test_default_keeps_existing_and_overwrite_replaces(tmp_path, parts):
    merge_files(tmp_path / "merged", parts)
    other = _part(tmp_path / "o", {("D0", "rates"): (np.full(3, 5.0), None)})
    assert merge_files(tmp_path / "merged", [other])["skipped_keys"] == [("D0", "rates")]
    np.testing.assert_array_equal(AnalysisWorkspace.load_item(tmp_path / "merged", "D0", "rates"),
                                  np.arange(3.0))
    report = merge_files(tmp_path / "merged", [other], overwrite=True)
    assert report["replaced_keys"] == [("D0", "rates")]
    np.testing.assert_array_equal(AnalysisWorkspace.load_item(tmp_path / "merged", "D0", "rates"),
                                  np.full(3, 5.0))


def test_later_sources_see_earlier_ones(tmp_path):
    first = _part(tmp_path / "1", {("D0", "x"): (np.zeros(1), None)})
    second = _part(tmp_path / "2", {("D0", "x"): (np.ones(1), None)})
    report = merge_files(tmp_path / "m", [first, second])
    assert report["skipped_keys"] == [("D0", "x")]
    assert AnalysisWorkspace.load_item(tmp_path / "m", "D0", "x")[0] == 0.0
    merge_files(tmp_path / "n", [first, second], overwrite=True)
    assert AnalysisWorkspace.load_item(tmp_path / "n", "D0", "x")[0] == 1.0


def test_prune_to(tmp_path, parts):
    merge_files(tmp_path / "merged", parts)
    report = merge_files(tmp_path / "merged", [parts[1]], prune_to=[("D1", "rates"),
                                                                    ("D0", "rates")])
    assert report["pruned_keys"] == [("D0", "bursts")] and report["pruned"] == 1
    assert AnalysisWorkspace.load(tmp_path / "merged").list_keys() == {
        "D0": ["rates"], "D1": ["rates"]}


def test_replacing_rebuilds_without_dead_space(tmp_path):
    big = {("D0", f"k{i}"): (np.random.default_rng(i).random(100_000), {"v": 1}) for i in range(4)}
    merge_files(tmp_path / "m", [_part(tmp_path / "p1", big)])
    size = os.path.getsize(tmp_path / "m.h5")
    for version in range(2, 5):
        changed = {k: (v + version, {"v": version}) for k, (v, _) in big.items()}
        merge_files(tmp_path / "m", [_part(tmp_path / f"p{version}", changed)], replace_stale=True)
    assert os.path.getsize(tmp_path / "m.h5") < 1.1 * size


def test_adding_appends_to_a_copy_of_the_target(tmp_path, parts):
    merge_files(tmp_path / "merged", [parts[0]])
    with h5py.File(tmp_path / "merged.h5", "r") as f:
        before = f["D0/rates/data"].id.get_offset()
    merge_files(tmp_path / "merged", [parts[1]])
    with h5py.File(tmp_path / "merged.h5", "r") as f:  # old items where they were: a file copy
        assert f["D0/rates/data"].id.get_offset() == before and "D1" in f


def test_skipped_items_are_never_read(tmp_path, parts):
    merge_files(tmp_path / "merged", parts)
    with h5py.File(parts[0] + ".h5", "r+") as f:  # damage the data of items that will be skipped
        del f["D0/rates/data"]
        del f["D0/bursts/data"]
    before = _digest(tmp_path / "merged.h5")
    report = merge_files(tmp_path / "merged", [parts[0]], replace_stale=True)
    assert report["skipped"] == 2 and _digest(tmp_path / "merged.h5") == before


def test_readers_of_the_old_file_are_not_disturbed(tmp_path, parts):
    merge_files(tmp_path / "merged", [parts[0]])
    reader = LazyAnalysisWorkspace.load(tmp_path / "merged")
    update = _part(tmp_path / "u", {("D0", "rates"): (np.full(3, -1.0), {"w": 2})})
    merge_files(tmp_path / "merged", [update], replace_stale=True)
    np.testing.assert_array_equal(reader.get("D0", "rates"), np.arange(3.0))
    np.testing.assert_array_equal(AnalysisWorkspace.load_item(tmp_path / "merged", "D0", "rates"),
                                  np.full(3, -1.0))
    reader.close()


def test_target_keeps_its_identity(tmp_path, parts):
    target = AnalysisWorkspace(name="combined")
    target.store("D9", "x", np.zeros(1))
    target.save(tmp_path / "t")
    merge_files(tmp_path / "t", parts, overwrite=True)
    back = AnalysisWorkspace.load(tmp_path / "t")
    assert (back.workspace_id, back.name, back.created_at) == (
        target.workspace_id, "combined", target.created_at)
    assert back.list_namespaces() == ["D9", "D0", "D1"]


def test_target_cannot_be_a_source(tmp_path, parts):
    with pytest.raises(ValueError, match="both the merge target and a source"):
        merge_files(parts[0] + ".h5", [parts[0]])


def test_merging_nothing_into_a_missing_target_creates_an_empty_workspace(tmp_path):
    report = merge_files(tmp_path / "empty", [])
    assert report["written"] and len(AnalysisWorkspace.load(tmp_path / "empty")) == 0


def test_a_namespace_split_over_sources_keeps_its_order(tmp_path):
    one = _part(tmp_path / "1", {("D0", "a"): (np.zeros(1), None), ("D0", "b"): (np.ones(1), None),
                                 ("D1", "x"): (np.zeros(2), None)})
    two = _part(tmp_path / "2", {("D0", "c"): (np.full(1, 2.0), None),
                                 ("D0", "a"): (np.full(1, 9.0), None)})
    merge_files(tmp_path / "m", [one, two])
    ws = AnalysisWorkspace.load(tmp_path / "m")
    assert ws.list_keys() == {"D0": ["a", "b", "c"], "D1": ["x"]}
    assert [float(ws.get("D0", k)[0]) for k in "abc"] == [0.0, 1.0, 2.0]
    assert verify(tmp_path / "m").ok
