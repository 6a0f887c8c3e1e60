"""Timing helpers shared by the benchmark scripts (run as ``python bench/<name>.py``)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Shortest wall time (s) of ``repeat`` calls: the least disturbed by other processes."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def interleaved(cases: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Best wall time (s) of each case, running the cases in turn ``repeat`` times.

    Interleaving keeps ours and the baseline under the same machine conditions (other
    processes, page cache) instead of timing one after the other, and ``os.sync()`` before
    each case (not timed) stops one case's dirty pages from slowing the next one down.
    """
    best = {name: float("inf") for name in cases}
    for _ in range(repeat):
        for name, fn in cases.items():
            os.sync()
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return best
