"""The sharded merged workspace: a root file plus one immutable shard per namespace.

What a merge writes (only changed namespaces), what every reader makes of it, moving it,
readers holding an old root, old and orphaned shards, SIGKILLs at random moments of a
sharded merge, a reader loop during merges, and ``pack``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from types import SimpleNamespace

import h5py
import numpy as np
import pytest
from test_crash_safety import (_fork, _kill_at_random_points,
                               _temp_files, unlinked_shards)

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace
from spikelab.cli.main import main as cli_main
from spikelab.errors import CorruptWorkspaceError, InvalidArgumentError, WorkspaceFileError
from spikelab.workspace import merge_files, pack, verify
from spikelab.workspace import shards as shards_module
from spikelab.workspace.h5file import open_workspace
from spikelab.ondisk import RETIRED_SHARDS_ATTR
from spikelab.workspace.shards import shard_dir


def _part(path, items: dict) -> str:
    """Save ``{(ns, key): array}`` as a part workspace at ``path``; returns the path."""
    ws = AnalysisWorkspace()
    for (ns, key), value in items.items():
        ws.store(ns, key, value, provenance={"step": key, "params": {"v": float(value[0])}})
    ws.save(path)
    return str(path)


def _files(root) -> dict[str, tuple[int, int]]:
    """``{shard file name: (inode, mtime_ns)}`` of the shard folder of ``root``."""
    folder = shard_dir(str(root))
    return {name: (os.stat(os.path.join(folder, name)).st_ino,
                   os.stat(os.path.join(folder, name)).st_mtime_ns)
            for name in sorted(os.listdir(folder))}


def _linked(root) -> dict[str, str]:
    with open_workspace(str(root)) as f:
        return {ns: os.path.basename(p) for ns, p in f.shard_files.items()}


@pytest.fixture
def merged(tmp_path):
    """A sharded merged workspace of three recordings (namespaces), two items each."""
    parts = [_part(tmp_path / f"part{i}", {(f"D{i}", "rates"): np.full(1000, float(i)),
                                          (f"D{i}", "sttc"): np.full(10, i + 0.5)})
             for i in range(3)]
    target = tmp_path / "results" / "workspace.h5"
    merge_files(target, parts, replace_stale=True)
    return target


# --------------------------------------------------------------------- layout
def test_one_shard_per_namespace_and_a_small_root(merged):
    linked = _linked(merged)
    assert list(linked) == ["D0", "D1", "D2"]
    assert sorted(linked.values()) == sorted(os.listdir(shard_dir(str(merged))))
    with h5py.File(merged) as f:  # relative links into the root's own folder
        for ns, name in linked.items():
            link = f.get(ns, getlink=True)
            assert isinstance(link, h5py.ExternalLink)
            assert (link.filename, link.path) == (f"workspace.shards/{name}", f"/{ns}")
    assert os.path.getsize(merged) < 16_000


def test_adding_a_namespace_writes_only_its_shard(merged, tmp_path):
    before = _files(merged)
    merge_files(merged, [_part(tmp_path / "new", {("D3", "rates"): np.ones(5)})],
                replace_stale=True)
    after = _files(merged)
    assert {k: after[k] for k in before} == before  # untouched: same inode, same mtime
    assert [n for n in after if n not in before] == [_linked(merged)["D3"]]


def test_replacing_a_stale_item_rewrites_only_its_namespace(merged, tmp_path):
    before_links = _linked(merged)
    before = _files(merged)
    stale = _part(tmp_path / "stale", {("D1", "sttc"): np.full(10, 9.0)})
    report = merge_files(merged, [stale], replace_stale=True)
    assert report["replaced_keys"] == [("D1", "sttc")]
    links = _linked(merged)
    assert {ns: links[ns] for ns in ("D0", "D2")} == {ns: before_links[ns] for ns in ("D0", "D2")}
    assert links["D1"] != before_links["D1"]
    assert {k: _files(merged)[k] for k in before} == before  # the old D1 shard kept (grace)
    ws = AnalysisWorkspace.load(merged)
    assert ws.list_keys("D1") == ["rates", "sttc"]
    assert np.array_equal(ws.get("D1", "sttc"), np.full(10, 9.0))


def test_no_op_merge_changes_no_byte(merged, tmp_path):
    root_bytes = merged.read_bytes()
    before = _files(merged)
    report = merge_files(merged, [tmp_path / f"part{i}" for i in range(3)], replace_stale=True)
    assert not report["written"]
    assert merged.read_bytes() == root_bytes and _files(merged) == before


def test_a_single_file_target_becomes_sharded(tmp_path):
    single = tmp_path / "ws.h5"
    _part(single, {("D0", "a"): np.arange(3.0)})
    merge_files(single, [_part(tmp_path / "p", {("D1", "a"): np.arange(4.0)})])
    assert list(_linked(single)) == ["D0", "D1"]
    assert AnalysisWorkspace.load(single).list_keys() == {"D0": ["a"], "D1": ["a"]}


# --------------------------------------------------------------------- every reader
def _expected(i: int) -> dict:
    return {"rates": np.full(1000, float(i)), "sttc": np.full(10, i + 0.5)}


def test_every_reader_reads_the_sharded_workspace(merged, tmp_path, capsys):
    ws = AnalysisWorkspace.load(merged)
    for i in range(3):
        for key, value in _expected(i).items():
            assert np.array_equal(ws.get(f"D{i}", key), value)
    assert np.array_equal(AnalysisWorkspace.load_item(merged, "D2", "sttc"), _expected(2)["sttc"])
    with LazyAnalysisWorkspace.load(merged) as lazy:
        assert np.array_equal(lazy.get("D1", "rates"), _expected(1)["rates"])
        copy = AnalysisWorkspace()
        copy.merge_from(lazy)
        assert copy.list_keys() == ws.list_keys()
    with h5py.File(merged) as f:  # plain h5py follows the links
        assert np.array_equal(f["D0/rates/data"][...], _expected(0)["rates"])
    other = tmp_path / "other.h5"
    merge_files(other, [merged])  # a sharded source
    assert AnalysisWorkspace.load(other).describe() == ws.describe()
    report = verify(merged)
    assert report.ok and report.checked == 6 and report.shards == 3
    for argv in (["ls", str(merged)], ["info", str(merged), "D1", "rates"],
                 ["verify", str(merged)]):
        assert cli_main(argv) == 0
    assert "sharded: 3 shard files" in capsys.readouterr().out


def test_moving_the_results_folder_keeps_it_working(merged, tmp_path, monkeypatch):
    moved = tmp_path / "elsewhere" / "copy"
    shutil.copytree(merged.parent, moved)
    shutil.rmtree(merged.parent)
    monkeypatch.chdir(tmp_path)  # links resolve against the root's folder, not the cwd
    assert verify(moved / "workspace.h5").ok
    assert np.array_equal(AnalysisWorkspace.load_item(moved / "workspace", "D2", "rates"),
                          _expected(2)["rates"])


def test_a_missing_shard_is_one_clear_error(merged):
    os.remove(os.path.join(shard_dir(str(merged)), _linked(merged)["D1"]))
    with pytest.raises(CorruptWorkspaceError, match="D1.*missing"):
        AnalysisWorkspace.load_item(merged, "D1", "rates")
    assert np.array_equal(AnalysisWorkspace.load_item(merged, "D0", "rates"),
                          _expected(0)["rates"])


def test_a_shard_of_another_workspace_is_refused(merged, tmp_path):
    intruder = tmp_path / "intruder.h5"
    _part(intruder, {("D1", "rates"): np.full(1000, 66.0), ("D1", "sttc"): np.zeros(10)})
    shutil.copy(intruder, os.path.join(shard_dir(str(merged)), _linked(merged)["D1"]))
    with pytest.raises(CorruptWorkspaceError, match="not of this one"):
        AnalysisWorkspace.load_item(merged, "D1", "rates")


def test_a_shard_that_is_a_symbolic_link_is_refused(merged, tmp_path):
    shard = os.path.join(shard_dir(str(merged)), _linked(merged)["D1"])
    elsewhere = tmp_path / "elsewhere.h5"
    shutil.move(shard, elsewhere)
    os.symlink(elsewhere, shard)
    with pytest.raises(CorruptWorkspaceError, match="symbolic link"):
        AnalysisWorkspace.load_item(merged, "D1", "rates")


# --------------------------------------------------------------------- old and orphan shards
def test_a_reader_keeps_reading_the_state_it_opened(merged, tmp_path, monkeypatch):
    lazy = LazyAnalysisWorkspace.load(merged)
    assert np.array_equal(lazy.get("D1", "rates"), _expected(1)["rates"])  # opens D1's shard
    first_d1 = _linked(merged)["D1"]
    monkeypatch.setattr(shards_module, "GRACE_S", 0.0)  # kept for one root only
    for value in (7.0, 8.0):
        merge_files(merged, [_part(tmp_path / f"v{value}", {("D1", "rates"): np.full(3, value)})],
                    overwrite=True)
    assert first_d1 not in os.listdir(shard_dir(str(merged)))  # deleted, but open here
    assert np.array_equal(lazy.get("D1", "rates"), _expected(1)["rates"])  # still the old
    assert np.array_equal(AnalysisWorkspace.load_item(merged, "D1", "rates"), np.full(3, 8.0))
    lazy.close()


def test_old_shards_stay_for_the_grace_then_go(merged, tmp_path, monkeypatch):
    old = _linked(merged)["D0"]
    merge_files(merged, [_part(tmp_path / "a", {("D0", "rates"): np.zeros(2)})], overwrite=True)
    with h5py.File(merged) as f:
        assert list(json.loads(f.attrs[RETIRED_SHARDS_ATTR])) == [old]
    assert old in os.listdir(shard_dir(str(merged)))
    later = time.time() + shards_module.GRACE_S + 1
    monkeypatch.setattr("spikelab.workspace.merge.files.time", SimpleNamespace(time=lambda: later))
    merge_files(merged, [_part(tmp_path / "b", {("D5", "x"): np.zeros(2)})])
    assert old not in os.listdir(shard_dir(str(merged)))
    assert sorted(os.listdir(shard_dir(str(merged)))) == sorted(_linked(merged).values())


def test_orphans_of_a_killed_writer_are_removed_by_the_next(merged, tmp_path):
    folder = shard_dir(str(merged))
    orphan = os.path.join(folder, "D9.0123456789abcdef.h5")
    with open(orphan, "wb") as fh:
        fh.write(b"half a shard")
    stranger = os.path.join(folder, "notes.txt")  # not ours: left alone
    with open(stranger, "w") as fh:
        fh.write("mine")
    assert verify(merged).ok  # an orphan does not matter to readers
    merge_files(merged, [_part(tmp_path / "n", {("D4", "x"): np.zeros(2)})])
    assert not os.path.exists(orphan) and os.path.exists(stranger)


# --------------------------------------------------------------------- crashes and readers
def _two_states(tmp_path) -> tuple[list[str], str]:
    """Sources A and B, each replacing both ``from_*`` namespaces and adding ``only_<tag>``,
    and a sharded target holding A."""
    sources = []
    for tag in "AB":
        items = {(f"from_{i % 2}", f"item{i}"): np.full(50_000, ord(tag), dtype=np.int64)
                 for i in range(4)}
        items[(f"only_{tag}", "k")] = np.zeros(3)
        sources.append(_part(tmp_path / tag, items))
    target = str(tmp_path / "target.h5")
    merge_files(target, [_part(tmp_path / "base", {("base", "x"): np.arange(10)}), sources[0]])
    return sources, target


def _merging_forever(target: str, sources: list[str]):
    """A child's loop: merge B, A, B, ... into ``target``, never stopping."""
    def loop(ready):
        ready()
        i = 1
        while True:
            merge_files(target, [sources[i % 2]], overwrite=True)
            i += 1
    return loop


