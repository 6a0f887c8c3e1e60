"""Killed writers and concurrent writers never leave a workspace that fails to load.

Writers run in forked children (no interpreter start-up per kill, so many kills are cheap).
A child loops saving / merging into one path; the parent SIGKILLs it at a random moment,
then checks the path holds the old or the new workspace, whole.
"""

from __future__ import annotations

import os
import random
import signal
import time

import numpy as np
import pytest

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace
from spikelab.workspace import merge_files, verify
from spikelab.ondisk import h5_path
from spikelab.workspace.h5file import open_workspace
from spikelab.workspace.shards import retired_shards, shard_dir

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

N_KILLS = 25


def _version(tag: str, seed: int) -> AnalysisWorkspace:
    """A small workspace whose every item says which version it belongs to."""
    rng = np.random.default_rng(seed)
    ws = AnalysisWorkspace(name=tag)
    ws.store("meta", "which", {"v": tag})
    for i in range(6):
        ws.store("data", f"a{i}", np.full(60_000, seed, dtype=np.float64) + rng.random())
    ws.store("data", f"only_{tag}", np.array([seed]))
    return ws


def _tag_of(ws: AnalysisWorkspace) -> str:
    tag = ws.get("meta", "which")["v"]
    seeds = {float(ws.get("data", f"a{i}")[0] // 1) for i in range(6)}
    assert seeds == {float({"A": 1, "B": 2}[tag])}, "items from two versions mixed"
    assert ws.list_keys("data")[-1] == f"only_{tag}"
    return tag


def _fork(loop) -> int:
    """Run ``loop(ready)`` in a child; returns once the child has called ``ready()``."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into pytest
        code = 0
        try:
            os.close(read_end)
            loop(lambda: os.write(write_end, b"!"))
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write_end)
    os.read(read_end, 1)  # set-up done (or the child died: read returns b"")
    os.close(read_end)
    return pid


def _temp_files(directory) -> list[str]:
    """Temp files killed writers left in ``directory``."""
    return [os.path.join(directory, p) for p in os.listdir(directory) if p.endswith(".tmp")]


def unlinked_shards(target) -> list[str]:
    """Shard files of the sharded workspace ``target`` that its root neither links nor
    keeps for readers of older roots: what a killed merge leaves."""
    target = h5_path(str(target))
    folder = shard_dir(target)
    with open_workspace(target) as f:
        keep = {os.path.basename(p) for p in f.shard_files.values()} | set(retired_shards(f))
    names = os.listdir(folder) if os.path.isdir(folder) else []  # still a single file
    return [os.path.join(folder, n) for n in names if n not in keep]


def _kill_at_random_points(loop, check, seed: int, directory, leftovers=_temp_files,
                           max_sleep: float = 0.12) -> None:
    """Kill ``loop`` N_KILLS times; at least some kills must land mid-write (``leftovers``
    found: by default temp files in ``directory``)."""
    rng = random.Random(seed)
    mid_write = 0
    for _ in range(N_KILLS):
        pid = _fork(loop)
        time.sleep(rng.uniform(0.0, max_sleep))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        left = leftovers(directory)
        mid_write += bool(left)
        for path in left:  # so that the next kill is judged on its own
            os.remove(path)
        check()
    assert mid_write >= N_KILLS // 4, f"only {mid_write} kills interrupted a write"


def _save_forever(workspaces, path):
    def loop(ready):
        ready()
        i = 0
        while True:
            workspaces[i % 2].save(path)
            i += 1
    return loop


def test_sigkill_during_save(tmp_path):
    path = tmp_path / "ws"
    versions = [_version("A", 1), _version("B", 2)]
    versions[0].save(path)
    seen = set()

    def check():
        seen.add(_tag_of(AnalysisWorkspace.load(path)))
        assert verify(path).ok

    _kill_at_random_points(_save_forever(versions, path), check, seed=1, directory=tmp_path)
    assert seen  # at least the initial version was always loadable
    versions[1].save(path)  # the next save sweeps temp files of killed writers
    assert sorted(os.listdir(tmp_path)) == ["ws.h5", "ws.json"]  # no temp, no lock file


def test_sigkill_during_lazy_save(tmp_path):
    for tag, seed in (("A", 1), ("B", 2)):
        _version(tag, seed).save(tmp_path / tag)
    path = tmp_path / "ws"
    AnalysisWorkspace.load(tmp_path / "A").save(path)

    def loop(ready):
        lazy = [LazyAnalysisWorkspace.load(tmp_path / tag, dir=tmp_path) for tag in "AB"]
        lazy[1].store("data", "only_B", np.array([2]))  # a stored (backing-file) item too
        ready()
        i = 0
        while True:
            lazy[i % 2].save(path)
            i += 1

    _kill_at_random_points(loop, lambda: _tag_of(AnalysisWorkspace.load(path)), seed=2,
                           directory=tmp_path)


def test_sigkill_during_merge_files(tmp_path):
    base = AnalysisWorkspace(name="target")
    base.store("base", "x", np.arange(10))
    base.save(tmp_path / "target")
    sources = []
    for tag in "AB":
        ws = AnalysisWorkspace()
        for i in range(4):
            ws.store(f"from_{i % 2}", f"item{i}", np.full(50_000, ord(tag), dtype=np.int64))
        ws.store(f"only_{tag}", "k", np.zeros(3))
        ws.save(tmp_path / tag)
        sources.append(str(tmp_path / tag))

    def loop(ready):
        ready()
        i = 0
        while True:
            merge_files(tmp_path / "target", [sources[i % 2]], overwrite=True)
            i += 1

    def check():
        ws = AnalysisWorkspace.load(tmp_path / "target")
        assert ws.list_keys("base") == ["x"]
        for ns, key in ws:
            if ns.startswith("from_"):
                values = set(np.unique(ws.get(ns, key)).tolist())
                assert values in ({ord("A")}, {ord("B")})
        assert verify(tmp_path / "target").ok

    _kill_at_random_points(loop, check, seed=3, directory=tmp_path, leftovers=lambda d: (
        _temp_files(d) + unlinked_shards(tmp_path / "target")))


def _wait_all(pids) -> None:
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0


def test_concurrent_saves_one_wins_whole(tmp_path):
    path = tmp_path / "ws"
    versions = [_version("A", 1), _version("B", 2)]

    def saver(ws):
        def loop(ready):
            ready()
            for _ in range(15):
                ws.save(path)
        return loop

    _wait_all([_fork(saver(ws)) for ws in versions])
    assert _tag_of(AnalysisWorkspace.load(path)) in "AB"
    assert sorted(os.listdir(tmp_path)) == ["ws.h5", "ws.json"]  # no temp, no lock file


def test_concurrent_merges_serialise_on_the_lock(tmp_path):
    """Without the lock, one merge would rebuild from a target missing the other's items."""
    sources = []
    for w in range(2):
        ws = AnalysisWorkspace()
        for i in range(10):
            ws.store(f"writer{w}", f"k{i}", np.full(20_000, i))
        ws.save(tmp_path / f"s{w}")
        sources.append(tmp_path / f"s{w}")

    def merger(w):
        def loop(ready):
            ready()
            for i in range(10):
                one = tmp_path / f"s{w}-{i}"
                ws = AnalysisWorkspace()
                ws.store(f"writer{w}", f"k{i}", np.full(20_000, i))
                ws.save(one)
                merge_files(tmp_path / "target", [one])
        return loop

    _wait_all([_fork(merger(w)) for w in range(2)])
    merged = AnalysisWorkspace.load(tmp_path / "target")
    assert sorted(merged.list_namespaces()) == ["writer0", "writer1"]
    assert all(len(merged.list_keys(ns)) == 10 for ns in merged.list_namespaces())
