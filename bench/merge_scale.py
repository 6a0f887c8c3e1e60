"""Benchmark ``merge_files`` at lab scale: adding results costs the new bytes.

Usage::

    python bench/merge_scale.py                       # 0.5, 1, 2, 4 GiB; 1,000 parts
    python bench/merge_scale.py --sizes 0.1 0.2 --parts 200   # quick check of the script
    python bench/merge_scale.py --sizes                # only the 1,000-parts rows

Needs about the largest size plus 1 GiB of free disk in ``--dir`` (default: system temp);
everything is deleted at the end. Rows (best of ``--repeat``, ours and the reference in
turn, same run):

- for a merged workspace of each size (one namespace of 128 MiB per recording): adding an
  8 MiB part (a new recording) with ``merge_files``, next to writing that part alone
  (``AnalysisWorkspace.save``; goal: <= 3x at every size), and the bytes the merge added
  on disk (goal: the part plus the root, not a second copy);
- at the largest size: replacing one stale 16 MiB item with ``merge_files(...,
  replace_stale=True)``, next to writing its recording's namespace alone (goal: <=);
- 1,000 small parts (100 recordings x 10 steps): merging them into a new workspace (goal
  <= 3 s), next to raw h5py copying their groups into one file; merging them again when
  all are present (no-op, goal <= 1 s: the target remembers its sources, see
  ``spikelab.workspace.merge.sourcememo``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile

import h5py
import numpy as np

from _timing import interleaved  # bench/ is the script's directory, so on sys.path
from spikelab import AnalysisWorkspace
from spikelab.workspace import merge_files
from spikelab.workspace.shards import shard_dir

MiB = 2**20
NS_BYTES = 128 * MiB  # one recording: ~100 units x 750 bins x 200 bursts x 8 bytes
ITEM_BYTES = 16 * MiB


def _arrays(seed: int, total: int, item: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.random(item // 8) for _ in range(max(1, total // item))]


def save_part(path: str, ns: str, arrays: list[np.ndarray], seed: int = 0,
              keys: list[str] | None = None) -> None:
    """A part workspace: ``arrays`` in namespace ``ns`` (keys ``item<i>`` unless given),
    stored with provenance."""
    ws = AnalysisWorkspace()
    for i, arr in enumerate(arrays):
        key = keys[i] if keys else f"item{i}"
        ws.store(ns, key, arr, provenance={"step": key, "params": {"seed": seed}})
    ws.save(path)


def disk_bytes(root: str) -> int:
    """Bytes of the merged workspace on disk: root, sidecar and shard folder."""
    total = sum(os.path.getsize(p) for p in (root, root[:-3] + ".json") if os.path.exists(p))
    folder = shard_dir(root)
    if os.path.isdir(folder):
        total += sum(e.stat().st_size for e in os.scandir(folder))
    return total


def grow(work: str, target: str, namespaces: range) -> None:
    """Add one 128 MiB recording per namespace index to ``target`` (parts deleted after)."""
    for n in namespaces:
        part = os.path.join(work, f"grow{n}")
        save_part(part, f"R{n:03d}", _arrays(n, NS_BYTES, ITEM_BYTES), seed=n)
        merge_files(target, [part], replace_stale=True)
        os.remove(part + ".h5")
        os.remove(part + ".json")


def adding(work: str, target: str, size: float, repeat: int, counter) -> dict:
    """Add an 8 MiB part to ``target`` vs save that part alone; bytes added on disk."""
    part_arrays = _arrays(1000, 8 * MiB, 2 * MiB)
    added = []

    def merge_new_part():
        n = next(counter)
        part = os.path.join(work, f"add{n}")
        save_part(part, f"new{n:04d}", part_arrays)  # not timed: made before, see below
        before = disk_bytes(target)
        return part, before

    prepared = []

    def ours():
        part, before = prepared.pop()
        merge_files(target, [part], replace_stale=True)
        added.append(disk_bytes(target) - before)

    def reference():
        save_part(os.path.join(work, f"alone{next(counter)}"), "alone", part_arrays)

    for _ in range(repeat):
        prepared.append(merge_new_part())
    times = interleaved({f"{size:g} GiB: merge_files adding 8 MiB part": ours,
                         f"{size:g} GiB: save of the part alone": reference}, repeat)
    times["added bytes"] = min(added)
    return times


def replacing(work: str, target: str, repeat: int, counter) -> dict:
    """Replace one stale 16 MiB item of recording R000 vs write R000's namespace alone."""
    namespace = _arrays(0, NS_BYTES, ITEM_BYTES)

    def ours():
        n = next(counter)
        part = os.path.join(work, f"stale{n}")
        ws = AnalysisWorkspace()
        ws.store("R000", "item0", namespace[0] + n, provenance={"step": "item0",
                                                                "params": {"seed": -n}})
        ws.save(part)
        merge_files(target, [part], replace_stale=True)

    def reference():
        save_part(os.path.join(work, f"ns{next(counter)}"), "R000", namespace)

    return interleaved({"replace 1 stale item: merge_files": ours,
                        "write its namespace alone (save)": reference}, repeat)