def _state(ws: AnalysisWorkspace) -> str:
    """'A' or 'B' when every replaced item comes from one merge; fails on a mix."""
    assert ws.list_keys("base") == ["x"]
    values = {int(v) for ns, key in ws if ns.startswith("from_")
              for v in np.unique(ws.get(ns, key))}
    assert len(values) == 1, f"items of two merges mixed: {values}"
    return chr(values.pop())


def test_sigkill_at_random_moments_of_a_sharded_merge(tmp_path):
    """Each kill leaves the old or the new state whole, across namespaces (both ``from_*``
    shards of one merge, or neither); ``test_crash_safety`` kills plain merges too."""
    sources, target = _two_states(tmp_path)
    seen = set()

    def check():
        seen.add(_state(AnalysisWorkspace.load(target)))
        assert verify(target).ok

    _kill_at_random_points(
        _merging_forever(target, sources),
        check,
        seed=12,
        directory=tmp_path,
        max_sleep=0.5,
        leftovers=lambda d: _temp_files(d) + unlinked_shards(target),
    )
    assert seen == {"A", "B"}
    merge_files(target, [sources[0]], overwrite=True)
    assert unlinked_shards(target) == []


def test_a_reader_loop_during_merges_sees_only_complete_states(tmp_path):
    sources, target = _two_states(tmp_path)

    pid = _fork(_merging_forever(target, sources))
    try:
        seen = []
        deadline = time.monotonic() + 4.0
        while time.monotonic() < deadline:
            seen.append(_state(AnalysisWorkspace.load(target)))
            with LazyAnalysisWorkspace.load(target) as lazy:
                seen.append(_state(lazy))
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert set(seen) == {"A", "B"}, seen


