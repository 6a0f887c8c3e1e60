"""`spikelab verify`: a clean file passes, flipped bytes and damaged files name the item."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest
from ws_files import rewritten, saved_like_0_1_2

from spikelab import AnalysisWorkspace
from spikelab.errors import CorruptWorkspaceError


def test_clean_file_verifies(workspace_file, cli, cli_json):
    path, ws = workspace_file
    code, out, err = cli("verify", path)
    assert (code, err) == (0, "")
    hashed = sum("content_hash" in ws.get_info(ns, key) for ns, key in ws)
    assert hashed == len(ws) - 2  # rec1/summary and rec2/plain were stored without provenance
    assert out == (f"ok: {path}: {len(ws)} items decoded and matching their checksums; "
                   f"{hashed} with a matching content hash\n")
    assert cli_json("verify", path) == {"path": path, "ok": True, "checked": len(ws),
                                        "sealed": len(ws), "hashed": hashed, "shards": 0,
                                        "problems": []}


def test_a_file_without_checksums_says_what_was_checked(tmp_path, cli):
    """Files written by spikelab 0.1.2 have no checksums: only decoding can be checked."""
    path = saved_like_0_1_2(tmp_path / "old", {("n", "a"): np.arange(3),
                                                ("n", "b"): np.arange(2)})
    code, out, _ = cli("verify", path)
    assert code == 0
    assert out == (f"ok: {path}: 2 items decoded, 0 matching their checksums "
                   "(2 without checksums, written by spikelab 0.1.2 or another tool: only "
                   "decoding checked)\n")


def _flip_raw_byte(path: str, dataset: str, at: int = 0) -> None:
    with h5py.File(path, "r") as f:
        offset = f[dataset].id.get_offset()
    with open(path, "r+b") as fh:
        fh.seek(offset + at)
        byte = fh.read(1)[0]
        fh.seek(offset + at)
        fh.write(bytes([byte ^ 0x01]))


@pytest.mark.parametrize("key, dataset", [
    ("array", "data"), ("spikes", "spike_times"), ("rates", "inst_Frate_data"),
    ("rate_stack", "event_stack"), ("spike_stack", "spike_stack/1/spike_times"),
    ("sttc", "matrix"), ("sttc_stack", "stack"), ("scalar", "data"),
])
def test_flipped_byte_in_raw_file_names_the_item(workspace_file, cli, key, dataset):
    path, _ = workspace_file
    _flip_raw_byte(path, f"rec1/{key}/{dataset}", at=1)
    code, out, _ = cli("verify", path)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"FAILED: {path}: 1 of 11 items damaged"
    assert lines[1] == (f"  rec1/{key}: damaged: dataset /rec1/{key}/{dataset} does not "
                        "match its checksum: its data changed since it was written")
    code, out, _ = cli("verify", path, "--json")
    doc = json.loads(out)
    assert code == 1 and doc["ok"] is False
    assert [(p["namespace"], p["key"]) for p in doc["problems"]] == [("rec1", key)]


def test_in_place_element_change_names_the_items(workspace_file, cli):
    path, _ = workspace_file
    with h5py.File(path, "r+") as f:  # change one element in place, through HDF5
        f["rec1/rates/inst_Frate_data"][1, 2] = 42.0
        f["rec1/sttc/matrix"][0, 0] = -1.0
    code, out, _ = cli("verify", path, "--json")
    doc = json.loads(out)
    assert code == 1
    assert doc["ok"] is False and doc["checked"] == 11
    assert [(p["namespace"], p["key"]) for p in doc["problems"]] == [("rec1", "rates"),
                                                                     ("rec1", "sttc")]
    assert all("does not match its checksum" in p["problem"] for p in doc["problems"])


def test_undecodable_item_is_named(workspace_file, cli):
    path, _ = workspace_file
    with rewritten(path) as f:  # as another tool could write them
        del f["rec2/plain/data"]
        f["rec1/summary"].attrs["__type__"] = "NoSuchType"
    code, out, _ = cli("verify", path)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"FAILED: {path}: 2 of 11 items damaged"
    assert lines[1].startswith("  rec1/summary: ") and "NoSuchType" in lines[1]
    assert lines[2].startswith("  rec2/plain: ")


def test_tampered_provenance_breaks_the_fingerprint(workspace_file, cli):
    path, _ = workspace_file
    with rewritten(path) as f:  # checksummed again: only the fingerprint can tell
        attrs = f["rec1/array"].attrs
        attrs["__provenance__"] = attrs["__provenance__"].replace('"bin_ms":8', '"bin_ms":9')
    code, out, _ = cli("verify", path)
    assert code == 1 and "rec1/array: fingerprint does not match" in out


def test_truncated_file_fails_with_exit_1(workspace_file, cli):
    path, _ = workspace_file
    with open(path, "rb") as fh:
        head = fh.read(4000)
    with open(path, "wb") as fh:
        fh.write(head)
    code, out, _ = cli("verify", path)
    assert code == 1
    assert out.splitlines()[0] == f"FAILED: {path}: the file is damaged"
    assert "truncated" in out


def test_an_item_stored_without_provenance_is_checked_too(tmp_path, cli):
    """No content hash, but its checksums: a flipped byte is found by verify, and load
    refuses the wrong values."""
    ws = AnalysisWorkspace()
    ws.store("n", "k", np.arange(100.0))
    ws.save(tmp_path / "w")
    _flip_raw_byte(str(tmp_path / "w.h5"), "n/k/data", at=9)
    code, out, _ = cli("verify", tmp_path / "w")
    assert code == 1 and "n/k: " in out and "does not match its checksum" in out
    with pytest.raises(CorruptWorkspaceError, match=r"w\.h5: item \('n', 'k'\) is damaged"):
        AnalysisWorkspace.load_item(tmp_path / "w", "n", "k")
