"""Benchmark workspace save / load / load_item / verify against raw h5py on the same data.

Usage::

    python bench/workspace.py               # ~1 GB: 20 arrays + 5 SpikeData (100 units, 600 s)
    python bench/workspace.py --size-mb 100 # smaller, to check the script works

The raw h5py baseline writes the same arrays (and each SpikeData as its flat spike times
and offsets) into one file and reads them back, keeping them in memory as ``load`` does
(also shown: dropping each array as soon as it is read). Our ``save`` also fsyncs the file (crash
safety), so the baseline is shown with and without an fsync; the goal compares with the
fsynced baseline (same durability). Each figure is the best of ``--repeat`` rounds in which
ours and the baseline run in turn, so both see the same machine load and page cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile

import h5py
import numpy as np

from _timing import interleaved  # bench/ is the script's directory, so on sys.path
from spikelab import AnalysisWorkspace, SpikeData
from spikelab.workspace import verify
from spikelab.atomicfile import fsync_path


def make_data(size_mb: float, seed: int = 0) -> tuple[dict, list[SpikeData]]:
    """20 float64 arrays totalling ``size_mb`` MB, and 5 recordings of 100 units x 600 s."""
    rng = np.random.default_rng(seed)
    n = int(size_mb * 2**20 / 8 / 20)
    arrays = {f"array{i:02d}": rng.random(n) for i in range(20)}
    recordings = []
    for r in range(5):
        trains = [np.sort(rng.uniform(0, 600_000.0, rng.poisson(5 * 600))) for _ in range(100)]
        recordings.append(SpikeData(trains, length=600_000.0, metadata={"rec": r}))
    return arrays, recordings



def raw_write(path: str, arrays: dict, recordings: list, fsync: bool) -> None:
    with h5py.File(path, "w") as f:
        for name, arr in arrays.items():
            f.create_dataset(name, data=arr)
        for i, sd in enumerate(recordings):
            g = f.create_group(f"sd{i}")
            g.create_dataset("spike_times", data=np.concatenate(sd.train))
            g.create_dataset("spike_times_index", data=np.cumsum([t.size for t in sd.train]))
    if fsync:
        fsync_path(path)


def raw_read(path: str, keep: bool = True) -> list[np.ndarray]:
    """Read every array of ``path``; ``keep``: hold them all until the end, as ``load``
    does (what it returns holds them).

    Dropping each array at once lets the next read reuse its memory, which on some machines
    (virtual ones returning freed memory to their host) is far cheaper than the fresh
    memory a load needs: both rows are printed, the goal compares with the one doing the
    same work.
    """
    kept = []
    with h5py.File(path, "r") as f:
        for name in f:
            obj = f[name]
            if isinstance(obj, h5py.Dataset):
                arrays = [obj[()]]
            else:
                arrays = [obj["spike_times"][()], obj["spike_times_index"][()]]
            if keep:
                kept += arrays
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=1000.0, help="total array size (MB)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", default=None, help="where to write (default: system temp)")
    args = parser.parse_args()

    arrays, recordings = make_data(args.size_mb)
    ws = AnalysisWorkspace(name="bench")
    for name, arr in arrays.items():
        ws.store("arrays", name, arr)
    for i, sd in enumerate(recordings):
        ws.store("recordings", f"sd{i}", sd)
    ws.store("meta", "small", {"n_arrays": 20, "note": "a small item"})
    total = sum(a.nbytes for a in arrays.values()) + sum(
        sum(t.nbytes for t in sd.train) for sd in recordings)

    work = tempfile.mkdtemp(dir=args.dir, prefix="spikelab-bench-")
    try:
        ours_path, raw_path = os.path.join(work, "ws"), os.path.join(work, "raw.h5")
        t = interleaved({
            "save (ours, atomic + fsync)": lambda: ws.save(ours_path),
            "raw h5py write + fsync": lambda: raw_write(raw_path, arrays, recordings, True),
            "raw h5py write (no fsync)": lambda: raw_write(raw_path, arrays, recordings, False),
        }, args.repeat)
        t.update(interleaved({
            "load (ours, everything)": lambda: AnalysisWorkspace.load(ours_path),
            "raw h5py read": lambda: raw_read(raw_path),
            "raw h5py read, each array dropped": lambda: raw_read(raw_path, keep=False),
            "verify (ours, every checksum)": lambda: verify(ours_path),
        }, args.repeat))
        t.update(interleaved({
            "load_item (ours, one small item)":
                lambda: AnalysisWorkspace.load_item(ours_path, "meta", "small"),
        }, 20))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"workspace benchmark: {total / 2**20:.0f} MB in 20 arrays + 5 SpikeData "
          f"(100 units, 600 s, 5 Hz), best of {args.repeat}")
    for name, seconds in t.items():
        print(f"  {name:<36} {seconds * 1000:10.1f} ms  {total / 2**20 / seconds:8.0f} MB/s")
    save_ratio = t["save (ours, atomic + fsync)"] / t["raw h5py write + fsync"]
    load_ratio = t["load (ours, everything)"] / t["raw h5py read"]
    item_ms = t["load_item (ours, one small item)"] * 1000
    print(f"  save / raw write+fsync = {save_ratio:.2f}x (goal <= 1.3x); vs raw without fsync "
          f"{t['save (ours, atomic + fsync)'] / t['raw h5py write (no fsync)']:.2f}x")
    print(f"  load / raw read        = {load_ratio:.2f}x (goal <= 1.3x)")
    print(f"  verify / raw read      = "
          f"{t['verify (ours, every checksum)'] / t['raw h5py read']:.2f}x (reads the data "
          "once, checksums checked as it is decoded; items with provenance once more, for "
          "their content hash)")
    print(f"  load_item              = {item_ms:.1f} ms (goal <= 20 ms)")


if __name__ == "__main__":
    main()