# --------------------------------------------------------------------- pack
def _tree(group: h5py.Group) -> dict:
    """Every dataset's values and every attribute under ``group``, by path."""
    found = {f"@{k}": np.asarray(v).tobytes() for k, v in group.attrs.items()}

    def visit(name, obj):
        found.update({f"{name}@{k}": np.asarray(v).tobytes() for k, v in obj.attrs.items()})
        if isinstance(obj, h5py.Dataset):
            found[name] = (obj.dtype.str, obj.shape, np.asarray(obj[()]).tobytes())
    group.visititems(visit)
    return found


def test_pack_round_trip_is_byte_for_byte(merged, tmp_path, capsys):
    packed = tmp_path / "shared" / "one.h5"
    report = pack(merged, packed)
    assert (report["namespaces"], report["items"]) == (3, 6)
    with h5py.File(packed) as f:
        assert all(isinstance(f.get(ns, getlink=True), h5py.HardLink) for ns in f)
    with open_workspace(str(merged)) as a, open_workspace(str(packed)) as b:
        assert [ns for ns in a if ns[:2] != "__"] == [ns for ns in b if ns[:2] != "__"]
        for ns in ("D0", "D1", "D2"):
            assert list(a[ns]) == list(b[ns])
            for key in a[ns]:
                assert _tree(a[ns][key]) == _tree(b[ns][key])
        assert dict(a.attrs)["__workspace_id__"] == dict(b.attrs)["__workspace_id__"]
    assert AnalysisWorkspace.load(packed).describe() == AnalysisWorkspace.load(merged).describe()
    assert verify(packed).ok and verify(packed).shards == 0
    shutil.rmtree(merged.parent)  # self-contained
    assert np.array_equal(AnalysisWorkspace.load_item(packed, "D2", "rates"),
                          _expected(2)["rates"])
    assert cli_main(["pack", str(packed), str(tmp_path / "again")]) == 0
    assert "packed 6 items in 3 namespaces" in capsys.readouterr().out


