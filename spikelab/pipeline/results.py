"""What an analysis returned, checked where it is made, before anything is written.

A result must be a dict holding exactly the declared keys (:func:`check_results`), each a
value the workspace can store (:func:`store_results`: the workspace's own check as it
stores them, which knows the stored types; a separate check first would check every
result twice). Anything else fails the job with one message naming the analysis, its
function, the recording and the key, so a lab's own analysis fails as clearly as a
built-in one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import AnalysisRunError, SpikelabError
from ..workspace import AnalysisWorkspace

__all__ = ["check_results", "store_results"]


def check_results(results: Any, *, analysis: str, function: str, about: str,
                  keys: Sequence[str]) -> dict[str, Any]:
    """Return ``results`` as a dict after checking it against the declared ``keys``.

    Raises
    ------
    AnalysisRunError
        For a result that is not a dict, or an undeclared or missing key.
    """
    where = _where(analysis, function, about)
    declared = ", ".join(keys)
    if not isinstance(results, Mapping):
        raise AnalysisRunError(
            f"{where}: returned {type(results).__name__}, not a dict of its keys ({declared})")
    for key in results:
        if key not in keys:
            raise AnalysisRunError(
                f"{where}, key {key!r}: returned but not declared (declared keys: {declared}); "
                f"add it to analyses.{analysis}.keys or stop returning it")
    for key in keys:
        if key not in results:
            returned = ", ".join(map(str, results)) or "nothing"
            raise AnalysisRunError(
                f"{where}, key {key!r}: declared but not returned (returned: {returned})")
    return {key: results[key] for key in keys}


def store_results(ws: AnalysisWorkspace, results: Mapping[str, Any], *, analysis: str,
                  function: str, about: str, namespace: str, **store_options: Any) -> None:
    """Store every result in the in-memory ``ws`` under ``namespace`` (``store_options``:
    ``note``, ``provenance``).

    Raises
    ------
    AnalysisRunError
        For a value the workspace cannot store (no codec, a bad dict key, a cycle, an
        object that contradicts itself), naming the key; nothing is written then.
    """
    for key, value in results.items():
        try:
            ws.store(namespace, key, value, **store_options)
        except SpikelabError as exc:
            raise AnalysisRunError(f"{_where(analysis, function, about)}, key {key!r}: "
                                   f"{exc}") from None


def _where(analysis: str, function: str, about: str) -> str:
    return f"analysis {analysis} ({function}), {about}"
