"""The step graph: the config's analyses, resolved, checked and ordered (built by the Snakefile).

One object answers every question the workflow asks about its analyses: which run and in
what order, their parameters, keys and inputs, the namespaces they write, their code
hashes, every part file and every item the merged workspace should hold. The Snakefile
generates one rule per analysis from it; the jobs get their whole description from it
(:meth:`StepGraph.job`), through the rule's ``params``.

Imported at parse time, so it stays light: no numpy, scipy, numba or h5py of its own.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from ..errors import ConfigError
from ..ondisk import SUFFIX
from ..spikedata import kernel_cache
from ..spikedata.kernel_cache import KERNEL_MODULES
from ..workspace.names import check_name, comparison_namespace
from ..workspace.provenance import canonical_json
from .builtins import BUILTINS
from .codehash import CodeHash, CodeHasher, code_version
from .registry import EVERY_KEY, Analysis, from_block

__all__ = ["StepGraph", "RECORDING_STEP", "RECORDING_KEY", "SHARED_NAMESPACE", "KERNELS_RECORD"]

#: The step loading each recording; it writes ``spikedata`` in the recording's namespace.
RECORDING_STEP = "recording"
RECORDING_KEY = "spikedata"
#: Namespace of ``scope: all`` results (without ``pairs``).
SHARED_NAMESPACE = "all"
#: File (in the parts folder) recording the kernels' compilation, named after their version
#: (``{}``); ``__`` as no namespace can.
KERNELS_RECORD = "__kernels__.{}.json"
_KERNEL_CACHE = kernel_cache.__name__
#: Rule names of the workflow itself: no analysis may take one.
RESERVED = frozenset({RECORDING_STEP, "all", "merge", "simulate_recording", "compile_kernels"})


def _declared(config: Mapping[str, Any]) -> dict[str, Analysis]:
    """Built-ins, then the config's own analyses in the order written."""
    declared = dict(BUILTINS)
    blocks = config.get("analyses") or {}
    for name, block in blocks.items():
        if name in BUILTINS:
            continue
        if not isinstance(block, Mapping) or "function" not in block:
            raise ConfigError(
                f"analyses.{name}: not a built-in analysis ({', '.join(BUILTINS)}); an analysis "
                "of your own needs `function:` and `keys:` (see docs/pipeline.md)")
        if name in RESERVED or name.startswith("plot_"):
            raise ConfigError(f"analyses.{name}: the name is taken by a rule of the workflow "
                              f"({', '.join(sorted(RESERVED))}, plot_*); choose another")
        declared[name] = from_block(name, block)
    return declared


