"""Reading what `ls`/`info` show: records per item, namespace filter, key lists, hints."""

from __future__ import annotations

import pytest
from cli_helpers import dataset_sizes

from spikelab.cli.inventory import item_keys, listing_hint, read_inventory, read_item
from spikelab.errors import ItemNotFoundError


def test_inventory_records(workspace_file):
    path, ws = workspace_file
    inv = read_inventory(path[:-3])
    assert (inv.path, inv.name, inv.workspace_id) == (path, ws.name, ws.workspace_id)
    assert inv.namespaces() == ["rec1", "rec2"]
    assert [(i.namespace, i.key) for i in inv.items] == list(ws)
    assert [i.entry for i in inv.items] == [ws.get_info(ns, key) for ns, key in ws]
    for item in inv.items:
        assert item.size_bytes == sum(dataset_sizes(path, f"{item.namespace}/{item.key}").values())


def test_read_item_matches_inventory(workspace_file):
    path, _ = workspace_file
    inv, record = read_item(path, "rec1", "spike_stack")
    assert record == next(i for i in read_inventory(path).items if i.key == "spike_stack")
    assert [d.path for d in record.datasets] == [
        "times", "spike_stack/0/spike_times", "spike_stack/0/spike_times_index",
        "spike_stack/1/spike_times", "spike_stack/1/spike_times_index"]
    assert inv.items == [record]


def test_item_keys(workspace_file, tmp_path):
    path, ws = workspace_file
    assert item_keys(path) == list(ws)
    assert item_keys(tmp_path / "absent") == []


@pytest.mark.parametrize("names, text", [
    ([], "none"), (["a"], "'a'"), (["a", "b"], "'a', 'b'"),
    ([str(i) for i in range(25)], ", ".join(repr(str(i)) for i in range(20)) + ", ... (5 more)"),
])
def test_listing_hint(names, text):
    assert listing_hint(names) == text


def test_missing_namespace_lists_the_present_ones(workspace_file):
    path, _ = workspace_file
    with pytest.raises(ItemNotFoundError, match=r"namespace 'x' not found; namespaces: 'rec1'"):
        read_inventory(path, "x")
