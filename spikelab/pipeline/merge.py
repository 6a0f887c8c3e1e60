"""The merge job: fold the part workspaces into the merged workspace, stale-aware."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Sequence

from ..workspace import merge_files

__all__ = ["merge_parts"]

log = logging.getLogger("spikelab.pipeline")


def merge_parts(target: str, parts: Sequence[str], *, prune: bool = False,
                expected: Iterable[tuple[str, str]] | None = None) -> dict:
    """Merge ``parts`` into ``target`` and report merged / skipped / replaced counts.

    An item already in ``target`` with the same fingerprint is skipped without reading its
    data; with a different fingerprint it is replaced; an absent one is added. The target is
    replaced atomically, and left byte-for-byte untouched when nothing changes (only its
    mtime is refreshed, so Snakemake sees it up to date). With ``prune``, items not in
    ``expected`` ((namespace, key) pairs the current config produces) are dropped.
    """
    started = time.perf_counter()
    report = merge_files(target, list(parts), replace_stale=True,
                         prune_to=list(expected) if prune and expected is not None else None)
    h5 = target if target.endswith(".h5") else target + ".h5"
    if os.path.exists(h5):
        os.utime(h5)
    log.info(
        "merged %d, skipped %d, replaced %d%s items from %d part(s) into %s in %.2f s",
        report["merged"], report["skipped"], report["replaced"],
        f", pruned {report.get('pruned', 0)}" if prune else "", len(parts), h5,
        time.perf_counter() - started,
    )
    for ns, key in report.get("replaced_keys", []):
        log.info("replaced stale %s/%s", ns, key)
    return report


def merge_available(target: str, parts: Sequence[str], log: str | None = None) -> dict | None:
    """After a failed run: merge the parts that exist (each is complete: parts are written
    atomically), so that recordings which finished are not lost with the one that failed."""
    present = [p for p in parts if os.path.exists(p)]
    if not present:
        return None
    handler = None
    if log:
        os.makedirs(os.path.dirname(os.path.abspath(log)), exist_ok=True)
        handler = logging.FileHandler(log, mode="a")
        logging.getLogger("spikelab.pipeline").addHandler(handler)
    logging.getLogger("spikelab.pipeline").setLevel(logging.INFO)
    try:
        log_line = f"run failed: merging the {len(present)} finished part(s) of {len(parts)}"
        logging.getLogger("spikelab.pipeline").warning(log_line)
        return merge_parts(target, present)
    finally:
        if handler is not None:
            logging.getLogger("spikelab.pipeline").removeHandler(handler)
            handler.close()
