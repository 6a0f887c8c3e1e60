"""``spikelab merge TARGET SOURCE [SOURCE ...]``: fold workspace files into one.

A thin front end to :func:`spikelab.workspace.merge_files` (HDF5-level copies, atomic
rewrite of the target, no rewrite at all when nothing changes). The report adds the keys
that are new in the target, found by comparing its index before and after the merge.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..workspace import merge_files
from ..ondisk import SUFFIX, h5_path
from .inventory import item_keys
from .text import cell, plural, to_json
from .ticker import progress_line

__all__ = ["add_parser", "run", "merge", "as_text"]


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "merge", parents=[common], help="merge workspace files into a target file",
        description="Merge the items of SOURCE files (in order) into TARGET (created if "
                    "missing). Items already in the target are kept unless --overwrite, or "
                    "replaced only when their fingerprints differ with --replace-stale. The "
                    "target is rewritten atomically, and not at all when nothing changes.")
    parser.add_argument("target", help=f"workspace file to merge into (with or without {SUFFIX})")
    parser.add_argument("sources", nargs="+", metavar="source", help="workspace files to merge")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--overwrite", action="store_true",
                      help="replace items the target already has")
    mode.add_argument("--replace-stale", action="store_true",
                      help="replace an item the target has unless both carry the same "
                           "fingerprint (the pipeline's rule)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list the added, replaced and skipped items")
    parser.set_defaults(run=run)


def merge(target: str, sources: list[str], overwrite: bool = False,
          replace_stale: bool = False) -> dict:
    """:func:`merge_files` report plus ``target`` and ``added_keys`` (new in the target)."""
    before = set(item_keys(target))
    name = os.path.basename(h5_path(target))
    with progress_line(f"merging {plural(len(sources), 'file')} into {name}") as progress:
        report = merge_files(target, sources, overwrite=overwrite, replace_stale=replace_stale,
                             progress=progress)
    added = [pair for pair in item_keys(target) if pair not in before]
    return {"target": os.path.abspath(h5_path(target)), **report, "added": len(added),
            "added_keys": added}


def _key_lines(title: str, keys: list) -> list[str]:
    return [f"{title}:"] + [f"  {cell(ns)}/{cell(key)}" for ns, key in keys] if keys else []


def as_text(report: dict, verbose: bool, skip_reason: str) -> list[str]:
    """Totals, one line per source, and with ``verbose`` the keys by outcome."""
    lines = [f"merged {plural(report['merged'], 'item')} into {report['target']}: "
             f"{report['added']} added, {report['replaced']} replaced, "
             f"{report['skipped']} skipped"
             + (f" ({skip_reason})" if report["skipped"] and skip_reason else "")]
    for src in report["sources"]:
        lines.append(f"  from {src['path']}: {src['merged']} merged ({src['replaced']} "
                     f"replacing), {src['skipped']} skipped")
    if not report["written"]:
        lines.append("target unchanged: nothing to merge")
    if verbose:
        lines += (_key_lines("added", report["added_keys"])
                  + _key_lines("replaced", report["replaced_keys"])
                  + _key_lines("skipped", report["skipped_keys"]))
    return lines


def run(args: argparse.Namespace) -> int:
    report = merge(args.target, args.sources, args.overwrite, args.replace_stale)
    if args.json:
        print(to_json(report))
        return 0
    reason = "same fingerprint" if args.replace_stale else "already in the target"
    print("\n".join(as_text(report, args.verbose, reason)))
    return 0
