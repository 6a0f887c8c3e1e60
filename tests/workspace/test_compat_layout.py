"""File compatibility with spikelab 0.1.2, checked with plain h5py (no reference install).

Both directions: a file laid out by hand as docs/spec describe 0.1.2's format loads with
the expected objects; a file we save has exactly the documented layout.
"""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest
from ws_equality import assert_same

import spikelab
from spikelab import (AnalysisWorkspace, LazyAnalysisWorkspace, PairwiseCompMatrix,
                      PairwiseCompMatrixStack, RateData, RateSliceStack, SpikeData,
                      SpikeSliceStack)
from spikelab.errors import InvalidNameError, UnsupportedTypeError

STR = h5py.string_dtype("utf-8")


def _item(parent, name, tag, created_at=1.5, note=None):
    g = parent.create_group(name)
    g.attrs["__type__"] = tag
    g.attrs["__created_at__"] = created_at
    if note is not None:
        g.attrs["__note__"] = note
    return g


def _spikedata_layout(g):
    """Units [[1, 2], [], [3, 5]] in a 10 ms recording, with 0.1.2 neuron attributes."""
    g.create_dataset("spike_times", data=np.array([1.0, 2.0, 3.0, 5.0]))
    g.create_dataset("spike_times_index", data=np.array([2, 2, 4], dtype=np.int64))
    g.attrs.update({"length_ms": 10.0, "start_time": 0.0, "N": 3})
    g.attrs["__metadata__"] = json.dumps(
        {"fs": 20000, "arr": {"__ndarray__": True, "dtype": "int64", "shape": [2],
                              "values": [1, 2]}})
    na = g.create_group("neuron_attributes")
    na.create_dataset("unit_id", data=np.array([0.0, 1.0, 2.0])).attrs["__scalar_kind__"] = "int"
    na.create_dataset("x", data=np.array([1.5, np.nan, 2.5]))
    na.create_dataset("label", data=np.array(["a", "", "c"], dtype=object), dtype=STR)
    wave = na.create_dataset("wave", data=np.array([[1.0, 2.0], [np.nan, np.nan], [3.0, 4.0]]))
    wave.attrs["__missing_unit_indices__"] = np.array([1], dtype=np.int64)


EXPECTED_ATTRS = [  # 0.1.2 lists attribute datasets by name
    {"label": "a", "unit_id": 0, "wave": np.array([1.0, 2.0]), "x": 1.5},
    {"unit_id": 1},
    {"label": "c", "unit_id": 2, "wave": np.array([3.0, 4.0]), "x": 2.5},
]


def _dict_layout(g):
    def leaf(name, tag, **attrs):
        child = g.create_group(name)
        child.attrs["__type__"] = tag
        child.attrs.update(attrs)
        return child

    leaf("b", "scalar", __scalar_value__=True, __scalar_kind__="bool")
    leaf("f", "scalar", __scalar_value__=2.5, __scalar_kind__="float")
    leaf("fs", "frozenset").create_dataset("data", data=np.array(["a", "b"], dtype=object),
                                           dtype=STR).attrs["__string_array__"] = True
    leaf("i", "scalar", __scalar_value__=5, __scalar_kind__="int64")
    leaf("l", "ndarray").create_dataset("data", data=np.array([1.0, 2.0]))
    leaf("n", "none")
    nested = leaf("nested", "dict")
    x = nested.create_group("x")
    x.attrs.update({"__type__": "scalar", "__scalar_value__": 3, "__scalar_kind__": "int"})
    leaf("s", "scalar_str", __scalar_value__="hi")
    _spikedata_layout(leaf("sd", "SpikeData"))
    leaf("set", "set").create_dataset("data", data=np.array([1, 2, 3]))
    leaf("t", "tuple").create_dataset("data", data=np.array([1, 2]))


