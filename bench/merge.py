"""Benchmark file merges and the lazy workspace against plain file copies / raw h5py.

Usage::

    python bench/merge.py                  # two ~1 GB workspaces of 500 items each
    python bench/merge.py --size-mb 100    # smaller, to check the script works

Rows (best of ``--repeat`` rounds, ours and the baseline in turn):

- ``merge_files`` of the two workspaces into a new file, next to ``shutil.copyfile`` (and
  fsync, as the merge's atomic write does) of the same two files: the bytes that must be
  moved either way;
- ``merge_files`` again when all 1000 items are already present with the same
  fingerprint (``replace_stale=True``: nothing is copied or rewritten; goal <= 1 s);
- lazy ``store`` / ``get`` of 100 arrays next to raw h5py ``create_dataset`` / read.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile

import h5py
import numpy as np

from _timing import interleaved  # bench/ is the script's directory, so on sys.path
from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace
from spikelab.workspace import merge_files
from spikelab.atomicfile import fsync_path



def make_part(path: str, tag: str, items: int, item_bytes: int) -> None:
    """A workspace of ``items`` float64 arrays stored with provenance (fingerprints)."""
    rng = np.random.default_rng(hash(tag) % 2**32)
    ws = AnalysisWorkspace(name=tag)
    for i in range(items):
        ns = f"{tag}{i % 10}"
        ws.store(ns, f"item{i}", rng.random(item_bytes // 8),
                 provenance={"step": "bench", "params": {"i": i}, "inputs": tag})
    ws.save(path)


def lazy_cases(work: str, arrays: list[np.ndarray]) -> dict:
    def lazy_store_get():
        with LazyAnalysisWorkspace(dir=work) as ws:
            for i, arr in enumerate(arrays):
                ws.store("ns", f"a{i}", arr)
            for i in range(len(arrays)):
                ws.get("ns", f"a{i}")

    def raw_store_get():
        path = os.path.join(work, "raw-lazy.h5")
        with h5py.File(path, "w") as f:
            for i, arr in enumerate(arrays):
                f.create_dataset(f"a{i}", data=arr)
            for i in range(len(arrays)):
                f[f"a{i}"][()]
        os.remove(path)

    return {"lazy store + get (ours)": lazy_store_get, "raw h5py write + read": raw_store_get}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=1000.0, help="size of each workspace")
    parser.add_argument("--items", type=int, default=500, help="items per workspace")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default=None, help="where to write (default: system temp)")
    args = parser.parse_args()
    item_bytes = int(args.size_mb * 2**20 / args.items)

    work = tempfile.mkdtemp(dir=args.dir, prefix="spikelab-bench-")
    try:
        parts = [os.path.join(work, tag) for tag in ("A", "B")]
        for path, tag in zip(parts, ("A", "B"), strict=True):
            make_part(path, tag, args.items, item_bytes)
        rounds = iter(range(10**6))

        def fresh_merge():  # a new target each round: no unlink of the last one timed
            merge_files(os.path.join(work, f"merged{next(rounds)}"), parts)

        def plain_copy():  # with fsync, as the merge's atomic write has one
            n = next(rounds)
            for i, src in enumerate(parts):
                dst = os.path.join(work, f"copy{n}-{i}.h5")
                shutil.copyfile(src + ".h5", dst)
                fsync_path(dst)

        t = interleaved({"merge_files into a new file": fresh_merge,
                         "plain copy (+fsync) of the files": plain_copy}, args.repeat)
        merged = os.path.join(work, "merged0")
        report = merge_files(merged, parts, replace_stale=True)
        assert report["skipped"] == 2 * args.items and not report["written"]
        t.update(interleaved({"merge_files, all items present": lambda: merge_files(
            merged, parts, replace_stale=True)}, args.repeat))
        arrays = [np.random.default_rng(i).random(item_bytes // 8) for i in range(100)]
        t.update(interleaved(lazy_cases(work, arrays), args.repeat))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    total = 2 * args.items * item_bytes / 2**20
    print(f"merge benchmark: 2 workspaces x {args.items} items ({total:.0f} MB), "
          f"best of {args.repeat}")
    for name, seconds in t.items():
        print(f"  {name:<34} {seconds * 1000:10.1f} ms")
    ratio = t["merge_files into a new file"] / t["plain copy (+fsync) of the files"]
    print(f"  merge / plain copy = {ratio:.2f}x")
    print(f"  no-op merge of {2 * args.items} present items = "
          f"{t['merge_files, all items present']:.2f} s (goal <= 1 s)")
    lazy_mb = 100 * item_bytes / 2**20
    print(f"  lazy store+get {lazy_mb / t['lazy store + get (ours)']:.0f} MB/s vs raw h5py "
          f"{lazy_mb / t['raw h5py write + read']:.0f} MB/s")


if __name__ == "__main__":
    main()
