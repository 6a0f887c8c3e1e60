"""Canonical JSON, fingerprints and content hashes."""

from __future__ import annotations

import hashlib
import json

import h5py
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace, RateData, SpikeData
from spikelab.errors import ProvenanceError
from spikelab.workspace import canonical_json, content_hash, fingerprint
from spikelab.workspace.provenance import check_provenance, group_content_hash


@pytest.mark.parametrize("value, text", [
    ({"b": 8.0, "a": 1}, '{"a":1,"b":8}'),
    ({"x": (1, 2.5, -0.0)}, '{"x":[1,2.5,0]}'),
    ({"s": {3, 1, 2}}, '{"s":[1,2,3]}'),
    ({"np": np.float32(0.5), "i": np.int64(3), "b": np.bool_(True)}, '{"b":true,"i":3,"np":0.5}'),
    ({"arr": np.array([[1.0, 2.0]])}, '{"arr":[[1,2]]}'),
    ({"t": True, "n": None, "u": "é"}, '{"n":null,"t":true,"u":"\\u00e9"}'),
    ([{"z": 1, "y": [2.0]}], '[{"y":[2],"z":1}]'),
])
def test_canonical_json_by_hand(value, text):
    assert canonical_json(value) == text


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), {1: "int key"}, {"f": print},
                                 {"b": b"bytes"}])
def test_canonical_json_rejects_values_without_one_text(bad):
    with pytest.raises(ProvenanceError):
        canonical_json(bad)


JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
              st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=5)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                  max_size=3),
    max_leaves=10)


@settings(max_examples=200, deadline=None)
@given(JSONISH)
def test_canonical_json_is_stable_json(value):
    text = canonical_json(value)
    assert canonical_json(json.loads(text)) == text  # a fixed point
    compact = json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))
    assert text.isascii() and text == compact  # sorted keys, no whitespace


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(max_size=4), st.integers(-1000, 1000), max_size=5))
def test_fingerprint_ignores_key_order_and_int_float_spelling(params):
    reordered = dict(reversed(list(params.items())))
    as_float = {k: float(v) for k, v in params.items()}
    fp = fingerprint("step", params, "in", "1")
    assert fingerprint("step", reordered, "in", "1") == fp
    assert fingerprint("step", as_float, "in", "1") == fp


def test_fingerprint_matches_a_hand_computed_sha256():
    record = '{"inputs":"abc","params":{"bin_ms":8,"thr":[1,2]},"step":"bursts","version":"3"}'
    expected = hashlib.sha256(record.encode()).hexdigest()
    assert fingerprint("bursts", {"thr": (1, 2.0), "bin_ms": 8.0}, "abc", "3") == expected


@pytest.mark.parametrize("change", [
    {"step": "other"}, {"params": {"bin_ms": 9}}, {"params": {"bin_ms": 8, "x": 0}},
    {"inputs": "abd"}, {"version": "4"}, {"params": {"bin_ms": 8.5}},
])
def test_any_field_change_changes_the_fingerprint(change):
    base = {"step": "bursts", "params": {"bin_ms": 8}, "inputs": "abc", "version": "3"}
    assert fingerprint(**{**base, **change}) != fingerprint(**base)


def test_check_provenance_defaults_and_normalises():
    record = check_provenance({"step": "s", "params": {"w": 2.0, "t": (1,)}})
    assert record == {"step": "s", "params": {"w": 2, "t": [1]}, "inputs": "",
                      "version": __import__("spikelab").__version__}


