"""Run the real workflow (`snakemake`) on a copy of the repository's workflow files."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
SPIKELAB = str(Path(sys.executable).with_name("spikelab"))
WORKFLOW_FILES = ["Snakefile", "workflow", "config", "profiles"]


def local_env() -> dict:
    """The environment for local (non-SLURM) snakemake runs.

    The SLURM executor plugin, installed by the ``dev`` extra, runs ``scontrol show config``
    when snakemake starts; once the cluster tests have installed SLURM's client, that call
    waits 10 s for a controller that is not running. A stub ``scontrol`` that fails at once
    keeps local runs at their real cost (scenario timings, no-op reruns).
    """
    stub_dir = Path(tempfile.gettempdir()) / "spikelab-no-slurm"
    stub = stub_dir / "scontrol"
    if not stub.exists():
        stub_dir.mkdir(exist_ok=True)
        tmp = stub_dir / f"scontrol.{os.getpid()}"
        tmp.write_text(
            "#!/bin/sh\necho 'no SLURM controller in local workflow tests' >&2\nexit 1\n"
        )
        tmp.chmod(0o755)
        os.replace(tmp, stub)
    env = dict(os.environ)
    env["PATH"] = f"{stub_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


def small_config(recordings=("A", "B"), **overrides) -> dict:
    """The demo config at test size: tiny cultures, every analysis on."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["recordings"] = {
        name: {"simulate": {"dose": 0.3 * i, "seed": i + 1}} for i, name in enumerate(recordings)
    }
    config["simulation"] = {"n_units": 16, "duration_s": 40, "burst_rate_hz": 0.3}
    config["plots"] = {"enabled": False}
    for dotted, value in overrides.items():
        block = config
        *path, last = dotted.split(".")
        for key in path:
            block = block.setdefault(key, {})
        block[last] = value
    return config


def make_project(root: Path, config: dict) -> Path:
    """Copy the workflow into ``root`` and write ``config`` as its config/config.yaml."""
    root.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, root / name)
    write_config(root, config)
    return root


def shared_project(tmp_path_factory, name: str, build) -> Path:
    """A project made once per test session by ``build(root)``, shared by xdist workers.

    Workers share it through a directory next to their own temp dirs; a file lock makes one
    worker build it while the others wait. Tests must only read it (or copy it).
    """
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's basetemp is a child of the session's; without xdist the
    # parent is shared by every pytest run, so stay inside this run's own basetemp.
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    root = shared / name
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / ".done").exists():
            build(root)
            (root / ".done").touch()
    return root


def write_config(root: Path, config: dict) -> None:
    (root / "config" / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def run(root: Path, *args: str, check: bool = True, timeout: float = 900,
        env: dict | None = None) -> subprocess.CompletedProcess:
    """Run snakemake in ``root`` (``env``: extra variables); on failure show its output and
    the job logs."""
    cmd = [SNAKEMAKE, "--cores", "2", *args]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=timeout,
                          env={**local_env(), **(env or {})})
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}\n"
            + collect_logs(root)
        )
    return proc


def start(root: Path, *args: str) -> subprocess.Popen:
    """Start snakemake in its own process group (so a kill reaches every job)."""
    return subprocess.Popen([SNAKEMAKE, "--cores", "2", *args], cwd=root, env=local_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def wait_for(proc: subprocess.Popen, path: Path, timeout: float = 300) -> bool:
    """Wait until ``path`` exists; False when the workflow ended (or ``timeout`` passed) first."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def kill_when(proc: subprocess.Popen, path: Path, delay: float = 0.0, timeout: float = 300) -> bool:
    """SIGKILL the whole snakemake process group once ``path`` exists (+ ``delay`` s).

    Returns False when the workflow finished before ``path`` appeared.
    """
    if not wait_for(proc, path, timeout):
        return False
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return True


def interrupt_after(proc: subprocess.Popen, sig: signal.Signals, delay: float,
                    grace: float = 120) -> bool:
    """Send ``sig`` to the whole snakemake process group after ``delay`` s, as a terminal's
    Ctrl-C (SIGINT) or a kill (SIGKILL) would; wait for it to end (SIGKILL after ``grace``).

    Returns False when the workflow had finished before ``delay``.
    """
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        pass
    os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return True


def collect_logs(root: Path) -> str:
    logs = sorted((root / "logs").rglob("*.log")) if (root / "logs").exists() else []
    return "\n".join(f"--- {p.relative_to(root)}\n{p.read_text()[-2000:]}" for p in logs)


_JOB = re.compile(r"^\s*(?:local)?rule (\w+):\s*$")
_WILDCARDS = re.compile(r"^\s*wildcards: (.*)$")


def jobs_run(output: str) -> Counter:
    """``{(rule, recording or None): count}`` of the jobs snakemake started (or would start)."""
    jobs: Counter = Counter()
    lines = output.splitlines()
    for i, line in enumerate(lines):
        m = _JOB.match(line)
        if not m:
            continue
        recording = None
        for follow in lines[i + 1 : i + 8]:
            w = _WILDCARDS.match(follow)
            if w:
                recording = dict(p.split("=", 1) for p in w.group(1).split(", ")).get("recording")
                break
            if _JOB.match(follow):
                break
        jobs[(m.group(1), recording)] += 1
    return jobs


def rules_run(output: str) -> Counter:
    return Counter(rule for (rule, _rec), n in jobs_run(output).items() for _ in range(n))
