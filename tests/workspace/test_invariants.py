"""Objects that no longer hold together are refused at store and save; an item a file cannot
give back does not stop ``load`` from giving back the others."""

from __future__ import annotations

import os
import re

import h5py
import numpy as np
import pytest
from ws_equality import assert_same

from spikelab import (AnalysisWorkspace, LazyAnalysisWorkspace, PairwiseCompMatrix,
                      PairwiseCompMatrixStack, RateData, RateSliceStack, SpikeData,
                      SpikeSliceStack)
from spikelab.errors import (CorruptWorkspaceError, DamagedItemWarning, InvalidItemError,
                             UnsupportedTypeError)
from spikelab.workspace import merge_files, verify
from spikelab.ondisk import SEAL_ATTR


def _sd() -> SpikeData:
    return SpikeData([[0.5, 1.2], [2.0]], length=3.0,
                     neuron_attributes=[{"id": 1}, {"id": 2}])


def _changed(obj, **changes):
    for name, value in changes.items():
        setattr(obj, name, value(obj) if callable(value) else value)
    return obj


def _sss() -> SpikeSliceStack:
    return SpikeSliceStack(_sd(), times_start_to_end=[(0.0, 1.5), (1.5, 3.0)])


def _rss() -> RateSliceStack:
    return RateSliceStack(event_matrix=np.ones((2, 4, 3)), step_size=1.0,
                          neuron_attributes=[{}, {}])


# (object changed after creation, words the error must contain)
BROKEN = {
    "spikes rescaled s->ms": (lambda: _changed(_sd(), train=lambda s: [t * 1000 for t in s.train]),
                              "outside the recording window"),
    "NaN spike time": (lambda: _changed(_sd(), train=[np.array([np.nan, 1.0]), np.array([2.0])]),
                       "NaN or infinite"),
    "unsorted train": (lambda: _changed(_sd(), train=[np.array([1.2, 0.5]), np.array([2.0])]),
                       "not sorted"),
    "N unlike trains": (lambda: _changed(_sd(), N=3), "N is 3 but there are 2 trains"),
    "extra neuron attrs": (lambda: _changed(_sd(), neuron_attributes=[{}, {}, {}]),
                           "neuron_attributes has 3 entries"),
    "short neuron attrs": (lambda: _changed(_sd(), neuron_attributes=[{}]),
                           "neuron_attributes has 1 entries"),
    "train as a list": (lambda: _changed(_sd(), train=[[0.5], [2.0]]), "not an ndarray"),
    "negative length": (lambda: _changed(_sd(), length=-1.0), "length"),
    "raw data of other length": (
        lambda: _changed(SpikeData([[1.0]], length=2.0, raw_data=np.zeros((1, 3)),
                                   raw_time=np.arange(3.0)), raw_time=np.arange(4.0)),
        "raw_data has 3 samples"),
    "non-square matrix": (lambda: _changed(PairwiseCompMatrix(np.eye(3)),
                                           matrix=np.ones((2, 3))), "square"),
    "labels of other length": (lambda: _changed(PairwiseCompMatrix(np.eye(2), ["a", "b"]),
                                                labels=["a"]), "1 labels for 2 rows"),
    "non-square stack": (lambda: _changed(PairwiseCompMatrixStack(np.zeros((2, 2, 1))),
                                          stack=np.zeros((2, 3, 1))), "square"),
    "stack times": (lambda: _changed(PairwiseCompMatrixStack(np.zeros((2, 2, 2)),
                                                             times=[(0, 1), (1, 2)]),
                                     times=[(0, 1)]), "1 times for 2 slices"),
    "rates vs times": (lambda: _changed(RateData(np.ones((2, 3)), np.arange(3.0)),
                                        times=np.arange(4.0)), "3 time points"),
    "rates attrs": (lambda: _changed(RateData(np.ones((2, 3)), np.arange(3.0)),
                                     neuron_attributes=[{}]), "1 entries for 2 units"),
    "rate stack times": (lambda: _changed(_rss(), times=[(0, 1)]), "1 times for 3 slices"),
    "rate stack step": (lambda: _changed(_rss(), step_size=0.0), "step_size .*0.0"),
    "rate stack 2-D": (lambda: _changed(_rss(), event_stack=np.ones((2, 4))), "not 3-D"),
    "slice of other N": (lambda: _changed(_sss(), spike_stack=lambda s: [
        s.spike_stack[0], SpikeData([[0.1]], length=1.5)]), r"slices have \[1, 2\] units"),
    "spike stack N": (lambda: _changed(_sss(), N=5), "5 units"),
    "spike stack times": (lambda: _changed(_sss(), times=[(0.0, 1.5)]), "2 slices but times"),
    "broken slice": (lambda: _changed(_sss(), spike_stack=lambda s: [
        s.spike_stack[0], _changed(s.spike_stack[1], N=4)]), r"spike_stack\[1\].*N is 4"),
    "inside a dict": (lambda: {"runs": [_changed(_sd(), N=3)]}, r"\['runs'\]\[0\].*N is 3"),
}


