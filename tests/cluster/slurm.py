"""Bring up (and tear down) a real one-node SLURM cluster for the cluster tests.

Debian's ``slurmctld``, ``slurmd`` and ``munge`` packages are installed with ``apt-get``
when missing, a one-node ``/etc/slurm/slurm.conf`` is written, and the three daemons are
started by hand (there is no systemd in the test machines, and package scripts cannot start
services). The configuration stays at the default path because the executor plugin's
in-job step strips ``SLURM_CONF`` from the environment.

Several pytest-xdist workers (or several pytest runs on one machine) may need the cluster
at once, so :func:`acquire` / :func:`release` keep a reference count of the processes using
it in a JSON state file guarded by an ``fcntl`` lock: the first user starts the daemons,
the last one stops them, and only daemons this module started are ever stopped.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.cluster.slurm_conf import (
    CONF_MARKER,
    CONF_PATH,
    DAEMON_LOGS,
    NODE_NAME,
    PARTITION,
    PIDFILES,
    SPOOL_DIRS,
    NodeResources,
    parse_slurmd_c,
    render_slurm_conf,
)

LOCK_PATH = Path("/tmp/spikelab-slurm.lock")
STATE_PATH = Path("/tmp/spikelab-slurm.json")
PACKAGES = ("slurmctld", "slurmd", "slurm-client", "munge")
# The binaries whose presence means the packages above are installed.
BINARIES = ("slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "munged", "munge")
MUNGE_KEY = Path("/etc/munge/munge.key")
MUNGE_RUN = Path("/run/munge")
IDLE_TIMEOUT_S = 60.0
# sinfo states in which the node accepts work.
USABLE_STATES = ("idle", "mix", "alloc")


class SlurmUnavailable(RuntimeError):
    """SLURM cannot be provided here at all (no root or no apt-get): a reason to skip."""


class SlurmStartError(RuntimeError):
    """SLURM could be provided in principle, but installing or starting it failed."""


@dataclass(frozen=True)
class Cluster:
    """What the tests need to know about the running cluster."""

    node: str
    partition: str
    cpus: int
    real_memory_mb: int
    setup_seconds: float


def _run(cmd: list[str], timeout: float = 60.0, check: bool = True,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as exc:
        raise SlurmStartError(f"{' '.join(cmd)} did not finish within {timeout:.0f} s") from exc
    if check and proc.returncode != 0:
        raise SlurmStartError(
            f"{' '.join(cmd)} failed with exit code {proc.returncode}:\n"
            f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return proc


# ---------------------------------------------------------------- installation

def missing_binaries() -> list[str]:
    return [b for b in BINARIES if shutil.which(b) is None
            and not Path("/usr/sbin", b).exists()]


def ensure_installed() -> None:
    """Install the SLURM and munge packages with apt-get unless they are present.

    Raises
    ------
    SlurmUnavailable
        When packages are missing and this process is not root or has no ``apt-get``.
    SlurmStartError
        When ``apt-get`` itself fails.
    """
    if not missing_binaries():
        return
    if os.geteuid() != 0:
        raise SlurmUnavailable(f"SLURM is not installed ({missing_binaries()} missing) "
                               "and installing it needs root")
    if shutil.which("apt-get") is None:
        raise SlurmUnavailable("SLURM is not installed and there is no apt-get to install it")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _run(["apt-get", "update", "-q"], timeout=600, env=env)
    _run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES],
         timeout=900, env=env)
    if missing_binaries():
        raise SlurmStartError(f"apt-get installed {PACKAGES} but {missing_binaries()} "
                              "are still missing")


# ---------------------------------------------------------------- process bookkeeping

def _pid_alive(pid: int, name: str) -> bool:
    """True if ``pid`` is a running (not zombie) process whose command is ``name``.

    The name check keeps a recycled pid from being mistaken for (and killed as) a daemon.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    comm = stat[stat.index("(") + 1:stat.rindex(")")]
    state = stat[stat.rindex(")") + 2]
    return comm == name[:15] and state not in "ZX"


