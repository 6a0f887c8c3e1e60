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
import traceback
import warnings
from contextlib import contextmanager
from typing import Any, Iterator

from ..errors import AnalysisRunError, SpikelabError
from .config import simulation_params

__all__ = ["run_step", "run_recording", "run_simulate", "run_merge"]


@contextmanager
def job_logging(snakemake: Any) -> Iterator[None]:
    """Log to the rule's ``log:`` file (and stderr), and record a failure's message there.

    A spikelab error ends the job with its one message (exit status 1, no traceback of the
    workflow's code); an analysis that raised also gets its own traceback logged, which is
    what its author needs. Anything else is a bug: its traceback propagates.

    Python warnings raised while the job runs (``N event(s) dropped ...``, a numpy
    ``RuntimeWarning``) go to the same log, each once, prefixed with the job
    (``D0/burst_alignment``), instead of only to the shared console.
    """
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if snakemake.log:
        handlers.append(logging.FileHandler(str(snakemake.log[0]), mode="w"))
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("spikelab.pipeline")
    label = job_label(snakemake)

    def to_log(message, category, filename, lineno, file=None, line=None):
        log.warning("%s: %s: %s", label, category.__name__, message)

    with warnings.catch_warnings():
        warnings.simplefilter("default")  # each distinct warning once, as on a console
        warnings.showwarning = to_log
        try:
            yield
        except SpikelabError as exc:
            cause = exc.__cause__
            if isinstance(exc, AnalysisRunError) and cause is not None:
                frames = traceback.extract_tb(cause.__traceback__)[1:]  # from the analysis down
                log.error("traceback of the analysis:\n%s%s",
                          "".join(traceback.format_list(frames)),
                          "".join(traceback.format_exception_only(cause)).rstrip())
            log.error("%s: %s: %s", label, type(exc).__name__, exc)
            raise SystemExit(1) from None
        except Exception as exc:
            log.error("%s: %s: %s", label, type(exc).__name__, exc)
            raise


def job_label(snakemake: Any) -> str:
    """``namespace/rule`` of a job (``D0/sttc``, ``all/summary``), or the rule (``merge``)."""
    namespace = (getattr(snakemake.wildcards, "recording", None)
                 or getattr(snakemake.wildcards, "comparison", None)
                 or getattr(snakemake.params, "namespace", None))
    job = getattr(snakemake.params, "job", None)
    if namespace is None and isinstance(job, str):
        namespace = json.loads(job).get("namespace")  # an analysis in the shared namespace
    return f"{namespace}/{snakemake.rule}" if namespace else str(snakemake.rule)


def cache_sources(config: dict) -> list[str]:
    """The merged workspace first, then the configured extra caches."""
    return [config["workspace"], *config.get("cache", [])]


def run_step(snakemake: Any) -> None:
    """One analysis job (any analysis, any scope): restore from a cache workspace or compute.

    The rule's ``params`` describe the job, as made by the Snakefile's step graph
    (:class:`spikelab.pipeline.graph.StepGraph`): ``job`` (what it reads and writes),
    ``settings`` (the analysis's parameters) and ``code`` (its code version).
    """
    from .runner import run_spec

    with job_logging(snakemake):
        spec = {**json.loads(snakemake.params.job), "params": json.loads(snakemake.params.settings),
                "version": snakemake.params.code}
        run_spec(spec, cache_sources(snakemake.config))


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


def run_merge(snakemake: Any) -> None:
    """Fold every part workspace into the merged workspace (stale-aware, atomic)."""
    from .merge import merge_parts

    with job_logging(snakemake):
        merge_parts(str(snakemake.output[0]), [str(p) for p in snakemake.input],
                    prune=snakemake.params.prune, expected=snakemake.params.expected)