def build_upstream_file(path):
    """A workspace laid out as spikelab 0.1.2 writes it (groups ordered by name)."""
    with h5py.File(path, "w") as f:
        f.attrs.update({"__workspace_id__": "0f2c", "__workspace_name__": "",
                        "__created_at__": 123.0})
        d0 = f.create_group("D0")
        _item(d0, "arr", "ndarray", note="ints").create_dataset(
            "data", data=np.array([[1, 2], [3, 4]], dtype=np.int32))
        names = _item(d0, "names", "ndarray").create_dataset(
            "data", data=np.array(["a", "bcd"], dtype=object), dtype=STR)
        names.attrs["__string_array__"] = True
        _spikedata_layout(_item(d0, "sd", "SpikeData"))
        rd = _item(d0, "rd", "RateData")
        rd.create_dataset("inst_Frate_data", data=np.arange(6.0).reshape(2, 3))
        rd.create_dataset("times", data=np.array([0.0, 1.0, 2.0]))
        rss = _item(d0, "rss", "RateSliceStack")
        rss.create_dataset("event_stack", data=np.arange(12.0).reshape(2, 3, 2))
        rss.create_dataset("times", data=np.array([[0.0, 3.0], [3.0, 6.0]]))
        rss.attrs["step_size"] = 1.0
        sss = _item(d0, "sss", "SpikeSliceStack")
        sss.attrs["N"] = 3
        sss.create_dataset("times", data=np.array([[0.0, 10.0], [10.0, 20.0]]))
        for i in range(2):
            _spikedata_layout(sss.create_group(f"spike_stack/{i}"))
        pcm = _item(d0, "pcm", "PairwiseCompMatrix")
        pcm.create_dataset("matrix", data=np.eye(2))
        pcm.create_dataset("labels", data=np.array(["u1", "u2"], dtype=object), dtype=STR)
        pcm.attrs["__metadata__"] = json.dumps({"delt": 20.0})
        pcms = _item(d0, "pcms", "PairwiseCompMatrixStack")
        pcms.create_dataset("stack", data=np.ones((2, 2, 3)))
        pcms.create_dataset("labels", data=np.array([7, 8]))
        pcms.create_dataset("times", data=np.array([[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]]))
        pcms.attrs["__metadata__"] = "{}"
        _dict_layout(_item(f.create_group("all"), "d", "dict"))
        f.create_group("__history__")  # reserved: 0.1.2 skips these, so do we


def _expected_sd():
    return SpikeData([[1.0, 2.0], [], [3.0, 5.0]], length=10.0,
                     metadata={"fs": 20000, "arr": np.array([1, 2])},
                     neuron_attributes=EXPECTED_ATTRS)


EXPECTED = {
    ("D0", "arr"): np.array([[1, 2], [3, 4]], dtype=np.int32),
    ("D0", "names"): np.array(["a", "bcd"]),
    ("D0", "pcm"): PairwiseCompMatrix(np.eye(2), ["u1", "u2"], {"delt": 20.0}),
    ("D0", "pcms"): PairwiseCompMatrixStack(np.ones((2, 2, 3)), [7, 8],
                                            [(0.0, 1.0), (1.0, 2.0), (2.0, 3.0)], {}),
    ("D0", "rd"): RateData(np.arange(6.0).reshape(2, 3), [0.0, 1.0, 2.0]),
    ("D0", "rss"): RateSliceStack(event_matrix=np.arange(12.0).reshape(2, 3, 2),
                                  times_start_to_end=[(0.0, 3.0), (3.0, 6.0)], step_size=1.0),
    ("D0", "sd"): _expected_sd(),
    ("D0", "sss"): SpikeSliceStack(spike_stack=[_expected_sd(), _expected_sd()],
                                   times_start_to_end=[(0.0, 10.0), (10.0, 20.0)],
                                   drop_slice_attributes=False),  # the file keeps them per slice
    ("all", "d"): {"b": True, "f": 2.5, "fs": frozenset({"a", "b"}), "i": 5,
                   "l": np.array([1.0, 2.0]), "n": None, "nested": {"x": 3}, "s": "hi",
                   "sd": _expected_sd(), "set": {1, 2, 3}, "t": (1, 2)},
}


@pytest.mark.parametrize("loader", [AnalysisWorkspace.load, LazyAnalysisWorkspace.load])
def test_upstream_layout_loads(tmp_path, loader):
    build_upstream_file(tmp_path / "up.h5")
    ws = loader(tmp_path / "up")
    assert (ws.workspace_id, ws.name, ws.created_at) == ("0f2c", None, 123.0)
    assert list(ws) == list(EXPECTED)
    for (ns, key), expected in EXPECTED.items():
        assert_same(ws.get(ns, key), expected, f"{ns}/{key}")
    assert ws.get_info("D0", "arr") == {"type": "ndarray", "shape": (2, 2), "dtype": "int32",
                                        "created_at": 1.5, "note": "ints"}
    assert ws.get_info("D0", "sss")["N_slices"] == 2


def test_upstream_item_order_comes_from_a_matching_sidecar(tmp_path):
    build_upstream_file(tmp_path / "up.h5")
    order = {"all": ["d"], "D0": ["sd", "arr", "names", "rd", "rss", "sss", "pcm", "pcms"]}
    sidecar = {"workspace_id": "0f2c", "index": {ns: {k: {} for k in keys}
                                                for ns, keys in order.items()}}
    (tmp_path / "up.json").write_text(json.dumps(sidecar))
    assert AnalysisWorkspace.load(tmp_path / "up").list_keys() == order
    sidecar["index"]["D0"]["ghost"] = {}  # disagrees with the .h5: ignored
    (tmp_path / "up.json").write_text(json.dumps(sidecar))
    assert AnalysisWorkspace.load(tmp_path / "up").list_namespaces() == ["D0", "all"]


