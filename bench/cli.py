"""`spikelab ls` / `info` / `verify` next to what a user without the CLI would run, in one run.

A workspace of ``--items`` arrays of ``--mb`` MB each (float64, stored with provenance so
verify hashes them) is saved once. Then, best of ``--repeat``:

- ``ls``: :func:`spikelab.cli.inventory.read_inventory` (index and dataset headers) next to
  ``AnalysisWorkspace.load(path).describe()`` (ours, reads every item) and the same call
  with spikelab 0.1.2 (the reference, run in its own environment: the one the test suite
  builds and caches, built here if missing, or ``$SPIKELAB_REF_PYTHON``; see
  ``tests/reference_env.py``; ``--no-reference`` skips it);
- ``info``: one item's record next to ``AnalysisWorkspace.load_item`` (reads that item's
  data; the API has no per-item info without loading the workspace);
- ``verify``: the CLI's check (decode + sha256 of every hashed item) next to a naive
  ``AnalysisWorkspace.load`` (decode only, no hashing).

The page cache is warm for every variant (the file was just written), so the listing's
advantage shown here is the least it will be; on a cold cache or network storage reading
the data costs far more.

    .venv/bin/python bench/cli.py [--items 40] [--mb 8] [--repeat 3] [--no-reference]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

from _timing import best_of  # bench/ is the script's directory, so on sys.path
from spikelab import AnalysisWorkspace
from spikelab.cli.inventory import read_inventory, read_item
from spikelab.cli.verify import check

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: tests.reference_env
from tests.reference_env import (ReferenceUnavailable, reference_python,  # noqa: E402
                                 run_reference)

_REFERENCE_LS = """
import sys, time
from spikelab.workspace import AnalysisWorkspace
best = float("inf")
for _ in range(int(sys.argv[2])):
    t0 = time.perf_counter()
    AnalysisWorkspace.load(sys.argv[1]).describe()
    best = min(best, time.perf_counter() - t0)
print(best)
"""


def build(path: str, items: int, mb: float) -> None:
    rng = np.random.default_rng(0)
    n = int(mb * 2**20 / 8)
    ws = AnalysisWorkspace(name="bench")
    for i in range(items):
        ws.store("rec", f"item_{i:03d}", rng.standard_normal(n),
                 provenance={"step": "bench", "params": {"i": i}})
    ws.save(path)


def find_reference(wanted: bool) -> Path | None:
    """The 0.1.2 interpreter, or None (with the reason printed) when it cannot be had."""
    if not wanted:
        return None
    try:
        return reference_python(report=print)
    except ReferenceUnavailable as exc:
        print(f"no spikelab 0.1.2 reference: {exc}")
        return None


def reference_ls(python: Path | None, path: str, repeat: int) -> float | None:
    if python is None:
        return None
    base = path[:-3] if path.endswith(".h5") else path  # 0.1.2's load appends ".h5"
    return float(run_reference(python, ["-c", _REFERENCE_LS, base, str(repeat)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--mb", type=float, default=8.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-reference", action="store_true",
                        help="skip the spikelab 0.1.2 row (no reference environment)")
    args = parser.parse_args()
    reference = find_reference(not args.no_reference)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ws.h5")
        build(path, args.items, args.mb)
        size = os.path.getsize(path) / 2**20
        print(f"workspace: {args.items} items x {args.mb:g} MB = {size:.0f} MiB file")
        rows = [
            ("ls: spikelab ls (index only)", best_of(lambda: read_inventory(path), args.repeat)),
            (
                "ls: AnalysisWorkspace.load().describe()",
                best_of(lambda: AnalysisWorkspace.load(path).describe(), args.repeat),
            ),
            (
                "ls: 0.1.2 AnalysisWorkspace.load().describe()",
                reference_ls(reference, path, args.repeat),
            ),
            (
                "info: spikelab info (one item)",
                best_of(lambda: read_item(path, "rec", "item_000"), args.repeat),
            ),
            (
                "info: AnalysisWorkspace.load_item (one item)",
                best_of(lambda: AnalysisWorkspace.load_item(path, "rec", "item_000"), args.repeat),
            ),
            (
                "verify: spikelab verify (decode + sha256)",
                best_of(lambda: check(path), args.repeat),
            ),
            (
                "verify: AnalysisWorkspace.load (decode only)",
                best_of(lambda: AnalysisWorkspace.load(path), args.repeat),
            ),
        ]
        for label, seconds in rows:
            shown = "n/a (no 0.1.2 reference)" if seconds is None else f"{seconds * 1e3:10.1f} ms"
            print(f"  {label:<48} {shown}")


if __name__ == "__main__":
    main()
