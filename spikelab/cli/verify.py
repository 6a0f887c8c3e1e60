"""``spikelab verify PATH``: is every item intact (checksums), decodable, and matching its
recorded content hash?

Exit status: 0 when every item is sound, 1 when an item (or the file's structure) is
damaged, 2 when the file cannot be checked at all (missing, not a workspace, newer format;
reported by :mod:`spikelab.cli.main` like every other error).
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..errors import CorruptWorkspaceError
from ..workspace import verify
from ..ondisk import SUFFIX, h5_path
from .status import DAMAGED, OK
from .text import cell, plural, to_json
from .ticker import progress_line

__all__ = ["add_parser", "run", "check", "as_text"]


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "verify", parents=[common],
        help="check that every item is intact (checksums), decodes and matches its hash",
        description="Check every item of a workspace file against its checksums (all data "
                    "is read), decode it, and recompute the content hash and fingerprint of "
                    "items stored with provenance. Exit 0 if all is well, 1 naming the "
                    "damaged items otherwise, 2 if the file cannot be checked.")
    parser.add_argument("path", help=f"workspace file (with or without {SUFFIX})")
    parser.set_defaults(run=run)


def check(path: str | os.PathLike) -> dict:
    """The ``--json`` document: ``ok``, ``checked``, ``sealed``, ``hashed``, ``shards``
    (shard files of a sharded workspace, else 0) and ``problems``.

    A problem of the file rather than of an item (it cannot be opened, its structure or its
    index is damaged) has ``namespace`` and ``key`` None.
    """
    target = h5_path(path)
    with progress_line(f"verifying {os.path.basename(target)}") as progress:
        try:
            report = verify(target, progress=progress)
        except CorruptWorkspaceError as exc:
            return {
                "path": target,
                "ok": False,
                "checked": 0,
                "sealed": 0,
                "hashed": 0,
                "shards": 0,
                "problems": [{"namespace": None, "key": None, "problem": str(exc)}],
            }
    problems = [{"namespace": None, "key": None, "problem": p} for p in report.file_problems]
    problems += [{"namespace": p.namespace, "key": p.key, "problem": p.problem}
                 for p in report.problems]
    return {"path": report.path, "ok": report.ok, "checked": report.checked,
            "sealed": report.sealed, "hashed": report.hashed, "shards": report.shards,
            "problems": problems}


def _problem_line(problem: dict) -> str:
    if problem["namespace"] is None:
        return f"  {cell(problem['problem'])}"
    return f"  {cell(problem['namespace'])}/{cell(problem['key'])}: {cell(problem['problem'])}"


def as_text(result: dict) -> list[str]:
    """``ok: ...`` with counts, or ``FAILED: ...`` and one line per problem."""
    checked, sealed, hashed = result["checked"], result["sealed"], result["hashed"]
    if result["ok"]:
        line = f"ok: {result['path']}: {plural(checked, 'item')} decoded"
        if sealed == checked:
            line += " and matching their checksums"
        else:
            line += (f", {sealed} matching their checksums ({checked - sealed} without "
                     "checksums, written by spikelab 0.1.2 or another tool: only decoding "
                     "checked)")
        if hashed:
            line += f"; {hashed} with a matching content hash"
        if result["shards"]:
            line += f" (sharded: {plural(result['shards'], 'shard file')})"
        return [line]
    bad = len({(p["namespace"], p["key"]) for p in result["problems"] if p["key"] is not None})
    scope = f"{bad} of {plural(checked, 'item')} damaged" if bad else "the file is damaged"
    return [f"FAILED: {result['path']}: {scope}"] + [_problem_line(p)
                                                     for p in result["problems"]]


def run(args: argparse.Namespace) -> int:
    result = check(args.path)
    print(to_json(result) if args.json else "\n".join(as_text(result)))
    return OK if result["ok"] else DAMAGED
