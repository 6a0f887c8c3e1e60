"""``merge_files``: fold workspace files into a target workspace, at the HDF5 level.

The pipeline's merge step. Items are never decoded: new and replacing items are copied
group by group (``H5Ocopy``), and an item that is skipped costs at most reading its
fingerprint attribute. The plan reads names and fingerprints from the files' ``__index__``
when it can be trusted (see :mod:`spikelab.workspace.index.infile`), so deciding costs no
per-item HDF5 access.

The target is written in the sharded layout (:mod:`.shards`): one shard file per
namespace, and a small root linking them. Only namespaces that change are written, each
as a new shard file (a namespace that gains, loses or replaces an item is written whole,
from its old shard and the sources; a new namespace costs its own bytes), then the root is
replaced atomically (temp file beside it, fsync, ``os.replace``), then shards no root
needs are deleted. All of it under the target's lock; nothing is written when nothing
changes, so a no-op rerun leaves the target byte-identical. A single-file target (saved by
``AnalysisWorkspace.save`` or 0.1.2) becomes sharded at its first change.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

import h5py

from ...atomicfile import DEFAULT_LOCK_TIMEOUT, atomic_target, fsync_path, locked
from ...errors import InvalidArgumentError, WorkspaceFileError
from ...progress import ProgressCallback, ProgressCount
from ..damage import decoding, reading_file, writing_file
from ..index.infile import Entries, trusted_index, write_index
from ...ondisk import h5_path
from ..h5file import RootInfo, new_file, open_state, open_workspace, read_root, write_root
from .rule import MergeReport, decide
from ..reading import check_intact, open_item, ordered_names, read_item_entry
from ..seals import seal_item
from ..shards import (RETIRED_SHARDS_ATTR, link_target, new_shard_name, remove_unused, retire,
                     retired_shards, shard_dir)
from ..index.sidecar import sidecar_path, write_sidecar
from ..slots import copy_group
from .sourcememo import Record, read_memo, state, write_memo

__all__ = ["merge_files"]

_TARGET = -1  # origin of an item already in the target


@dataclass
class _File:
    """A workspace file of the merge: its item names in order, their entries (from its
    trusted index, else read from the items), and the file, opened when first needed.

    A source whose names and fingerprints the target remembers (:mod:`.sourcememo`) is not
    opened unless one of its items is copied.
    """

    path: str
    stack: contextlib.ExitStack
    names: list[tuple[str, str]]
    index: Entries | None = None
    remembered: dict[tuple[str, str], str | None] | None = None
    record: Record | None = None  # what to remember about this source after the merge
    root: RootInfo | None = None  # its identity, as checked when its index was read
    _file: h5py.File | None = None
    _entries: Entries = field(default_factory=dict)

    @classmethod
    def open(cls, path: str, stack: contextlib.ExitStack, keep_open: bool = True) -> _File:
        """Open ``path`` and read its names (and entries, from a trusted index).

        With ``keep_open`` False, a file whose index was read whole is closed again at once
        and reopened only if one of its items is copied: HDF5 makes opening and closing a
        file cost in proportion to the files already open, so holding a thousand sources
        open made a merge of a thousand parts spend most of its time there.
        """
        before = state(path)
        f = open_workspace(path)
        try:
            index = trusted_index(f)
            names = list(index) if index is not None else ordered_names(f, path)
        except BaseException:
            f.close()
            raise
        record = None
        if index is not None and before is not None and state(path) == before:
            record = (before, [(ns, key, e.get("fingerprint")) for (ns, key), e in index.items()])
        opened = cls(path, stack, names, index, record=record, root=read_root(f), _file=f)
        if not keep_open and record is not None:
            opened.close()
        return opened

    def __post_init__(self) -> None:
        # The stack closes the file, and holds this object rather than the h5py file: a
        # closed h5py file kept referenced also slows every later open and close.
        self.stack.callback(self.close)

    @classmethod
    def recalled(cls, path: str, stack: contextlib.ExitStack, memo: dict[str, Record]
                 ) -> _File:
        """The source ``path`` from the target's memo when its state is the one recorded,
        else opened."""
        record = memo.get(path)
        if record is None or state(path) != record[0]:
            return cls.open(path, stack, keep_open=False)
        items = record[1]
        return cls(path, stack, [(ns, key) for ns, key, _ in items],
                   remembered={(ns, key): fp for ns, key, fp in items}, record=record)

    @property
    def file(self) -> h5py.File:
        if self._file is None:
            self._file = self._reopen()
        return self._file

    def _reopen(self) -> h5py.File:
        """The file, opened again (its root checked again).

        When the open file is in the state recorded as its index was read
        (:func:`~spikelab.workspace.h5file.open_state`), it is that same file. Otherwise it
        is read anew, and refused unless it still holds the names and fingerprints the merge
        was planned with (a part replaced meanwhile by a job still running must not put new
        data under its old entries).
        """
        if self.index is not None and self.record is not None and self.root is not None:
            f = open_workspace(self.path, known=(self.record[0], self.root))
            if open_state(f) == self.record[0]:
                return f
            f.close()
        opened = _File.open(self.path, self.stack)
        if opened.names != self.names or any(
                opened.fingerprint(ns, key) != self.fingerprint(ns, key)
                for ns, key in self.names):
            raise WorkspaceFileError(f"{self.path} changed while it was being merged; "
                                     "merge again")
        if self.index is None:
            self.index = opened.index
        f, opened._file = opened._file, None  # now this object's to close
        return f

    def close(self) -> None:
        """Close the file if it is open (:attr:`file` opens it again when needed)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    @property
    def shards(self) -> dict[str, str]:
        """``{namespace: shard path}`` when the file is a sharded root, else empty."""
        return self.file.shard_files

    @property
    def retired(self) -> dict[str, float]:
        return retired_shards(self.file)

    def keys(self, ns: str) -> list[str]:
        return [key for n, key in self.names if n == ns]

    def fingerprint(self, ns: str, key: str) -> str | None:
        if self._file is None and self.remembered is not None:
            return self.remembered[(ns, key)]
        return self.entry(ns, key).get("fingerprint")

    def entry(self, ns: str, key: str) -> dict:
        if self.index is None:
            self.file  # noqa: B018 - a remembered source is opened for its entries
        if self.index is not None:
            return self.index[(ns, key)]
        if (ns, key) not in self._entries:
            with decoding(self.path, ns, key):
                self._entries[(ns, key)] = read_item_entry(open_item(self.file, ns, key))
        return self._entries[(ns, key)]

    def check(self, ns: str, key: str) -> bool:
        """Raise unless item ``(ns, key)`` is intact; returns whether it is sealed.

        A sealed item is checked against its seal and every dataset read against its checksum;
        an item without checksums (spikelab 0.1.2) is decoded instead.
        """
        with decoding(self.path, ns, key):
            return check_intact(open_item(self.file, ns, key), data=True)


