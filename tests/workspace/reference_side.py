"""The 0.1.2 side of the compatibility checks: run by the reference interpreter, not pytest.

    python -I reference_side.py write DIR       # 0.1.2 writes DIR/eager.h5, DIR/lazy.h5 (+ .json)
    python -I reference_side.py read PATH...    # 0.1.2 reads workspaces written here

``write`` stores the cases of ``compat_items`` (direction "reference-writes") with 0.1.2's
``AnalysisWorkspace`` and its ``LazyAnalysisWorkspace``, saves each, and reads both back, so
the cases' claims about 0.1.2 are checked against 0.1.2 itself. ``read`` checks the cases of
direction "written-here" in each file. Either way one JSON report goes to stdout:

    {"version": ..., "module": ..., "files": {path: {"name", "keys", "notes", "mismatches"}}}

``keys`` is what 0.1.2 lists (namespace -> keys, in its order), ``notes`` maps
``"ns/key"`` to its note, and ``mismatches`` maps ``"ns/key"`` (plus ``" (load_item)"`` for
the single-item reader) to the first difference from the case's expected object, or to the
error 0.1.2 raised. Empty ``mismatches``: 0.1.2 read every item exactly as expected.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import sys

# The cases and the equality helper live next to this file; appended, so nothing here can
# shadow the 0.1.2 package (-I already keeps the working directory and PYTHONPATH out).
sys.path.append(os.path.dirname(os.path.abspath(__file__)))

import spikelab  # noqa: E402
from compat_items import (NAME, REFERENCE_WRITES, WRITTEN_HERE, cases,  # noqa: E402
                          store_cases)
from spikelab.workspace import AnalysisWorkspace, LazyAnalysisWorkspace  # noqa: E402
from ws_equality import assert_same  # noqa: E402


def _difference(read, expected, where: str) -> str | None:
    try:
        assert_same(read(), expected, where)
    except Exception as exc:  # a mismatch, or 0.1.2 failing to read: both are findings
        return f"{type(exc).__name__}: {exc}"
    return None


def read_file(path: str, direction: str) -> dict:
    """What 0.1.2 makes of the workspace at ``path`` (see the module docstring)."""
    path = path[:-3] if path.endswith(".h5") else path  # 0.1.2's load appends ".h5"
    ws = AnalysisWorkspace.load(path)
    mismatches, notes = {}, {}
    for case in cases(direction):
        where = f"{case.namespace}/{case.key}"
        info = ws.get_info(case.namespace, case.key) or {}
        if info.get("note") is not None:
            notes[where] = info["note"]
        found = _difference(lambda case=case: ws.get(case.namespace, case.key), case.expected,
                            where)
        if found:
            mismatches[where] = found
        found = _difference(
            lambda case=case: AnalysisWorkspace.load_item(path, case.namespace, case.key),
            case.expected, where)
        if found:
            mismatches[f"{where} (load_item)"] = found
    return {"name": ws.name, "keys": ws.list_keys(), "notes": notes, "mismatches": mismatches}


def write_files(directory: str) -> list[str]:
    """0.1.2 saves the reference-writes cases with each of its two workspaces; the .h5 paths."""
    paths = []
    for label, kind in (("eager", AnalysisWorkspace), ("lazy", LazyAnalysisWorkspace)):
        ws = store_cases(kind(name=NAME), cases(REFERENCE_WRITES))
        path = os.path.join(directory, label)
        ws.save(path)  # writes label.h5 and label.json
        if hasattr(ws, "close"):
            ws.close()
        paths.append(path + ".h5")
    return paths


def main(argv: list[str]) -> None:
    command, args = argv[0], argv[1:]
    if command == "write":
        files = {p: read_file(p, REFERENCE_WRITES) for p in write_files(args[0])}
    elif command == "read":
        files = {p: read_file(p, WRITTEN_HERE) for p in args}
    else:
        raise SystemExit(f"unknown command {command!r}; valid: write, read")
    print(json.dumps({"version": importlib.metadata.version("spikelab"),
                      "module": spikelab.__file__, "files": files}))


if __name__ == "__main__":
    main(sys.argv[1:])