@pytest.mark.parametrize("kind", [AnalysisWorkspace, LazyAnalysisWorkspace])
@pytest.mark.parametrize("case", list(BROKEN))
def test_store_refuses_an_object_that_no_longer_holds_together(kind, case):
    make, words = BROKEN[case]
    ws = kind()
    ws.store("D0", "item", np.arange(3))
    with pytest.raises(InvalidItemError, match=rf"\('D0', 'item'\).*{words}") as err:
        ws.store("D0", "item", make(), note="replaced?")
    assert "changed after it was created" in str(err.value)
    assert isinstance(err.value, ValueError)
    np.testing.assert_array_equal(ws.get("D0", "item"), np.arange(3))  # nothing changed
    assert ws.get_info("D0", "item").get("note") is None and len(ws) == 1
    ws.close()


@pytest.mark.parametrize("case", ["spikes rescaled s->ms", "non-square matrix", "rates attrs"])
def test_save_refuses_an_object_changed_since_store_and_writes_nothing(tmp_path, case):
    ws = AnalysisWorkspace()
    ws.store("D0", "ok", np.arange(3))
    ws.save(tmp_path / "w")
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    obj = BROKEN[case][0]()
    ws.store("D0", "late", np.zeros(1))
    ws._items["D0"]["late"].slot.obj = obj  # what an in-place change after store amounts to
    with pytest.raises(InvalidItemError, match=r"\('D0', 'late'\)"):
        ws.save(tmp_path / "w")
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before  # no temp files either


def test_the_issues_example_in_place_rescaling_after_store(tmp_path):
    sd = SpikeData([[0.5, 1.2], [2.0]], length=3.0)
    ws = AnalysisWorkspace()
    ws.store("D0", "spikes", sd)
    sd.train = [t * 1000 for t in sd.train]  # the in-memory workspace holds this very object
    with pytest.raises(InvalidItemError, match=r"\('D0', 'spikes'\).*1200\.0 ms outside"):
        ws.save(tmp_path / "w")
    assert not (tmp_path / "w.h5").exists()


def test_save_describes_an_object_as_it_is_when_saved(tmp_path):
    """A valid in-place change (units added) shows in the saved entry, not the stale one."""
    sd = _sd()
    ws = AnalysisWorkspace()
    ws.store("D0", "spikes", sd)
    sd.train.append(np.array([2.5]))
    sd.N = 3
    sd.neuron_attributes.append({"id": 3})
    ws.save(tmp_path / "w")
    assert ws.get_info("D0", "spikes")["N"] == 3
    assert LazyAnalysisWorkspace.load(tmp_path / "w").get_info("D0", "spikes")["N"] == 3


PROVENANCE = {"step": "s", "params": {"a": 1}}


@pytest.mark.parametrize("workspace", [AnalysisWorkspace, LazyAnalysisWorkspace])
def test_the_content_hash_is_that_of_the_stored_data_asked_before_or_after_save(
        tmp_path, workspace):
    """store leaves the content hash to be worked out when the entry is first read (a job
    saves at once and save hashes what it writes): same value whenever it is asked for."""
    from spikelab.workspace import content_hash

    sd = _sd()
    expected = content_hash(sd)  # the hash of the object's encoding, worked out apart
    asked_first = workspace()
    asked_first.store("D0", "spikes", sd, provenance=PROVENANCE)
    assert asked_first.get_info("D0", "spikes")["content_hash"] == expected
    saved_first = workspace()
    saved_first.store("D0", "spikes", sd, provenance=PROVENANCE)
    saved_first.save(tmp_path / "w")
    assert saved_first.get_info("D0", "spikes")["content_hash"] == expected
    assert AnalysisWorkspace.load(tmp_path / "w").get_info("D0", "spikes")[
        "content_hash"] == expected
    for ws in (asked_first, saved_first):
        if isinstance(ws, LazyAnalysisWorkspace):
            ws.close()


def test_an_object_broken_in_place_before_its_hash_is_asked_for_is_named(tmp_path):
    sd = SpikeData([[0.5, 1.2], [2.0]], length=3.0)
    ws = AnalysisWorkspace()
    ws.store("D0", "spikes", sd, provenance=PROVENANCE)
    sd.train = "not trains"  # encoding it now fails: the error names the item and why
    with pytest.raises((InvalidItemError, UnsupportedTypeError), match=r"\('D0', 'spikes'\)"):
        ws.get_info("D0", "spikes")


