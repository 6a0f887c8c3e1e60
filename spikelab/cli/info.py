"""``spikelab info PATH NAMESPACE KEY``: everything known about one item, data never read."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..ondisk import SUFFIX
from .inventory import ItemRecord, read_item
from .text import human_size, shape_text, table, timestamp, to_json

__all__ = ["add_parser", "run", "as_json", "as_text"]

_DATASET_HEADER = ("PATH", "DTYPE", "SHAPE", "SIZE", "COMPRESSION", "CHUNKS")
_PROVENANCE_ORDER = ("step", "inputs", "version")  # params last: it may span many lines
_INLINE_PARAMS = 60  # characters; longer parameter sets are printed as indented JSON


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "info", parents=[common], help="show one item: index entry, provenance, datasets",
        description="Show one item of a workspace file: every field of get_info, its "
                    "provenance, and its HDF5 datasets (dtype, shape, bytes on disk, "
                    "compression, chunks). Reads attributes and dataset headers only.")
    parser.add_argument("path", help=f"workspace file (with or without {SUFFIX})")
    parser.add_argument("namespace")
    parser.add_argument("key")
    parser.set_defaults(run=run)


def as_json(path: str, item: ItemRecord) -> dict:
    """The ``--json`` document: ``info`` is exactly what ``get_info`` returns."""
    return {"path": path, "namespace": item.namespace, "key": item.key, "info": item.entry,
            "size_bytes": item.size_bytes, "datasets": [d.as_json() for d in item.datasets]}


def _field_lines(name: str, value: Any, width: int) -> list[str]:
    """``name  value``; a multi-line value (a note) continues under its first line."""
    if name == "created_at":
        value = f"{timestamp(value)} ({value})"
    first, *rest = str(value).splitlines() or [""]
    pad = " " * (width + 4)
    return [f"  {name.ljust(width)}  {first}"] + [pad + line for line in rest]


def _provenance_lines(record: dict) -> list[str]:
    names = [k for k in _PROVENANCE_ORDER if k in record]
    names += [k for k in record if k not in names and k != "params"]
    width = max([len(k) for k in names] + [len("params")])
    lines = ["", "provenance"]
    for name in names:
        lines += _field_lines(name, record[name] if record[name] != "" else "-", width)
    params = record.get("params", {})
    compact = json.dumps(params, sort_keys=True)
    if len(compact) <= _INLINE_PARAMS:
        return lines + [f"  {'params'.ljust(width)}  {compact}"]
    text = json.dumps(params, indent=2, sort_keys=True)
    return lines + ["  params"] + ["    " + line for line in text.splitlines()]


def _dataset_lines(item: ItemRecord) -> list[str]:
    if not item.datasets:
        return ["", "datasets: none (the item is held in attributes)"]
    rows = [[d.path, d.dtype, shape_text(d.shape), human_size(d.size_bytes),
             d.compression or "-", "-" if d.chunks is None else shape_text(d.chunks)]
            for d in item.datasets]
    return ["", "datasets"] + ["  " + line for line in
                               table(_DATASET_HEADER, rows, right=("SIZE",))]


def as_text(path: str, item: ItemRecord) -> list[str]:
    """Header, every entry field, provenance section, dataset table."""
    entry = item.entry
    fields = {k: v for k, v in entry.items() if k != "provenance"}
    count = len(item.datasets)
    fields["size on disk"] = (f"{human_size(item.size_bytes)} in {count} "
                              f"dataset{'' if count == 1 else 's'}")
    width = max(len(k) for k in fields)
    lines = [f"{path}: item ({item.namespace!r}, {item.key!r})"]
    for name, value in fields.items():
        lines += _field_lines(name, value, width)
    if entry.get("provenance") is not None:
        lines += _provenance_lines(entry["provenance"])
    return lines + _dataset_lines(item)


def run(args: argparse.Namespace) -> int:
    inventory, item = read_item(args.path, args.namespace, args.key)
    if args.json:
        print(to_json(as_json(inventory.path, item)))
    else:
        print("\n".join(as_text(inventory.path, item)))
    return 0
