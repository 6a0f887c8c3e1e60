"""What an analysis job of the workflow costs besides its computation.

Usage::

    python bench/job_overhead.py              # the demo's recording size, 5 runs per job
    python bench/job_overhead.py --quick      # a smaller recording, 2 runs per job

One simulated culture of the demo's size (100 units x 180 s, written as NWB and imported as
the workflow does) goes through every analysis of the demo config. Each analysis job runs
as the workflow runs it, ``python workflow/scripts/run_job.py ...`` in a fresh process (its
output deleted each time, no cache to restore from), several times; the kernels are
compiled first (``spikelab compile``), as the workflow's compile step does. The job reports
when each phase ends (``--timings``), which splits its wall time from the moment it is
spawned into

- start-up: the interpreter, spikelab and the job wrapper, until the job's ``main``;
- lookup: input hashes, fingerprint, cache lookup;
- code: importing the analysis's function (numba and its kernels, for most);
- inputs: reading the inputs from the part files;
- analysis: the function itself;
- saving: storing and saving the part file; exit: the interpreter shutting down.

Next to it, "alone" is the same function on the same inputs in this (warm) process, best
of three calls: the computation alone. Overhead = job wall time - alone. "to first line" is
the time from spawning the job to the analysis's first line (start-up + lookup + code +
inputs). Wall times are medians over the runs; CPU is the job process's user + system time.
The first rows show what starting a job costs before any of this: the bare interpreter,
``import spikelab``, and the preamble Snakemake puts in a ``script:`` job (what the
analysis jobs avoid by being ``shell:`` commands).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from _timing import best_of  # bench/ is the script's directory, so on sys.path

REPO = Path(__file__).resolve().parent.parent
RUN_JOB = REPO / "workflow" / "scripts" / "run_job.py"
PHASES = ["start-up", "lookup", "code", "inputs", "analysis", "saving", "exit"]
SNAKEMAKE_PREAMBLE = ("import pickle; from snakemake.logging import logger; "
                      "from snakemake.iocontainers import Snakemake")


def timed_process(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one child process."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user
                  + after.children_system - before.children_system)


def start_costs(repeat: int) -> list[tuple[str, float, float]]:
    """Median wall and CPU of starting Python with nothing, spikelab, Snakemake's preamble."""
    rows = []
    for name, code in [("python -c pass", "pass"), ("import spikelab", "import spikelab"),
                       ("script: preamble (Snakemake)", SNAKEMAKE_PREAMBLE)]:
        runs = [timed_process([sys.executable, "-c", code]) for _ in range(repeat)]
        rows.append((name, statistics.median(r[0] for r in runs),
                     statistics.median(r[1] for r in runs)))
    return rows


def demo_graph(parts: Path, n_units: int, duration_s: float):
    """The demo config's analyses on one recording ``R`` of the given size."""
    from spikelab.pipeline.graph import StepGraph

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["recordings"] = {"R": {"simulate": {"seed": 1, "dose": 0.0}}}
    config["simulation"].update(n_units=n_units, duration_s=duration_s)
    config["parts_dir"] = str(parts)
    return config, StepGraph(config, project_dir=REPO)


def make_recording(config: dict, graph, work: Path) -> None:
    """Simulate, write NWB and import it into R's recording part, as the workflow does."""
    from spikelab.pipeline.config import simulation_params
    from spikelab.pipeline.recording import import_recording, simulate_recording

    nwb = str(work / "R.nwb")
    simulate_recording(simulation_params(config, "R"), nwb)
    import_recording(nwb, "nwb", {}, "R", graph.part("R", "recording"))


