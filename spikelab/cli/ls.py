"""``spikelab ls PATH [NAMESPACE]`` (alias ``describe``): one line per item, data never read."""

from __future__ import annotations

import argparse
from typing import Any

from ..ondisk import SUFFIX
from .inventory import Inventory, ItemRecord, read_inventory
from .status import DAMAGED
from .text import cell, human_size, plural, short_hash, summary_text, table, to_json

__all__ = ["add_parser", "run", "as_json", "as_text"]

_NOTE_WIDTH = 50  # `info` shows the full note
_HEADER = ("NAMESPACE", "KEY", "TYPE", "SHAPE", "SIZE", "STEP", "FINGERPRINT", "NOTE")


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "ls", aliases=["describe"], parents=[common],
        help="list namespaces and items (type, shape, size, provenance, note)",
        description="List the items of a workspace file: type, shape (N and length for "
                    "SpikeData), bytes of its datasets on disk, producing step and short "
                    "fingerprint, note. Reads the index only, never item data.")
    parser.add_argument("path", help=f"workspace file (with or without {SUFFIX})")
    parser.add_argument("namespace", nargs="?", help="list only this namespace")
    parser.set_defaults(run=run)


def _item_json(item: ItemRecord) -> dict:
    return {"namespace": item.namespace, "key": item.key, "info": item.entry,
            "size_bytes": item.size_bytes, "damaged": item.damaged}


def as_json(inv: Inventory) -> dict:
    """The ``--json`` document: file identity and ``items`` in insertion order."""
    return {"path": inv.path, "workspace_id": inv.workspace_id, "name": inv.name,
            "created_at": inv.created_at, "format_version": inv.format_version,
            "file_bytes": inv.file_bytes, "size_bytes": sum(i.size_bytes for i in inv.items),
            "items": [_item_json(item) for item in inv.items]}


def _row(item: ItemRecord) -> list[str]:
    entry = item.entry
    if item.damaged is not None:
        return [cell(item.namespace), cell(item.key), cell(entry.get("type", "?")), "-", "-",
                "-", "-", cell(f"DAMAGED: {item.damaged}", _NOTE_WIDTH)]
    step = (entry.get("provenance") or {}).get("step")
    return [cell(item.namespace), cell(item.key), cell(entry.get("type", "?")),
            cell(summary_text(entry)), human_size(item.size_bytes),
            cell(step) if step else "-", short_hash(entry.get("fingerprint")),
            cell(entry.get("note") or "-", _NOTE_WIDTH)]


def as_text(inv: Inventory) -> list[str]:
    """A title line (file, name, id, counts, sizes) and a table of the items."""
    label = f"workspace {inv.name!r}" if inv.name else "workspace (unnamed)"
    data_bytes = sum(i.size_bytes for i in inv.items)
    title = (f"{inv.path}: {label}, id {inv.workspace_id[:8]}, "
             f"{plural(len(inv.namespaces()), 'namespace')}, {plural(len(inv.items), 'item')}, "
             f"{human_size(data_bytes)} of data in a {human_size(inv.file_bytes)} file")
    damaged = [i for i in inv.items if i.damaged is not None]
    if damaged:
        title += f"; {plural(len(damaged), 'item')} DAMAGED (see spikelab verify)"
    if not inv.items:
        return [title]
    return [title, ""] + table(_HEADER, [_row(i) for i in inv.items], right=("SIZE",))


def run(args: argparse.Namespace) -> int:
    """Exit 1 when an item is damaged (listed with what is wrong), else 0."""
    inv = read_inventory(args.path, args.namespace)
    print(to_json(as_json(inv)) if args.json else "\n".join(as_text(inv)))
    return DAMAGED if any(i.damaged is not None for i in inv.items) else 0
