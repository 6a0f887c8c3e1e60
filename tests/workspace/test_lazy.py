"""What only the lazy workspace promises: data on disk, index in RAM, private file cleanup."""

from __future__ import annotations

import gc
import glob
import hashlib
import os
import subprocess
import sys
import textwrap

import h5py
import numpy as np
import pytest

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace, SpikeData
from spikelab.workspace import reading, slots


def _backing_files(directory) -> list[str]:
    return glob.glob(os.path.join(directory, "spikelab-lazy-*.h5"))


@pytest.fixture
def no_reads(monkeypatch):
    """Make any data read fail: index-only operations must not notice."""
    def fail(self):
        raise AssertionError("data was read")

    monkeypatch.setattr(slots.GroupSlot, "load", fail)
    monkeypatch.setattr(slots.GroupSlot, "group", property(fail))


def test_store_writes_to_the_private_file_and_keeps_only_the_index(tmp_path):
    ws = LazyAnalysisWorkspace(name="big", dir=tmp_path)
    assert _backing_files(tmp_path) == []  # created on first write
    ws.store("D0", "a", np.arange(1000.0))
    (backing,) = _backing_files(tmp_path)
    with h5py.File(backing, "r") as f:  # the data is there, under a private name
        (group,) = f.values()
        np.testing.assert_array_equal(group["data"][()], np.arange(1000.0))
    assert all(not isinstance(v, np.ndarray) for v in vars(ws).values())
    first, second = ws.get("D0", "a"), ws.get("D0", "a")
    assert first is not second  # read from disk on each call
    first[0] = -1
    assert ws.get("D0", "a")[0] == 0.0
    ws.close()


def test_index_operations_never_touch_the_disk(tmp_path, no_reads):
    ws = LazyAnalysisWorkspace(dir=tmp_path)
    ws.store("D0", "a", np.zeros((2, 3)), note="n")
    ws.store("D0", "b", {"k": 1})
    assert ws.list_namespaces() == ["D0"] and ws.list_keys() == {"D0": ["a", "b"]}
    assert ws.get_info("D0", "a")["shape"] == (2, 3)
    assert ws.describe()["D0"]["b"]["type"] == "dict"
    ws.rename("D0", "b", "c")
    ws.add_note("D0", "c", "renamed")
    assert ("D0", "c") in ws and len(ws) == 2
    with pytest.raises(AssertionError, match="data was read"):
        ws.get("D0", "a")
    ws.close()


def test_load_reads_only_the_index_and_never_modifies_the_source(tmp_path, no_reads):
    src = AnalysisWorkspace(name="src")
    src.store("D0", "sd", SpikeData([[1.0, 2.0]], length=5.0), note="rec")
    src.store("D0", "x", np.arange(5))
    src.save(tmp_path / "src")
    digest = hashlib.sha256((tmp_path / "src.h5").read_bytes()).hexdigest()
    mtime = os.stat(tmp_path / "src.h5").st_mtime_ns
    ws = LazyAnalysisWorkspace.load(tmp_path / "src", dir=tmp_path)
    assert isinstance(ws, LazyAnalysisWorkspace)
    assert ws.describe() == src.describe() and ws.name == "src"
    ws.store("D0", "new", np.ones(3))  # goes to the private file
    ws.delete("D0", "x")
    ws.rename("D0", "sd", "rec")
    ws.add_note("D0", "rec", "changed")
    ws.close()
    assert hashlib.sha256((tmp_path / "src.h5").read_bytes()).hexdigest() == digest
    assert os.stat(tmp_path / "src.h5").st_mtime_ns == mtime


def test_save_of_a_loaded_workspace_carries_changes(tmp_path):
    src = AnalysisWorkspace()
    src.store("D0", "keep", np.arange(3))
    src.store("D0", "drop", np.arange(4))
    src.save(tmp_path / "src")
    ws = LazyAnalysisWorkspace.load(tmp_path / "src", dir=tmp_path)
    ws.delete("D0", "drop")
    ws.store("D1", "new", np.ones(2))
    ws.add_note("D0", "keep", "kept")
    ws.save(tmp_path / "src")  # over its own source: the open file is not disturbed
    np.testing.assert_array_equal(ws.get("D0", "keep"), np.arange(3))
    back = AnalysisWorkspace.load(tmp_path / "src")
    assert back.list_keys() == {"D0": ["keep"], "D1": ["new"]}
    assert back.get_info("D0", "keep")["note"] == "kept"
    ws.close()


def test_a_replaced_file_does_not_change_what_a_loaded_workspace_reads(tmp_path):
    first = AnalysisWorkspace()
    first.store("D0", "x", np.arange(3))
    first.save(tmp_path / "w")
    ws = LazyAnalysisWorkspace.load(tmp_path / "w")
    second = AnalysisWorkspace()
    second.store("D0", "x", np.full(3, 9))
    second.save(tmp_path / "w")
    np.testing.assert_array_equal(ws.get("D0", "x"), np.arange(3))
    ws.close()