@dataclass
class _Plan:
    """Final content of the target: (ns, key) -> origin (-1 target, i source i), in order."""

    final: dict[tuple[str, str], int] = field(default_factory=dict)
    target_keys: set[tuple[str, str]] = field(default_factory=set)
    report: MergeReport = field(default_factory=MergeReport)
    per_source: list[dict] = field(default_factory=list)
    pruned_keys: list[tuple[str, str]] = field(default_factory=list)


def _plan(files: dict[int, _File], overwrite: bool, replace_stale: bool,
          prune_to: set | None) -> _Plan:
    """Decide every incoming item from names and fingerprints only (no data read)."""
    plan = _Plan()
    if _TARGET in files:
        plan.final = dict.fromkeys(files[_TARGET].names, _TARGET)
        plan.target_keys = set(plan.final)
    for i in sorted(k for k in files if k != _TARGET):
        source, counts = files[i], MergeReport()
        for ns, key in source.names:
            current = plan.final.get((ns, key))
            if prune_to is not None and (ns, key) not in prune_to:
                action = "skip"
            elif current is not None and replace_stale and not overwrite:
                action = decide(True, files[current].fingerprint(ns, key),
                                source.fingerprint(ns, key), False, True)
            else:
                action = decide(current is not None, None, None, overwrite, False)
            if action != "skip":
                plan.final[(ns, key)] = i
            plan.report.add(action, ns, key)
            counts.add(action, ns, key)
        plan.per_source.append({"path": source.path, "merged": counts.merged,
                                "skipped": counts.skipped, "replaced": counts.replaced})
    if prune_to is not None:
        plan.pruned_keys = [k for k, o in plan.final.items() if o == _TARGET and k not in prune_to]
        for k in plan.pruned_keys:
            del plan.final[k]
    return plan


