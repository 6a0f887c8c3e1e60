"""After a killed run, let the plain ``snakemake`` command start again.

Snakemake locks its working directory with files in ``.snakemake/locks/`` and removes them
when it ends. A run that is killed (SIGKILL, an out-of-memory kill, a closed laptop, a lost
login node) leaves them behind, and every later run stops with "Directory cannot be locked"
until someone runs ``snakemake --unlock``: the files hold no process id, so Snakemake cannot
tell a dead run's lock from a live one's.

The Snakefile calls :func:`claim_run_directory` in the main Snakemake process. It takes an
exclusive ``flock`` on ``.snakemake/spikelab-run.lock`` and keeps it for as long as the
process lives; the kernel releases it when the process ends, however it ends. Getting it
therefore proves that no other run of this workflow is alive in this directory on this
host, and Snakemake's directory lock, if there is one, was left by a dead run: it is removed.
Only then: when the lock is held by a live run, when the last run was started on another host
(``flock`` across NFS clients is not to be trusted) or by something that did not take the
run lock, or when the dead run sent its jobs to a cluster (they outlive it: the lock is the
reminder to cancel them, see ``docs/cluster.md``), nothing is touched and Snakemake reports
its lock as before.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from pathlib import Path

__all__ = ["claim_run_directory", "note_executor", "release_run_directory", "RUN_LOCK_NAME"]

RUN_LOCK_NAME = "spikelab-run.lock"

_held: list[int] = []  # the run lock's descriptor, kept open for the life of the process


def claim_run_directory(snakemake_dir: str | os.PathLike = ".snakemake") -> str | None:
    """Take this directory's run lock and clear a dead run's Snakemake lock.

    Parameters
    ----------
    snakemake_dir : str or PathLike
        Snakemake's metadata folder in the working directory.

    Returns
    -------
    str or None
        What was removed and why (for the caller to show), or None when nothing was.
    """
    folder = Path(snakemake_dir)
    if _held:
        return None  # this process already holds it (the Snakefile is parsed once per process)
    try:
        folder.mkdir(exist_ok=True)
        fd = os.open(folder / RUN_LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        return None  # a read-only or odd working directory: leave locking to Snakemake
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None  # another run is alive here (or the file system has no locks)
    _held.append(fd)
    previous = _read_owner(fd) or {}
    locks = folder / "locks"
    stale = sorted(locks.glob("*.lock")) if locks.is_dir() else []
    cluster_run = previous.get("local") is False
    record = {"host": socket.gethostname(), "pid": os.getpid(), "started": time.time()}
    if stale and cluster_run:
        record["local"] = False  # still the lock of a cluster run: a dry-run does not clear it
    _write_owner(fd, record)
    if not stale or cluster_run or previous.get("host") != socket.gethostname():
        return None
    for path in stale:
        path.unlink(missing_ok=True)
    return (f"removed the Snakemake directory lock ({locks}) left by a run that was killed: "
            "no other run of this workflow is alive in this directory")


def note_executor(local: bool) -> None:
    """Record whether this run executes its jobs locally (the Snakefile's ``onstart``).

    The jobs of a cluster run (SLURM) outlive a killed Snakemake: its lock is then kept, as
    the reminder to cancel them first (``docs/cluster.md``).
    """
    if _held:
        record = _read_owner(_held[0]) or {}
        record["local"] = bool(local)
        _write_owner(_held[0], record)


def release_run_directory() -> None:
    """Release the run lock now (the end of the process does it otherwise)."""
    while _held:
        os.close(_held.pop())


def _read_owner(fd: int) -> dict | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        owner = json.loads(os.read(fd, 4096).decode() or "null")
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return owner if isinstance(owner, dict) else None


def _write_owner(fd: int, record: dict) -> None:
    data = json.dumps(record).encode()
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
    except OSError:
        pass  # the lock itself is what matters; a missing record only disables clean-up
