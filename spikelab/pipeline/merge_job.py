"""The merge job: fold the part workspaces into the merged workspace, stale-aware."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Sequence

from ..errors import CorruptWorkspaceError, FormatVersionError, SpikelabError, WorkspaceLockedError
from ..ondisk import SHARD_DIR_SUFFIX
from ..workspace import merge_files, verify
from ..ondisk import base_path, h5_path
from ..workspace.h5file import open_workspace
from ..workspace.shards import shard_dir
from ..workspace.index.sidecar import sidecar_path
from ..workspace.workspace import LazyAnalysisWorkspace

__all__ = ["merge_parts", "merge_available", "workspace_damage", "rebuild_if_damaged",
           "set_aside_if_damaged"]

log = logging.getLogger("spikelab.pipeline")


def merge_parts(target: str, parts: Sequence[str], *, prune: bool = False,
                expected: Iterable[tuple[str, str]] | None = None) -> dict:
    """Merge ``parts`` into ``target``; log the items added, replaced, skipped (and pruned).

    An item already in ``target`` with the same fingerprint is skipped without reading its
    data; with a different fingerprint it is replaced; an absent one is added. The target is
    replaced atomically, and left byte-for-byte untouched when nothing changes (only its
    mtime is refreshed, so Snakemake sees it up to date). With ``prune``, items not in
    ``expected`` ((namespace, key) pairs the current config produces) are dropped. A target
    that cannot be read is kept aside (:func:`set_aside_if_damaged`) and rebuilt from the
    parts.

    Returns
    -------
    dict
        The report of :func:`spikelab.workspace.merge_files` (whose ``merged``, as in
        spikelab 0.1.2, counts items written: added plus replaced).
    """
    started = time.perf_counter()
    h5 = h5_path(target)
    kept_as = set_aside_if_damaged(h5)
    if kept_as is not None:
        log.warning("rebuilding %s from the %d part(s)", h5, len(parts))
    prune_to = list(expected) if prune and expected is not None else None
    try:
        report = merge_files(target, list(parts), replace_stale=True, prune_to=prune_to)
    except CorruptWorkspaceError:
        # workspace_damage reads the index only (a full read of a large merged workspace at
        # every merge costs too much), so a damaged item of the target itself shows up here,
        # when the merge must copy or rewrite it. Check the target through and through, and
        # when it is the damaged file, keep it aside and rebuild; a damaged part re-raises.
        damage = None if kept_as is not None else _item_damage(h5)
        if damage is None:
            raise
        kept_as = set_aside_if_damaged(h5, damage)
        log.warning("rebuilding %s from the %d part(s)", h5, len(parts))
        report = merge_files(target, list(parts), replace_stale=True, prune_to=prune_to)
    if os.path.exists(h5):
        os.utime(h5)
    log.info(
        "added %d, replaced %d, skipped %d (same fingerprint)%s: items from %d part(s) into "
        "%s in %.2f s", report["merged"] - report["replaced"], report["replaced"],
        report["skipped"], f", pruned {report.get('pruned', 0)}" if prune else "", len(parts),
        h5, time.perf_counter() - started,
    )
    for ns, key in report.get("replaced_keys", []):
        log.info("replaced stale %s/%s", ns, key)
    return report


def workspace_damage(h5: str) -> str | None:
    """Why the workspace file ``h5`` cannot be read (its index, or a missing shard), or None
    when it can or is absent. A file locked by a writer or written by a newer spikelab is
    not damaged."""
    if not os.path.exists(h5):
        return None
    try:
        with LazyAnalysisWorkspace.load(h5):
            pass
        with open_workspace(h5) as f:  # a sharded root's shards: there (not opened)
            missing = sorted(p for p in set(f.shard_files.values()) if not os.path.exists(p))
    except (WorkspaceLockedError, FormatVersionError):
        return None
    except Exception as exc:  # noqa: BLE001 - whatever a damaged file raises
        return f"{type(exc).__name__}: {exc}"
    if missing:
        return (f"{len(missing)} of its shard files are missing, e.g. {missing[0]} (copied "
                f"without its {SHARD_DIR_SUFFIX} folder?)")
    return None


def rebuild_if_damaged(h5: str) -> str | None:
    """Make Snakemake run the merge job when the merged workspace ``h5`` cannot be read.

    Snakemake judges outputs by their times only, so a damaged merged workspace would look
    up to date; its modification time is set to the epoch instead (its content is not
    touched), and the merge job then keeps it aside and rebuilds it (:func:`merge_parts`).
    Called by the workflow at parse time.

    Why the epoch works: Snakemake skips its "input newer than output" check for an output
    whose time is 0, but it reruns a ``script:`` rule whose script file is newer than the
    output ("code has changed"), and the merge rule is one (``run_merge.py``). Making the
    merge a ``shell:`` rule would silently end this; the damage and failed-run workflow
    tests would catch it.

    Returns
    -------
    str or None
        A message for the user when the file is damaged, else None.
    """
    damage = workspace_damage(h5)
    if damage is None:
        return None
    os.utime(h5, (0, 0))
    return (f"{h5} cannot be read ({damage}): the merge job will keep it aside and rebuild "
            "it from the parts")


def _item_damage(h5: str) -> str | None:
    """The first problem :func:`~spikelab.workspace.verify` finds in ``h5``, or None."""
    if not os.path.exists(h5):
        return None
    try:
        report = verify(h5)
    except SpikelabError as exc:
        return str(exc)
    problems = report.file_problems + [str(p) for p in report.problems]
    return problems[0] if problems else None


def set_aside_if_damaged(h5: str, damage: str | None = None) -> str | None:
    """Rename an unreadable workspace ``h5`` (and its sidecar and shard folder) to
    ``<name>.damaged-<time>``.

    ``damage`` is the reason when the caller already found it; otherwise the file is
    checked with :func:`workspace_damage`. Returns the new name of the ``.h5`` file, or
    None when it was readable or absent.
    Nothing is deleted: the damaged file stays for inspection or rescue (each shard of a
    sharded workspace is a complete workspace of one namespace, readable on its own).
    """
    damage = damage or workspace_damage(h5)
    if damage is None:
        return None
    stamp = time.strftime("%Y%m%dT%H%M%S")
    kept_as = h5_path(f"{base_path(h5)}.damaged-{stamp}")
    os.replace(h5, kept_as)
    if os.path.exists(sidecar_path(h5)):
        os.replace(sidecar_path(h5), sidecar_path(kept_as))
    if os.path.isdir(shard_dir(h5)):  # else the rebuild would delete them as unused
        os.replace(shard_dir(h5), shard_dir(kept_as))
    log.warning("%s cannot be read (%s); kept as %s", h5, damage, kept_as)
    return kept_as


def merge_available(target: str, parts: Sequence[str], log: str | None = None) -> dict | None:
    """After a failed run: merge the parts that exist (each is complete: parts are written
    atomically), so that recordings which finished are not lost with the one that failed.

    The merged workspace then lacks the results of the jobs that did not finish, yet it is
    newer than every part, and Snakemake does not remake missing parts that nothing needs
    ("Nothing to be done"): its modification time is set to the epoch, so that the next run
    runs the merge again (see :func:`rebuild_if_damaged` for why the epoch does it), with
    every part, remaking (or restoring) the missing ones.
    """
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
        report = merge_parts(target, present)
        os.utime(h5_path(target), (0, 0))
        logging.getLogger("spikelab.pipeline").info(
            "%s holds the finished parts only: marked out of date, the next run completes it",
            h5_path(target))
        return report
    finally:
        if handler is not None:
            logging.getLogger("spikelab.pipeline").removeHandler(handler)
            handler.close()
