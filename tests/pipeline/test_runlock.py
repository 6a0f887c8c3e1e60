"""The run lock: a dead run's Snakemake directory lock is cleared, a live run's never."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap

import pytest

from spikelab.pipeline.runlock import (RUN_LOCK_NAME, claim_run_directory, note_executor,
                                       release_run_directory)


@pytest.fixture(autouse=True)
def released():
    """Each test claims as if it were a fresh Snakemake process."""
    yield
    release_run_directory()


def snakemake_dir(tmp_path, owner_host: str | None = "this", **owner):
    folder = tmp_path / ".snakemake"
    (folder / "locks").mkdir(parents=True)
    for name in ("0.input.lock", "0.output.lock"):
        (folder / "locks" / name).write_text("results/parts/A/sttc.h5\n")
    if owner_host is not None:
        host = socket.gethostname() if owner_host == "this" else owner_host
        (folder / RUN_LOCK_NAME).write_text(json.dumps({"host": host, "pid": 1, "started": 0,
                                                        **owner}))
    return folder


def test_a_dead_runs_lock_is_removed_and_this_run_recorded(tmp_path):
    folder = snakemake_dir(tmp_path)
    message = claim_run_directory(folder)
    assert message and "killed" in message and str(folder / "locks") in message
    assert list((folder / "locks").iterdir()) == []
    owner = json.loads((folder / RUN_LOCK_NAME).read_text())
    assert owner["host"] == socket.gethostname() and owner["pid"] != 1


@pytest.mark.parametrize("owner_host", [None, "another-login-node"])
def test_a_lock_of_unknown_origin_or_from_another_host_is_kept(tmp_path, owner_host):
    folder = snakemake_dir(tmp_path, owner_host)
    assert claim_run_directory(folder) is None
    assert sorted(p.name for p in (folder / "locks").iterdir()) == ["0.input.lock",
                                                                    "0.output.lock"]


def test_the_lock_of_a_live_run_is_kept(tmp_path):
    folder = snakemake_dir(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import fcntl, os, sys, time
        fd = os.open({str(folder / RUN_LOCK_NAME)!r}, os.O_RDWR)
        fcntl.flock(fd, fcntl.LOCK_EX)
        print("held", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert claim_run_directory(folder) is None
        assert len(list((folder / "locks").iterdir())) == 2
    finally:
        holder.kill()
        holder.wait()
    assert claim_run_directory(folder) is not None  # its holder is gone now


def test_nothing_to_clear_and_a_second_claim_in_one_process(tmp_path):
    folder = tmp_path / ".snakemake"
    assert claim_run_directory(folder) is None
    assert (folder / RUN_LOCK_NAME).exists()
    (folder / "locks").mkdir()
    (folder / "locks" / "0.input.lock").write_text("x\n")
    assert claim_run_directory(folder) is None  # already held by this process: no-op
    assert (folder / "locks" / "0.input.lock").exists()


def test_a_killed_cluster_runs_lock_is_kept_until_unlocked_by_hand(tmp_path):
    """Its SLURM jobs may still run: the lock stays as the reminder to cancel them, also
    across runs (a dry-run) that find it."""
    folder = snakemake_dir(tmp_path, local=False)
    for _attempt in range(2):
        assert claim_run_directory(folder) is None
        assert len(list((folder / "locks").iterdir())) == 2
        release_run_directory()
    for lock in (folder / "locks").iterdir():  # snakemake --unlock
        lock.unlink()
    assert claim_run_directory(folder) is None
    note_executor(local=True)
    assert json.loads((folder / RUN_LOCK_NAME).read_text())["local"] is True
    release_run_directory()
    (folder / "locks" / "0.input.lock").write_text("x\n")  # that local run is killed
    assert claim_run_directory(folder) is not None