def _copy_namespace(dest: h5py.File, ns: str, members: list[tuple[str, int]],
                    files: dict[int, _File], count: ProgressCount) -> None:
    """HDF5-copy the items ``members`` ((key, origin) in order) of namespace ``ns`` into
    ``dest``: the whole namespace group in one copy when it comes unchanged from one file
    (about twice as fast as item by item), else item by item.

    Every item is checked before it is copied (:meth:`_File.check`), so a damaged item is
    never carried on; one without checksums is sealed in ``dest``.
    """
    unsealed = [key for key, o in members if not files[o].check(ns, key)]
    origins = {o for _, o in members}
    if len(origins) == 1:
        origin = origins.pop()
        with reading_file(files[origin].path, f"namespace {ns!r}"):
            source = files[origin].file[ns]
            whole = list(source) == [key for key, _ in members]
        if whole:
            copy_group(source, dest, ns)
            count.add(len(members))
            for key in unsealed:
                seal_item(dest[ns][key])
            return
    ns_group = dest.create_group(ns, track_order=True)
    for key, origin in members:
        copy_group(files[origin].file[ns][key], ns_group, key)
        if key in unsealed:
            seal_item(ns_group[key])
        count.add()


def _write_shard(path: str, root: RootInfo, ns: str, members: list[tuple[str, int]],
                 files: dict[int, _File], entries: Entries, count: ProgressCount) -> None:
    """Write the shard file ``path`` holding namespace ``ns``: a complete workspace file
    of one namespace, with the identity of the merged workspace (:mod:`.shards`)."""
    with writing_file(path):
        with new_file(path) as f:
            write_root(f, root.workspace_id, root.name, root.created_at)
            _copy_namespace(f, ns, members, files, count)
            write_index(f, {(ns, key): entries[(ns, key)] for key, _ in members})
        fsync_path(path)


def _last_uses(by_ns: dict[str, list[tuple[str, int]]]) -> dict[str, list[int]]:
    """``{namespace: sources whose last item to copy is in it}`` (the target excluded)."""
    last: dict[int, str] = {}
    for ns, members in by_ns.items():
        for _, origin in members:
            last[origin] = ns
    done: dict[str, list[int]] = {}
    for origin, ns in last.items():
        if origin != _TARGET:
            done.setdefault(ns, []).append(origin)
    return done


def _unchanged_shard(ns: str, members: list[tuple[str, int]], files: dict[int, _File]
                     ) -> str | None:
    """The target's shard of ``ns`` when the merge leaves that namespace as it is."""
    target = files.get(_TARGET)
    if target is None or ns not in target.shards or any(o != _TARGET for _, o in members):
        return None
    kept = [key for key, _ in members]
    return target.shards[ns] if kept == target.keys(ns) else None


