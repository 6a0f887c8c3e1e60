# Configuration checks and helpers shared by every rule file.
import re
import sys

from snakemake.utils import validate

from spikelab.pipeline.config import (
    check_recording_files,
    enabled_steps,
    expected_items,
    keep_going_requested,
    simulation_params,
    step_params_json,
    summary_steps,
)
from spikelab.workspace.provenance import canonical_json

validate(config, "../schemas/config.schema.yaml")

# A missing recording stops the workflow before any job runs, unless --keep-going asks
# for the other recordings to go ahead (then only that recording's jobs fail).
MISSING_RECORDINGS = check_recording_files(
    config, keep_going=keep_going_requested(sys.argv)
)

RECORDINGS = list(config["recordings"])
PARTS = config["parts_dir"]
STEPS = enabled_steps(config)
SUMMARY_NAMESPACE = "all"


wildcard_constraints:
    recording="|".join(re.escape(r) for r in RECORDINGS),


def part(recording, step):
    """The workspace file one (recording, step) job writes."""
    return f"{PARTS}/{recording}/{step}.h5"


def step_params(step):
    """Canonical JSON of a step's parameters: YAML key order and 20 vs 20.0 do not matter."""
    return step_params_json(config, step)


def recording_path(recording):
    entry = config["recordings"][recording]
    if "simulate" in entry:
        return f"{config['simulated_dir']}/{recording}.nwb"
    return entry["path"]


def recording_format(recording):
    entry = config["recordings"][recording]
    return "nwb" if "simulate" in entry else entry.get("format", "")


def recording_source(wildcards):
    """The recording file, unless it is missing and --keep-going lets its job fail alone."""
    if wildcards.recording in MISSING_RECORDINGS:
        return []
    return recording_path(wildcards.recording).split("::", 1)[0]


def all_parts():
    parts = [part(r, s) for r in RECORDINGS for s in STEPS]
    if config["summary"]["enabled"]:
        parts.append(part(SUMMARY_NAMESPACE, "summary"))
    return parts


def merged_workspace_files():
    base = config["workspace"].removesuffix(".h5")
    return [f"{base}.h5"]


def merge_finished_parts():
    """After a failed run (onerror), merge every part that was finished."""
    from spikelab.pipeline.merge import merge_available

    merge_available(merged_workspace_files()[0], all_parts(), log="logs/merge.log")
