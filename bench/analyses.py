"""Benchmark the analyses against naive implementations measured in the same run.

Usage::

    python bench/analyses.py            # full sizes of the targets (about a minute)
    python bench/analyses.py --quick    # small sizes, to check the script works

Data: Poisson units at 5 Hz plus network bursts about every 3 s (each unit fires a few
spikes around each burst centre).  Every row times spikelab after a warm-up call (numba
compiles once and caches) next to a naive implementation written here, the way spikelab
0.1.2 computes the same numbers: pair by pair in Python / numpy, or over the whole
recording.  Where the naive version would take minutes it runs on a subset and is
extrapolated linearly, which the table says.  Naive results are checked against ours.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter1d

from _timing import best_of  # bench/ is the script's directory, so on sys.path
from spikelab import RateSliceStack, SpikeData


@dataclass
class Row:
    name: str
    ours_s: float
    naive_s: float
    note: str = ""


def make_recording(n_units: int, length_ms: float, seed: int = 0) -> SpikeData:
    """5 Hz Poisson trains plus bursts every ~3 s (jitter 300 ms), ~4 spikes/unit/burst."""
    rng = np.random.default_rng(seed)
    centres = np.arange(1500.0, length_ms - 1000, 3000.0)
    centres += rng.normal(0, 300, centres.size)
    trains = []
    for _ in range(n_units):
        background = rng.uniform(0, length_ms, rng.poisson(5 * length_ms / 1000))
        counts = rng.poisson(4, centres.size)
        burst = np.repeat(centres, counts) + rng.normal(0, 40, counts.sum())
        trains.append(np.sort(np.clip(np.concatenate([background, burst]), 0, length_ms)))
    return SpikeData(trains, length=length_ms)



def peak_mb(fn) -> float:
    """Peak traced allocation of one call, MB (numpy reports its buffers to tracemalloc)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


# ------------------------------------------------------------------ naive implementations
def naive_sttc_pair(a: np.ndarray, b: np.ndarray, delt: float, length: float) -> float:
    """One pair, numpy, T recomputed for every pair (as 0.1.2 does)."""
    def tiled(t):
        lo, hi = np.maximum(t - delt, 0), np.minimum(t + delt, length)
        reach = np.maximum.accumulate(hi)
        gaps = np.maximum(lo[1:] - reach[:-1], 0).sum() if t.size > 1 else 0.0
        return (reach[-1] - lo[0] - gaps) / length

    def close(x, y):
        idx = np.clip(np.searchsorted(y, x), 1, y.size - 1) if y.size > 1 else np.zeros(x.size, int)
        nearest = np.minimum(np.abs(x - y[idx]), np.abs(x - y[np.maximum(idx - 1, 0)]))
        return np.mean(nearest <= delt)

    if a.size == 0 or b.size == 0:
        return 0.0
    pa, pb, ta, tb = close(a, b), close(b, a), tiled(a), tiled(b)
    h1 = 0.0 if pa * tb == 1 else (pa - tb) / (1 - pa * tb)
    h2 = 0.0 if pb * ta == 1 else (pb - ta) / (1 - pb * ta)
    return 0.5 * (h1 + h2)


def naive_rate_windows(
    sd: SpikeData, events: np.ndarray, pre: float, post: float, sigma: float
) -> np.ndarray:
    """Inverse-ISI rate over the whole recording (1 ms grid), smoothed, then windows cut out."""
    grid = np.arange(sd.start_time, sd.start_time + sd.length, 1.0)
    full = np.zeros((sd.N, grid.size))
    for u, t in enumerate(sd.train):
        idx = np.clip(np.rint(t - grid[0]).astype(int), 0, grid.size)
        for k in range(1, t.size):
            full[u, idx[k - 1] : idx[k]] = 1000.0 / (t[k] - t[k - 1])
    full = gaussian_filter1d(full, sigma, axis=1)
    return np.stack(
        [full[:, (grid >= e - pre) & (grid < e + post)] for e in np.sort(events)], axis=2
    )


def naive_slice_corr_unit(stack_u: np.ndarray, max_lag: int) -> np.ndarray:
    """One unit's (S, S) slice-to-slice scores by full-length np.correlate per pair."""
    n_t, n_s = stack_u.shape
    out = np.full((n_s, n_s), np.nan)
    for i in range(n_s):
        for j in range(i, n_s):
            a, b = stack_u[:, i], stack_u[:, j]
            full = np.correlate(a, b, "full") / np.sqrt(np.sum(a * a) * np.sum(b * b))
            out[i, j] = out[j, i] = full[n_t - 1 - max_lag : n_t + max_lag].max()
    return out


def naive_bursts(sd: SpikeData, thr: float, dist: int, mult: float) -> np.ndarray:
    """Burst edges (bins): per-unit histograms, then whole-array scans for every burst."""
    from scipy.signal import find_peaks

    n_bins = int(np.ceil(sd.length))
    counts = sum(np.histogram(t, bins=n_bins, range=(0, n_bins))[0] for t in sd.train).astype(float)
    pop = np.convolve(counts, np.ones(20) / 20, "same")
    kernel = np.exp(-0.5 * (np.arange(-300, 301) / 100.0) ** 2)
    pop = np.convolve(pop, kernel / kernel.sum(), "same")
    peaks = find_peaks(pop, height=thr * np.sqrt(np.mean(pop**2)), distance=dist)[0]
    edges = []
    for k, p in enumerate(peaks):
        troughs = []
        if k > 0:
            troughs.append(pop[peaks[k - 1] + np.argmin(pop[peaks[k - 1] : p])])
        if k + 1 < len(peaks):
            troughs.append(pop[p + np.argmin(pop[p : peaks[k + 1]])])
        if not troughs:
            continue
        base = max(troughs)
        level = base + mult * max(0.0, pop[p] - base)
        before, after = np.flatnonzero(pop[:p] < level), np.flatnonzero(pop[p:] < level)
        if before.size and after.size:
            edges.append((before[-1], p + after[0]))
    return np.array(edges, dtype=float).reshape(-1, 2)


