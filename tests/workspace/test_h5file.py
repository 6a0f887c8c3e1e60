"""File helpers: path forms, atomic replacement, temp-file sweeping, locking."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from spikelab.errors import WorkspaceLockedError
from spikelab.workspace.h5file import atomic_target, base_path, h5_path, locked


@pytest.mark.parametrize("given, h5", [
    ("res/ws", "res/ws.h5"), ("res/ws.h5", "res/ws.h5"), (Path("res/ws"), "res/ws.h5"),
    ("res/ws.json", "res/ws.json.h5"), ("a.h5.h5", "a.h5.h5"),
])
def test_path_forms(given, h5):
    assert h5_path(given) == h5 and base_path(given) + ".h5" == h5


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


def test_lock_is_exclusive_and_released(tmp_path):
    target = str(tmp_path / "f.h5")
    with locked(target):
        with pytest.raises(WorkspaceLockedError, match="lock"):
            with locked(target, timeout=0.1):
                pass
    with locked(target, timeout=0.1):
        pass
    assert os.path.exists(target + ".lock")
