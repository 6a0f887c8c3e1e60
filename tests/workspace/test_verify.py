"""``verify``: every item decodes and matches its recorded hashes; bad items are named."""

from __future__ import annotations

import json

import h5py
import numpy as np

from spikelab import AnalysisWorkspace, SpikeData
from spikelab.workspace import verify


def _saved(tmp_path):
    ws = AnalysisWorkspace()
    ws.store("D0", "sd", SpikeData([[1.0, 2.0]], length=3.0), provenance={"step": "load"})
    ws.store("D0", "x", np.arange(4.0), provenance={"step": "x", "params": {"k": 1}})
    ws.store("D0", "plain", {"a": 1})
    ws.save(tmp_path / "w")
    return tmp_path / "w.h5"


def test_a_good_file_verifies(tmp_path):
    report = verify(_saved(tmp_path))
    assert report.ok and (report.checked, report.hashed) == (3, 2) and report.problems == []


def test_changed_data_is_named(tmp_path):
    path = _saved(tmp_path)
    with h5py.File(path, "r+") as f:
        f["D0/x/data"][1] = 99.0
    report = verify(path)
    assert not report.ok
    (problem,) = report.problems
    assert (problem.namespace, problem.key) == ("D0", "x")
    assert "content hash mismatch" in str(problem) and str(problem).startswith("D0/x:")


def test_edited_provenance_is_named(tmp_path):
    path = _saved(tmp_path)
    with h5py.File(path, "r+") as f:
        record = json.loads(f["D0/x"].attrs["__provenance__"])
        record["params"]["k"] = 2
        f["D0/x"].attrs["__provenance__"] = json.dumps(record)
    problems = verify(path).problems
    assert {(p.namespace, p.key) for p in problems} == {("D0", "x")}
    assert any("fingerprint does not match" in p.problem for p in problems)
    assert any("index disagrees" in p.problem for p in problems)  # edited behind the index


def test_undecodable_items_are_all_reported(tmp_path):
    path = _saved(tmp_path)
    with h5py.File(path, "r+") as f:
        del f["D0/sd/spike_times_index"]
        f["D0/plain"].attrs["__type__"] = "Mystery"
    report = verify(path)
    assert [(p.key, p.problem.split(" ")[0]) for p in report.problems] == [
        ("sd", str(path) + ":"), ("plain", str(path) + ":")]
    assert "cannot be read" in report.problems[0].problem
    assert "Mystery" in report.problems[1].problem