def test_save_writes_only_live_items(tmp_path):
    ws = LazyAnalysisWorkspace(dir=tmp_path)
    for i in range(5):
        ws.store("D0", "big", np.random.default_rng(i).random(200_000))  # 1.6 MB each
    ws.store("D0", "gone", np.random.default_rng(9).random(200_000))
    ws.delete("D0", "gone")
    ws.save(tmp_path / "w")
    (backing,) = _backing_files(tmp_path)
    assert os.path.getsize(backing) > 3.2e6  # overwritten/deleted data lived here
    assert os.path.getsize(tmp_path / "w.h5") < 1.8e6  # only the live 1.6 MB is saved
    assert AnalysisWorkspace.load(tmp_path / "w").list_keys() == {"D0": ["big"]}
    ws.close()


@pytest.mark.parametrize("how", ["close", "context", "gc"])
def test_private_file_is_removed(tmp_path, how):
    if how == "context":
        with LazyAnalysisWorkspace(dir=tmp_path) as ws:
            ws.store("a", "b", np.zeros(1))
            assert len(_backing_files(tmp_path)) == 1
    else:
        ws = LazyAnalysisWorkspace(dir=tmp_path)
        ws.store("a", "b", np.zeros(1))
        assert len(_backing_files(tmp_path)) == 1
        if how == "close":
            ws.close()
            with pytest.raises(OSError, match="closed"):
                ws.get("a", "b")
        del ws
        gc.collect()
    assert _backing_files(tmp_path) == []


def test_leftover_private_file_of_a_killed_process_is_harmless(tmp_path):
    stale = tmp_path / "spikelab-lazy-deadbeef.h5"
    stale.write_bytes(b"half-written garbage")
    with LazyAnalysisWorkspace(dir=tmp_path) as ws:
        ws.store("a", "b", np.arange(3))
        np.testing.assert_array_equal(ws.get("a", "b"), np.arange(3))
    assert stale.exists()


def test_rejected_store_leaves_nothing_in_the_private_file(tmp_path):
    ws = LazyAnalysisWorkspace(dir=tmp_path)
    ws.store("a", "b", np.arange(3))
    with pytest.raises(TypeError):
        ws.store("a", "b", {"ok": 1, "bad": np.array([object()])})
    np.testing.assert_array_equal(ws.get("a", "b"), np.arange(3))
    with h5py.File(_backing_files(tmp_path)[0], "r") as f:
        assert len(f) == 1
    ws.close()


def test_merge_from_file_backed_source_copies_without_decoding(tmp_path, monkeypatch):
    src = AnalysisWorkspace()
    src.store("D0", "x", np.arange(4), note="n")
    src.store("D0", "skip_me", np.arange(2))
    src.save(tmp_path / "src")
    source = LazyAnalysisWorkspace.load(tmp_path / "src")
    with h5py.File(source._sources[0].filename, "r"):
        pass
    target = LazyAnalysisWorkspace(dir=tmp_path)
    target.store("D0", "skip_me", np.zeros(1))
    monkeypatch.setattr(reading, "decode_item", lambda g: pytest.fail("decoded"))
    monkeypatch.setattr(slots, "encode_item", lambda g, o: pytest.fail("encoded"))
    real_copy = slots.copy_group
    copied = []
    monkeypatch.setattr(slots, "copy_group",
                        lambda s, p, n: copied.append(s.name) or real_copy(s, p, n))
    report = target.merge_from(source)
    assert report["merged"] == 1 and report["skipped_keys"] == [("D0", "skip_me")]
    assert copied == ["/D0/x"]  # the skipped item was never touched
    monkeypatch.undo()
    np.testing.assert_array_equal(target.get("D0", "x"), np.arange(4))
    assert target.get_info("D0", "x")["note"] == "n"
    target.close()
    source.close()


MEMORY_SCRIPT = textwrap.dedent("""
    import resource, sys
    import numpy as np
    from spikelab import LazyAnalysisWorkspace
    n = 50 * 2**20 // 8
    ws = LazyAnalysisWorkspace(dir=sys.argv[1])
    ws.store("warm", "up", np.zeros(10))
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for i in range(20):
        ws.store("D0", f"a{i}", np.full(n, float(i)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert float(ws.get("D0", "a19")[-1]) == 19.0
    ws.close()
    print((peak - base) * 1024)
""")


@pytest.mark.slow
def test_storing_many_large_arrays_keeps_memory_flat(tmp_path):
    out = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(tmp_path)], check=True,
                         capture_output=True, text=True, timeout=600)
    grown = int(out.stdout.split()[-1])
    one_array = 50 * 2**20
    assert grown < 2 * one_array, f"peak RSS grew by {grown / 2**20:.0f} MB for 20 x 50 MB"
