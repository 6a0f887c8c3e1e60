"""The sharded layout of a merged workspace: where shards live, their names, their links.

A sharded workspace ``X.h5`` keeps each namespace in its own *shard* file in the folder
``X.shards/`` beside it; ``X.h5`` (the *root*) holds the workspace's root attributes,
the index of every item, and one HDF5 external link per namespace::

    X.h5                  root: attributes, /__index__, /<ns> -> X.shards/<file>:/<ns>
    X.shards/<label>.<16 hex>.h5   one namespace: /<ns>/<key>..., its own root attributes

A shard is itself a complete workspace file holding one namespace, with the workspace id
of its root. Shard files are written once and never changed: a writer that changes a
namespace writes a new shard under a new name (the 16 hex digits are random), then
replaces the root atomically. Links are relative, so the results folder can be moved or
copied as a whole; plain h5py and spikelab 0.1.2 follow them like any external link.

Our readers never let HDF5 follow these links (HDF5 would search ``$HDF5_EXT_PREFIX`` and
the current directory too): :func:`shard_path` checks a link's exact form and resolves it
against the root's own folder, and the shard must carry the root's workspace id.

Old shards (those the current root no longer links) stay for :data:`GRACE_S` after the
root that dropped them was written, so a reader that opened the previous root can still
open them; the root lists them with that time (:data:`RETIRED_SHARDS_ATTR`). Every merge into
the workspace deletes the shards past their grace and the files of killed writers (names
the root neither links nor lists).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets

import h5py

from ..ondisk import RETIRED_SHARDS_ATTR, SHARD_DIR_SUFFIX, SUFFIX, WORKSPACE_ID_ATTR
from .checksums import DataDamage
from .codecs.common import read_str_attr

__all__ = ["GRACE_S", "shard_dir", "new_shard_name",
           "link_target", "shard_path", "check_shard_identity", "retired_shards", "retire",
           "remove_unused"]

GRACE_S = 3600.0  # s an unlinked shard is kept for readers of the previous root
_NAME = re.compile(r"^[A-Za-z0-9_-]{0,32}\.[0-9a-f]{16}" + re.escape(SUFFIX) + "$")
_LABEL = re.compile(r"[^A-Za-z0-9_-]")


def shard_dir(root: str) -> str:
    """The shard folder of the root file ``root`` (``X.h5`` -> ``X.shards``)."""
    return os.path.splitext(os.path.abspath(root))[0] + SHARD_DIR_SUFFIX


def new_shard_name(namespace: str) -> str:
    """A fresh shard file name for ``namespace``: a readable label plus 64 random bits."""
    label = _LABEL.sub("_", namespace)[:32]
    return f"{label}.{secrets.token_hex(8)}{SUFFIX}"


def link_target(root: str, name: str) -> str:
    """The external link's file name for shard ``name`` of ``root`` (relative to the root's
    folder, with ``/``: HDF5 link syntax)."""
    return f"{os.path.basename(shard_dir(root))}/{name}"


def shard_path(root: str, namespace: str, link: h5py.ExternalLink) -> str:
    """The absolute path of the shard that ``link`` (namespace ``namespace`` of the root
    file ``root``) names, after checking it has the exact form our writer gives it.

    Raises
    ------
    DataDamage
        Any other external link: an absolute or ``..`` path, another folder, another
        object path. Nothing is followed.
    """
    folder = os.path.basename(shard_dir(root))
    directory, _, name = link.filename.partition("/")
    if directory != folder or not _NAME.match(name) or link.path != f"/{namespace}":
        raise DataDamage(
            f"namespace {namespace!r} is an external link to {link.filename!r}:{link.path!r}; "
            f"a workspace links only to its own shards ({folder}/<name>{SUFFIX}:/{namespace}): "
            "refused, not followed")
    return os.path.join(shard_dir(root), name)


# --------------------------------------------------------------------- old shards
def retired_shards(f: h5py.File) -> dict[str, float]:
    """``{shard file name: time it was unlinked}`` recorded in the root ``f``."""
    text = read_str_attr(f.attrs, RETIRED_SHARDS_ATTR)
    if not text:
        return {}
    try:
        doc = json.loads(text)
        return {str(k): float(v) for k, v in doc.items() if _NAME.match(str(k))}
    except (ValueError, TypeError, AttributeError):
        return {}  # a damaged list only means old shards are deleted sooner


def retire(previous: dict[str, float], old_links: set[str], new_links: set[str],
           now: float) -> dict[str, float]:
    """The retired list of a new root: shards the previous root linked and this one does
    not (unlinked ``now``), plus earlier ones still within :data:`GRACE_S`."""
    kept = {name: t for name, t in previous.items()
            if name not in new_links and now - t < GRACE_S}
    kept.update(dict.fromkeys(old_links - new_links, now))
    return kept


def remove_unused(root: str, linked: set[str], retired: dict[str, float]) -> list[str]:
    """Delete the files of ``root``'s shard folder that are neither ``linked`` nor within
    their grace in ``retired`` (call with the writers' lock held, after the root is
    replaced). Returns the names deleted. The folder is removed when it ends up empty."""
    folder = shard_dir(root)
    removed = []
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(folder):
            if entry.name in linked or entry.name in retired:
                continue
            if not (_NAME.match(entry.name) or entry.name.endswith(".tmp")):
                continue  # not ours: left alone
            with contextlib.suppress(FileNotFoundError):
                os.remove(entry.path)
            removed.append(entry.name)
        with contextlib.suppress(OSError):
            os.rmdir(folder)  # only if empty
    return removed


def check_shard_identity(shard: h5py.File, root_id: str, namespace: str, path: str) -> None:
    """Raise :class:`DataDamage` unless ``shard`` belongs to the workspace ``root_id``."""
    shard_id = read_str_attr(shard.attrs, WORKSPACE_ID_ATTR)
    if shard_id != root_id:
        raise DataDamage(f"namespace {namespace!r} links to {path}, a shard of workspace "
                         f"{shard_id!r}, not of this one ({root_id!r}): refused")
