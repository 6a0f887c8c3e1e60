"""Workspace file paths (atomic replacement and locking: ``tests/test_atomicfile.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spikelab.ondisk import base_path, h5_path


@pytest.mark.parametrize("given, h5", [
    ("res/ws", "res/ws.h5"), ("res/ws.h5", "res/ws.h5"), (Path("res/ws"), "res/ws.h5"),
    ("res/ws.json", "res/ws.json.h5"), ("a.h5.h5", "a.h5.h5"),
])
def test_path_forms(given, h5):
    assert h5_path(given) == h5 and base_path(given) + ".h5" == h5


@pytest.mark.parametrize("touched", [False, True])
def test_open_again_in_the_known_state_skips_the_root_checks_only_then(tmp_path, touched):
    import dataclasses
    import os

    import numpy as np

    from spikelab import AnalysisWorkspace
    from spikelab.workspace.h5file import file_state, open_workspace, read_root

    ws = AnalysisWorkspace()
    ws.store("A", "x", np.arange(3.0))
    ws.save(tmp_path / "w")
    path = str(tmp_path / "w.h5")
    with open_workspace(path) as f:
        checked = read_root(f)
    known = (file_state(os.stat(path)), dataclasses.replace(checked, workspace_id="as known"))
    if touched:  # another state: the root is read and checked again
        os.utime(path, ns=(1, 1))
    with open_workspace(path, known=known) as f:
        assert read_root(f).workspace_id == (checked.workspace_id if touched else "as known")
        assert "A" in f
