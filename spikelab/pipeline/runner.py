"""The one wrapper every analysis job goes through: fingerprint, look up, compute or restore.

A job's results are written to its own part workspace (``results/parts/{ns}/{step}.h5``),
atomically. Before computing, the job looks for every key it would write, with an
identical fingerprint, in the merged workspace and the configured cache workspaces; when
they are all there it copies them at the HDF5 level instead of computing. What the analysis
returns is checked (:mod:`.results`) before anything is written.

The fingerprint's ``version`` is the analysis's code hash (:mod:`.codehash`), computed when
the Snakefile is parsed and handed to the job with the rest of its description
(:func:`run_spec`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import AnalysisRunError, ItemNotFoundError
from ..ondisk import h5_path
from ..workspace.provenance import canonical_json, fingerprint
from ..workspace.workspace import AnalysisWorkspace, LazyAnalysisWorkspace
from .functions import FunctionRef
from .results import check_results, store_results

__all__ = ["ItemRef", "Job", "run_job", "run_spec", "inputs_hash"]

log = logging.getLogger("spikelab.pipeline")


@dataclass(frozen=True)
class ItemRef:
    """Where an input item lives: a part workspace file, a namespace and a key."""

    path: str
    namespace: str
    key: str


@dataclass(frozen=True)
class Job:
    """What one rule invocation computes.

    Attributes
    ----------
    step, version : str
        Step name and its code version (both in the fingerprint): for workflow analyses the
        code hash, after any manual ``version:``.
    namespace : str
        Namespace the results are stored under (the recording's name, or ``all``).
    keys : list of str
        Keys the step writes.
    params : dict
        The step's parameters (canonicalised into the fingerprint).
    inputs : dict
        Label -> :class:`ItemRef` of every item the step reads.
    output : str
        Path of the part workspace to write.
    function : str
        The function's reference (``module:function``), for messages.
    about : str
        What the job is about (``recording D0``), for messages.
    """

    step: str
    version: str
    namespace: str
    keys: Sequence[str]
    params: Mapping[str, Any]
    inputs: Mapping[str, ItemRef]
    output: str
    function: str = ""
    about: str = ""


def inputs_hash(inputs: Mapping[str, ItemRef]) -> str:
    """Hash of the content hashes of every input item (read from the index, not the data).

    Raises
    ------
    ItemNotFoundError
        An input item is missing, or was stored without a content hash (without
        provenance); the message names the file, the item and the keys there are.
    """
    hashes = {}
    for label, ref in inputs.items():
        with LazyAnalysisWorkspace.load(ref.path) as part:
            info = part.get_info(ref.namespace, ref.key)
            keys = part.list_keys(ref.namespace) if ref.namespace in part.list_namespaces() else []
        if info is None or not info.get("content_hash"):
            problem = "not found" if info is None else "stored without a content hash"
            raise ItemNotFoundError(
                f"{h5_path(ref.path)}: input {label!r}, item ({ref.namespace!r}, "
                f"{ref.key!r}): {problem}; keys in {ref.namespace!r}: {keys}")
        hashes[label] = info["content_hash"]
    return hashlib.sha256(canonical_json(hashes).encode()).hexdigest()


def provenance_of(job: Job, inputs: str) -> dict[str, Any]:
    return {"step": job.step, "params": dict(job.params), "inputs": inputs,
            "version": job.version}


def find_cached(job: Job, fp: str, sources: Sequence[str]) -> str | None:
    """First source workspace holding every key of the job with fingerprint ``fp``.

    A source that cannot be read (damaged, not a workspace) is a cache miss with one
    warning: a cache only saves work, so it never makes a job fail.
    """
    for source in sources:
        if not os.path.exists(h5_path(source)):
            continue
        try:
            with LazyAnalysisWorkspace.load(source) as index:
                infos = [index.get_info(job.namespace, key) for key in job.keys]
        except Exception as exc:  # noqa: BLE001 - whatever a damaged file raises
            log.warning("%s/%s: cache %s cannot be read, so it is not used (%s: %s)",
                        job.namespace, job.step, h5_path(source), type(exc).__name__, exc)
            continue
        if all(info is not None and info.get("fingerprint") == fp for info in infos):
            return source
    return None


def restore(job: Job, source: str) -> None:
    """Copy the job's items from ``source`` into its part file, at the HDF5 level."""
    with LazyAnalysisWorkspace() as part, LazyAnalysisWorkspace.load(source) as cached:
        part.merge_from(cached, keys=[(job.namespace, key) for key in job.keys])
        part.save(job.output)


class _Phases:
    """Durations of a job's phases, for its log line, told to an optional observer as they end."""

    def __init__(self, on_phase: Callable[[str], None] | None) -> None:
        self._on_phase = on_phase
        self._last = time.perf_counter()
        self.durations: list[tuple[str, float]] = []

    def end(self, name: str) -> None:
        now = time.perf_counter()
        self.durations.append((name, now - self._last))
        self._last = now
        if self._on_phase is not None:
            self._on_phase(name)

    def __str__(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.durations)


def compute(job: Job, step_compute, inputs: str, *, prepare: Callable[[], object] | None = None,
            phases: _Phases | None = None) -> None:
    """Load the inputs, run the analysis, check its results and store them with provenance.

    ``prepare`` (importing the analysis's code) runs first, so that a job's log tells import
    time from computing time; phases ``code``, ``inputs``, ``analysis`` and ``saving`` end
    in that order.

    Raises
    ------
    AnalysisRunError
        When the analysis (or importing its code) raises (the original exception is its
        ``__cause__``) or returns results that are not exactly its keys, storable: nothing
        is written then.
    """
    phases = phases or _Phases(None)
    about = job.about or f"namespace {job.namespace}"

    def failed(exc: Exception) -> AnalysisRunError:
        return AnalysisRunError(
            f"analysis {job.step} ({job.function or 'function'}), {about}: raised "
            f"{type(exc).__name__}: {exc} (while computing {', '.join(job.keys)})")

    try:
        if prepare is not None:
            prepare()
    except Exception as exc:
        raise failed(exc) from exc
    phases.end("code")
    loaded = {label: AnalysisWorkspace.load_item(ref.path, ref.namespace, ref.key)
              for label, ref in job.inputs.items()}
    phases.end("inputs")
    try:
        returned = step_compute(loaded, job.params)
    except Exception as exc:
        raise failed(exc) from exc
    results = check_results(returned, analysis=job.step, function=job.function or "function",
                            about=about, keys=job.keys)
    phases.end("analysis")
    ws = AnalysisWorkspace(name=f"{job.namespace}/{job.step}")
    store_results(ws, results, analysis=job.step, function=job.function or "function",
                  about=about, namespace=job.namespace, provenance=provenance_of(job, inputs),
                  note=f"{job.step} {canonical_json(dict(job.params))}")
    ws.save(job.output)
    phases.end("saving")


def run_job(job: Job, step_compute, cache_sources: Sequence[str], *,
            prepare: Callable[[], object] | None = None,
            on_phase: Callable[[str], None] | None = None) -> str:
    """Restore the job's results from a cache workspace, or compute them.

    Parameters
    ----------
    step_compute : callable
        ``step_compute(loaded, params) -> {key: result}``.
    prepare : callable, optional
        Imports the analysis's code; called only when the job computes.
    on_phase : callable, optional
        Called with each phase's name as it ends: ``lookup`` (fingerprint and cache
        lookup), then ``restore``, or ``code``, ``inputs``, ``analysis`` and ``saving``.

    Returns ``"restored"`` or ``"computed"``.
    """
    started = time.perf_counter()
    phases = _Phases(on_phase)
    inputs = inputs_hash(job.inputs)
    fp = fingerprint(job.step, dict(job.params), inputs, job.version)
    log.info("%s/%s: fingerprint %s (%s)", job.namespace, job.step, fp[:16], job.version)
    source = find_cached(job, fp, cache_sources)
    phases.end("lookup")
    if source is not None:
        try:
            restore(job, source)
            phases.end("restore")
            outcome = f"restored from {h5_path(source)}"
        except Exception as exc:  # noqa: BLE001 - an index that reads but data that does not
            log.warning("%s/%s: cannot restore from %s, computing instead (%s: %s)",
                        job.namespace, job.step, h5_path(source), type(exc).__name__, exc)
            source = None
    if source is None:
        compute(job, step_compute, inputs, prepare=prepare, phases=phases)
        outcome = "computed"
    log.info("%s/%s: %s %s in %.2f s -> %s (%s)", job.namespace, job.step, outcome,
             ", ".join(job.keys), time.perf_counter() - started, job.output, phases)
    return "restored" if source is not None else "computed"


class _SpecCompute:
    """``compute(loaded, params)`` calling the analysis function with its signature.

    ``scope: recording``: ``f(sd, params, {key: obj})``; ``scope: all``:
    ``f(recordings, params, {recording: {key: obj}})``. The function is imported by
    :meth:`load`, only when the job computes (a restore never imports it).
    """

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self._ref = FunctionRef.parse(spec["function"])
        self._scope = spec["scope"]
        self._recordings = list(spec["recordings"])
        self._function: Callable[..., Any] | None = None

    def load(self) -> Callable[..., Any]:
        if self._function is None:
            self._function = self._ref.load()
        return self._function

    def __call__(self, loaded: Mapping[str, Any], params: Mapping[str, Any]) -> Any:
        function = self.load()
        if self._scope == "recording":
            upstream = {label: obj for label, obj in loaded.items() if label != "spikedata"}
            return function(loaded["spikedata"], params, upstream)
        by_recording: dict[str, dict[str, Any]] = {rec: {} for rec in self._recordings}
        for label, obj in loaded.items():
            rec, _, key = label.partition("/")
            by_recording[rec][key] = obj
        return function(self._recordings, params, by_recording)


def run_spec(spec: Mapping[str, Any], cache_sources: Sequence[str], *,
             on_phase: Callable[[str], None] | None = None) -> str:
    """Run the job ``spec`` describes: restore or compute (``on_phase`` as :func:`run_job`).

    ``spec`` is :meth:`.graph.StepGraph.job` plus ``params`` (the analysis's parameters) and
    ``version`` (its code version, :meth:`.graph.StepGraph.version`).
    """
    job = Job(step=spec["step"], version=spec["version"], namespace=spec["namespace"],
              keys=list(spec["keys"]), params=dict(spec["params"]),
              inputs={label: ItemRef(path, ns, key) for label, path, ns, key in spec["inputs"]},
              output=spec["output"], function=spec["function"], about=spec["about"])
    step_compute = _SpecCompute(spec)
    return run_job(job, step_compute, cache_sources, prepare=step_compute.load, on_phase=on_phase)