def test_pack_refuses_itself_and_damaged_items(merged, tmp_path):
    with pytest.raises(InvalidArgumentError):
        pack(merged, merged)
    shard = os.path.join(shard_dir(str(merged)), _linked(merged)["D1"])
    with h5py.File(shard, "r+") as f:
        data = f["D1/rates/data"]
        data[0] = 123.0  # in place: its checksum no longer matches
    with pytest.raises(CorruptWorkspaceError, match="'D1', 'rates'"):
        pack(merged, tmp_path / "out")
    assert not os.path.exists(tmp_path / "out.h5")


# --------------------------------------------------------------------- remembered sources
def _opened(monkeypatch) -> list[str]:
    """Paths ``merge_files`` opens from now on."""
    import spikelab.workspace.merge.files as filemerge
    seen: list[str] = []
    real = filemerge.open_workspace

    def counting(path, **kwargs):
        seen.append(os.path.basename(path))
        return real(path, **kwargs)

    monkeypatch.setattr(filemerge, "open_workspace", counting)
    return seen


@pytest.mark.parametrize("change", ["rewritten", "touched"])
def test_a_source_changed_between_plan_and_copy(tmp_path, monkeypatch, change):
    """Sources are closed after their index is read and opened again to copy: one replaced
    meanwhile (a job still writing) is refused, not copied under the entries it had; one
    only touched is copied."""
    import spikelab.workspace.merge.files as filemerge
    parts = [_part(tmp_path / f"p{i}", {(f"D{i}", "rates"): np.full(100, float(i))})
             for i in range(2)]
    real_plan = filemerge._plan

    def plan_then_change(*args, **kwargs):
        plan = real_plan(*args, **kwargs)
        if change == "rewritten":  # same names, new values and fingerprint
            _part(tmp_path / "p1", {("D1", "rates"): np.full(100, 7.0)})
        else:
            os.utime(parts[1] + ".h5")
        return plan

    monkeypatch.setattr(filemerge, "_plan", plan_then_change)
    target = tmp_path / "out.h5"
    if change == "rewritten":
        with pytest.raises(WorkspaceFileError, match=r"p1\.h5 changed while it was being merged"):
            merge_files(target, parts)
        assert not target.exists()
    else:
        merge_files(target, parts)
        assert AnalysisWorkspace.load_item(target, "D1", "rates")[0] == 1.0
        assert verify(target).ok


