"""The one-node ``slurm.conf`` used by the cluster tests, and the paths it names.

Kept apart from the daemon handling so it can be unit-tested without SLURM installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# The executor plugin's in-job step strips SLURM_CONF, so the config must sit at the default.
CONF_PATH = Path("/etc/slurm/slurm.conf")
CONF_MARKER = "# written by spikelab tests/cluster/slurm_conf.py"
NODE_NAME = "localhost"
PARTITION = "debug"
# squeue only lists a finished job for MinJobAge seconds; the executor plugin reads job
# status from squeue here (no slurmdbd), and needs MinJobAge >= 3x its first status delay.
MIN_JOB_AGE_S = 300
# Memory kept back from what `slurmd -C` reports: slurmd refuses to register a node whose
# configured RealMemory exceeds what it measures, and the OS needs some for itself.
RESERVED_MEMORY_MB = 1024

PIDFILES = {
    "munged": Path("/run/munge/munged.pid"),
    "slurmctld": Path("/run/slurmctld.pid"),
    "slurmd": Path("/run/slurmd.pid"),
}
DAEMON_LOGS = {
    "munged": Path("/var/log/munge/munged.log"),
    "slurmctld": Path("/var/log/slurm/slurmctld.log"),
    "slurmd": Path("/var/log/slurm/slurmd.log"),
}
SPOOL_DIRS = (Path("/var/spool/slurmctld"), Path("/var/spool/slurmd"))


@dataclass(frozen=True)
class NodeResources:
    """What ``slurmd -C`` measured on this machine."""

    cpus: int
    real_memory_mb: int

    @property
    def usable_memory_mb(self) -> int:
        """Memory offered to jobs (MB): measured minus a reserve, never below 512 MB."""
        return max(512, self.real_memory_mb - RESERVED_MEMORY_MB)


def parse_slurmd_c(text: str) -> NodeResources:
    """Read ``CPUs=`` and ``RealMemory=`` (MB) from the output of ``slurmd -C``.

    Raises
    ------
    ValueError
        If either field is missing (the output is quoted in the message).
    """
    fields = dict(re.findall(r"(\w+)=(\S+)", text))
    try:
        return NodeResources(cpus=int(fields["CPUs"]), real_memory_mb=int(fields["RealMemory"]))
    except (KeyError, ValueError) as exc:
        raise ValueError(f"cannot read CPUs/RealMemory from `slurmd -C` output: {text!r}") from exc


def render_slurm_conf(resources: NodeResources) -> str:
    """A minimal single-node configuration: no accounting, no cgroups, no systemd."""
    return f"""{CONF_MARKER}
ClusterName=spikelab
SlurmctldHost={NODE_NAME}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation={SPOOL_DIRS[0]}
SlurmdSpoolDir={SPOOL_DIRS[1]}
SlurmctldPidFile={PIDFILES["slurmctld"]}
SlurmdPidFile={PIDFILES["slurmd"]}
SlurmctldLogFile={DAEMON_LOGS["slurmctld"]}
SlurmdLogFile={DAEMON_LOGS["slurmd"]}
# No cgroups in a container: track processes through /proc, bind no tasks.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# A node that was down (e.g. slurmd restarted) comes back by itself once it registers.
ReturnToService=2
MinJobAge={MIN_JOB_AGE_S}
InactiveLimit=0
KillWait=10
Waittime=0
NodeName={NODE_NAME} NodeAddr=127.0.0.1 CPUs={resources.cpus} RealMemory={resources.usable_memory_mb} State=UNKNOWN
PartitionName={PARTITION} Nodes={NODE_NAME} Default=YES MaxTime=INFINITE State=UP
"""  # noqa: E501 (slurm.conf has one line per node)
