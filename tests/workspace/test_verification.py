"""``verify``: every item intact (checksums), decodable, matching its recorded hashes."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest
from ws_files import rewritten

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
    assert report.ok and report.problems == [] and report.file_problems == []
    assert (report.checked, report.sealed, report.hashed) == (3, 3, 2)


@pytest.mark.parametrize("edit, words", [
    (lambda f: f["D0/plain/a"].attrs.__setitem__("__scalar_value__", 2), "attributes"),
    (lambda f: f["D0/plain"].attrs.__setitem__("__note__", "edited"), "attributes"),
    (lambda f: f["D0/plain"].attrs.__delitem__("__checksum__") or
     f["D0/plain"].attrs.__setitem__("__checksum__", "sha256:0"), "attributes"),
])
def test_changed_attributes_of_an_item_without_provenance_are_found(tmp_path, edit, words):
    """No provenance, no content hash: the seal still covers every attribute."""
    path = _saved(tmp_path)
    with h5py.File(path, "r+") as f:
        edit(f)
    (problem,) = verify(path).problems
    assert (problem.namespace, problem.key) == ("D0", "plain")
    assert words in problem.problem and "checksum" in problem.problem


def test_changed_data_is_named(tmp_path):
    path = _saved(tmp_path)
    with h5py.File(path, "r+") as f:
        f["D0/x/data"][1] = 99.0
    report = verify(path)
    assert not report.ok
    (problem,) = report.problems
    assert (problem.namespace, problem.key) == ("D0", "x")
    assert str(problem) == ("D0/x: damaged: dataset /D0/x/data does not match its checksum: "
                            "its data changed since it was written")


@pytest.mark.parametrize("decoder_reads", [True, False], ids=["decoded", "not decoded"])
def test_changed_data_is_found_whether_or_not_the_decoder_reads_it(tmp_path, monkeypatch,
                                                                  decoder_reads):
    """verify reads each dataset once: through the decoder when it reads it (checked as
    read), else on its own after it; a dataset no decoder reads is still checked."""
    import spikelab.workspace.verification as verification

    path = _saved(tmp_path)
    with h5py.File(path, "r+") as f:
        f["D0/x/data"][1] = 99.0
    if not decoder_reads:
        monkeypatch.setattr(verification, "decode_item", lambda group: None)
    (problem,) = verify(path).problems
    assert (problem.namespace, problem.key) == ("D0", "x")
    assert "/D0/x/data does not match its checksum" in problem.problem


def test_data_rewritten_without_its_content_hash_is_named(tmp_path):
    """A writer that checksums what it writes but keeps a stale provenance hash."""
    path = _saved(tmp_path)
    with rewritten(path) as f:
        f["D0/x/data"][1] = 99.0
    (problem,) = verify(path).problems
    assert "content hash mismatch" in str(problem) and str(problem).startswith("D0/x:")


def test_edited_provenance_is_named(tmp_path):
    path = _saved(tmp_path)
    with rewritten(path) as f:
        record = json.loads(f["D0/x"].attrs["__provenance__"])
        record["params"]["k"] = 2
        f["D0/x"].attrs["__provenance__"] = json.dumps(record)
    problems = verify(path).problems
    assert {(p.namespace, p.key) for p in problems} == {("D0", "x")}
    assert any("fingerprint does not match" in p.problem for p in problems)
    assert any("index disagrees" in p.problem for p in problems)  # edited behind the index


def test_undecodable_items_are_all_reported(tmp_path):
    path = _saved(tmp_path)
    with rewritten(path) as f:
        del f["D0/sd/spike_times_index"]
        f["D0/plain"].attrs["__type__"] = "Mystery"
    report = verify(path)
    assert [p.key for p in report.problems] == ["sd", "plain"]
    assert report.problems[0].problem.startswith("cannot be read (KeyError: ")
    assert "Mystery" in report.problems[1].problem
    assert str(path) not in report.problems[0].problem  # the report names file and item


def test_a_damaged_index_is_a_problem_of_the_file(tmp_path):
    path = _saved(tmp_path)
    with h5py.File(path, "r+") as f:
        text = f["__index__"].asstr()[()]
        del f["__index__"]
        f.create_dataset("__index__", data=text.replace('"note"', '"nOte"'),
                         dtype=h5py.string_dtype()).attrs["__xxh3__"] = \
            f["D0/x/data"].attrs["__xxh3__"]  # some other checksum
    report = verify(path)
    assert not report.ok and report.problems == []
    assert report.file_problems == ["the file's index is damaged: dataset /__index__ does not "
                                    "match its checksum: its data changed since it was written"]
    assert AnalysisWorkspace.load(path).list_keys() == {"D0": ["sd", "x", "plain"]}