# --------------------------------------------------------------------- unreadable items
@pytest.fixture(params=["older writer", "damage"])
def one_bad_item(tmp_path, request):
    """Three items; the middle one has spikes beyond the recording's length, as written by
    an older version without checksums (its constructor refuses it), or as damage turned
    it (its checksum refuses it)."""
    ws = AnalysisWorkspace(name="three")
    ws.store("D0", "before", np.arange(3.0), note="first")
    ws.store("D0", "spikes", _sd(), note="bad one")
    ws.store("D1", "after", {"k": 1})
    ws.save(tmp_path / "w")
    with h5py.File(tmp_path / "w.h5", "r+") as f:
        f["D0/spikes"].attrs["length_ms"] = 0.001
        if request.param == "older writer":
            f["D0/spikes"].attrs.__delitem__(SEAL_ATTR)
    return tmp_path / "w.h5"


def test_load_gives_back_the_readable_items_and_names_the_bad_one(one_bad_item, tmp_path):
    with pytest.warns(DamagedItemWarning, match=r"w\.h5: 1 item\(s\) could not be read .* "
                                                r"D0/spikes; the other 2 were"):
        ws = AnalysisWorkspace.load(one_bad_item)
    assert ws.list_keys() == {"D0": ["before", "spikes"], "D1": ["after"]}
    assert_same(ws.get("D0", "before"), np.arange(3.0))
    assert ws.get("D1", "after") == {"k": 1}
    assert list(ws.damaged) == [("D0", "spikes")]
    assert re.search("outside the recording window|checksum", ws.damaged["D0", "spikes"])
    info = ws.get_info("D0", "spikes")
    assert info["type"] == "SpikeData" and info["damaged"] == ws.damaged["D0", "spikes"]
    for attempt in (lambda: ws.get("D0", "spikes"), lambda: ws["D0", "spikes"]):
        with pytest.raises(CorruptWorkspaceError, match=r"w\.h5: item \('D0', 'spikes'\)"):
            attempt()
    with pytest.raises(CorruptWorkspaceError, match=r"cannot save.*\('D0', 'spikes'\).*delete"):
        ws.save(tmp_path / "copy")
    assert not (tmp_path / "copy.h5").exists()
    with pytest.raises(CorruptWorkspaceError, match=r"\('D0', 'spikes'\)"):
        AnalysisWorkspace().merge_from(ws)
    ws.delete("D0", "spikes")
    ws.save(tmp_path / "copy")
    assert AnalysisWorkspace.load(tmp_path / "copy").list_keys() == {"D0": ["before"],
                                                                     "D1": ["after"]}


def test_lazy_load_without_an_index_keeps_the_others_too(one_bad_item):
    with h5py.File(one_bad_item, "r+") as f:
        del f["__index__"]  # entries are then read from each item
        f["D0/spikes"].attrs["__type__"] = "Unknown"
    with pytest.warns(DamagedItemWarning, match="D0/spikes"):
        ws = LazyAnalysisWorkspace.load(one_bad_item)
    assert ws.get_info("D0", "before")["note"] == "first"
    assert_same(ws.get("D0", "before"), np.arange(3.0))
    with pytest.raises(CorruptWorkspaceError, match=r"\('D0', 'spikes'\).*(Unknown|checksum)"):
        ws.get("D0", "spikes")
    ws.close()


def test_verify_reports_the_bad_item_and_load_item_names_it(one_bad_item):
    report = verify(one_bad_item)
    assert [(p.namespace, p.key) for p in report.problems] == [("D0", "spikes")]
    assert report.checked == 3
    with pytest.raises(CorruptWorkspaceError, match=r"w\.h5: item \('D0', 'spikes'\)"):
        AnalysisWorkspace.load_item(one_bad_item, "D0", "spikes")
    assert AnalysisWorkspace.load_item(one_bad_item, "D1", "after") == {"k": 1}


def test_merge_files_does_not_carry_a_bad_item_on(one_bad_item, tmp_path):
    target = tmp_path / "merged"
    with pytest.raises(CorruptWorkspaceError, match=r"w\.h5: item \('D0', 'spikes'\)"):
        merge_files(target, [one_bad_item])
    assert not os.path.exists(str(target) + ".h5")


def test_a_lazy_save_does_not_carry_a_bad_item_on(one_bad_item, tmp_path):
    ws = LazyAnalysisWorkspace.load(one_bad_item)  # trusts the index: nothing read yet
    with pytest.raises(CorruptWorkspaceError, match=r"w\.h5: item \('D0', 'spikes'\)"):
        ws.save(tmp_path / "copy")
    with pytest.raises(CorruptWorkspaceError, match=r"w\.h5: item \('D0', 'spikes'\)"):
        LazyAnalysisWorkspace().merge_from(ws)
    assert not (tmp_path / "copy.h5").exists()
    ws.close()
