"""``spikelab verify PATH``: does every item decode and match its stored content hash?

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
from ..workspace.h5file import h5_path
from .text import cell, plural, to_json
from .ticker import elapsed_line

__all__ = ["add_parser", "run", "check", "as_text"]


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "verify", parents=[common], help="check that every item decodes and matches its hash",
        description="Decode every item of a workspace file and recompute the content hash "
                    "and fingerprint of items stored with provenance. Exit 0 if all is "
                    "well, 1 naming the damaged items otherwise, 2 if the file cannot be "
                    "checked.")
    parser.add_argument("path", help="workspace file (with or without .h5)")
    parser.set_defaults(run=run)


def check(path: str | os.PathLike) -> dict:
    """The ``--json`` document: ``ok``, ``checked``, ``hashed`` and ``problems``.

    A file whose structure is damaged (it cannot be opened or its index cannot be read)
    is one problem with ``namespace`` and ``key`` None.
    """
    target = h5_path(path)
    with elapsed_line(f"verifying {os.path.basename(target)}"):
        try:
            report = verify(target)
        except CorruptWorkspaceError as exc:
            return {"path": target, "ok": False, "checked": 0, "hashed": 0,
                    "problems": [{"namespace": None, "key": None, "problem": str(exc)}]}
    problems = [{"namespace": p.namespace, "key": p.key, "problem": p.problem}
                for p in report.problems]
    return {"path": report.path, "ok": report.ok, "checked": report.checked,
            "hashed": report.hashed, "problems": problems}


def _problem_line(problem: dict) -> str:
    if problem["namespace"] is None:
        return f"  {cell(problem['problem'])}"
    return f"  {cell(problem['namespace'])}/{cell(problem['key'])}: {cell(problem['problem'])}"


def as_text(result: dict) -> list[str]:
    """``ok: ...`` with counts, or ``FAILED: ...`` and one line per bad item."""
    checked, hashed = result["checked"], result["hashed"]
    if result["ok"]:
        line = (f"ok: {result['path']}: {plural(checked, 'item')} decoded, {hashed} with a "
                "matching content hash")
        if checked > hashed:
            line += f" ({checked - hashed} stored without provenance: only decoding checked)"
        return [line]
    bad = len({(p["namespace"], p["key"]) for p in result["problems"]})
    scope = f"{bad} of {plural(checked, 'item')} damaged" if checked else "the file is damaged"
    return [f"FAILED: {result['path']}: {scope}"] + [_problem_line(p)
                                                     for p in result["problems"]]


def run(args: argparse.Namespace) -> int:
    result = check(args.path)
    print(to_json(result) if args.json else "\n".join(as_text(result)))
    return 0 if result["ok"] else 1
