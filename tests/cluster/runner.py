"""Run Snakemake in a subprocess for the cluster tests, always bounded in time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SLURM_PROFILE = REPO / "workflow" / "profiles" / "slurm"
SNAKEMAKE = Path(sys.executable).with_name("snakemake")

# Flags the tests add to the SLURM profile. No slurmdbd here, so `sacct` fails while the
# binary exists and the plugin (which prefers sacct) would wait forever: read job status
# from squeue (scenario 9). The plugin's default 40 s before the first status check would
# turn a 3-job chain from ~46 s into ~164 s. (No account is needed: without accounting
# the plugin's guess via sacct fails and it submits without one; plugin 2.8.0 accepts
# --slurm-no-account but ignores it.)
SLURM_TEST_FLAGS = (
    "--slurm-status-command", "squeue",
    "--slurm-init-seconds-before-status-checks", "2",
)


@dataclass(frozen=True)
class SnakemakeRun:
    """Outcome of one Snakemake invocation."""

    returncode: int
    output: str
    seconds: float

    def describe(self) -> str:
        """The last lines of the output, for assertion messages."""
        return f"exit {self.returncode} after {self.seconds:.1f} s:\n{self.output[-6000:]}"


def run_snakemake(workdir: Path, args: list[str], timeout_s: float = 300.0) -> SnakemakeRun:
    """Run ``snakemake <args>`` in ``workdir`` under ``timeout -k``.

    SIGTERM alone may leave Snakemake waiting on its executor thread, so ``timeout`` follows
    it with SIGKILL 10 s later. stdout and stderr are merged in :attr:`SnakemakeRun.output`.
    """
    env = dict(os.environ)
    # Jobs must not inherit a SLURM context of an outer allocation.
    for name in [k for k in env if k.startswith("SLURM_")]:
        del env[name]
    cmd = ["timeout", "-k", "10", str(int(timeout_s)), str(SNAKEMAKE), *args]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=workdir, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    seconds = time.monotonic() - t0
    # Timed out (timeout exits 124, or re-raises the KILL it sent: -9): Snakemake had no
    # chance to cancel its SLURM jobs, which must not go on holding the node.
    if proc.returncode in (124, 137, -9):
        cancel_jobs_in(workdir)
    return SnakemakeRun(proc.returncode, proc.stdout, seconds)


def cancel_jobs_in(workdir: Path) -> list[str]:
    """``scancel`` every queued or running SLURM job whose working directory is ``workdir``."""
    listed = subprocess.run(["squeue", "-h", "-o", "%i %Z"], capture_output=True, text=True,
                            timeout=10).stdout
    ids = [job_id for job_id, _, path in (ln.partition(" ") for ln in listed.splitlines())
           if Path(path) == Path(workdir)]
    if ids:
        subprocess.run(["scancel", *ids], capture_output=True, timeout=10)
    return ids


def slurm_args(profile: Path = SLURM_PROFILE) -> list[str]:
    """Arguments that run a workflow through ``profile`` on the test cluster."""
    return ["--profile", str(profile), *SLURM_TEST_FLAGS]
