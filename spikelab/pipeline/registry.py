"""What an analysis is, for the workflow: a function, the keys it writes, what it reads.

Every analysis, built-in or a lab's own, is an :class:`Analysis`. The built-ins are
declared in :mod:`.builtins`; a block under ``analyses:`` with a ``function:`` declares one in
the config (:func:`from_block`). :mod:`.graph` joins both with the config into the step
graph the Snakefile builds its rules from. Imported at parse time: no numpy here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from ..errors import ConfigError
from .functions import FunctionRef

__all__ = ["Analysis", "EVERY_KEY", "SCOPES", "from_block", "USER_FIELDS"]

#: ``reads: {step: all}``: every key the upstream step writes (e.g. one per STTC window).
EVERY_KEY = "all"
#: Where an analysis runs: once per recording, or once over every recording.
SCOPES = ("recording", "all")
#: The fields of a user analysis block (the schema checks them before this module does).
USER_FIELDS = ("function", "keys", "reads", "scope", "pairs", "params", "enabled", "version",
               "threads", "resources")

Keys = Union[tuple[str, ...], Callable[[Mapping[str, Any]], list[str]]]
Pairs = Union[str, Mapping[str, str], tuple[tuple[str, str], ...], None]


@dataclass(frozen=True)
class Analysis:
    """One analysis of the step graph.

    Attributes
    ----------
    name : str
        Rule, part-file and config-block name.
    function : FunctionRef
        ``f(sd, params, upstream) -> {key: result}`` (``scope: recording``), or
        ``f(recordings, params, upstream) -> {key: result}`` (``scope: all``), where
        ``upstream`` maps each read key to its object (per recording: ``{recording: {key:
        obj}}`` for ``scope: all``).
    keys : tuple of str, or callable
        The keys it writes, or ``keys(params) -> list of str`` when they depend on the
        parameters (the STTC writes one key per window).
    reads : mapping
        Upstream step -> the keys of it read (a tuple), or :data:`EVERY_KEY`.
    optional : frozenset of str
        Upstream steps read only when enabled (the summary reads what ran).
    scope : str
        ``recording`` (results in each recording's namespace) or ``all`` (results in
        namespace ``all``, or per pair of recordings with ``pairs``).
    pairs : str, mapping, tuple or None
        ``scope: all`` only: ``"all"`` (every pair), ``{"baseline": name}`` (that recording
        with each other one) or explicit ``((a, b), ...)``; results go to
        ``AnalysisWorkspace.comparison_namespace(a, b)``, one job per pair.
    block : tuple of str
        Where its block is in the config (``("analyses", name)``; the summary's is
        ``("summary",)``).
    builtin : bool
        Parameters inline in the block (built-ins) rather than under ``params:``.
    threads, mem_mb, runtime, local
        Scheduling: cores, memory (MB), wall time (min), run on the submitting host.
    """

    name: str
    function: FunctionRef
    keys: Keys
    reads: Mapping[str, Any] = field(default_factory=dict)
    optional: frozenset[str] = frozenset()
    scope: str = "recording"
    pairs: Pairs = None
    block: tuple[str, ...] = ()
    builtin: bool = False
    threads: int = 1
    mem_mb: int = 2000
    runtime: int = 30
    local: bool = False

    def config_block(self, config: Mapping[str, Any]) -> Mapping[str, Any]:
        """Its block of ``config`` (``{}`` when absent)."""
        block: Any = config
        for part in self.block or ("analyses", self.name):
            block = block.get(part, {}) if isinstance(block, Mapping) else {}
        return block if isinstance(block, Mapping) else {}

    def params(self, config: Mapping[str, Any]) -> dict[str, Any]:
        """Its parameters as configured: inline for built-ins, under ``params:`` for the rest."""
        block = self.config_block(config)
        if self.builtin:
            return {k: v for k, v in block.items() if k not in ("enabled", "version")}
        return dict(block.get("params") or {})

    def enabled(self, config: Mapping[str, Any]) -> bool:
        """Whether the config turns it on (a user block is on unless ``enabled: false``)."""
        return bool(self.config_block(config).get("enabled", not self.builtin))

    def version(self, config: Mapping[str, Any]) -> str | None:
        """The manual ``version:`` of its block, if any."""
        version = self.config_block(config).get("version")
        return None if version is None else str(version)

    def keys_for(self, params: Mapping[str, Any]) -> list[str]:
        """The keys it writes with ``params``."""
        return list(self.keys(params)) if callable(self.keys) else list(self.keys)


def _where(name: str, field_name: str | None = None) -> str:
    return f"analyses.{name}" + (f".{field_name}" if field_name else "")


def _reads(name: str, reads: Any) -> dict[str, Any]:
    if reads is None:
        return {}
    if not isinstance(reads, Mapping):
        raise ConfigError(f"{_where(name, 'reads')}: a mapping from an analysis to the keys "
                          f"read from it (a list, or {EVERY_KEY!r}), got {reads!r}")
    out: dict[str, Any] = {}
    for step, keys in reads.items():
        if keys == EVERY_KEY:
            out[str(step)] = EVERY_KEY
        elif isinstance(keys, (list, tuple)) and keys and all(isinstance(k, str) for k in keys):
            out[str(step)] = tuple(keys)
        else:
            raise ConfigError(f"{_where(name, f'reads.{step}')}: a list of keys or "
                              f"{EVERY_KEY!r}, got {keys!r}")
    return out


def _pairs(name: str, pairs: Any) -> Pairs:
    if pairs is None or pairs == "all":
        return pairs
    if isinstance(pairs, Mapping) and set(pairs) == {"baseline"}:
        return {"baseline": str(pairs["baseline"])}
    if isinstance(pairs, (list, tuple)) and all(
            isinstance(p, (list, tuple)) and len(p) == 2 for p in pairs):
        return tuple((str(a), str(b)) for a, b in pairs)
    raise ConfigError(f"{_where(name, 'pairs')}: 'all', {{baseline: <recording>}} or a list "
                      f"of [recording, recording] pairs, got {pairs!r}")


def from_block(name: str, block: Mapping[str, Any]) -> Analysis:
    """The :class:`Analysis` a config block with a ``function:`` declares.

    Raises
    ------
    ConfigError
        Naming the block's key, for a malformed field (the schema catches most first).

    Examples
    --------
    >>> a = from_block("isi", {"function": "lab.isi:hist", "keys": ["isi_hist"]})
    >>> a.function.module, a.keys, a.scope
    ('lab.isi', ('isi_hist',), 'recording')
    """
    unknown = sorted(set(block) - set(USER_FIELDS))
    if unknown:
        raise ConfigError(f"{_where(name)}: unknown field(s) {unknown}; valid: {list(USER_FIELDS)}")
    try:
        function = FunctionRef.parse(block["function"])
    except ConfigError as exc:
        raise ConfigError(f"{_where(name, 'function')}: {exc}") from None
    keys = block.get("keys")
    if not isinstance(keys, (list, tuple)) or not keys or not all(isinstance(k, str) for k in keys):
        raise ConfigError(f"{_where(name, 'keys')}: the list of keys the function returns is "
                          f"required (they are needed before it runs), got {keys!r}")
    if len(set(keys)) != len(keys):
        raise ConfigError(f"{_where(name, 'keys')}: a key is listed twice: {list(keys)}")
    scope = block.get("scope", "recording")
    if scope not in SCOPES:
        raise ConfigError(f"{_where(name, 'scope')}: {scope!r}; valid: {list(SCOPES)}")
    pairs = _pairs(name, block.get("pairs"))
    if pairs is not None and scope != "all":
        raise ConfigError(f"{_where(name, 'pairs')}: only a scope: all analysis compares pairs")
    resources = block.get("resources") or {}
    return Analysis(
        name=name, function=function, keys=tuple(keys), reads=_reads(name, block.get("reads")),
        scope=scope, pairs=pairs, block=("analyses", name),
        threads=int(block.get("threads", 1)), mem_mb=int(resources.get("mem_mb", 2000)),
        runtime=int(resources.get("runtime", 30)),
    )
