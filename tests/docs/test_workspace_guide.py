"""Every ``.. code-block:: python`` of the workspace guide runs as written, in order.

The blocks share one namespace, seeded with small fixtures for the names the guide takes
for granted (``sd``, ``sttc``, ``tburst``, ``rss``, ``conditions``, ``load_my_data``), in a
temporary directory. Two setup steps stand in for what the guide's reader has done before
(a ``scratch`` namespace to delete; the two analysis workspaces to merge). Every
``print(x)`` followed by a ``# <literal>`` comment in the guide must print an object of the
same form (type, element types, dict keys).
"""

from __future__ import annotations

import ast
import os
import re
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from spikelab import AnalysisWorkspace, PairwiseCompMatrix, SpikeData

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide" / "workspace_persistence.rst"


def code_blocks(text: str) -> list[str]:
    """The bodies of the ``.. code-block:: python`` directives, dedented, in order."""
    blocks = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == ".. code-block:: python":
            body = []
            for nxt in lines[i + 1:]:
                if nxt.strip() and not nxt.startswith((" ", "\t")):
                    break
                body.append(nxt)
            blocks.append(textwrap.dedent("\n".join(body)).strip("\n") + "\n")
    return blocks


# --------------------------------------------------------------------- fixtures
def _recording(seed: int, n_units: int = 120, length_ms: float = 3000.0) -> SpikeData:
    rng = np.random.default_rng(seed)
    trains = [np.sort(rng.uniform(0, length_ms, rng.poisson(5.0 * length_ms / 1000)))
              for _ in range(n_units)]
    return SpikeData(trains, length=length_ms,
                     neuron_attributes=[{"unit_id": i} for i in range(n_units)])


def _fixtures() -> dict:
    sd = _recording(0)
    tburst = np.array([600.0, 1400.0, 2200.0])
    n = sd.N
    rng = np.random.default_rng(1)
    sttc = PairwiseCompMatrix(np.clip(rng.normal(0, 0.2, (n, n)), -1, 1),
                              metadata={"delt": 20.0})
    rss = sd.align_to_events(tburst, pre_ms=250, post_ms=500, kind="rate")
    return {"sd": sd, "sttc": sttc, "tburst": tburst, "rss": rss,
            "conditions": ["D0", "D3"],
            "load_my_data": lambda condition: _recording(int(condition[1:]) + 10)}


def _analysis_workspaces(tburst: np.ndarray) -> None:
    """The two workspaces the merge section assumes were written by separate scripts."""
    a = AnalysisWorkspace(name="analysis_a")
    a.store("D0", "burst_times", tburst)
    a.store("D0", "n_bursts", {"count": len(tburst)})
    a.save("results/analysis_a/workspace")
    b = AnalysisWorkspace(name="analysis_b")
    b.store("D0", "burst_times", tburst + 1.0)  # also in A: skipped by the merge
    b.store("D3", "burst_times", tburst * 2)
    b.save("results/analysis_b/workspace")


SETUP = {  # guide text that starts a block -> what the reader has done before it
    'ws.delete("scratch")': lambda ns: ns["ws"].store("scratch", "tmp", np.zeros(3)),
    "ws_main.merge_from": lambda ns: _analysis_workspaces(ns["tburst"]),
}


# --------------------------------------------------------------------- output form
def _same_form(printed, expected) -> bool:
    """``printed`` has the shape of the guide's literal (``...`` matches anything)."""
    if expected is Ellipsis or expected == "...":
        return True
    if isinstance(expected, dict):
        return (isinstance(printed, dict) and list(printed) == list(expected)
                and all(_same_form(printed[k], v) for k, v in expected.items()))
    if isinstance(expected, (list, tuple)):
        if type(printed) is not type(expected):
            return False
        kinds = {type(v) for v in expected if v is not Ellipsis}
        return all(type(v) in kinds for v in printed) if kinds else True
    return type(printed) is type(expected)


def _expected_prints(block: str) -> dict[int, object]:
    """Line number (1-based) of each ``print(...)`` followed by a ``# literal`` comment."""
    lines = block.splitlines()
    out = {}
    for i, line in enumerate(lines[:-1]):
        comment = lines[i + 1].strip()
        if line.strip().startswith("print(") and comment.startswith("# "):
            try:
                out[i + 1] = ast.literal_eval(comment[2:])
            except (ValueError, SyntaxError):
                continue
    return out


def _run_block(block: str, index: int, namespace: dict, capsys) -> str:
    filename = f"<guide block {index}>"
    calls: list[tuple[int, tuple]] = []

    def recording_print(*args, **kwargs):
        frame = sys._getframe(1)
        if frame.f_code.co_filename == filename:
            calls.append((frame.f_lineno, args))
        print(*args, **kwargs)

    namespace["print"] = recording_print
    exec(compile(block, filename, "exec"), namespace)  # the guide's own code, as written
    for lineno, expected in _expected_prints(block).items():
        printed = [args[0] for line, args in calls if line == lineno]
        assert printed, f"block {index}: line {lineno} printed nothing"
        assert all(_same_form(p, expected) for p in printed), (
            f"block {index} line {lineno}: printed {printed[0]!r}, guide shows {expected!r}")
    return capsys.readouterr().out


def test_guide_has_the_seed_blocks():
    assert len(code_blocks(GUIDE.read_text())) == 11


def test_every_guide_block_runs_in_order(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace = _fixtures()
    outputs = []
    for index, block in enumerate(code_blocks(GUIDE.read_text())):
        for marker, setup in SETUP.items():
            if marker in block:
                setup(namespace)
        outputs.append(_run_block(block, index, namespace, capsys))
    text = "".join(outputs)
    assert re.search(r"^  D0/spikedata: SpikeData, $", text, re.M)
    assert re.search(r"^  D0/sttc_matrix: PairwiseCompMatrix, \(120, 120\)$", text, re.M)
    assert re.search(r"^  all: 1 items$", text, re.M)
    assert "Merged 2 items from A" in text
    assert "Merged 1 items from B, skipped 1" in text
    assert os.path.exists("results/workspace.h5") and os.path.exists("results/workspace.json")
    assert os.path.exists("results/combined/workspace.h5")
    combined = AnalysisWorkspace.load("results/combined/workspace")
    assert combined.list_keys() == {"D0": ["burst_times", "n_bursts"], "D3": ["burst_times"]}
    np.testing.assert_array_equal(combined.get("D0", "burst_times"), namespace["tburst"])
    final = AnalysisWorkspace.load("results/workspace")
    assert final.list_namespaces() == ["D0", "D3"]
    assert final.list_keys("D0") == ["spikedata", "burst_rss", "burst_corr"]
    assert isinstance(namespace["sd"], SpikeData) and namespace["sd"].N == 120


@pytest.mark.parametrize("printed, expected, ok", [
    (["D0", "all"], ["D0", "D3", "all"], True),
    ([1, 2], ["a", ...], False),
    ({"type": "x", "shape": (1, 2), "created_at": 1.0, "note": "n"},
     {"type": "PairwiseCompMatrix", "shape": (120, 120), "created_at": ..., "note": "..."}, True),
    ({"type": "x", "shape": [1, 2], "created_at": 1.0, "note": "n"},
     {"type": "PairwiseCompMatrix", "shape": (120, 120), "created_at": ..., "note": "..."}, False),
    ({"type": "x", "created_at": 1.0}, {"type": "y", "shape": (1,), "created_at": ...}, False),
])
def test_output_form_checker(printed, expected, ok):
    assert _same_form(printed, expected) is ok
