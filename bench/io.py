"""Recording loaders: our load time next to reading the raw arrays alone, in one run.

A simulated culture of 500 units x 1 h (~3.7 M spikes) is written as NWB, as a Phy folder
and as npz; each is loaded with ``load_recording`` and, as the floor, its spike arrays are
read with h5py / numpy alone and split into per-unit trains (the least any loader must do).

    .venv/bin/python bench/io.py [--units 500] [--seconds 3600] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

from _timing import best_of  # bench/ is the script's directory, so on sys.path
from spikelab.io import load_recording, save_npz, save_nwb, save_phy
from spikelab.simulate import culture

FS_HZ = 30000.0



def raw_nwb(path: Path) -> list[np.ndarray]:
    with h5py.File(path, "r") as f:
        times = f["units/spike_times"][:] * 1e3
        ends = f["units/spike_times_index"][:]
    return np.split(times, ends[:-1])


def raw_phy(folder: Path) -> list[np.ndarray]:
    samples = np.load(folder / "spike_times.npy")
    clusters = np.load(folder / "spike_clusters.npy")
    order = np.argsort(clusters, kind="stable")
    bounds = np.flatnonzero(np.diff(clusters[order])) + 1
    return np.split(samples[order] * (1000.0 / FS_HZ), bounds)


def raw_npz(path: Path) -> list[np.ndarray]:
    with np.load(path) as z:
        return np.split(z["spike_times"], z["spike_times_index"][:-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=500)
    ap.add_argument("--seconds", type=float, default=3600.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    t0 = time.perf_counter()
    sd = culture(args.units, args.seconds, burst_rate_hz=0.2, seed=0)
    n_spikes = sum(t.size for t in sd.train)
    print(f"simulate.culture({args.units} units, {args.seconds:.0f} s): "
          f"{time.perf_counter() - t0:.2f} s, {n_spikes:,} spikes")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cases = [("nwb", root / "rec.nwb", save_nwb, raw_nwb, "h5py"),
                 ("phy", root / "phy", lambda s, p: save_phy(s, p, FS_HZ), raw_phy, "np.load"),
                 ("npz", root / "rec.npz", save_npz, raw_npz, "np.load")]
        print(f"{'format':6} {'save s':>8} {'load_recording s':>17} {'raw read+split s':>17}"
              f"  ratio  (raw = {', '.join(f'{c[0]}: {c[4]}' for c in cases)})")
        for name, path, save, raw, _ in cases:
            t0 = time.perf_counter()
            save(sd, path)
            saved = time.perf_counter() - t0
            # best_of calls them before the loop moves on: binding the loop variables as
            # defaults only says so.
            ours = best_of(lambda path=path, name=name: load_recording(path, include="all")
                           if name == "phy" else load_recording(path), args.repeat)
            floor = best_of(lambda raw=raw, path=path: raw(path), args.repeat)
            print(f"{name:6} {saved:8.2f} {ours:17.3f} {floor:17.3f}  {ours / floor:5.1f}x")


if __name__ == "__main__":
    main()