# ------------------------------------------------------------------ benchmarks
def bench_sttc(sd: SpikeData, n_naive_pairs: int) -> Row:
    sd.spike_time_tilings(20.0)  # compile / warm up
    ours = best_of(lambda: sd.spike_time_tilings(20.0))
    matrix = sd.spike_time_tilings(20.0).matrix
    rng = np.random.default_rng(1)
    pairs = [tuple(rng.choice(sd.N, 2, replace=False)) for _ in range(n_naive_pairs)]
    start = time.perf_counter()
    naive = [naive_sttc_pair(sd.train[i], sd.train[j], 20.0, sd.length) for i, j in pairs]
    per_pair = (time.perf_counter() - start) / len(pairs)
    assert np.allclose(naive, [matrix[i, j] for i, j in pairs], atol=1e-9), "naive STTC disagrees"
    total_pairs = sd.N * (sd.N - 1) // 2
    return Row(
        f"STTC matrix, {sd.N} units x {sd.length / 1000:.0f} s, delt 20 ms",
        ours,
        per_pair * total_pairs,
        f"naive: numpy per pair on {len(pairs)} pairs, x{total_pairs / len(pairs):.0f}",
    )


def bench_align(sd: SpikeData, events: np.ndarray) -> tuple[Row, Row]:
    align = lambda: sd.align_to_events(events, 250, 500, kind="rate", sigma_ms=10)  # noqa: E731
    align()
    ours, ours_mb = best_of(align), peak_mb(align)
    start = time.perf_counter()
    naive = naive_rate_windows(sd, events, 250, 500, 10.0)
    naive_s = time.perf_counter() - start
    naive_mb = peak_mb(lambda: naive_rate_windows(sd, events, 250, 500, 10.0))
    assert np.allclose(align().event_stack, naive, rtol=1e-9, atol=1e-9), (
        "naive rate windows disagree"
    )
    name = (f"align_to_events(kind='rate'), {sd.N} units x {sd.length / 1000:.0f} s, "
            f"{events.size} events")
    return (Row(name, ours, naive_s, "naive: rate over the whole recording, then cut"),
            Row("  same, peak memory (MB, tracemalloc)", ours_mb, naive_mb, "MB, not s"))


def bench_slice_corr(rss: RateSliceStack, n_naive_units: int) -> Row:
    rss.get_slice_to_slice_unit_corr_from_stack(max_lag=1)
    ours = best_of(lambda: rss.get_slice_to_slice_unit_corr_from_stack(0.1, 0.3, 10), repeat=2)
    scores = rss.get_slice_to_slice_unit_corr_from_stack(0.0, 1.0, 10)[0].stack
    start = time.perf_counter()
    naive = [naive_slice_corr_unit(rss.event_stack[u], 10) for u in range(n_naive_units)]
    per_unit = (time.perf_counter() - start) / n_naive_units
    for u, expected in enumerate(naive):
        assert np.allclose(scores[:, :, u], expected, atol=1e-9, equal_nan=True), (
            "naive slice corr disagrees"
        )
    n_units, _, n_slices = rss.event_stack.shape
    return Row(
        f"slice-to-slice unit corr, {n_units} units x {n_slices} slices, max_lag 10",
        ours,
        per_unit * n_units,
        f"naive: np.correlate per pair on {n_naive_units} units, x{n_units / n_naive_units:.0f}",
    )


def bench_bursts(sd: SpikeData) -> Row:
    args = (2.0, 1000, 0.2)  # bursts peak at ~2.5-3 x the rms of the population rate
    sd.get_bursts(*args)
    ours = best_of(lambda: sd.get_bursts(*args))
    start = time.perf_counter()
    naive = naive_bursts(sd, *args)
    naive_s = time.perf_counter() - start
    edges = sd.get_bursts(*args)[1]
    assert edges.shape == naive.shape and np.array_equal(edges, naive), "naive bursts disagree"
    return Row(
        f"get_bursts, {sd.N} units x {sd.length / 1000:.0f} s ({edges.shape[0]} bursts)",
        ours,
        naive_s,
        "naive: per-unit histograms, whole-array scans per burst",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (check the script runs)")
    args = parser.parse_args()
    big_units, small_units, length = (60, 30, 60_000.0) if args.quick else (500, 100, 600_000.0)
    big, small = (
        make_recording(big_units, length, seed=0),
        make_recording(small_units, length, seed=1),
    )
    events = np.sort(
        np.random.default_rng(2).uniform(1000, length - 1000, 100 if not args.quick else 15)
    )
    rss = small.align_to_events(events, 250, 500, kind="rate")
    rows = [bench_sttc(big, 40 if args.quick else 300), *bench_align(small, events),
            bench_slice_corr(rss, 2), bench_bursts(big)]
    print(f"{'benchmark':<72} {'ours':>9} {'naive':>9} {'ratio':>7}  note")
    for r in rows:
        print(
            f"{r.name:<72} {r.ours_s:>9.3f} {r.naive_s:>9.3f} "
            f"{r.naive_s / r.ours_s:>6.0f}x  {r.note}"
        )


if __name__ == "__main__":
    main()
