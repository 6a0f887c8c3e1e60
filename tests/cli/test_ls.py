"""`spikelab ls` / `describe`: every item listed, --json equals the API, no data read."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
from cli_helpers import all_types, as_json_value, dataset_sizes
from ws_files import saved_like_0_1_2

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace
from spikelab.cli.text import human_size


@pytest.mark.parametrize("command", ["ls", "describe"])
@pytest.mark.parametrize("suffix", ["", ".h5"])
def test_text_lists_every_item_with_type_note_and_provenance(workspace_file, cli, command,
                                                             suffix):
    path, ws = workspace_file
    code, out, err = cli(command, path[:-3] + suffix)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith(f"{path}: workspace 'cli test', id {ws.workspace_id[:8]}")
    assert "2 namespaces, 11 items" in lines[0]
    rows = {tuple(line.split()[:2]): line for line in lines[3:]}
    assert list(rows) == [(ns, key) for ns, key in ws]  # insertion order kept
    for (ns, key), line in rows.items():
        info = ws.get_info(ns, key)
        assert f" {info['type']} " in line
        size = sum(dataset_sizes(path, f"{ns}/{key}").values())
        assert f" {human_size(size)} " in line
        if "provenance" in info:
            assert f" {info['provenance']['step']} " in line
            assert f" {info['fingerprint'][:8]} " in line
        assert line.endswith(info.get("note", "-"))


@pytest.mark.parametrize("key, shape_text", [
    ("array", "3x4 float64"), ("spikes", "N=4, 500 ms"), ("rates", "3x5"),
    ("rate_stack", "2x3x4"), ("spike_stack", "2 slices, 4 units, 500 ms"), ("sttc", "3x3"),
    ("sttc_stack", "3x3x2"), ("names", "2 <U6"), ("scalar", "scalar float64"), ("summary", "-"),
])
def test_shape_column(workspace_file, cli, key, shape_text):
    path, _ = workspace_file
    line = next(row for row in cli("ls", path)[1].splitlines() if row.split()[1:2] == [key])
    assert f"  {shape_text}  " in line


def test_json_matches_the_workspace_api(workspace_file, cli_json):
    path, ws = workspace_file
    doc = cli_json("ls", path)
    assert doc["path"] == path and doc["name"] == "cli test"
    assert doc["workspace_id"] == ws.workspace_id and doc["created_at"] == ws.created_at
    assert [(i["namespace"], i["key"]) for i in doc["items"]] == list(ws)
    for loaded in (AnalysisWorkspace.load(path), LazyAnalysisWorkspace.load(path)):
        with loaded:
            for item in doc["items"]:
                expected = loaded.get_info(item["namespace"], item["key"])
                assert item["info"] == as_json_value(expected)
    for item in doc["items"]:  # sizes against a naive walk of the file
        naive = dataset_sizes(path, f"{item['namespace']}/{item['key']}")
        assert item["size_bytes"] == sum(naive.values())
    assert doc["size_bytes"] == sum(i["size_bytes"] for i in doc["items"])


def test_sizes_count_real_bytes(tmp_path, cli_json):
    """Hand-derived: 1000 float64 = 8000 B, 10 int16 = 20 B."""
    ws = AnalysisWorkspace()
    ws.store("n", "big", np.zeros(1000))
    ws.store("n", "small", np.zeros(10, dtype=np.int16))
    ws.save(tmp_path / "s")
    sizes = {i["key"]: i["size_bytes"] for i in cli_json("ls", tmp_path / "s")["items"]}
    assert sizes == {"big": 8000, "small": 20}


def test_namespace_filter(workspace_file, cli, cli_json):
    path, ws = workspace_file
    doc = cli_json("ls", path, "rec2")
    assert [(i["namespace"], i["key"]) for i in doc["items"]] == [("rec2", "plain")]
    code, out, _ = cli("ls", path, "rec1")
    assert code == 0 and "rec2" not in out and len(out.splitlines()) == 3 + len(all_types())


def test_empty_workspace(tmp_path, cli, cli_json):
    AnalysisWorkspace(name=None).save(tmp_path / "empty")
    code, out, _ = cli("ls", tmp_path / "empty")
    assert code == 0 and out.splitlines() == [
        f"{tmp_path / 'empty.h5'}: " + out.split(": ", 1)[1].strip()]
    assert "workspace (unnamed)" in out and "0 namespaces, 0 items" in out
    assert cli_json("ls", tmp_path / "empty")["items"] == []


# The index summary of a SpikeSliceStack (its slice length) comes from its (S, 2) windows.
_SUMMARISED = {"rec1/spike_stack/times"}


def _is_vlen_text(ds: h5py.Dataset) -> bool:
    """Text datasets hold heap references; HDF5 takes seconds to reject garbage ones."""
    return h5py.check_string_dtype(ds.dtype) is not None


def test_never_reads_item_data(workspace_file, cli):
    """Overwrite the bytes of every dataset on disk: the listing does not change."""
    path, _ = workspace_file
    before = cli("ls", path)[1]
    spans = []

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and name not in _SUMMARISED and not _is_vlen_text(obj):
            spans.append((obj.id.get_offset(), obj.id.get_storage_size()))

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    assert len(spans) >= 15 and all(offset is not None for offset, _ in spans)
    with open(path, "r+b") as fh:
        for offset, size in spans:
            fh.seek(offset)
            fh.write(b"\xa5" * size)
    assert cli("verify", path)[0] == 1  # the data really is damaged
    assert cli("ls", path)[1] == before


def test_note_with_newline_stays_on_one_line(tmp_path, cli):
    ws = AnalysisWorkspace()
    ws.store("n", "k", np.zeros(1), note="first line\nsecond\tline " + "x" * 80)
    ws.save(tmp_path / "w")
    lines = cli("ls", tmp_path / "w")[1].splitlines()
    assert len(lines) == 4
    assert lines[3].endswith("first line second line " + "x" * 26 + "…")


def test_reads_a_0_1_2_layout_file_in_insertion_order(tmp_path, cli_json):
    """A file without format version (as 0.1.2 writes): item order from the sidecar."""
    path = saved_like_0_1_2(tmp_path / "old", {("b", "z"): np.zeros(2), ("a", "y"): np.ones(3)})
    doc = cli_json("ls", path)
    assert doc["format_version"] == 0
    assert [(i["namespace"], i["key"]) for i in doc["items"]] == [("b", "z"), ("a", "y")]
