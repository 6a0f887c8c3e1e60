"""Entry points for the workflow's ``script:`` shims: adapt ``snakemake`` to the pipeline.

(Analysis jobs are ``shell:`` commands instead: :mod:`.job`.)

Each function takes the ``snakemake`` object Snakemake injects into a script, reads only
its ``input``, ``output``, ``params``, ``wildcards``, ``log`` and ``config``, and calls one
pipeline function. Nothing here computes anything itself. Each job imports only the module
it needs (every job is a fresh interpreter: pynwb, for one, costs a second to import).
"""

from __future__ import annotations

from typing import Any

from . import joblog
from .config import simulation_params

__all__ = ["run_recording", "run_simulate", "run_merge"]


def job_logging(snakemake: Any):
    """:func:`.joblog.job_logging` to the rule's ``log:`` file, labelled with :func:`job_label`."""
    return joblog.job_logging(str(snakemake.log[0]) if snakemake.log else None,
                              job_label(snakemake))


def job_label(snakemake: Any) -> str:
    """``namespace/rule`` of a job (``D0/recording``, ``all/summary``), or the rule (``merge``)."""
    namespace = (getattr(snakemake.wildcards, "recording", None)
                 or getattr(snakemake.wildcards, "comparison", None)
                 or getattr(snakemake.params, "namespace", None))
    return f"{namespace}/{snakemake.rule}" if namespace else str(snakemake.rule)


def run_recording(snakemake: Any) -> None:
    """Load a recording file into the recording's part workspace as ``spikedata``."""
    from .recording import import_recording

    with job_logging(snakemake):
        recording = snakemake.wildcards.recording
        entry = snakemake.config["recordings"][recording]
        import_recording(
            path=snakemake.params.path, fmt=snakemake.params.format or None,
            options=entry.get("options", {}), namespace=recording,
            output=str(snakemake.output[0]),
        )


def run_simulate(snakemake: Any) -> None:
    """Write one simulated culture as an NWB file, then import it like any recording file."""
    from .recording import import_recording, simulate_recording

    with job_logging(snakemake):
        recording = snakemake.wildcards.recording
        nwb = str(snakemake.output.nwb)
        simulate_recording(simulation_params(snakemake.config, recording), nwb)
        import_recording(path=nwb, fmt="nwb", options={}, namespace=recording,
                         output=str(snakemake.output.part))


def run_merge(snakemake: Any) -> None:
    """Fold every part workspace into the merged workspace (stale-aware, atomic)."""
    from .merge_job import merge_parts

    with job_logging(snakemake):
        merge_parts(str(snakemake.output[0]), [str(p) for p in snakemake.input],
                    prune=snakemake.params.prune, expected=snakemake.params.expected)
