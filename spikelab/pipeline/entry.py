"""Entry points for the workflow's ``script:`` shims: adapt ``snakemake`` to the pipeline.

Each function takes the ``snakemake`` object Snakemake injects into a script, reads only
its ``input``, ``output``, ``params``, ``wildcards``, ``log`` and ``config``, and calls one
pipeline function. Nothing here computes anything itself. Each job imports only the module
it needs (every job is a fresh interpreter: pynwb, for one, costs a second to import).
"""

from __future__ import annotations

import json
import logging
import sys
from contextlib import contextmanager
from typing import Any, Iterator

from .config import simulation_params

__all__ = ["run_step", "run_recording", "run_simulate", "run_summary", "run_merge"]


@contextmanager
def job_logging(snakemake: Any) -> Iterator[None]:
    """Log to the rule's ``log:`` file (and stderr), and record a failure's message there."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if snakemake.log:
        handlers.append(logging.FileHandler(str(snakemake.log[0]), mode="w"))
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        yield
    except Exception as exc:
        logging.getLogger("spikelab.pipeline").error("%s: %s", type(exc).__name__, exc)
        raise


def cache_sources(config: dict) -> list[str]:
    """The merged workspace first, then the configured extra caches."""
    return [config["workspace"], *config.get("cache", [])]


def _params(snakemake: Any) -> dict:
    return json.loads(snakemake.params.settings)


def run_step(snakemake: Any) -> None:
    """One (recording, analysis) job: restore from a cache workspace or compute."""
    from .runner import ItemRef, Job, run_job
    from .steps import STEPS

    with job_logging(snakemake):
        step = STEPS[snakemake.rule]
        namespace = snakemake.wildcards.recording
        params = _params(snakemake)
        inputs = {"spikedata": ItemRef(snakemake.input.recording, namespace, "spikedata")}
        for upstream, keys in step.reads.items():
            inputs.update({k: ItemRef(snakemake.input[upstream], namespace, k) for k in keys})
        job = Job(step.name, step.version, namespace, step.keys(params), params, inputs,
                  str(snakemake.output[0]))
        run_job(job, lambda loaded, p: step.compute(loaded["spikedata"], p, loaded),
                cache_sources(snakemake.config))


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
    """Write one simulated culture as an NWB file."""
    from .recording import simulate_recording

    with job_logging(snakemake):
        recording = snakemake.wildcards.recording
        simulate_recording(simulation_params(snakemake.config, recording),
                           str(snakemake.output[0]))


def run_summary(snakemake: Any) -> None:
    """Cross-condition summary in the shared namespace."""
    from .runner import Job, run_job
    from .summary import SUMMARY_KEYS, SUMMARY_VERSION, summarise, summary_inputs

    with job_logging(snakemake):
        namespace = snakemake.params.namespace
        params = _params(snakemake)
        inputs = summary_inputs(snakemake.params.recordings, dict(snakemake.input.items()), params)
        job = Job("summary", SUMMARY_VERSION, namespace, SUMMARY_KEYS, params, inputs,
                  str(snakemake.output[0]))
        run_job(job, lambda loaded, p: summarise(snakemake.params.recordings, loaded),
                cache_sources(snakemake.config))


def run_merge(snakemake: Any) -> None:
    """Fold every part workspace into the merged workspace (stale-aware, atomic)."""
    from .merge import merge_parts

    with job_logging(snakemake):
        merge_parts(str(snakemake.output[0]), [str(p) for p in snakemake.input],
                    prune=snakemake.params.prune, expected=snakemake.params.expected)
