"""`spikelab merge`: merged / replaced / skipped reports, loadable target, no-op byte-identical."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from cli_helpers import all_types, build_workspace

from spikelab import AnalysisWorkspace

STEP = {"step": "rates", "params": {"bin_ms": 8}}


def _save(path, items: dict, name: str | None = None) -> str:
    """Save ``{(ns, key): (value, provenance)}`` to ``path``; returns the .h5 path."""
    ws = AnalysisWorkspace(name=name)
    for (ns, key), (value, provenance) in items.items():
        ws.store(ns, key, value, provenance=provenance)
    ws.save(path)
    return f"{path}.h5"


@pytest.fixture
def files(tmp_path):
    """target: a/1 a/2 (fingerprinted); src1: a/2 (same fingerprint, other values), b/3;
    src2: a/1 (other fingerprint), b/4."""
    other = {"step": "rates", "params": {"bin_ms": 16}}
    return {
        "target": _save(tmp_path / "target", {("a", "1"): (np.zeros(2), STEP),
                                              ("a", "2"): (np.ones(2), STEP)}, "target"),
        "src1": _save(tmp_path / "src1", {("a", "2"): (np.full(2, 5.0), STEP),
                                          ("b", "3"): (np.arange(3), None)}),
        "src2": _save(tmp_path / "src2", {("a", "1"): (np.full(2, 9.0), other),
                                          ("b", "4"): (np.arange(4), None)}),
    }


def _values(path: str) -> dict:
    ws = AnalysisWorkspace.load(path)
    return {(ns, key): ws.get(ns, key).tolist() for ns, key in ws}


# mode -> (merged, replaced keys, skipped keys, final values of a/1 and a/2)
CASES = {
    "default": ([], 2, [], [("a", "2"), ("a", "1")], [0.0, 0.0], [1.0, 1.0]),
    "--overwrite": (["--overwrite"], 4, [("a", "2"), ("a", "1")], [], [9.0, 9.0], [5.0, 5.0]),
    "--replace-stale": (["--replace-stale"], 3, [("a", "1")], [("a", "2")], [9.0, 9.0],
                        [1.0, 1.0]),
}


@pytest.mark.parametrize("mode", list(CASES))
def test_report_and_result(files, cli_json, mode):
    flags, merged, replaced, skipped, a1, a2 = CASES[mode]
    doc = cli_json("merge", files["target"], files["src1"], files["src2"], *flags)
    assert doc["target"] == files["target"]
    assert doc["merged"] == merged and doc["skipped"] == len(skipped)
    assert [tuple(k) for k in doc["replaced_keys"]] == replaced
    assert [tuple(k) for k in doc["skipped_keys"]] == skipped
    assert [tuple(k) for k in doc["added_keys"]] == [("b", "3"), ("b", "4")]
    assert doc["added"] == 2 and doc["written"] is True
    assert [s["path"] for s in doc["sources"]] == [files["src1"], files["src2"]]
    values = _values(files["target"])
    assert values == {("a", "1"): a1, ("a", "2"): a2, ("b", "3"): [0, 1, 2],
                      ("b", "4"): [0, 1, 2, 3]}
    assert AnalysisWorkspace.load(files["target"]).name == "target"


def test_text_report_and_verbose_keys(files, cli):
    code, out, err = cli("merge", files["target"], files["src1"], files["src2"],
                         "--replace-stale", "-v")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == (f"merged 3 items into {files['target']}: 2 added, 1 replaced, "
                        "1 skipped (same fingerprint)")
    assert lines[1] == f"  from {files['src1']}: 1 merged (0 replacing), 1 skipped"
    assert lines[2] == f"  from {files['src2']}: 2 merged (1 replacing), 0 skipped"
    assert lines[3:] == ["added:", "  b/3", "  b/4", "replaced:", "  a/1", "skipped:", "  a/2"]
    quiet = cli("merge", files["target"], files["src1"])[1]
    assert "added:" not in quiet and "skipped:" not in quiet


def _digest(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def test_noop_merge_leaves_target_byte_identical(files, cli):
    assert cli("merge", files["target"], files["src1"], files["src2"])[0] == 0
    before = _digest(files["target"]), _digest(files["target"][:-3] + ".json")
    code, out, _ = cli("merge", files["target"], files["src1"], files["src2"])
    assert code == 0
    assert "target unchanged: nothing to merge" in out
    assert out.splitlines()[0].endswith("0 added, 0 replaced, 4 skipped (already in the target)")
    assert (_digest(files["target"]), _digest(files["target"][:-3] + ".json")) == before


def test_new_target_from_every_type(tmp_path, cli, cli_json):
    build_workspace().save(tmp_path / "all")
    doc = cli_json("merge", tmp_path / "out", tmp_path / "all")
    assert doc["merged"] == doc["added"] == len(all_types()) + 1
    assert cli("verify", tmp_path / "out")[0] == 0
    merged = AnalysisWorkspace.load(tmp_path / "out")
    original = AnalysisWorkspace.load(tmp_path / "all")
    assert list(merged) == list(original)
    assert merged.describe() == original.describe()  # notes, provenance, created_at carried


def test_overwrite_and_replace_stale_exclude_each_other(files, cli):
    code, _, err = cli("merge", files["target"], files["src1"], "--overwrite",
                       "--replace-stale")
    assert code == 2 and "not allowed with argument" in err