# --------------------------------------------------------------------- our layout
def _saved_file(tmp_path):
    sd = SpikeData([[1.0, 4.0], [2.0]], length=5.0, start_time=0.0,
                   metadata={"fs": 30000.0, "chan": np.array([3, 4])},
                   neuron_attributes=[{"unit_id": 7, "label": "good"},
                                      {"unit_id": 9, "label": "mua"}])
    ws = AnalysisWorkspace(name="layout")
    ws.store("D0", "sd", sd, note="recording")
    ws.store("D0", "text", np.array(["ab", "c"]))
    ws.store("D0", "rd", RateData(np.ones((2, 3)), [0.0, 1.0, 2.0], rate_unit="Hz"))
    ws.store("D0", "rss", RateSliceStack(event_matrix=np.zeros((2, 3, 4)), step_size=2.0))
    ws.store("D0", "sss", SpikeSliceStack(sd, times_start_to_end=[(0, 2), (2, 4)]))
    ws.store("D0", "pcm", PairwiseCompMatrix(np.eye(2), ["a", "b"], {"delt": 20.0}))
    ws.store("D0", "pcms", PairwiseCompMatrixStack(np.zeros((2, 2, 1)), times=[(0.0, 5.0)]))
    ws.store("all", "d", {"n": 3, "x": 0.5, "ok": True, "s": "t", "none": None, "tup": (1, 2),
                          "set": {2, 1}, "list": [1, 2, 3]})
    ws.save(tmp_path / "ours")
    return ws


def test_our_root_and_item_headers(tmp_path):
    ws = _saved_file(tmp_path)
    with h5py.File(tmp_path / "ours.h5", "r") as f:
        assert f.attrs["__workspace_id__"] == ws.workspace_id
        assert f.attrs["__workspace_name__"] == "layout"
        assert f.attrs["__created_at__"] == ws.created_at
        assert f.attrs["__format_version__"] == 1
        assert f.attrs["__spikelab_version__"] == spikelab.__version__
        assert list(f) == ["D0", "all", "__index__"]  # 0.1.2 skips root names "__*"
        index = json.loads(f["__index__"].asstr()[()])
        assert index["save_id"] == f.attrs["__save_id__"]
        assert [item[:2] for item in index["items"]][:2] == [["D0", "sd"], ["D0", "text"]]
        assert index["items"][0][2]["note"] == "recording"
        assert list(f["D0"]) == ["sd", "text", "rd", "rss", "sss", "pcm", "pcms"]
        assert {k: f["D0"][k].attrs["__type__"] for k in f["D0"]} == {
            "sd": "SpikeData", "text": "ndarray", "rd": "RateData", "rss": "RateSliceStack",
            "sss": "SpikeSliceStack", "pcm": "PairwiseCompMatrix",
            "pcms": "PairwiseCompMatrixStack"}
        assert f["D0/sd"].attrs["__note__"] == "recording"
        assert isinstance(f["D0/sd"].attrs["__created_at__"], np.floating)
        save_id = f.attrs["__save_id__"]
    sidecar = json.loads((tmp_path / "ours.json").read_text())
    assert sidecar["save_id"] == save_id and sidecar["workspace_id"] == ws.workspace_id
    assert sidecar["index"]["D0"]["pcm"]["shape"] == [2, 2]
    assert sidecar["index"]["D0"]["sd"]["note"] == "recording"


