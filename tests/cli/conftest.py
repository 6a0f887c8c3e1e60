"""Command-line tests: a saved workspace of every type and an in-process runner."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable

import pytest

sys.path.insert(0, os.path.dirname(__file__))  # importlib mode: make cli_helpers importable
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "workspace"))  # ws_files

from cli_helpers import build_workspace  # noqa: E402

from spikelab import AnalysisWorkspace  # noqa: E402
from spikelab.cli import main  # noqa: E402


@pytest.fixture
def workspace_file(tmp_path) -> tuple[str, AnalysisWorkspace]:
    """``(path of the .h5, the workspace saved there)``."""
    ws = build_workspace()
    ws.save(tmp_path / "ws")
    return str(tmp_path / "ws.h5"), ws


@pytest.fixture
def cli(capsys) -> Callable[..., tuple[int, str, str]]:
    """``cli("ls", path)`` -> ``(exit status, stdout, stderr)`` of an in-process run."""
    def run(*argv: str) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture
def cli_json(cli) -> Callable[..., dict]:
    """``cli_json("ls", path)`` -> the parsed ``--json`` document (exit status 0 checked)."""
    def run(*argv: str) -> dict:
        code, out, err = cli(*argv, "--json")
        assert code == 0, err
        return json.loads(out)
    return run