def run_job(graph, name: str, namespace: str, work: Path) -> dict:
    """One job in a fresh process: phase durations (s), total wall and CPU."""
    timings = work / "timings.json"
    output = Path(graph.part(namespace, name))
    output.unlink(missing_ok=True)
    argv = [sys.executable, str(RUN_JOB), "--job", graph.job_json(name, namespace),
            "--settings", graph.params_json(name), "--code", graph.versions[name],
            "--cache", "[]", "--log", str(work / f"{name}.log"), "--timings", str(timings)]
    spawned = time.time()
    wall, cpu = timed_process(argv)
    ended = spawned + wall
    marks = {m["phase"]: m["wall"] for m in json.loads(timings.read_text())["phases"]}
    points = [spawned, marks["start"], marks["lookup"], marks["code"], marks["inputs"],
              marks["analysis"], marks["saving"], ended]
    phases = {phase: b - a for phase, a, b in zip(PHASES, points, points[1:], strict=False)}
    return {"phases": phases, "wall": wall, "cpu": cpu,
            "first_line": marks["inputs"] - spawned}


def alone(graph, name: str, namespace: str) -> float:
    """Best of three calls of the analysis function on its loaded inputs, in this process."""
    from spikelab import AnalysisWorkspace
    from spikelab.pipeline.functions import FunctionRef

    spec = graph.job(name, namespace)
    loaded = {label: AnalysisWorkspace.load_item(path, ns, key)
              for label, path, ns, key in spec["inputs"]}
    function = FunctionRef.parse(spec["function"]).load()
    params = graph.params(name)
    if spec["scope"] == "recording":
        upstream = {label: obj for label, obj in loaded.items() if label != "spikedata"}
        call = lambda: function(loaded["spikedata"], params, upstream)  # noqa: E731
    else:
        by_recording: dict[str, dict] = {rec: {} for rec in spec["recordings"]}
        for label, obj in loaded.items():
            rec, _, key = label.partition("/")
            by_recording[rec][key] = obj
        call = lambda: function(spec["recordings"], params, by_recording)  # noqa: E731
    call()  # warm: kernels loaded, caches filled
    return best_of(call, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="30 units x 60 s, 2 runs per job")
    parser.add_argument("--repeat", type=int, help="runs per job (default 5, --quick 2)")
    args = parser.parse_args()
    n_units, duration_s = (30, 60.0) if args.quick else (100, 180.0)
    repeat = args.repeat or (2 if args.quick else 5)

    load_before = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before[0]:.1f} at the start "
          "(shared with other work: wall times include waiting for a CPU, CPU times do not)")
    print(f"\nstarting a process (median of {repeat})      wall      CPU")
    for name, wall, cpu in start_costs(repeat):
        print(f"  {name:38s} {wall:6.3f} s  {cpu:6.3f} s")

    with tempfile.TemporaryDirectory(prefix="spikelab-job-overhead-") as tmp:
        work = Path(tmp)
        config, graph = demo_graph(work / "parts", n_units, duration_s)
        make_recording(config, graph, work)
        subprocess.run([sys.executable, "-m", "spikelab.cli", "compile"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"\nanalysis jobs on {n_units} units x {duration_s:.0f} s, median of {repeat} "
              "runs; seconds")
        header = ["job", *PHASES, "wall", "CPU", "1st line", "alone", "overhead"]
        print("  " + " ".join(f"{h:>9s}" if i else f"{h:16s}" for i, h in enumerate(header)))
        for name in graph.names:
            namespace = graph.namespaces(name)[0]
            runs = [run_job(graph, name, namespace, work) for _ in range(repeat)]
            med = {p: statistics.median(r["phases"][p] for r in runs) for p in PHASES}
            wall = statistics.median(r["wall"] for r in runs)
            cpu = statistics.median(r["cpu"] for r in runs)
            first = statistics.median(r["first_line"] for r in runs)
            computation = alone(graph, name, namespace)
            cells = [med[p] for p in PHASES] + [wall, cpu, first, computation, wall - computation]
            print(f"  {name:16s} " + " ".join(f"{c:9.3f}" for c in cells), flush=True)
    load_after = os.getloadavg()
    print(f"\nload average {load_after[0]:.1f} at the end")


if __name__ == "__main__":
    main()