def test_our_data_layout(tmp_path):
    _saved_file(tmp_path)
    with h5py.File(tmp_path / "ours.h5", "r") as f:
        sd = f["D0/sd"]
        np.testing.assert_array_equal(sd["spike_times"][()], [1.0, 4.0, 2.0])
        assert sd["spike_times"].dtype == np.float64
        np.testing.assert_array_equal(sd["spike_times_index"][()], [2, 3])
        assert sd["spike_times_index"].dtype == np.int64
        assert (sd.attrs["length_ms"], sd.attrs["start_time"], sd.attrs["N"]) == (5.0, 0.0, 2)
        meta = json.loads(sd.attrs["__metadata__"])
        assert meta == {"fs": 30000.0, "chan": {"__ndarray__": True, "dtype": "int64",
                                                "shape": [2], "values": [3, 4]}}
        assert "raw_data" not in sd and "raw_time" not in sd
        np.testing.assert_array_equal(sd["neuron_attributes/unit_id"][()], [7.0, 9.0])
        assert sd["neuron_attributes/unit_id"].attrs["__scalar_kind__"] == "int"
        assert list(sd["neuron_attributes/label"].asstr()[()]) == ["good", "mua"]
        text = f["D0/text/data"]
        assert h5py.check_string_dtype(text.dtype).length is None and text.attrs["__string_array__"]
        assert f["D0/rd/inst_Frate_data"].shape == (2, 3) and f["D0/rd"].attrs["rate_unit"] == "Hz"
        assert f["D0/rss/event_stack"].shape == (2, 3, 4) and f["D0/rss"].attrs["step_size"] == 2.0
        assert f["D0/rss/times"].shape == (4, 2)
        sss = f["D0/sss"]
        assert sss.attrs["N"] == 2 and list(sss["spike_stack"]) == ["0", "1"]
        np.testing.assert_array_equal(sss["spike_stack/1/spike_times"][()], [0.0])
        np.testing.assert_array_equal(sss["times"][()], [[0, 2], [2, 4]])
        assert list(f["D0/pcm/labels"].asstr()[()]) == ["a", "b"]
        assert json.loads(f["D0/pcm"].attrs["__metadata__"]) == {"delt": 20.0}
        assert f["D0/pcms/stack"].shape == (2, 2, 1) and f["D0/pcms/times"].shape == (1, 2)


def test_our_dict_layout(tmp_path):
    _saved_file(tmp_path)
    with h5py.File(tmp_path / "ours.h5", "r") as f:
        d = f["all/d"]
        assert list(d) == ["n", "x", "ok", "s", "none", "tup", "set", "list"]
        tags = {k: d[k].attrs["__type__"] for k in d}
        assert tags == {"n": "scalar", "x": "scalar", "ok": "scalar", "s": "scalar_str",
                        "none": "none", "tup": "tuple", "set": "set", "list": "ndarray"}
        assert (d["n"].attrs["__scalar_value__"], d["n"].attrs["__scalar_kind__"]) == (3, "int")
        assert d["ok"].attrs["__scalar_kind__"] == "bool"
        assert d["s"].attrs["__scalar_value__"] == "t"
        np.testing.assert_array_equal(d["set/data"][()], [1, 2])
        np.testing.assert_array_equal(d["list/data"][()], [1, 2, 3])
        assert d["list"].attrs["__py_type__"] == "list"  # our extra; 0.1.2 reads an ndarray


def test_metadata_with_integer_keys_is_exact_here_and_0_1_2_json_there(tmp_path):
    """0.1.2 writes metadata with ``json.dumps`` (integer keys become text); we write the
    same JSON and keep the dict itself exactly beside it."""
    metadata = {"chan_map": {0: 12, 1: 15}, 3: "x", (1, 2): [1.5], np.int64(5): {None: 1}}
    ws = AnalysisWorkspace()
    ws.store("D0", "sd", SpikeData([[1.0]], length=2.0, metadata=metadata))
    ws.store("D0", "pcm", PairwiseCompMatrix(np.eye(1), None, {7: "seven", True: 1}))
    ws.save(tmp_path / "w")
    back = AnalysisWorkspace.load(tmp_path / "w")
    assert_same(back.get("D0", "sd").metadata, metadata)
    assert_same(back.get("D0", "pcm").metadata, {7: "seven", True: 1})
    with h5py.File(tmp_path / "w.h5", "r") as f:
        assert json.loads(f["D0/sd"].attrs["__metadata__"]) == {
            "chan_map": {"0": 12, "1": 15}, "3": "x", "(1, 2)": [1.5], "5": {"null": 1}}
        exact = f["D0/sd/__spikelab__/metadata"]
        assert exact.attrs["__py_type__"] == "dict" and list(exact) == ["keys", "values"]


def test_dicts_inside_values_take_any_hashable_key_but_items_need_names(tmp_path):
    value = {"by_channel": {0: "a", 1: "b"}, "pairs": {(0, 1): 0.5}, "paths": {"a/b": 1}}
    ws = AnalysisWorkspace()
    ws.store("D0", "d", value)
    ws.save(tmp_path / "w")
    assert_same(AnalysisWorkspace.load_item(tmp_path / "w", "D0", "d"), value)
    with pytest.raises(InvalidNameError, match="dict key .* must be a str"):
        ws.store("D0", "top", {0: "a"})  # an item's own keys are its HDF5 group names
    with pytest.raises(UnsupportedTypeError, match="dict key .* keys must be str, int"):
        ws.store("D0", "bad", {"x": {SpikeData([], length=1.0): 1}})
