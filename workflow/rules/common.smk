# Configuration checks, the step graph and helpers shared by every rule file.
import os
import re
import shlex
import sys

from snakemake.logging import logger
from snakemake.settings.types import DeploymentMethod
from snakemake.utils import validate

from spikelab.pipeline.config import (
    check_cache_paths,
    check_recording_files,
    check_recording_options,
    keep_going_requested,
    simulation_params,
)
from spikelab.pipeline.graph import SHARED_NAMESPACE, StepGraph
from spikelab.pipeline.merge_job import rebuild_if_damaged
from spikelab.ondisk import h5_path, item_file
from spikelab.workspace.provenance import canonical_json

validate(config, "../schemas/config.schema.yaml")

# A missing recording stops the workflow before any job runs, unless --keep-going asks
# for the other recordings to go ahead (then only that recording's jobs fail).
MISSING_RECORDINGS = check_recording_files(
    config, keep_going=keep_going_requested(sys.argv)
)
check_recording_options(config)
check_cache_paths(config)

# Every analysis, built-in or the lab's own, with its inputs, keys and namespaces: the one
# source of the step graph (docs/pipeline.md). Its code hashes are computed here, once per
# run (a missing or unparsable analysis file stops the run before any job starts); the
# parse of each source file is cached in .snakemake/ by the file's content.
GRAPH = StepGraph(
    config,
    project_dir=os.getcwd(),
    code_cache=".snakemake/spikelab-codehash.json",
)
CODE_VERSIONS = GRAPH.versions
RECORDINGS = GRAPH.recordings


# Simulated recordings (the demo's) are written and imported by one rule, recording files by
# another: each name belongs to one of them.
SIMULATED_RECORDINGS = [r for r in RECORDINGS if "simulate" in config["recordings"][r]]
FILE_RECORDINGS = [r for r in RECORDINGS if "simulate" not in config["recordings"][r]]


def name_pattern(names):
    """A wildcard constraint matching exactly these names (nothing when there are none)."""
    return "|".join(map(re.escape, names)) or "(?!)"


wildcard_constraints:
    recording=name_pattern(RECORDINGS),


class Untracked:
    """A piece of a shell command passed as a param that never reruns a job: Snakemake
    compares params of builtin types only. (Shell commands take everything from params:
    a global is unknown when the workflow is used as a module.)"""

    def __init__(self, text):
        self.text = str(text)

    def __str__(self):
        return self.text


# How shell: jobs start Python: as Snakemake starts script: jobs, with its own interpreter,
# or with the environment's under --software-deployment-method conda (the scripts then fall
# back to this repository for spikelab). Untracked: another venv's path reruns nothing.
JOB_PYTHON = Untracked(
    "python"
    if DeploymentMethod.CONDA in workflow.deployment_settings.deployment_method
    else shlex.quote(sys.executable)
)
JOB_SCRIPT = Untracked(workflow.source_path("../scripts/run_job.py"))
COMPILE_SCRIPT = Untracked(workflow.source_path("../scripts/compile_kernels.py"))
# Where analysis jobs look for results to restore: the merged workspace, then the configured
# caches (untracked: editing `cache` reruns nothing).
CACHE_SOURCES = Untracked(
    canonical_json([config["workspace"], *config.get("cache", [])])
)


def kernels_input(step):
    """The compile step's record, for an analysis whose code uses compiled kernels."""
    return [ancient(GRAPH.kernels_record)] if GRAPH.kernel_modules(step) else []


def part(namespace, step):
    """The workspace file one (namespace, step) job writes."""
    return GRAPH.part(namespace, step)


def recording_source(wildcards):
    """The recording file, unless it is missing and --keep-going lets its job fail alone."""
    if wildcards.recording in MISSING_RECORDINGS:
        return []
    return item_file(config["recordings"][wildcards.recording]["path"])


def merged_workspace_files():
    return [h5_path(config["workspace"])]


# A merged workspace that cannot be read must not block the workflow: the merge job keeps
# it aside and rebuilds it from the parts; this makes Snakemake schedule that job.
if workflow.is_main_process and (
    damaged := rebuild_if_damaged(merged_workspace_files()[0])
):
    logger.warning(damaged)


def merge_finished_parts():
    """After a failed run (onerror), merge every part that was finished."""
    from spikelab.pipeline.merge_job import merge_available

    merge_available(merged_workspace_files()[0], GRAPH.parts(), log="logs/merge.log")
