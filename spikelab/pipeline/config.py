"""Reading the workflow configuration: recordings, simulation parameters, command-line flags.

The analyses (which run, their parameters, keys and inputs) are the step graph's
(:mod:`.graph`). Imported by the Snakefile at parse time, so it stays light: no scipy,
numba or pynwb here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import ConfigError, RecordingError
from ..io.dispatch import check_options, resolve_format
from ..ondisk import item_file
from ..ondisk import h5_path

__all__ = ["check_recording_files", "check_recording_options", "check_cache_paths",
           "keep_going_requested", "simulation_params"]


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
        if path is not None and not os.path.exists(item_file(path)):
            missing[name] = path
    if missing and not keep_going:
        listing = "; ".join(f"recordings.{n}.path: {p}" for n, p in missing.items())
        raise ConfigError(
            f"recording file not found: {listing} (fix the path, or run with --keep-going to "
            "let the other recordings go ahead while this one's jobs fail)"
        )
    return set(missing)


def check_recording_options(config: Mapping[str, Any]) -> None:
    """Check each recording's ``format`` and loader ``options`` before any job runs.

    Nothing is read: the format comes from ``format`` or the path (a suffix, a Phy folder's
    files), and each option is checked against that format's loader
    (:data:`spikelab.io.dispatch.FORMAT_OPTIONS`). Recordings whose file is missing are left
    to :func:`check_recording_files`.

    Raises
    ------
    ConfigError
        Naming ``recordings.<name>.path``, ``.format`` or ``.options`` and what is wrong.
    """
    for name, entry in config["recordings"].items():
        if "simulate" in entry:
            # `options: {}` is the schema's default, not something the user wrote
            extra = sorted(k for k in ("format", "options") if entry.get(k))
            if extra:
                raise ConfigError(f"recordings.{name}: {' and '.join(extra)} apply to a "
                                  "recording with a path, not to a simulated one")
            continue
        path = entry["path"]
        if not os.path.exists(item_file(path)):
            continue
        field = "format" if entry.get("format") else "path"
        try:
            fmt = resolve_format(path, entry.get("format"))
            field = "options"
            check_options(path, fmt, entry.get("options", {}))
        except RecordingError as exc:
            raise ConfigError(f"recordings.{name}.{field}: {exc}") from None


def check_cache_paths(config: Mapping[str, Any]) -> None:
    """Every ``cache`` workspace must exist.

    The workflow only reads caches and never creates one, so a missing entry is a typo or
    a shared drive that is not mounted: silently skipping it would recompute everything.

    Raises
    ------
    ConfigError
        Listing each missing entry with the file looked for.
    """
    missing = [f"cache[{i}]: {entry} (looked for {h5_path(entry)})"
               for i, entry in enumerate(config.get("cache", []))
               if not os.path.isfile(h5_path(entry))]
    if missing:
        raise ConfigError(
            f"cache workspace not found: {'; '.join(missing)}. The workflow reads cache "
            "workspaces and never creates them: fix the path (or mount the shared drive), "
            "or remove the entry"
        )

