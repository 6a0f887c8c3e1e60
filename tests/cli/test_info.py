"""`spikelab info`: every get_info field, provenance, datasets (dtype, shape, compression)."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest
from cli_helpers import all_types, as_json_value, dataset_sizes
from ws_files import rewritten

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace
from spikelab.cli.text import human_size


def _naive_datasets(path: str, group_path: str) -> list[tuple[str, str, list]]:
    found = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                found.append((name, list(obj.shape)))
        f[group_path].visititems(visit)
    return sorted(found)


@pytest.mark.parametrize("key", list(all_types()))
def test_json_equals_get_info_and_lists_every_dataset(workspace_file, cli_json, key):
    path, ws = workspace_file
    doc = cli_json("info", path, "rec1", key)
    assert (doc["path"], doc["namespace"], doc["key"]) == (path, "rec1", key)
    assert doc["info"] == as_json_value(ws.get_info("rec1", key))
    with LazyAnalysisWorkspace.load(path) as lazy:
        assert doc["info"] == as_json_value(lazy.get_info("rec1", key))
    listed = sorted((d["path"], d["shape"]) for d in doc["datasets"])
    assert listed == _naive_datasets(path, f"rec1/{key}")
    sizes = dataset_sizes(path, f"rec1/{key}")
    assert {d["path"]: d["size_bytes"] for d in doc["datasets"]} == sizes
    assert doc["size_bytes"] == sum(sizes.values())


@pytest.mark.parametrize("key", list(all_types()))
def test_text_shows_every_field(workspace_file, cli, key):
    path, ws = workspace_file
    code, out, err = cli("info", path, "rec1", key)
    assert code == 0 and err == ""
    info = ws.get_info("rec1", key)
    assert out.startswith(f"{path}: item ('rec1', '{key}')\n")
    for field, value in info.items():
        if field == "provenance":
            continue
        line = next(row for row in out.splitlines() if row.split()[:1] == [field])
        shown = str(value) if field != "created_at" else f"({value})"
        assert shown in line
    assert f"size on disk  {human_size(sum(dataset_sizes(path, f'rec1/{key}').values()))}" in out


def test_provenance_pretty_printed(workspace_file, cli):
    path, ws = workspace_file
    out = cli("info", path, "rec1", "spikes")[1]
    section = out.split("\nprovenance\n")[1].split("\n\n")[0].splitlines()
    assert section == ["  step     step_spikes", "  inputs   abc123",
                       f"  version  {ws.get_info('rec1', 'spikes')['provenance']['version']}",
                       '  params   {"bin_ms": 8, "index": 1}']
    assert "\nprovenance\n" not in cli("info", path, "rec1", "summary")[1]


def test_long_params_are_indented_json(tmp_path, cli):
    params = {f"parameter_{i}": [i, i + 0.5] for i in range(6)}
    ws = AnalysisWorkspace()
    ws.store("n", "k", np.zeros(1), provenance={"step": "s", "params": params})
    ws.save(tmp_path / "w")
    out = cli("info", tmp_path / "w", "n", "k")[1]
    block = out.split("  params\n")[1].split("\n\n")[0]
    assert json.loads(block) == params
    assert all(line.startswith("    ") for line in block.splitlines())


def test_compression_and_chunks_shown(tmp_path, cli, cli_json):
    """A dataset rewritten with gzip (as other tools may write it) is reported as such."""
    ws = AnalysisWorkspace()
    ws.store("n", "k", np.arange(1000.0))
    ws.save(tmp_path / "w")
    with rewritten(tmp_path / "w.h5") as f:
        group = f["n/k"]
        values = group["data"][()]
        del group["data"]
        group.create_dataset("data", data=values, compression="gzip", compression_opts=4,
                             shuffle=True, chunks=(250,))
    doc = cli_json("info", tmp_path / "w", "n", "k")
    assert doc["datasets"] == [{"path": "data", "dtype": "float64", "shape": [1000],
                                "size_bytes": dataset_sizes(str(tmp_path / "w.h5"), "n/k")["data"],
                                "compression": "gzip:4+shuffle", "chunks": [250]}]
    assert doc["size_bytes"] < 8000  # compressed
    table = cli("info", tmp_path / "w", "n", "k")[1].split("datasets\n")[1]
    assert "gzip:4+shuffle" in table and " 250" in table


def test_string_dataset_dtype(workspace_file, cli_json):
    path, _ = workspace_file
    doc = cli_json("info", path, "rec1", "names")
    assert [d["dtype"] for d in doc["datasets"]] == ["str (utf-8, variable)"]


def test_multiline_note_is_indented(tmp_path, cli):
    ws = AnalysisWorkspace()
    ws.store("n", "k", np.zeros(1), note="line one\nline two")
    ws.save(tmp_path / "w")
    lines = cli("info", tmp_path / "w", "n", "k")[1].splitlines()
    i = next(i for i, row in enumerate(lines) if row.split()[:1] == ["note"])
    assert lines[i].endswith("line one")
    assert lines[i + 1].strip() == "line two" and lines[i + 1].startswith("      ")
