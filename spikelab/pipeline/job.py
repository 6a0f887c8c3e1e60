"""The command every analysis job runs: restore its results from a cache, or compute them.

::

    python workflow/scripts/run_job.py --job JSON --settings JSON --code VERSION \\
        --cache JSON [--log FILE] [--timings FILE]

The analysis rules run this as a ``shell:`` command, not a ``script:`` shim: a ``script:``
job first unpickles Snakemake's job object, which imports part of Snakemake (0.1 s of CPU,
about a sixth of what starting an analysis job costs). Everything the job needs is on its
command line, as the step graph (:class:`~spikelab.pipeline.graph.StepGraph`) describes it:
``--job`` (what it reads and writes), ``--settings`` (the analysis's parameters), ``--code``
(its code version) and ``--cache`` (the merged workspace, then the configured caches).

``--timings FILE`` writes, as JSON, the wall-clock time (``time.time()``) and the process's
CPU time at the start of :func:`main` and at the end of each phase of the job (what
``bench/job_overhead.py`` reports).
"""

from __future__ import annotations

import argparse
import atexit
import json
import logging
import os
import sys
import time
from collections.abc import Sequence

from .joblog import job_logging
from .runner import run_spec

__all__ = ["main", "run", "compiled_kernels"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run_job.py", description="Run one analysis job of the spikelab workflow.")
    parser.add_argument("--job", required=True, help="the job, as StepGraph.job_json writes it")
    parser.add_argument("--settings", required=True, help="the analysis's parameters (JSON)")
    parser.add_argument("--code", required=True, help="the analysis's code version")
    parser.add_argument("--cache", required=True,
                        help="JSON list of workspaces to restore from, the merged one first")
    parser.add_argument("--log", help="the job's log file")
    parser.add_argument("--timings", help="write phase times (JSON) to this file")
    return parser


def compiled_kernels() -> list[str]:
    """Kernels this process compiled instead of loading them from numba's cache."""
    from ..spikedata.kernel_cache import KERNEL_MODULES, kernel_dispatchers

    loaded = [name for name in KERNEL_MODULES if name in sys.modules]
    if not loaded:
        return []
    return [name for name, d in kernel_dispatchers(loaded).items() if d.stats.cache_misses]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the job; exit status 0, or 1 with the failure's message in the log."""
    marks = [("start", time.time(), time.process_time())]
    args = _parser().parse_args(argv)
    spec = {**json.loads(args.job), "params": json.loads(args.settings), "version": args.code}

    def mark(phase: str) -> None:
        marks.append((phase, time.time(), time.process_time()))

    with job_logging(args.log, f"{spec['namespace']}/{spec['step']}") as log:
        run_spec(spec, json.loads(args.cache), on_phase=mark)
        compiled = compiled_kernels()
        if compiled:
            log.warning(
                "%s/%s: compiled %s in this job: numba's cache did not hold them for this "
                "numba version and CPU (run `spikelab compile` where the jobs run; see "
                "docs/cluster.md)", spec["namespace"], spec["step"], ", ".join(compiled))
    if args.timings:
        with open(args.timings, "w") as f:
            json.dump({"phases": [{"phase": p, "wall": w, "cpu": c} for p, w, c in marks]}, f)
    return 0


def _exit_now(status: int) -> None:
    """End the process without tearing the interpreter down.

    Everything the job writes is closed by now (the part file is saved atomically); the
    exit handlers still run (log files are flushed and closed), but the interpreter's own
    teardown, which after loading numba takes 0.2 s of CPU to free objects the operating
    system frees anyway, is skipped.
    """
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", logging.shutdown)
    run_exit_handlers()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def run(argv: Sequence[str] | None = None) -> None:
    """:func:`main`, then exit at once with its status (what ``run_job.py`` calls)."""
    try:
        status = main(argv)
    except SystemExit as exc:  # a failure already logged, or a command-line error
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    _exit_now(status)


if __name__ == "__main__":
    run()
