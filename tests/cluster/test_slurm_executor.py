"""Toy workflows through ``snakemake --profile workflow/profiles/slurm`` on a real SLURM.

The toy Snakefile has a chain of two SLURM jobs and one localrule; each job records where
it ran (SLURM job id, environment), so the test can tell a SLURM job from a local one.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tests.cluster import slurm
from tests.cluster.runner import run_snakemake, slurm_args

pytestmark = [pytest.mark.slurm, pytest.mark.slow, pytest.mark.xdist_group("slurm")]

# Each job writes `key=value` lines: who ran it, and what HDF5 locking setting it saw.
REPORT = ('echo "job_id=${{SLURM_JOB_ID:-none}}" >> {output}; '
          'echo "hdf5_locking=${{HDF5_USE_FILE_LOCKING:-unset}}" >> {output}')

TOY_SNAKEFILE = f'''
localrules:
    gather,


rule all:
    input:
        "out/gathered.txt",
    default_target: True


rule make:
    output:
        "out/made.txt",
    shell:
        """echo "step=make" > {{output}}; {REPORT}"""


rule extend:
    input:
        "out/made.txt",
    output:
        "out/extended.txt",
    shell:
        """cp {{input}} {{output}}; echo "step=extend" >> {{output}}; {REPORT}"""


rule gather:
    input:
        "out/extended.txt",
    output:
        "out/gathered.txt",
    shell:
        """cp {{input}} {{output}}; echo "step=gather" >> {{output}}; {REPORT}"""
'''

FAILING_SNAKEFILE = '''
rule all:
    input:
        "out/never.txt",
    default_target: True


rule explode:
    output:
        "out/never.txt",
    log:
        "logs/explode.log",
    shell:
        """echo "spikelab-toy: deliberate failure" | tee {log} >&2; exit 3"""
'''


def _write_toy(tmp_path: Path, text: str) -> Path:
    (tmp_path / "Snakefile").write_text(textwrap.dedent(text))
    return tmp_path


def _records(path: Path) -> list[dict[str, str]]:
    """The `key=value` blocks a toy output holds, one dict per step, in order."""
    steps: list[dict[str, str]] = []
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        if key == "step":
            steps.append({})
        steps[-1][key] = value
    return steps


def test_chain_and_localrule_run_on_slurm(slurm_cluster: slurm.Cluster, tmp_path: Path):
    workdir = _write_toy(tmp_path, TOY_SNAKEFILE)
    run = run_snakemake(workdir, slurm_args(), timeout_s=240)
    assert run.returncode == 0, run.describe()

    make, extend, gather = _records(workdir / "out" / "gathered.txt")
    assert [make["step"], extend["step"], gather["step"]] == ["make", "extend", "gather"]
    # The two chained rules ran as two SLURM jobs, one after the other...
    assert make["job_id"].isdigit() and extend["job_id"].isdigit(), run.describe()
    assert int(extend["job_id"]) > int(make["job_id"])
    # ...with the profile's precommand setting HDF5 locking for them,
    assert make["hdf5_locking"] == extend["hdf5_locking"] == "FALSE"
    # while the localrule ran in the Snakemake process, outside SLURM.
    assert gather["job_id"] == "none"
    # Status came from squeue: the finished jobs are still listed there (MinJobAge).
    listed = " ".join(slurm.job_states())
    assert f"{make['job_id']} " in listed and "COMPLETED" in listed, listed


def test_failing_slurm_job_fails_the_run_and_names_its_log(slurm_cluster: slurm.Cluster,
                                                           tmp_path: Path):
    workdir = _write_toy(tmp_path, FAILING_SNAKEFILE)
    run = run_snakemake(workdir, slurm_args(), timeout_s=240)
    assert run.returncode != 0, run.describe()
    assert not (workdir / "out" / "never.txt").exists()

    # Snakemake's error report names the failed SLURM job and its log file...
    match = re.search(r"SLURM-job '(\d+)' failed.*?\n\s+log: logs/explode\.log, "
                      r"(\S+/\.snakemake/slurm_logs/rule_explode/(\d+)\.log)",
                      run.output, re.DOTALL)
    assert match, run.describe()
    assert match.group(1) == match.group(3)
    # ...which holds the job's own stderr, as does the rule's log: file.
    assert "spikelab-toy: deliberate failure" in Path(match.group(2)).read_text()
    assert "deliberate failure" in (workdir / "logs" / "explode.log").read_text()
