"""What an analysis returned, checked where it is made, before anything is written.

A result must be a dict holding exactly the declared keys, each a value the workspace can
store (asked of the workspace's codecs, which know the stored types). Anything else fails
the job with one message naming the analysis, its function, the recording and the key, so
a lab's own analysis fails as clearly as a built-in one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import AnalysisRunError, SpikelabError
from ..workspace.codecs import check_item

__all__ = ["check_results"]


def check_results(results: Any, *, analysis: str, function: str, about: str, namespace: str,
                  keys: Sequence[str]) -> dict[str, Any]:
    """Return ``results`` as a dict after checking it against the declared ``keys``.

    Raises
    ------
    AnalysisRunError
        For a result that is not a dict, an undeclared or missing key, or a value of a type
        the workspace cannot store.
    """
    where = f"analysis {analysis} ({function}), {about}"
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
    for key in keys:
        try:
            check_item(results[key], f"{namespace}/{key}")
        except (SpikelabError, RecursionError) as exc:  # no codec, a bad dict key, a cycle
            raise AnalysisRunError(f"{where}, key {key!r}: {exc}") from None
    return {key: results[key] for key in keys}
