"""The in-file index: used only when it describes the file exactly."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
from ws_files import rewritten

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace
from spikelab.workspace import verify
from spikelab.workspace.index.infile import trusted_index


@pytest.fixture
def saved(tmp_path):
    ws = AnalysisWorkspace()
    ws.store("D0", "a", np.arange(3), note="n", provenance={"step": "s"})
    ws.store("D1", "b", {"k": (1, 2)})
    ws.save(tmp_path / "w")
    return ws, tmp_path / "w.h5"


def test_index_holds_the_entries(saved):
    ws, path = saved
    with h5py.File(path, "r") as f:
        entries = trusted_index(f)
    assert entries == {(ns, key): ws.get_info(ns, key) for ns, key in ws}
    assert entries[("D0", "a")]["shape"] == (3,)  # tuples come back as tuples


@pytest.mark.parametrize("edit", ["add_item", "drop_item", "new_save_id", "garbage"])
def test_an_index_that_does_not_describe_the_file_is_ignored(saved, edit):
    ws, path = saved
    with rewritten(path) as f:  # a tool editing in place (and checksumming what it wrote)
        if edit == "add_item":
            g = f.create_group("D1/c")
            g.attrs.update({"__type__": "ndarray", "__created_at__": 1.0})
            g["data"] = np.zeros(2)
        elif edit == "drop_item":
            del f["D1"]
        elif edit == "new_save_id":
            f.attrs["__save_id__"] = "edited"
            f["D0/a"].attrs["__note__"] = "edited in place"
        else:
            del f["__index__"]
            f["__index__"] = "not json"
        assert trusted_index(f) is None
    lazy = LazyAnalysisWorkspace.load(path)  # falls back to reading the item groups
    eager = AnalysisWorkspace.load(path)
    assert lazy.describe() == eager.describe()
    expected = {"add_item": ["a", "b", "c"], "drop_item": ["a"]}.get(edit, ["a", "b"])
    assert [key for _, key in lazy] == expected
    if edit == "new_save_id":
        assert lazy.get_info("D0", "a")["note"] == "edited in place"
    lazy.close()


def test_verify_reports_an_index_that_disagrees_with_its_items(saved):
    _, path = saved
    with rewritten(path) as f:  # an in-place edit that left the index behind
        f["D0/a"].attrs["__note__"] = "edited"
    report = verify(path)
    assert [(p.namespace, p.key) for p in report.problems] == [("D0", "a")]
    assert "index" in report.problems[0].problem and "note" in report.problems[0].problem