class StepGraph:
    """The enabled analyses of ``config`` and everything derived from them.

    Parameters
    ----------
    config : mapping
        The workflow configuration (validated against the schema).
    project_dir : path
        The project folder: file analyses (``path.py:fn``) are relative to it.
    code_cache : path, optional
        JSON file caching parsed source files (see :class:`~.codehash.CodeHasher`).

    Raises
    ------
    ConfigError
        Naming the config key, for an unknown analysis block, a ``reads`` naming an unknown,
        disabled or ``scope: all`` analysis or a key it does not write, a cycle, two analyses
        writing the same key, a bad pair of recordings.

    Examples
    --------
    >>> config = {"recordings": {"D0": {"path": "d0.nwb"}},
    ...           "analyses": {"bursts": {"enabled": True}}}
    >>> StepGraph(config).names
    ['bursts']
    """

    def __init__(self, config: Mapping[str, Any], *, project_dir: str | os.PathLike = ".",
                 code_cache: str | os.PathLike | None = None) -> None:
        self.config = config
        self.recordings: list[str] = list(config.get("recordings") or {})
        self.parts_dir: str = config.get("parts_dir", "results/parts")
        self._hasher = CodeHasher(project_dir, cache=code_cache)
        declared = _declared(config)
        on = {name: a for name, a in declared.items() if a.enabled(config)}
        self._analyses = on
        self._keys = {name: self._checked_keys(a) for name, a in on.items()}
        self._reads = {name: self._resolved_reads(a, declared) for name, a in on.items()}
        self.names: list[str] = self._ordered()
        self._pairs = {name: self._checked_pairs(a) for name, a in on.items()
                       if a.pairs is not None}
        self._check_unique_keys()
        self._check_namespaces()

    # ------------------------------------------------------------------ checks
    def _checked_keys(self, analysis: Analysis) -> list[str]:
        where = f"{'.'.join(analysis.block or ('analyses', analysis.name))}.keys"
        keys = analysis.keys_for(analysis.params(self.config))
        for key in keys:
            try:
                check_name(key, "key")
            except ValueError as exc:
                raise ConfigError(f"{where}: {exc}") from None
        if analysis.scope == "recording" and RECORDING_KEY in keys:
            raise ConfigError(f"{where}: {RECORDING_KEY!r} is the recording itself; "
                              "choose another key")
        return keys

    def _resolved_reads(self, analysis: Analysis, declared: Mapping[str, Analysis]) -> dict:
        reads: dict[str, list[str]] = {}
        for step, keys in analysis.reads.items():
            where = f"analyses.{analysis.name}.reads.{step}"
            if step == RECORDING_STEP:
                wanted = [RECORDING_KEY] if keys == EVERY_KEY else list(keys)
                if wanted != [RECORDING_KEY]:
                    raise ConfigError(f"{where}: the recording step writes only "
                                      f"{RECORDING_KEY!r}, not {wanted}")
                if analysis.scope == "recording":
                    continue  # a per-recording analysis gets the recording as its first argument
                reads[step] = wanted
                continue
            if step not in declared:
                valid = [RECORDING_STEP, *declared]
                raise ConfigError(f"{where}: no analysis {step!r}; valid: {', '.join(valid)}")
            if step not in self._analyses:
                if step in analysis.optional:
                    continue
                raise ConfigError(f"analyses.{analysis.name} is enabled but needs "
                                  f"analyses.{step}, which is disabled")
            upstream = self._analyses[step]
            if upstream.scope != "recording":
                raise ConfigError(f"{where}: {step} has scope: all; an analysis reads "
                                  "per-recording results only")
            written = self._keys[step]
            if keys == EVERY_KEY:
                reads[step] = list(written)
                continue
            unknown = [k for k in keys if k not in written]
            if unknown:
                raise ConfigError(f"{where}: {step} does not write {unknown}; it writes "
                                  f"{', '.join(written)}")
            reads[step] = list(keys)
        return reads

    def _ordered(self) -> list[str]:
        """Declaration order, moved only as far as dependencies require; cycles named."""
        order: list[str] = []
        state: dict[str, str] = {}

        def visit(name: str, path: list[str]) -> None:
            if state.get(name) == "done":
                return
            if state.get(name) == "visiting":
                cycle = path[path.index(name):] + [name]
                raise ConfigError(f"analyses.{cycle[0]}.reads: a cycle: {' -> '.join(cycle)}")
            state[name] = "visiting"
            for step in self._reads[name]:
                if step != RECORDING_STEP:
                    visit(step, [*path, name])
            state[name] = "done"
            order.append(name)

        for name in self._analyses:
            visit(name, [])
        return order

    def _checked_pairs(self, analysis: Analysis) -> dict[str, tuple[str, str]]:
        where = f"analyses.{analysis.name}.pairs"
        recs = self.recordings
        if analysis.pairs == "all":
            pairs = [(a, b) for i, a in enumerate(recs) for b in recs[i + 1:]]
        elif isinstance(analysis.pairs, Mapping):
            base = analysis.pairs["baseline"]
            if base not in recs:
                raise ConfigError(f"{where}.baseline: no recording {base!r}; "
                                  f"valid: {', '.join(recs)}")
            pairs = [(base, r) for r in recs if r != base]
        else:
            pairs = list(analysis.pairs or ())
            for a, b in pairs:
                bad = [r for r in (a, b) if r not in recs]
                if bad:
                    raise ConfigError(f"{where}: no recording {bad[0]!r}; valid: {', '.join(recs)}")
                if a == b:
                    raise ConfigError(f"{where}: [{a}, {b}] compares a recording with itself")
        by_namespace: dict[str, tuple[str, str]] = {}
        for a, b in pairs:
            ns = comparison_namespace(a, b)
            if ns in by_namespace:
                other = by_namespace[ns]
                raise ConfigError(f"{where}: pairs {list(other)} and {[a, b]} both get the "
                                  f"namespace {ns}; rename a recording or drop a pair")
            by_namespace[ns] = (a, b)
        return by_namespace

    def _check_unique_keys(self) -> None:
        owners: dict[tuple[str, str], str] = {}
        for name in self.names:
            scope = self._analyses[name].scope
            for key in self._keys[name]:
                other = owners.setdefault((scope, key), name)
                if other != name:
                    raise ConfigError(f"analyses.{name}.keys: {key!r} is also written by "
                                      f"analyses.{other} (scope: {scope}); keys must differ")

    def _check_namespaces(self) -> None:
        taken = {r: f"recording {r}" for r in self.recordings}
        taken[SHARED_NAMESPACE] = "the shared namespace"
        for name, pairs in self._pairs.items():
            for ns in pairs:
                if ns in taken and not taken[ns].startswith("comparison"):
                    raise ConfigError(f"analyses.{name}.pairs: the comparison namespace {ns} "
                                      f"is also {taken[ns]}; rename a recording")
                taken[ns] = f"comparison {ns}"

    # ------------------------------------------------------------------ queries
    def analysis(self, name: str) -> Analysis:
        """The enabled analysis ``name``."""
        try:
            return self._analyses[name]
        except KeyError:
            raise ConfigError(f"no enabled analysis {name!r}; enabled: "
                              f"{', '.join(self.names) or 'none'}") from None

    @property
    def steps(self) -> list[Analysis]:
        """The enabled analyses in dependency order."""
        return [self._analyses[n] for n in self.names]

    def params(self, name: str) -> dict[str, Any]:
        """The parameters of ``name`` as configured."""
        return self.analysis(name).params(self.config)

    def params_json(self, name: str) -> str:
        """Canonical JSON of :meth:`params`: key order and ``20`` vs ``20.0`` do not matter."""
        return canonical_json(self.params(name))

    def keys(self, name: str) -> list[str]:
        """The keys ``name`` writes in each of its namespaces."""
        self.analysis(name)
        return list(self._keys[name])

    def reads(self, name: str) -> dict[str, list[str]]:
        """Upstream step -> keys ``name`` reads (enabled steps only, ``all`` expanded)."""
        self.analysis(name)
        return {step: list(keys) for step, keys in self._reads[name].items()}

    def pairs(self, name: str) -> dict[str, tuple[str, str]]:
        """Comparison namespace -> its two recordings, for a ``scope: all`` analysis with pairs."""
        return dict(self._pairs.get(name, {}))

    def namespaces(self, name: str) -> list[str]:
        """Where ``name`` writes: each recording, ``all``, or each comparison namespace."""
        analysis = self.analysis(name)
        if analysis.scope == "recording":
            return list(self.recordings)
        return list(self._pairs[name]) if name in self._pairs else [SHARED_NAMESPACE]

    def recordings_of(self, name: str, namespace: str) -> list[str]:
        """The recordings whose results the job of ``name`` in ``namespace`` reads."""
        if self.analysis(name).scope == "recording":
            return [namespace]
        if name in self._pairs:
            return list(self._pairs[name][namespace])
        return list(self.recordings)

    def part(self, namespace: str, step: str) -> str:
        """The part workspace the job of ``step`` in ``namespace`` writes."""
        return f"{self.parts_dir}/{namespace}/{step}{SUFFIX}"

    def inputs(self, name: str, namespace: str) -> list[tuple[str, str, str, str]]:
        """``(label, part file, namespace, key)`` of every item the job reads.

        A per-recording job reads its recording (label ``spikedata``) and the keys of
        ``reads`` (label: the key); a ``scope: all`` job reads them in each recording
        (label ``recording/key``).
        """
        analysis = self.analysis(name)
        reads = self._reads[name]
        if analysis.scope == "recording":
            refs = [(RECORDING_KEY, self.part(namespace, RECORDING_STEP), namespace, RECORDING_KEY)]
            refs += [(key, self.part(namespace, step), namespace, key)
                     for step, keys in reads.items() for key in keys]
            return refs
        return [(f"{rec}/{key}", self.part(rec, step), rec, key)
                for rec in self.recordings_of(name, namespace)
                for step, keys in reads.items() for key in keys]

    def input_files(self, name: str, namespace: str) -> list[str]:
        """The part files the job reads (each once)."""
        return list(dict.fromkeys(path for _, path, _, _ in self.inputs(name, namespace)))

    # ------------------------------------------------------------------ code
    def code(self, name: str) -> CodeHash:
        """The code hash of ``name``'s function (its module and what that imports).

        Raises
        ------
        ConfigError
            Naming ``analyses.<name>.function``, when the code cannot be found or parsed.
        """
        analysis = self.analysis(name)
        try:
            return self._hasher.hash(analysis.function)
        except ConfigError as exc:
            where = ".".join(analysis.block or ("analyses", name))
            raise ConfigError(f"{where}.function: {exc}") from None

    def version(self, name: str) -> str:
        """The ``version`` of its provenance: the code hash, after any manual ``version:``."""
        return code_version(self.code(name).digest, self.analysis(name).version(self.config))

    @cached_property
    def versions(self) -> dict[str, str]:
        """:meth:`version` of every enabled analysis (hashes all code: errors surface here)."""
        versions = {name: self.version(name) for name in self.names}
        self._hasher.save()
        return versions

    # ------------------------------------------------------------------ compiled kernels
    def kernel_modules(self, name: str | None = None) -> list[str]:
        """The numba kernel modules in the code of ``name`` (default: of every analysis).

        An analysis whose code imports one runs after the kernels are compiled
        (:attr:`kernels_record`); the others need not wait.
        """
        names = self.names if name is None else [name]
        return sorted({m for n in names for m in self.code(n).modules if m in KERNEL_MODULES})

    @cached_property
    def kernels_record(self) -> str:
        """What the kernel compilation writes: its report, in the parts folder, in a file
        named after :attr:`kernels_version`.

        A new version is a new file: the compile job runs for it because its output is
        missing, never because its params changed (Snakemake then skips checking the jobs
        waiting for it, an analysis whose own params changed included), and the analyses
        reading it run again (restoring, unless their own code changed).
        """
        digest = hashlib.sha256(self.kernels_version.encode()).hexdigest()[:16]
        return os.path.join(self.parts_dir, KERNELS_RECORD.format(digest))

    @cached_property
    def kernels_version(self) -> str:
        """What the compiled kernels depend on: the kernel modules (and what they import),
        the calls compiling them (:mod:`spikelab.spikedata.kernel_cache` itself, not the
        analyses it calls), numba's version and Python's."""
        from importlib import metadata

        try:
            numba = metadata.version("numba")
        except metadata.PackageNotFoundError:
            numba = "unknown"
        python = ".".join(map(str, sys.version_info[:2]))
        digest = self._hasher.modules_digest(KERNEL_MODULES, alone=[_KERNEL_CACHE])
        self._hasher.save()  # the parses, for the next run
        return f"code:{digest};numba:{numba};python:{python}"

    # ------------------------------------------------------------------ jobs and items
    def job(self, name: str, namespace: str) -> dict[str, Any]:
        """What the job of ``name`` in ``namespace`` does, as JSON-ready data.

        Its parameters (:meth:`params_json`) and code version (:meth:`version`) travel
        separately, so that Snakemake's reason for a rerun shows only what changed.
        """
        analysis = self.analysis(name)
        recordings = self.recordings_of(name, namespace)
        if analysis.scope == "recording":
            about = f"recording {namespace}"
        elif name in self._pairs:
            about = f"recordings {recordings[0]} and {recordings[1]} ({namespace})"
        else:
            about = f"all recordings ({namespace})"
        return {
            "step": name, "function": analysis.function.text, "scope": analysis.scope,
            "namespace": namespace, "about": about, "recordings": recordings,
            "keys": self.keys(name),
            "inputs": [list(ref) for ref in self.inputs(name, namespace)],
            "output": self.part(namespace, name),
        }

    def job_json(self, name: str, namespace: str) -> str:
        """:meth:`job` as canonical JSON (what goes into the rule's ``params``)."""
        return canonical_json(self.job(name, namespace))

    def parts(self) -> list[str]:
        """Every part file of a full run: each recording's, then each analysis's."""
        parts = [self.part(r, RECORDING_STEP) for r in self.recordings]
        parts += [self.part(ns, name) for name in self.names for ns in self.namespaces(name)]
        return parts

    def expected_items(self) -> list[tuple[str, str]]:
        """Every ``(namespace, key)`` the config produces (what ``prune`` keeps)."""
        items = [(r, RECORDING_KEY) for r in self.recordings]
        for name in self.names:
            items += [(ns, key) for ns in self.namespaces(name) for key in self._keys[name]]
        return items