def test_a_rerun_does_not_open_sources_it_remembers(merged, tmp_path, monkeypatch):
    parts = [tmp_path / f"part{i}" for i in range(3)]
    opened = _opened(monkeypatch)
    assert not merge_files(merged, parts, replace_stale=True)["written"]
    assert opened == ["workspace.h5"]


@pytest.mark.parametrize("change", ["rewritten", "touched"])
def test_a_changed_source_is_read_again(merged, tmp_path, monkeypatch, change):
    parts = [tmp_path / f"part{i}" for i in range(3)]
    if change == "rewritten":  # same size, same names: a new fingerprint only
        _part(parts[1], {("D1", "rates"): np.full(1000, 5.0), ("D1", "sttc"): np.full(10, 1.5)})
    else:
        os.utime(str(parts[1]) + ".h5")
    opened = _opened(monkeypatch)
    report = merge_files(merged, parts, replace_stale=True)
    # read, then opened again only to copy from (sources are not held open meanwhile)
    assert opened == ["workspace.h5", "part1.h5"] + (["part1.h5"] if change == "rewritten" else [])
    if change == "rewritten":
        assert report["replaced_keys"] == [("D1", "rates")]
        assert AnalysisWorkspace.load_item(merged, "D1", "rates")[0] == 5.0
    else:
        assert not report["written"]
