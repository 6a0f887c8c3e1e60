"""The SLURM test helper's own logic, without SLURM: config, parsing, shared sessions."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.cluster import slurm
from tests.cluster.slurm_conf import NodeResources, parse_slurmd_c, render_slurm_conf

# Output of `slurmd -C` on the Debian 12 test machine (SLURM 22.05.8).
SLURMD_C = ("NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 "
            "ThreadsPerCore=1 RealMemory=24105\nUpTime=0-00:08:22\n")


def test_parse_slurmd_c_reads_cpus_and_memory():
    assert parse_slurmd_c(SLURMD_C) == NodeResources(cpus=2, real_memory_mb=24105)


@pytest.mark.parametrize("text", ["", "NodeName=vm CPUs=2", "CPUs=x RealMemory=10"])
def test_parse_slurmd_c_rejects_incomplete_output(text):
    with pytest.raises(ValueError, match="slurmd -C"):
        parse_slurmd_c(text)


@pytest.mark.parametrize(("measured", "offered"), [(24105, 23081), (1200, 512), (100, 512)])
def test_node_offers_less_memory_than_measured_but_at_least_512(measured, offered):
    assert NodeResources(cpus=1, real_memory_mb=measured).usable_memory_mb == offered


def test_rendered_conf_describes_one_node_without_accounting():
    conf = render_slurm_conf(NodeResources(cpus=4, real_memory_mb=8000))
    settings = dict(ln.split("=", 1) for ln in conf.splitlines()
                    if "=" in ln and not ln.startswith(("#", "NodeName", "PartitionName")))
    assert settings["SlurmctldHost"] == "localhost"
    assert settings["AccountingStorageType"] == "accounting_storage/none"
    assert settings["ProctrackType"] == "proctrack/linuxproc"
    assert settings["ReturnToService"] == "2"
    assert int(settings["MinJobAge"]) >= 300  # squeue must still list finished jobs
    node = next(ln for ln in conf.splitlines() if ln.startswith("NodeName="))
    assert "NodeAddr=127.0.0.1" in node and "CPUs=4" in node and "RealMemory=6976" in node


@pytest.fixture
def fake_cluster(tmp_path, monkeypatch):
    """Route the session bookkeeping to tmp_path and record starts and stops."""
    monkeypatch.setattr(slurm, "LOCK_PATH", tmp_path / "lock")
    monkeypatch.setattr(slurm, "STATE_PATH", tmp_path / "state.json")
    events: list[str] = []
    up = {"value": False}

    def start():
        events.append("start")
        up["value"] = True
        return {"slurmd": 1}

    def stop(pids):
        events.append(f"stop {sorted(pids)}")
        up["value"] = False

    monkeypatch.setattr(slurm, "cluster_usable", lambda: up["value"])
    monkeypatch.setattr(slurm, "start_cluster", start)
    monkeypatch.setattr(slurm, "stop_daemons", stop)
    monkeypatch.setattr(slurm, "adoptable_pids", dict)
    monkeypatch.setattr(slurm, "restore_config", lambda: None)
    monkeypatch.setattr(slurm, "_pid_alive", lambda pid, name: up["value"])
    monkeypatch.setattr(slurm, "node_resources", lambda: NodeResources(2, 4000))
    return events


def _as_pid(monkeypatch, pid):
    monkeypatch.setattr(slurm.os, "getpid", lambda: pid)


def test_first_user_starts_and_last_user_stops(fake_cluster, monkeypatch):
    # Two live processes stand in for two xdist workers sharing the cluster.
    me = os.getpid()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _as_pid(monkeypatch, me)
        slurm.acquire()
        _as_pid(monkeypatch, other.pid)
        slurm.acquire()
        assert fake_cluster == ["start"]
        _as_pid(monkeypatch, me)
        slurm.release()
        assert fake_cluster == ["start"]  # the other worker still uses it
        _as_pid(monkeypatch, other.pid)
        slurm.release()
        assert fake_cluster == ["start", "stop ['slurmd']"]
    finally:
        other.kill()
        other.wait()


def test_a_dead_user_does_not_keep_the_cluster_up(fake_cluster, monkeypatch):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    me = os.getpid()
    _as_pid(monkeypatch, dead.pid)
    slurm.acquire()  # ...and then that worker crashed without releasing
    _as_pid(monkeypatch, me)
    slurm.acquire()
    slurm.release()
    assert fake_cluster == ["start", "stop ['slurmd']"]


def test_pid_alive_checks_the_command_name():
    assert slurm._pid_alive(os.getpid(), open("/proc/self/comm").read().strip())
    assert not slurm._pid_alive(os.getpid(), "slurmctld")
