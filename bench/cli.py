"""`spikelab ls` / `info` / `verify` next to what a user without the CLI would run, in one run.

A workspace of ``--items`` arrays of ``--mb`` MB each (float64, stored with provenance so
verify hashes them) is saved once. Then, best of ``--repeat``:

- ``ls``: :func:`spikelab.cli.inventory.read_inventory` (index and dataset headers) next to
  ``AnalysisWorkspace.load(path).describe()`` (ours, reads every item) and the same call
  with spikelab 0.1.2 (the reference, run in its own venv when present);
- ``info``: one item's record next to ``AnalysisWorkspace.load_item`` (reads that item's
  data; the API has no per-item info without loading the workspace);
- ``verify``: the CLI's check (decode + sha256 of every hashed item) next to a naive
  ``AnalysisWorkspace.load`` (decode only, no hashing).

The page cache is warm for every variant (the file was just written), so the listing's
advantage shown here is the least it will be; on a cold cache or network storage reading
the data costs far more.

    .venv/bin/python bench/cli.py [--items 40] [--mb 8] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time

import numpy as np

from _timing import best_of  # bench/ is the script's directory, so on sys.path
from spikelab import AnalysisWorkspace
from spikelab.cli.inventory import read_inventory, read_item
from spikelab.cli.verify import check

REFERENCE_PYTHON = "/work/refvenv/bin/python"
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


def reference_ls(path: str, repeat: int) -> float | None:
    if not os.path.exists(REFERENCE_PYTHON):
        return None
    done = subprocess.run([REFERENCE_PYTHON, "-c", _REFERENCE_LS, path, str(repeat)],
                          capture_output=True, text=True, check=True)
    return float(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--mb", type=float, default=8.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ws.h5")
        build(path, args.items, args.mb)
        size = os.path.getsize(path) / 2**20
        print(f"workspace: {args.items} items x {args.mb:g} MB = {size:.0f} MiB file")
        rows = [
            ("ls: spikelab ls (index only)", best_of(lambda: read_inventory(path), args.repeat)),
            ("ls: AnalysisWorkspace.load().describe()",
             best_of(lambda: AnalysisWorkspace.load(path).describe(), args.repeat)),
            ("ls: 0.1.2 AnalysisWorkspace.load().describe()", reference_ls(path, args.repeat)),
            ("info: spikelab info (one item)",
             best_of(lambda: read_item(path, "rec", "item_000"), args.repeat)),
            ("info: AnalysisWorkspace.load_item (one item)",
             best_of(lambda: AnalysisWorkspace.load_item(path, "rec", "item_000"), args.repeat)),
            ("verify: spikelab verify (decode + sha256)", best_of(lambda: check(path), args.repeat)),
            ("verify: AnalysisWorkspace.load (decode only)",
             best_of(lambda: AnalysisWorkspace.load(path), args.repeat)),
        ]
        for label, seconds in rows:
            shown = "n/a (no 0.1.2 venv)" if seconds is None else f"{seconds * 1e3:10.1f} ms"
            print(f"  {label:<48} {shown}")


if __name__ == "__main__":
    main()
