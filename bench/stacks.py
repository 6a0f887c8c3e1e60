"""Benchmark the slice-stack, RateData and pairwise-matrix API against spikelab 0.1.2.

Usage::

    python bench/stacks.py                 # 500 units x 600 s (several minutes)
    python bench/stacks.py --quick         # 60 units x 60 s, to check the script works
    python bench/stacks.py --only rank     # the cases whose name contains "rank"

Each case runs in a fresh process, once under this checkout's Python and once under 0.1.2's
(the environment the test suite builds and caches, built here if missing, or
``$SPIKELAB_REF_PYTHON``: see ``tests/reference_env.py``; without it only our column is
filled), on the same data: 5 Hz Poisson units with network bursts about every 3 s (the
analyses benchmark's recording), slices of -250..+500 ms around the bursts, its 10 ms
inverse-ISI rates, and random pairwise matrices. Times are the best of up to three calls
after a warm-up call (numba compiles and caches on first use); a 0.1.2 case that takes
longer than ``--timeout`` seconds is reported as a lower bound.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve()


def make_inputs(path: Path, n_units: int, length_ms: float) -> None:
    """Recording, burst peaks, rates and matrices, saved for both processes."""
    rng = np.random.default_rng(0)
    centres = np.arange(1500.0, length_ms - 1000, 3000.0)
    centres += rng.normal(0, 300, centres.size)
    trains = {}
    for u in range(n_units):
        background = rng.uniform(0, length_ms, rng.poisson(5 * length_ms / 1000))
        counts = rng.poisson(4, centres.size)
        burst = np.repeat(centres, counts) + rng.normal(5 * (u % 20), 40, counts.sum())
        trains[f"train{u}"] = np.sort(np.clip(np.concatenate([background, burst]), 0, length_ms))
    n_pairs = min(n_units, 100)
    np.savez(
        path,
        n_units=n_units,
        length=length_ms,
        peaks=centres,
        **trains,
        matrix=rng.uniform(-1, 1, (n_units, n_units)),
        mstack=rng.uniform(-1, 1, (n_pairs, n_pairs, 200)),
    )


# --------------------------------------------------------------------------- the cases
class Objects(dict):
    """The objects the cases work on, each built on first use (not timed)."""

    def __init__(self, d):
        super().__init__(n=int(d["n_units"]), labels=np.arange(len(d["peaks"])) % 4)
        self.d = d

    def __missing__(self, name):
        from spikelab.spikedata.pairwise import PairwiseCompMatrix, PairwiseCompMatrixStack
        from spikelab.spikedata.rateslicestack import RateSliceStack
        from spikelab.spikedata.spikedata import SpikeData
        from spikelab.spikedata.spikeslicestack import SpikeSliceStack

        d, n = self.d, self["n"]
        factories = {
            "RateSliceStack": lambda: RateSliceStack,
            "sd": lambda: SpikeData([d[f"train{u}"] for u in range(n)], length=float(d["length"])),
            "sss": lambda: SpikeSliceStack(
                self["sd"], time_peaks=d["peaks"], time_bounds=(250, 500)
            ),
            "rss": lambda: RateSliceStack(
                self["sd"], time_peaks=d["peaks"], time_bounds=(250, 500)
            ),
            # 10 ms inverse-ISI rates of the whole recording
            "rd": lambda: self["sd"].resampled_isi(np.arange(0, float(d["length"]), 10.0)),
            "pcm": lambda: PairwiseCompMatrix(d["matrix"]),
            "pcms": lambda: PairwiseCompMatrixStack(
                d["mstack"], times=[(i, i + 1.0) for i in range(d["mstack"].shape[2])]
            ),
        }
        self[name] = factories[name]()
        return self[name]


CASES = {
    # SpikeSliceStack
    "sss.get_unit_timing_per_slice": lambda o: o["sss"].get_unit_timing_per_slice("median", 2),
    "sss.compute_frac_active": lambda o: o["sss"].compute_frac_active(2),
    "sss.rank_order_correlation(raw)": lambda o: o["sss"].rank_order_correlation(n_shuffles=0),
    "sss.rank_order_correlation(100 shuffles)": lambda o: o["sss"].rank_order_correlation(
        n_shuffles=100
    ),
    "sss.order_units_across_slices": lambda o: o["sss"].order_units_across_slices(
        min_frac_active=0.5
    ),
    "sss.subset": lambda o: o["sss"].subset(list(range(0, o["n"], 2))),
    "sss.subslice": lambda o: o["sss"].subslice(list(range(0, len(o["sss"].spike_stack), 2))),
    "sss.subtime_by_index": lambda o: o["sss"].subtime_by_index(100, 600),
    "sss.apply(rates)": lambda o: o["sss"].apply(lambda s: s.rates("Hz")),
    "sss.baseline_normalized_raster": lambda o: o["sss"].baseline_normalized_raster(
        10, (-250, -50), mode="zscore"
    ),
    "sss.responsive_units": lambda o: o["sss"].responsive_units(
        10, (-250, -50), response_window_ms=(0, 200)
    ),
    "sss.responsive_units_per_group": lambda o: o["sss"].responsive_units_per_group(
        o["labels"], 10, (-250, -50)
    ),
    "sss.responsiveness_change": lambda o: o["sss"].responsiveness_change(
        o["labels"], [0, 1], [2, 3], 10, (-250, -50)
    ),
    "sss.per_unit_response_regression": lambda o: o["sss"].per_unit_response_regression(
        10, (0, 200), baseline_window_ms=(-250, -50)
    ),
    "sss.slice_to_slice_similarity(cosine)": lambda o: o["sss"].slice_to_slice_similarity(
        "cosine", bin_size=10
    ),
    "sss.slice_to_slice_similarity(cross_entropy)": lambda o: o["sss"].slice_to_slice_similarity(
        "cross_entropy", bin_size=10
    ),
    "sss.group_pair_similarity": lambda o: o["sss"].group_pair_similarity(
        o["labels"], metric="pearson", bin_size=10
    ),
    "sss.decode_slice_labels": lambda o: o["sss"].decode_slice_labels(
        o["labels"], (0, 200), bin_size=10
    ),
    "sss.plot_aligned_slice_single_unit": lambda o: o["sss"].plot_aligned_slice_single_unit(
        0, color_vals=o["labels"]
    ),
    # RateSliceStack
    "rss(RateData)": lambda o: o["RateSliceStack"](
        o["rd"], time_peaks=o.d["peaks"], time_bounds=(250, 500)
    ),
    "rss.get_unit_timing_per_slice": lambda o: o["rss"].get_unit_timing_per_slice(),
    "rss.rank_order_correlation(raw)": lambda o: o["rss"].rank_order_correlation(n_shuffles=0),
    "rss.order_units_across_slices": lambda o: o["rss"].order_units_across_slices(
        "median", MIN_FRAC_ACTIVE=0.5
    ),
    "rss.slice_to_slice_similarity(cosine)": lambda o: o["rss"].slice_to_slice_similarity("cosine"),
    "rss.subset": lambda o: o["rss"].subset(list(range(0, o["n"], 2))),
    "rss.subslice": lambda o: o["rss"].subslice(list(range(0, o["rss"].event_stack.shape[2], 2))),
    "rss.subtime_by_index": lambda o: o["rss"].subtime_by_index(10, -10),
    "rss.convert_to_list_of_RateData": lambda o: o["rss"].convert_to_list_of_RateData(),
    # RateData (10 ms samples)
    "rd.frames": lambda o: o["rd"].frames(1000, 500),
    "rd.subtime_by_index": lambda o: o["rd"].subtime_by_index(1000, -1000),
    "rd.subtime(None, t)": lambda o: o["rd"].subtime(None, float(o.d["length"]) / 2),
    "rd.subset": lambda o: o["rd"].subset(list(range(0, o["n"], 2))),
    "rd.get_manifold(PCA)": lambda o: o["rd"].get_manifold("PCA", 3),
    # PairwiseCompMatrix (U x U) and a stack of 200 matrices
    "pcm.normalize(z_score)": lambda o: o["pcm"].normalize("z_score"),
    "pcm.threshold": lambda o: o["pcm"].threshold(0.5),
    "pcm.remove_by_condition": lambda o: o["pcm"].remove_by_condition(o["pcm"], "abs_lt", 0.2),
    "pcm.extract_pairs_by_group": lambda o: o["pcm"].extract_pairs_by_group(np.arange(o["n"]) % 5),
    "pcm.to_networkx": lambda o: o["pcm"].to_networkx(threshold=0.5),
    "pcm.plot": lambda o: o["pcm"].plot(),
    "pcms.normalize(per_slice)": lambda o: o["pcms"].normalize(per_slice=True),
    "pcms.threshold": lambda o: o["pcms"].threshold(0.5),
    "pcms.remove_by_condition": lambda o: o["pcms"].remove_by_condition(o["pcms"], "gt", 0.5),
    "pcms.subslice": lambda o: o["pcms"].subslice(list(range(0, 200, 2))),
    "pcms[::2]": lambda o: o["pcms"][::2],
    "pcms.plot_mean": lambda o: o["pcms"].plot_mean(),
    "pcms.dim_red(PCA)": lambda o: o["pcms"].dim_red_on_lower_diagonal_corr_matrix("PCA", 2),
}


def worker(case: str, inputs: str, budget: float) -> None:
    """Time one case in this process; print ``{"s": seconds}`` or ``{"error": ...}``."""
    warnings.simplefilter("ignore")
    objects = Objects(dict(np.load(inputs)))
    fn = CASES[case]
    try:
        start = time.perf_counter()
        fn(objects)  # warm-up: numba compiles, caches fill
        first = time.perf_counter() - start
        best = first
        for _ in range(2 if first * 3 < budget else 0):
            start = time.perf_counter()
            fn(objects)
            best = min(best, time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001 - reported in the table
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"[:80]}))
        return
    print(json.dumps({"s": best}))


def run(python: str, case: str, inputs: Path, timeout: float) -> str:
    try:
        done = subprocess.run(
            [python, "-I", str(HERE), "--worker", case, str(inputs), str(timeout)],
            capture_output=True,
            text=True,
            timeout=timeout + 120,
            cwd=tempfile.gettempdir(),
        )
    except subprocess.TimeoutExpired:
        return f"> {timeout:.0f} s"
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        return "crashed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:60]
    result = json.loads(lines[-1])
    return f"{result['s']:.4f} s" if "s" in result else result["error"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--worker", nargs=3, metavar=("CASE", "INPUTS", "BUDGET"))
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], float(args.worker[2]))
        return
    n_units, length = (60, 60_000.0) if args.quick else (500, 600_000.0)
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "inputs.npz"
        make_inputs(inputs, n_units, length)
        from _reference import find_reference  # not at the top: -I workers lack bench/ on sys.path

        ref = find_reference()
        print(f"{n_units} units x {length / 1000:.0f} s; reference: {ref or 'not found'}")
        print("| case | ours | 0.1.2 |\n| --- | --- | --- |")
        for case in CASES:
            if args.only in case:
                theirs = run(ref, case, inputs, args.timeout) if ref else "-"
                print(
                    f"| `{case}` | {run(sys.executable, case, inputs, args.timeout)} | {theirs} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
