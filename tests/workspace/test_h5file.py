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