def _write(target_path: str, root: RootInfo, plan: _Plan, files: dict[int, _File],
           progress: ProgressCallback | None) -> None:
    """Write the changed namespaces as new shards, then the new root over the old one,
    then delete the shards no root needs any more (:mod:`.shards`). ``progress`` counts
    the items of the shards written."""
    by_ns: dict[str, list[tuple[str, int]]] = {}
    for (ns, key), origin in plan.final.items():
        by_ns.setdefault(ns, []).append((key, origin))
    entries = {(ns, key): files[o].entry(ns, key)  # in the order the shards list them
               for ns, members in by_ns.items() for key, o in members}
    folder = shard_dir(target_path)
    os.makedirs(folder, exist_ok=True)
    shard_names: dict[str, str] = {}
    kept = {ns: _unchanged_shard(ns, members, files) for ns, members in by_ns.items()}
    count = ProgressCount(progress, sum(len(members) for ns, members in by_ns.items()
                                        if kept[ns] is None))
    done_after = _last_uses(by_ns)
    for ns, members in by_ns.items():
        if kept[ns] is not None:
            shard_names[ns] = os.path.basename(kept[ns])
        else:
            shard_names[ns] = new_shard_name(ns)
            _write_shard(os.path.join(folder, shard_names[ns]), root, ns, members, files,
                         entries, count)
        for origin in done_after.get(ns, ()):  # few files open at a time (see _File.open)
            files[origin].close()
    fsync_path(folder, directory=True)
    old = files.get(_TARGET)
    retired = retire(old.retired if old else {},
                     {os.path.basename(p) for p in old.shards.values()} if old else set(),
                     set(shard_names.values()), time.time())
    with atomic_target(target_path) as tmp, writing_file(target_path):
        with new_file(tmp) as f:
            f.attrs[RETIRED_SHARDS_ATTR] = json.dumps(retired)  # before write_root seals the root
            save_id = write_root(f, root.workspace_id, root.name, root.created_at)
            for ns, name in shard_names.items():
                f[ns] = h5py.ExternalLink(link_target(target_path, name), f"/{ns}")
            write_index(f, entries)
            write_memo(f, {files[i].path: files[i].record for i in files
                           if i != _TARGET and files[i].record is not None})
    remove_unused(target_path, set(shard_names.values()), retired)
    index: dict[str, dict] = {}
    for (ns, key), entry in entries.items():
        index.setdefault(ns, {})[key] = entry
    write_sidecar(sidecar_path(target_path), root.workspace_id, root.name, root.created_at,
                  index, save_id)


def merge_files(target: str | os.PathLike, sources: Iterable[str | os.PathLike], *,
                overwrite: bool = False, replace_stale: bool = False,
                prune_to: Iterable[tuple[str, str]] | None = None,
                lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
                progress: ProgressCallback | None = None) -> dict:
    """Merge the workspace files ``sources`` (in order) into the workspace file ``target``.

    Parameters
    ----------
    target : str or PathLike
        Workspace path (with or without ``.h5``); created if missing.
    sources : iterable of str or PathLike
        Workspace files to merge from, in order (a later source sees the earlier ones).
    overwrite, replace_stale : bool
        As in :meth:`spikelab.AnalysisWorkspace.merge_from`.
    prune_to : iterable of (namespace, key), optional
        If given, the result holds only these items: target items outside it are dropped
        (``pruned``) and source items outside it are skipped.
    lock_timeout : float
        Seconds to wait for another writer of ``target``.
    progress : ProgressCallback, optional
        Told ``(items copied, items to copy)`` as the changed namespaces are written
        (:mod:`spikelab.progress`; not called when nothing changes); nothing is drawn.

    Returns
    -------
    dict
        ``merged``, ``skipped``, ``skipped_keys``, ``replaced``, ``replaced_keys`` (as
        ``merge_from``), ``pruned``, ``pruned_keys``, ``sources`` (per-source counts) and
        ``written`` (False when the target was left untouched).
    """
    target_path = os.path.abspath(h5_path(target))
    source_paths = [os.path.abspath(h5_path(s)) for s in sources]
    if target_path in source_paths:
        raise InvalidArgumentError(f"{target_path} is both the merge target and a source")
    keep = None if prune_to is None else {(ns, key) for ns, key in prune_to}
    with locked(target_path, lock_timeout), contextlib.ExitStack() as stack:
        exists = os.path.exists(target_path)
        files = {_TARGET: _File.open(target_path, stack)} if exists else {}
        memo = read_memo(files[_TARGET].file) if exists else {}
        for i, p in enumerate(source_paths):
            files[i] = _File.recalled(p, stack, memo)
        plan = _plan(files, overwrite, replace_stale, keep)
        changed = not exists or plan.report.merged > 0 or bool(plan.pruned_keys)
        if changed:
            root = (read_root(files[_TARGET].file) if exists else
                    RootInfo(str(uuid.uuid4()), None, time.time(), 0))
            _write(target_path, root, plan, files, progress)
    result = plan.report.as_dict()
    result.update(pruned=len(plan.pruned_keys), pruned_keys=plan.pruned_keys,
                  sources=plan.per_source, written=changed)
    return result