def many_parts(work: str, n_parts: int, repeat: int, counter) -> dict:
    """1,000 small parts: merge into a new workspace, raw h5py copy, no-op re-merge."""
    folder = os.path.join(work, "parts")
    os.makedirs(folder)
    parts = []
    for i in range(n_parts):
        path = os.path.join(folder, f"p{i}")
        save_part(path, f"rec{i // 10:03d}", [np.full(64, float(i))], seed=i,
                  keys=[f"step{i % 10}"])
        parts.append(path)

    def ours():
        merge_files(os.path.join(work, f"many{next(counter)}"), parts, replace_stale=True)

    def raw():
        with h5py.File(os.path.join(work, f"raw{next(counter)}.h5"), "w") as out:
            for path in parts:
                with h5py.File(path + ".h5", "r") as f:
                    for ns in f:
                        if ns.startswith("__"):
                            continue
                        group = out.require_group(ns)
                        for key in f[ns]:
                            f.copy(f[ns][key], group, name=key)

    times = interleaved({f"merge {n_parts} small parts into a new workspace": ours,
                         f"raw h5py copy of {n_parts} parts into one file": raw}, repeat)
    merged = os.path.join(work, "many-noop")
    merge_files(merged, parts, replace_stale=True)
    times.update(interleaved({f"no-op re-merge of {n_parts} parts": lambda: merge_files(
        merged, parts, replace_stale=True)}, repeat))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="*", default=[0.5, 1, 2, 4],
                        help="merged workspace sizes (GiB); none: only the many-parts rows")
    parser.add_argument("--parts", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default=None, help="where to write (default: system temp)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(dir=args.dir, prefix="spikelab-bench-scale-")
    counter = iter(range(10**6))
    rows: list[tuple[str, str]] = []
    try:
        target = os.path.join(work, "merged.h5")
        have = 0
        for size in sorted(args.sizes):
            want = max(1, round(size * 1024 * MiB / NS_BYTES))
            grow(work, target, range(have, want))
            have = want
            t = adding(work, target, size, args.repeat, counter)
            ours, ref = list(t)[:2]
            rows += [(ours, f"{t[ours]:8.3f} s"), (ref, f"{t[ref]:8.3f} s"),
                     (f"{size:g} GiB: ratio", f"{t[ours] / t[ref]:8.2f} x  (goal <= 3x)"),
                     (f"{size:g} GiB: bytes the merge added",
                      f"{t['added bytes'] / MiB:8.1f} MiB for an 8.0 MiB part "
                      f"(workspace {disk_bytes(target) / 2**30:.2f} GiB)")]
        if args.sizes:
            t = replacing(work, target, args.repeat, counter)
            rows += [(k, f"{v:8.3f} s") for k, v in t.items()]
        shutil.rmtree(work)
        os.makedirs(work)
        t = many_parts(work, args.parts, args.repeat, counter)
        goals = {0: "(goal <= 3 s)", 2: "(goal <= 1 s)"}
        rows += [(k, f"{v:8.3f} s {goals.get(i, '')}") for i, (k, v) in enumerate(t.items())]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"merge_files at scale, best of {args.repeat} (ours next to the reference, same run)")
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    main()
