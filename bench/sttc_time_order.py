"""The STTC sweep's time order: numpy's stable sort next to a compiled counting sort.

Usage::

    python bench/sttc_time_order.py            # 500 units x 600 s (a real recording's size)
    python bench/sttc_time_order.py --quick    # 50 units x 60 s

The STTC sweep (:mod:`spikelab.spikedata.sttc`) walks every spike of the recording in time
order.  That order was a numba kernel (a counting sort into ~one bucket per spike, then a
sort inside each bucket); it is now ``np.argsort(kind="stable")``, which costs nothing to
compile (the kernel took ~5 s of CPU to compile, the largest share of the workflow's
compile step).  This script times both on the concatenated trains of one recording, checks
that they give the same permutation, and times the whole STTC matrix next to them, for
scale.  The counting sort is written here (the removed kernel, as it was) and compiled
before timing.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from numba import njit

from _timing import best_of  # bench/ is the script's directory, so on sys.path
from analyses import make_recording
from spikelab.spikedata.sttc import sttc_matrix_of


@njit(cache=False)
def counting_sort_order(flat, length):
    """Permutation sorting all spikes (times in [0, length]) by time, in O(n)."""
    n = flat.size
    n_buckets = max(n, 1)
    width = length / n_buckets if length > 0 else 1.0
    bucket = np.empty(n, dtype=np.int64)
    starts = np.zeros(n_buckets + 1, dtype=np.int64)
    for s in range(n):
        bucket[s] = min(np.int64(flat[s] / width), n_buckets - 1)
        starts[bucket[s] + 1] += 1
    for k in range(n_buckets):
        starts[k + 1] += starts[k]
    fill = starts[:-1].copy()
    order = np.empty(n, dtype=np.int64)
    for s in range(n):
        order[fill[bucket[s]]] = s
        fill[bucket[s]] += 1
    for k in range(n_buckets):
        a, b = starts[k], starts[k + 1]
        if b - a > 32:
            order[a:b] = order[a:b][np.argsort(flat[order[a:b]], kind="mergesort")]
        else:
            for i in range(a + 1, b):
                item = order[i]
                j = i - 1
                while j >= a and flat[order[j]] > flat[item]:
                    order[j + 1] = order[j]
                    j -= 1
                order[j + 1] = item
    return order


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50 units x 60 s")
    args = parser.parse_args()
    n_units, seconds = (50, 60) if args.quick else (500, 600)
    sd = make_recording(n_units, seconds * 1000.0)
    flat = np.concatenate(sd.train)  # as the sweep sees them: unit after unit, each sorted
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} "
          "(shared with other work: wall times include waiting for a CPU)")
    print(f"{n_units} units x {seconds} s, {flat.size} spikes; best of 5, seconds")

    started = time.process_time()
    counting_sort_order(flat[:10], sd.length)
    compile_cpu = time.process_time() - started
    ours = np.argsort(flat, kind="stable")
    assert np.array_equal(ours, counting_sort_order(flat, sd.length)), "the orders differ"

    rows = [("np.argsort(kind='stable') (spikelab)",
             best_of(lambda: np.argsort(flat, kind="stable"), 5)),
            ("compiled counting sort (the old kernel)",
             best_of(lambda: counting_sort_order(flat, sd.length), 5)),
            ("whole STTC matrix, delt 20 ms (for scale)",
             best_of(lambda: sttc_matrix_of(sd.train, sd.start_time, sd.length, 20.0), 3))]
    for name, secs in rows:
        print(f"  {name:44s} {secs:8.4f}")
    print(f"  {'compiling the counting sort (CPU)':44s} {compile_cpu:8.2f}")
    print("same permutation: yes")


if __name__ == "__main__":
    main()
