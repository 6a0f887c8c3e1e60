"""Atomic replacement (permissions of a plain open, old file kept on failure) and the lock."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import multiprocessing
import os
import stat
import time
from pathlib import Path

import numpy as np
import pytest

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace, SpikeData
from spikelab.atomicfile import atomic_target, atomic_write_text, lock_path, locked
from spikelab.errors import WorkspaceLockedError
from spikelab.io import save_nwb
from spikelab.workspace import merge_files


@contextlib.contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_atomic_target_replaces_only_on_success(tmp_path):
    target = str(tmp_path / "f.h5")
    with atomic_target(target) as tmp:
        Path(tmp).write_text("one")
    with pytest.raises(RuntimeError):
        with atomic_target(target) as tmp:
            Path(tmp).write_text("two")
            raise RuntimeError("writer failed")
    assert Path(target).read_text() == "one" and os.listdir(tmp_path) == ["f.h5"]


def test_orphaned_temp_files_of_the_same_target_are_swept(tmp_path):
    orphan = tmp_path / ".f.h5.ab12cd34.tmp"  # what a killed writer of f.h5 leaves
    other = tmp_path / ".f.h5.x.h5.ab12cd34.tmp"  # belongs to another target
    for p in (orphan, other):
        p.write_text("partial")
    with atomic_target(str(tmp_path / "f.h5")) as tmp:
        Path(tmp).write_text("new")
    assert not orphan.exists() and other.exists()


# --------------------------------------------------------------------- permissions
def _workspace() -> AnalysisWorkspace:
    ws = AnalysisWorkspace(name="modes")
    ws.store("D0", "x", np.arange(3.0))
    return ws


def _save(directory: Path) -> list[Path]:
    _workspace().save(directory / "ws")
    return [directory / "ws.h5", directory / "ws.json"]


def _lazy_save(directory: Path) -> list[Path]:
    with LazyAnalysisWorkspace(dir=directory) as ws:
        ws.store("D0", "x", np.arange(3.0))
        ws.save(directory / "lazy")
    return [directory / "lazy.h5", directory / "lazy.json"]


def _merge(directory: Path) -> list[Path]:
    if not (directory / "part.h5").exists():
        _workspace().save(directory / "part")
    merge_files(directory / "merged", [directory / "part"], overwrite=True)
    return [directory / "merged.h5", directory / "merged.json"]


def _text(directory: Path) -> list[Path]:
    atomic_write_text(str(directory / "notes.txt"), "hello")
    return [directory / "notes.txt"]


def _nwb(directory: Path) -> list[Path]:
    save_nwb(SpikeData([[1.0, 2.0]], length=3.0), directory / "rec.nwb")
    return [directory / "rec.nwb"]


WRITERS = {"save": _save, "lazy_save": _lazy_save, "merge_files": _merge, "text": _text,
           "save_nwb": _nwb}


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
@pytest.mark.parametrize("writer", list(WRITERS))
def test_new_files_get_the_umasks_mode(tmp_path, writer, mask):
    with umask(mask):
        written = WRITERS[writer](tmp_path)
    assert {p.name: oct(_mode(p)) for p in written} == {p.name: oct(0o666 & ~mask)
                                                         for p in written}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_replaced_file_keeps_its_mode(tmp_path, writer):
    with umask(0o022):
        written = WRITERS[writer](tmp_path)
        for i, p in enumerate(written):
            os.chmod(p, (0o640, 0o604)[i])
        if writer == "merge_files":
            _workspace().save(tmp_path / "part")  # something new to merge
        WRITERS[writer](tmp_path)
    assert [oct(_mode(p)) for p in written] == [oct(m) for m in (0o640, 0o604)[:len(written)]]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs a group the test user may chown to")
def test_a_replaced_file_keeps_its_group(tmp_path):
    written = _save(tmp_path)
    os.chown(written[0], -1, 4242)
    _save(tmp_path)
    assert os.stat(written[0]).st_gid == 4242 and os.stat(written[1]).st_gid == os.getegid()


# --------------------------------------------------------------------- the lock
def test_the_lock_file_is_hidden_and_exists_only_while_held(tmp_path):
    target = str(tmp_path / "f.h5")
    assert lock_path(target) == str(tmp_path / ".f.h5.lock")
    with locked(target):
        assert os.listdir(tmp_path) == [".f.h5.lock"]
        with pytest.raises(WorkspaceLockedError, match=r"f\.h5 is being written"):
            with locked(target, timeout=0.1):
                pass
    assert os.listdir(tmp_path) == []
    with locked(target, timeout=0.1):
        pass
    _save(tmp_path)  # a save takes and removes its own lock
    assert sorted(os.listdir(tmp_path)) == ["ws.h5", "ws.json"]


def test_a_lock_file_left_by_a_killed_writer_is_reused_and_removed(tmp_path):
    target = str(tmp_path / "f.h5")
    Path(lock_path(target)).touch()  # its holder died: the kernel released the lock
    with locked(target, timeout=0.1):
        pass
    assert os.listdir(tmp_path) == []


def _count_under_lock(target: str, counter: str, rounds: int) -> None:
    for _ in range(rounds):
        with locked(target, timeout=60):
            value = int(Path(counter).read_text())
            time.sleep(0.0005)  # widen the window a missing exclusion would need
            Path(counter).write_text(str(value + 1))


def test_removing_the_lock_file_keeps_writers_mutually_exclusive(tmp_path):
    """Each release removes the lock file while others wait on it: a lost increment would
    show two writers inside at once."""
    counter = tmp_path / "counter"
    counter.write_text("0")
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_count_under_lock,
                           args=(str(tmp_path / "f.h5"), str(counter), 60)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    assert int(counter.read_text()) == 4 * 60
    assert os.listdir(tmp_path) == ["counter"]


def test_a_file_system_without_locks_writes_unlocked_with_a_warning(tmp_path, monkeypatch):
    def no_locks(fd, operation):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    with pytest.warns(RuntimeWarning, match="does not support locks"):
        written = _save(tmp_path)
    assert AnalysisWorkspace.load(written[0]).list_keys() == {"D0": ["x"]}
    assert sorted(os.listdir(tmp_path)) == ["ws.h5", "ws.json"]
