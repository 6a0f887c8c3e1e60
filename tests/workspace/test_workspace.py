"""The workspace contract, run against both workspaces (in memory and lazy)."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from ws_equality import assert_same

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace, PairwiseCompMatrix, SpikeData
from spikelab.errors import ItemNotFoundError

KINDS = [AnalysisWorkspace, LazyAnalysisWorkspace]


@pytest.fixture(params=KINDS, ids=["eager", "lazy"])
def make(request, tmp_path):
    """Factory of workspaces of one kind; lazy ones keep their private file in tmp_path."""
    made = []

    def factory(name=None):
        ws = request.param(name) if request.param is AnalysisWorkspace else \
            request.param(name, dir=tmp_path)
        made.append(ws)
        return ws

    yield factory
    for ws in made:
        ws.close()


@pytest.fixture
def filled(make):
    ws = make("contract")
    ws.store("D0", "a", np.arange(3), note="first")
    ws.store("D0", "b", {"x": 1})
    ws.store("all", "c", np.zeros((2, 2)))
    return ws


@pytest.fixture(params=["eager", "lazy"])
def loader(request):
    return AnalysisWorkspace.load if request.param == "eager" else LazyAnalysisWorkspace.load


def test_identity_attributes(make):
    ws = make("exp")
    assert ws.name == "exp" and len(ws.workspace_id) == 36
    assert abs(ws.created_at - __import__("time").time()) < 60
    assert make().name is None and make().workspace_id != ws.workspace_id


def test_store_get_and_missing(filled):
    np.testing.assert_array_equal(filled.get("D0", "a"), np.arange(3))
    assert filled.get("D0", "nope") is None and filled.get("nope", "a") is None
    assert filled.get_info("D0", "nope") is None


def test_index_entries(filled):
    info = filled.get_info("D0", "a")
    assert info["type"] == "ndarray" and info["shape"] == (3,) and info["note"] == "first"
    assert info["dtype"] == "int64" and isinstance(info["created_at"], float)
    assert "note" not in filled.get_info("D0", "b")
    described = filled.describe()
    assert list(described) == ["D0", "all"] and list(described["D0"]) == ["a", "b"]
    described["D0"]["a"]["note"] = "changed"  # copies: the workspace is not affected
    info["shape"] = None
    assert filled.get_info("D0", "a")["note"] == "first"
    assert filled.get_info("D0", "a")["shape"] == (3,)


def test_listing(filled):
    assert filled.list_namespaces() == ["D0", "all"]
    assert filled.list_keys("D0") == ["a", "b"]
    assert filled.list_keys("unknown") == []
    assert filled.list_keys() == {"D0": ["a", "b"], "all": ["c"]}


def test_overwrite_keeps_position_and_replaces_entry(filled):
    filled.store("D0", "a", np.ones(5))
    assert filled.list_keys("D0") == ["a", "b"]
    assert filled.get_info("D0", "a")["shape"] == (5,)
    assert "note" not in filled.get_info("D0", "a")
    np.testing.assert_array_equal(filled.get("D0", "a"), np.ones(5))


def test_rename(filled):
    assert filled.rename("D0", "a", "z") is True
    assert filled.list_keys("D0") == ["b", "z"]  # a renamed key moves to the end
    assert filled.get_info("D0", "z")["note"] == "first"
    np.testing.assert_array_equal(filled.get("D0", "z"), np.arange(3))
    with pytest.warns(UserWarning, match="already exists"):
        assert filled.rename("D0", "z", "b") is False
    assert filled.list_keys("D0") == ["b", "z"]
    assert filled.rename("D0", "z", "b", overwrite=True) is True
    assert filled.list_keys("D0") == ["b"]
    np.testing.assert_array_equal(filled.get("D0", "b"), np.arange(3))
    with pytest.raises(KeyError, match="not found"):
        filled.rename("D0", "gone", "x")


def test_add_note(filled):
    filled.add_note("D0", "b", "second")
    assert filled.get_info("D0", "b")["note"] == "second"
    with pytest.raises(ItemNotFoundError, match=r"\('D0', 'gone'\) not found"):
        filled.add_note("D0", "gone", "x")


def test_delete(filled):
    filled.delete("D0", "a")
    assert filled.list_keys("D0") == ["b"] and ("D0", "a") not in filled
    filled.delete("D0", "b")  # the last key takes its namespace with it
    assert filled.list_namespaces() == ["all"]
    filled.store("scratch", "x", np.zeros(1))
    filled.delete("scratch")
    assert filled.list_namespaces() == ["all"]
    with pytest.raises(KeyError, match="'scratch' not found"):
        filled.delete("scratch")
    with pytest.raises(KeyError, match=r"\('all', 'zz'\) not found"):
        filled.delete("all", "zz")


def test_protocols(filled):
    assert ("D0", "a") in filled and ("D0", "zz") not in filled and "D0" not in filled
    assert len(filled) == 3
    assert list(filled) == [("D0", "a"), ("D0", "b"), ("all", "c")]
    assert filled["D0", "b"] == {"x": 1}
    with pytest.raises(KeyError, match=r"\('D0', 'q'\) not found.*keys in 'D0': \['a', 'b'\]"):
        filled["D0", "q"]
    assert "3 item(s)" in repr(filled)


def test_context_manager_and_idempotent_close(make):
    with make("ctx") as ws:
        ws.store("n", "k", np.zeros(2))
    ws.close()
    ws.close()


@pytest.mark.parametrize("form", ["str", "path", "with_h5"])
def test_save_path_forms_and_missing_dirs(filled, tmp_path, form, loader):
    base = tmp_path / "deep" / "er" / "ws"
    target = {"str": str(base), "path": base, "with_h5": str(base) + ".h5"}[form]
    filled.save(target)
    assert (tmp_path / "deep/er/ws.h5").exists() and (tmp_path / "deep/er/ws.json").exists()
    assert not [p for p in os.listdir(base.parent) if p.endswith(".tmp")]
    back = loader(target)
    assert back.list_keys() == filled.list_keys()
    assert (back.workspace_id, back.name, back.created_at) == (
        filled.workspace_id, filled.name, filled.created_at)
    assert back.describe() == filled.describe()
    back.close()


def test_insertion_order_survives_save_and_load(make, tmp_path, loader):
    ws = make()
    for ns in ["zeta", "alpha", "Mid", "beta"]:
        for key in ["k9", "k1", "K5", "a"]:
            ws.store(ns, key, np.zeros(1))
    ws.save(tmp_path / "order")
    back = loader(tmp_path / "order")
    assert back.list_keys() == ws.list_keys()
    sidecar = json.loads((tmp_path / "order.json").read_text())
    assert list(sidecar["index"]["zeta"]) == ["k9", "k1", "K5", "a"]
    back.close()


def test_notes_survive_save_and_load(filled, tmp_path, loader):
    filled.add_note("all", "c", "zeros")
    filled.save(tmp_path / "w")
    back = loader(tmp_path / "w")
    assert back.get_info("all", "c")["note"] == "zeros"
    assert back.get_info("D0", "a")["created_at"] == filled.get_info("D0", "a")["created_at"]
    back.close()


def test_load_item(filled, tmp_path):
    filled.save(tmp_path / "w")
    assert AnalysisWorkspace.load_item(tmp_path / "w", "D0", "b") == {"x": 1}
    assert LazyAnalysisWorkspace.load_item(str(tmp_path / "w.h5"), "D0", "b") == {"x": 1}
    with pytest.raises(KeyError, match=r"w\.h5: item \('D0', 'zz'\) not found; keys in 'D0': "
                                        r"'a', 'b'"):
        AnalysisWorkspace.load_item(tmp_path / "w", "D0", "zz")
    for namespace in ("nope", "__index__", "D0/a", ""):  # never a path into other groups
        with pytest.raises(KeyError, match=rf"namespace {namespace!r} not found; namespaces: "
                                           r"'D0', 'all'"):
            AnalysisWorkspace.load_item(tmp_path / "w", namespace, "x")
    with pytest.raises(KeyError, match=r"item \('D0', 'a/data'\) not found"):
        AnalysisWorkspace.load_item(tmp_path / "w", "D0", "a/data")


def test_save_twice_replaces_whole(filled, tmp_path, loader):
    filled.save(tmp_path / "w")
    filled.delete("D0")
    filled.save(tmp_path / "w")
    back = loader(tmp_path / "w")
    assert back.list_keys() == {"all": ["c"]}
    back.close()


# --------------------------------------------------------------------- merging
@pytest.fixture(params=KINDS, ids=["from-eager", "from-lazy"])
def source(request, tmp_path):
    ws = request.param("src") if request.param is AnalysisWorkspace else \
        request.param("src", dir=tmp_path)
    ws.store("D0", "a", np.full(2, 7), note="theirs", provenance={"step": "s", "params": {"p": 1}})
    ws.store("D3", "new", PairwiseCompMatrix(np.eye(2)))
    yield ws
    ws.close()


def test_merge_skips_existing_by_default(filled, source):
    report = filled.merge_from(source)
    assert report == {"merged": 1, "skipped": 1, "skipped_keys": [("D0", "a")],
                      "replaced": 0, "replaced_keys": []}
    np.testing.assert_array_equal(filled.get("D0", "a"), np.arange(3))
    assert filled.list_namespaces() == ["D0", "all", "D3"]
    assert_same(filled.get("D3", "new"), source.get("D3", "new"))


def test_merge_overwrite_carries_entries(filled, source):
    report = filled.merge_from(source, overwrite=True)
    assert (report["merged"], report["replaced"], report["replaced_keys"]) == (2, 1, [("D0", "a")])
    assert filled.list_keys("D0") == ["a", "b"]  # replaced in place
    np.testing.assert_array_equal(filled.get("D0", "a"), np.full(2, 7))
    assert filled.get_info("D0", "a") == source.get_info("D0", "a")  # created_at, note, hashes


def test_merge_replace_stale(make, source):
    ws = make()
    ws.store("D0", "a", np.full(2, 7), provenance={"step": "s", "params": {"p": 1.0}})
    ws.store("D3", "new", np.zeros(1))  # no fingerprint: stale by definition
    report = ws.merge_from(source, replace_stale=True)
    assert report["skipped_keys"] == [("D0", "a")] and report["replaced_keys"] == [("D3", "new")]
    ws.store("D0", "a", np.zeros(2), provenance={"step": "s", "params": {"p": 2}})
    # D3/new has no fingerprint on either side: never trusted as up to date
    report = ws.merge_from(source, replace_stale=True)
    assert report["replaced_keys"] == [("D0", "a"), ("D3", "new")]
    assert ws.get_info("D0", "a")["provenance"]["params"] == {"p": 1}


def test_merge_selected_keys(make, source):
    ws = make()
    report = ws.merge_from(source, keys=[("D3", "new")])
    assert report["merged"] == 1 and ws.list_keys() == {"D3": ["new"]}
    with pytest.raises(KeyError, match="not found"):
        ws.merge_from(source, keys=[("D3", "absent")])


def test_merge_from_something_else_is_a_type_error(filled):
    with pytest.raises(TypeError, match="got dict"):
        filled.merge_from({"D0": {"a": 1}})


def test_merge_into_itself_changes_nothing(filled):
    before = filled.describe()
    assert filled.merge_from(filled, overwrite=True)["skipped"] == 3
    assert filled.describe() == before


def test_source_unchanged_by_merge(make, source):
    before = source.describe()
    ws = make()
    ws.merge_from(source)
    ws.store("D0", "a", np.zeros(1))
    ws.delete("D3")
    assert source.describe() == before
    np.testing.assert_array_equal(source.get("D0", "a"), np.full(2, 7))


def test_store_through_spikedata_subclass(make, small_sd):
    class Sub(SpikeData):
        pass

    ws = make()
    sub = Sub(small_sd.train, length=small_sd.length)
    ws.store("n", "k", sub)
    assert ws.get_info("n", "k")["type"] == "SpikeData"
    assert type(ws.get("n", "k")) in (Sub, SpikeData)  # eager keeps the object, lazy decodes


@pytest.mark.parametrize("cls", [AnalysisWorkspace, LazyAnalysisWorkspace])
def test_comparison_namespace_is_0_1_2_s_convention_on_both_classes(cls, tmp_path):
    assert cls.comparison_namespace("D0", "D3") == "C_D0_D3"
    assert cls.comparison_namespace("D0", "D3", "D10") == "C_D0_D3_D10"
    ws = cls() if cls is AnalysisWorkspace else cls.load(str(_saved_empty(tmp_path)))
    assert ws.comparison_namespace("a", "b") == "C_a_b"  # also on an instance


def _saved_empty(tmp_path):
    AnalysisWorkspace().save(str(tmp_path / "empty"))
    return tmp_path / "empty"
