"""Reading the workflow configuration: enabled steps, canonical parameters, recording checks.

Imported by the Snakefile at parse time, so it stays light: no scipy, numba or pynwb here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import ConfigError
from ..workspace.provenance import canonical_json
from .steps import STEPS

__all__ = ["ANALYSIS_STEPS", "enabled_steps", "step_params", "step_params_json", "summary_steps",
           "expected_items",
           "check_recording_files", "keep_going_requested", "simulation_params"]

#: Per-recording analysis steps in dependency order, with the steps each one reads.
ANALYSIS_STEPS: dict[str, tuple[str, ...]] = {
    "bursts": (),
    "burst_alignment": ("bursts",),
    "burst_corr": ("burst_alignment",),
    "sttc": (),
    "fr_corr": (),
}


def enabled_steps(config: Mapping[str, Any]) -> list[str]:
    """``recording`` plus the enabled analyses, in dependency order.

    Raises
    ------
    ConfigError
        When an enabled analysis needs one that is disabled.
    """
    analyses = config.get("analyses", {})
    on = [s for s in ANALYSIS_STEPS if analyses.get(s, {}).get("enabled", False)]
    for step in on:
        for needed in ANALYSIS_STEPS[step]:
            if needed not in on:
                raise ConfigError(
                    f"analyses.{step} is enabled but needs analyses.{needed}, which is disabled"
                )
    return ["recording", *on]


def step_params(config: Mapping[str, Any], step: str) -> dict[str, Any]:
    """The parameters of one step as given in the config, without the ``enabled`` flag."""
    if step == "recording":
        return {}
    if step == "summary":
        steps = [s for s in enabled_steps(config) if s in ("bursts", "sttc", "burst_corr")]
        params: dict[str, Any] = {"steps": steps}
        if "sttc" in steps:
            params["sttc_key"] = STEPS["sttc"].keys(step_params(config, "sttc"))[0]
        return params
    block = config.get("analyses", {}).get(step, {})
    return {k: v for k, v in block.items() if k != "enabled"}


def step_params_json(config: Mapping[str, Any], step: str) -> str:
    """Canonical JSON of :func:`step_params`: YAML key order and ``20`` vs ``20.0`` do not matter."""
    return canonical_json(step_params(config, step))


def simulation_params(config: Mapping[str, Any], recording: str) -> dict[str, Any]:
    """Simulator parameters of one simulated recording: shared defaults, then its own."""
    params = dict(config.get("simulation", {}))
    params.update(config["recordings"][recording].get("simulate", {}))
    return params


def keep_going_requested(argv: Sequence[str]) -> bool:
    """Whether the snakemake command line asks for ``--keep-going`` (``-k``).

    Snakemake tells a Snakefile its execution settings only after the DAG is built, too late
    for the missing-recording check, so the command line is read directly.
    """
    return any(arg in ("--keep-going", "-k") for arg in argv[1:])


def check_recording_files(config: Mapping[str, Any], *, keep_going: bool) -> set[str]:
    """Check that every recording with a ``path`` exists.

    Returns the names of missing recordings when ``keep_going`` (their jobs will fail on
    their own); otherwise raises.

    Raises
    ------
    ConfigError
        Naming the recording and the missing file, when not ``keep_going``.
    """
    missing = {}
    for name, entry in config["recordings"].items():
        path = entry.get("path")
        if path is not None and not os.path.exists(path.split("::", 1)[0]):
            missing[name] = path
    if missing and not keep_going:
        listing = "; ".join(f"recordings.{n}.path: {p}" for n, p in missing.items())
        raise ConfigError(
            f"recording file not found: {listing} (fix the path, or run with --keep-going to "
            "let the other recordings go ahead while this one's jobs fail)"
        )
    return set(missing)


def summary_steps(config: Mapping[str, Any]) -> list[str]:
    """The per-recording steps whose results the cross-condition summary reads."""
    return list(step_params(config, "summary")["steps"])


def expected_items(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every (namespace, key) the current config produces (what ``prune`` keeps)."""
    items = []
    for recording in config["recordings"]:
        items.append((recording, "spikedata"))
        for step in enabled_steps(config)[1:]:
            items += [(recording, key) for key in STEPS[step].keys(step_params(config, step))]
    if config.get("summary", {}).get("enabled", False):
        items.append(("all", "summary"))
    return items
