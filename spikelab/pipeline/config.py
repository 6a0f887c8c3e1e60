"""Reading the workflow configuration: recordings, simulation parameters, command-line flags.

The analyses (which run, their parameters, keys and inputs) are the step graph's
(:mod:`.graph`). Imported by the Snakefile at parse time, so it stays light: no scipy,
numba or pynwb here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import ConfigError

__all__ = ["check_recording_files", "keep_going_requested", "simulation_params"]


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