def _read_pidfile(path: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        return int(path.read_text().split()[0])
    return None


def _running_daemon(name: str) -> int | None:
    pid = _read_pidfile(PIDFILES[name])
    return pid if pid is not None and _pid_alive(pid, name) else None


def _tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError as exc:
        return f"<cannot read {path}: {exc.strerror}>"
    return "\n".join(text[-lines:])


def daemon_log_tails() -> str:
    return "\n".join(f"--- {name}: {path}\n{_tail(path)}" for name, path in DAEMON_LOGS.items())


def _wait_for(predicate, timeout_s: float, interval_s: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval_s)
    return predicate()


# ---------------------------------------------------------------- munge

def munge_works() -> bool:
    """True if a munged answers: a credential made by ``munge`` decodes with ``unmunge``."""
    try:
        cred = subprocess.run(["munge", "-n"], capture_output=True, timeout=5)
        if cred.returncode != 0:
            return False
        back = subprocess.run(["unmunge"], input=cred.stdout, capture_output=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return back.returncode == 0


def _prepare_munge() -> None:
    for d in (MUNGE_RUN, Path("/var/lib/munge"), Path("/var/log/munge")):
        d.mkdir(parents=True, exist_ok=True)
        shutil.chown(d, "munge", "munge")
    MUNGE_RUN.chmod(0o755)
    if not MUNGE_KEY.exists():
        _run(["mungekey", "--create", f"--keyfile={MUNGE_KEY}"])
    shutil.chown(MUNGE_KEY, "munge", "munge")
    MUNGE_KEY.chmod(0o400)


def start_munged() -> int | None:
    """Start munged as user munge; return its pid, or None if one already answered."""
    if munge_works():
        return None
    _prepare_munge()
    _run(["runuser", "-u", "munge", "--", "munged"])
    if not _wait_for(munge_works, 10.0):
        raise SlurmStartError("munged started but munge/unmunge do not work:\n"
                              + _tail(DAEMON_LOGS["munged"]))
    return _running_daemon("munged")


# ---------------------------------------------------------------- slurm daemons

def node_resources() -> NodeResources:
    return parse_slurmd_c(_run(["slurmd", "-C"]).stdout)


def write_config(resources: NodeResources) -> None:
    """Write our slurm.conf, keeping a foreign one aside as ``slurm.conf.spikelab-bak``."""
    CONF_PATH.parent.mkdir(parents=True, exist_ok=True)
    backup = CONF_PATH.with_name(CONF_PATH.name + ".spikelab-bak")
    if CONF_PATH.exists() and CONF_MARKER not in CONF_PATH.read_text() and not backup.exists():
        CONF_PATH.replace(backup)
    CONF_PATH.write_text(render_slurm_conf(resources))
    for d in SPOOL_DIRS:
        d.mkdir(parents=True, exist_ok=True)
    for log in DAEMON_LOGS.values():
        log.parent.mkdir(parents=True, exist_ok=True)


def restore_config() -> None:
    backup = CONF_PATH.with_name(CONF_PATH.name + ".spikelab-bak")
    if backup.exists():
        backup.replace(CONF_PATH)


def start_slurm_daemons() -> dict[str, int]:
    """Start slurmctld and slurmd (each daemonises and writes its pidfile).

    slurmctld starts with ``-c``: no job of an earlier (killed) session comes back to run
    again in a working directory that is long gone.
    """
    started = {}
    for name, cmd in (("slurmctld", ["slurmctld", "-c"]),
                      ("slurmd", ["slurmd", "-N", NODE_NAME])):
        if _running_daemon(name) is not None:
            continue
        PIDFILES[name].unlink(missing_ok=True)
        _run(cmd, timeout=30)
        if not _wait_for(lambda n=name: _running_daemon(n) is not None, 10.0):
            raise SlurmStartError(f"{name} exited right after starting:\n" + daemon_log_tails())
        started[name] = _running_daemon(name)
    return started


def node_state() -> str:
    """The node's state as ``sinfo`` reports it (``idle``, ``down*``, ...), or ``''``."""
    try:
        proc = subprocess.run(["sinfo", "-h", "-N", "-n", NODE_NAME, "-o", "%t"],
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return proc.stdout.strip() if proc.returncode == 0 else ""


def cluster_usable() -> bool:
    """True if our slurmctld runs and the node takes work.

    sinfo spends ~9 s retrying when no controller answers, so ask it only when one runs.
    """
    return _running_daemon("slurmctld") is not None and node_state() in USABLE_STATES


def wait_until_idle(timeout_s: float = IDLE_TIMEOUT_S) -> None:
    """Wait (bounded) for the node to become usable; fail with the daemons' log tails."""
    if _wait_for(lambda: node_state() in USABLE_STATES, timeout_s, 0.5):
        return
    raise SlurmStartError(
        f"node {NODE_NAME!r} is not idle after {timeout_s:.0f} s "
        f"(sinfo state: {node_state() or 'no answer'}).\n" + daemon_log_tails())


def stop_daemons(pids: dict[str, int], grace_s: float = 15.0) -> None:
    """SIGTERM the given daemons (slurmd first), SIGKILL what is still alive after grace."""
    order = [n for n in ("slurmd", "slurmctld", "munged") if n in pids]
    for name in order:
        if _pid_alive(pids[name], name):
            os.kill(pids[name], signal.SIGTERM)
    alive = lambda: [n for n in order if _pid_alive(pids[n], n)]  # noqa: E731
    if not _wait_for(lambda: not alive(), grace_s):
        for name in alive():
            os.kill(pids[name], signal.SIGKILL)


def adoptable_pids() -> dict[str, int]:
    """Daemons of an earlier run of this module (our config is in place) that still run."""
    if not CONF_PATH.exists() or CONF_MARKER not in CONF_PATH.read_text():
        return {}
    found = {n: _running_daemon(n) for n in ("slurmctld", "slurmd")}
    return {n: p for n, p in found.items() if p is not None}


def start_cluster() -> dict[str, int]:
    """Install, configure and start everything missing; return the pids started here."""
    ensure_installed()
    started: dict[str, int] = {}
    try:
        munged = start_munged()
        if munged is not None:
            started["munged"] = munged
        write_config(node_resources())
        started.update(start_slurm_daemons())
        wait_until_idle()
    except BaseException:
        stop_daemons(started)
        raise
    return started


# ---------------------------------------------------------------- shared session

@contextlib.contextmanager
def _locked_state() -> Iterator[dict]:
    """Hold the cross-process lock and yield the state dict, saved back on exit."""
    with open(LOCK_PATH, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            state = json.loads(STATE_PATH.read_text()) if STATE_PATH.exists() else {}
        except (OSError, ValueError):
            state = {}
        state.setdefault("started", {})
        # Users that died without releasing (a crashed worker) no longer hold the cluster.
        state["users"] = [u for u in state.get("users", []) if Path(f"/proc/{u}").exists()]
        yield state
        STATE_PATH.write_text(json.dumps(state))


def _cluster_info(resources: NodeResources, setup_s: float) -> Cluster:
    return Cluster(node=NODE_NAME, partition=PARTITION, cpus=resources.cpus,
                   real_memory_mb=resources.usable_memory_mb, setup_seconds=setup_s)


def acquire() -> Cluster:
    """Make sure the cluster runs and register this process as one of its users."""
    t0 = time.monotonic()
    with _locked_state() as state:
        started = {n: p for n, p in state["started"].items() if _pid_alive(p, n)}
        if cluster_usable():
            # Already up: ours from a lost state file (adopt, to stop them later) or foreign.
            started.update(adoptable_pids())
        else:
            started.update(start_cluster())
        state["started"] = started
        state["users"].append(os.getpid())
    return _cluster_info(node_resources(), time.monotonic() - t0)


def release() -> None:
    """Unregister this process; the last user stops the daemons that were started here."""
    with _locked_state() as state:
        state["users"] = [u for u in state["users"] if u != os.getpid()]
        if not state["users"]:
            stop_daemons(state["started"])
            state["started"] = {}
            restore_config()


def job_states() -> list[str]:
    """``id name state`` of every job ``squeue`` still lists (for assertion messages)."""
    proc = subprocess.run(["squeue", "-h", "-t", "all", "-o", "%i %j %T"],
                          capture_output=True, text=True, timeout=10)
    return proc.stdout.splitlines()