@pytest.mark.parametrize("kind", [AnalysisWorkspace, LazyAnalysisWorkspace])
def test_store_with_provenance_fills_the_entry(kind, tmp_path):
    ws = kind()
    prov = {"step": "rates", "params": {"sigma_ms": 10.0}, "inputs": "deadbeef", "version": "2"}
    rd = RateData(np.ones((2, 3)), [0.0, 1.0, 2.0], rate_unit="Hz")
    ws.store("D0", "rates", rd, provenance=prov)
    info = ws.get_info("D0", "rates")
    assert info["provenance"] == {"step": "rates", "params": {"sigma_ms": 10}, "inputs": "deadbeef",
                                  "version": "2"}
    assert info["fingerprint"] == fingerprint("rates", {"sigma_ms": 10}, "deadbeef", "2")
    assert info["content_hash"] == content_hash(rd)
    ws.save(tmp_path / "w")
    for loader in (AnalysisWorkspace.load, LazyAnalysisWorkspace.load):
        back = loader(tmp_path / "w").get_info("D0", "rates")
        assert back == info
    with h5py.File(tmp_path / "w.h5", "r") as f:  # stored as attrs 0.1.2 ignores
        attrs = f["D0/rates"].attrs
        assert json.loads(attrs["__provenance__"]) == info["provenance"]
        assert attrs["__fingerprint__"] == info["fingerprint"]
        assert attrs["__content_hash__"] == group_content_hash(f["D0/rates"])
    ws.close()


def test_items_without_provenance_carry_no_hashes(tmp_path):
    ws = AnalysisWorkspace()
    ws.store("D0", "x", np.zeros(3))
    assert set(ws.get_info("D0", "x")) == {"type", "shape", "dtype", "created_at"}


def test_content_hash_depends_on_data_only():
    sd = SpikeData([[1.0, 2.0], [3.0]], length=5.0, metadata={"fs": 1000})
    same = SpikeData([[1.0, 2.0], [3.0]], length=5.0, metadata={"fs": 1000})
    assert content_hash(sd) == content_hash(same)
    for other in (SpikeData([[1.0, 2.5], [3.0]], length=5.0, metadata={"fs": 1000}),
                  SpikeData([[1.0, 2.0], [3.0]], length=6.0, metadata={"fs": 1000}),
                  SpikeData([[1.0, 2.0], [3.0]], length=5.0, metadata={"fs": 2000}),
                  SpikeData([[1.0], [2.0, 3.0]], length=5.0, metadata={"fs": 1000})):
        assert content_hash(other) != content_hash(sd)
    assert content_hash(np.zeros(3, dtype=np.float32)) != content_hash(np.zeros(3))
    assert content_hash(np.zeros((3, 1))) != content_hash(np.zeros(3))
    assert content_hash({"a": 1}) != content_hash({"a": 1.0})


def test_content_hash_is_unchanged_by_notes_copies_and_resaves(tmp_path):
    ws = AnalysisWorkspace()
    ws.store("D0", "x", {"a": np.arange(5), "b": "text"}, note="one",
             provenance={"step": "s"})
    digest = ws.get_info("D0", "x")["content_hash"]
    ws.add_note("D0", "x", "two")
    ws.save(tmp_path / "a")
    lazy = LazyAnalysisWorkspace.load(tmp_path / "a")
    lazy.save(tmp_path / "b")  # an HDF5-level copy
    AnalysisWorkspace.load(tmp_path / "b").save(tmp_path / "c")  # decode + encode again
    for name in "abc":
        with h5py.File(tmp_path / f"{name}.h5", "r") as f:
            assert group_content_hash(f["D0/x"]) == digest
    lazy.close()


def test_in_place_changes_before_save_are_hashed_at_save(tmp_path):
    ws = AnalysisWorkspace()
    arr = np.zeros(4)
    ws.store("D0", "x", arr, provenance={"step": "s"})
    before = ws.get_info("D0", "x")["content_hash"]
    arr[0] = 1.0  # the stored object is the caller's array
    ws.save(tmp_path / "w")
    after = ws.get_info("D0", "x")["content_hash"]
    assert after != before and after == content_hash(np.array([1.0, 0, 0, 0]))
    assert AnalysisWorkspace.load(tmp_path / "w").get_info("D0", "x")["content_hash"] == after
