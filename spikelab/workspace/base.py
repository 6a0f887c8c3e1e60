"""Behaviour shared by both workspaces: the ordered index, validation, protocols, saving.

A workspace is an ordered two-level mapping ``{namespace: {key: _Item}}``; an item is its
index entry plus a slot holding the data (:mod:`.slots`). Subclasses decide only how a slot
is made from a new object (:meth:`_put`) or from another workspace's slot (:meth:`_adopt`)
and what happens to a slot that is dropped (:meth:`_release`).
"""

from __future__ import annotations

import time
import uuid
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..atomicfile import DEFAULT_LOCK_TIMEOUT, atomic_target, locked
from ..errors import CorruptWorkspaceError, ItemNotFoundError, UnsupportedTypeError
from .codecs import check_item, summarize
from .codecs.common import compressed
from .index.entries import copy_entry, make_entry, write_header
from .index.infile import write_index
from ..ondisk import h5_path
from .h5file import new_file, open_workspace, write_root
from .merge.rule import MergeReport, decide
from .names import check_key, check_namespace, check_text, comparison_namespace, describe_path
from .provenance import check_provenance, fingerprint, group_content_hash
from .damage import decoding, writing_file
from .reading import find_item, read_item
from .seals import seal_item
from .index.sidecar import sidecar_path, write_sidecar
from .slots import DamagedSlot, Slot

__all__ = ["WorkspaceBase"]


@dataclass
class _Item:
    """An item: its index entry and the slot holding its data.

    The content hash of an item stored with provenance is worked out when its entry is
    first asked for, not by ``store``: a job stores its results and saves them at once, and
    ``save`` hashes what it writes, so hashing in ``store`` as well encoded and hashed
    every result twice (half the saving time of a burst-aligned rate stack).
    """

    _entry: dict
    slot: Slot
    unhashed: str | None = None  # the item's place while its content hash is to be added

    @property
    def entry(self) -> dict:
        """The entry, with its content hash (worked out now if it is still missing)."""
        if self.unhashed is not None:
            self._entry["content_hash"] = self._content_hash()
            self.unhashed = None
        return self._entry

    @entry.setter
    def entry(self, value: dict) -> None:
        self._entry, self.unhashed = value, None

    @property
    def entry_without_hash(self) -> dict:
        """The entry as it is, a pending content hash left out (for writers that hash
        what they write)."""
        return self._entry

    def _content_hash(self) -> str:
        try:
            return self.slot.content_hash()
        except Exception:
            if self.slot.in_memory:  # changed in place since store: say what no longer holds
                _check_storable(self.slot.load(), self.unhashed)
            raise


def _check_note(note: Any, where: str) -> None:
    if note is not None:
        if not isinstance(note, str):
            raise TypeError(f"note for {where} must be a str or None, got {type(note).__name__}")
        check_text(note, f"note for {where}")


def _check_storable(obj: Any, where: str) -> None:
    """Raise unless ``obj`` can be written and read back as it is (see the codecs' checks)."""
    try:
        check_item(obj, where)
    except RecursionError:
        raise UnsupportedTypeError(f"{where}: the object is nested too deeply or contains "
                                   "itself") from None


def _refreshed(entry: dict, obj: Any, group: Any) -> dict:
    """``entry`` with the summary of ``obj`` as it is now, and its content hash recomputed
    from ``group`` (what was just written) when it has provenance."""
    return make_entry(summarize(obj), entry["created_at"], entry.get("note"),
                      entry.get("provenance"), entry.get("fingerprint"),
                      group_content_hash(group) if "provenance" in entry else None)


def _fingerprint_of(item: _Item | None) -> str | None:
    return None if item is None else item.entry.get("fingerprint")


class WorkspaceBase(ABC):
    """Named, namespaced store of analysis results (see :class:`AnalysisWorkspace`).

    Abstract: a subclass says how an item's :class:`~.slots.Slot` is made (:meth:`_put`,
    :meth:`_adopt`) and may act when one is dropped (:meth:`_release`) or before data is
    reached (:meth:`_check_open`).
    """

    def __init__(self, name: str | None = None) -> None:
        if name is not None:
            if not isinstance(name, str):
                raise TypeError(f"workspace name must be a str or None, got {type(name).__name__}")
            check_text(name, "workspace name")
        self.workspace_id: str = str(uuid.uuid4())
        self.name: str | None = name
        self.created_at: float = time.time()
        self._items: dict[str, dict[str, _Item]] = {}

    # ------------------------------------------------------------ storage strategy
    @abstractmethod
    def _put(self, obj: Any) -> Slot:
        """A slot of ours holding the new object ``obj`` (already checked storable)."""

    @abstractmethod
    def _adopt(self, slot: Slot, namespace: str, key: str) -> Slot:
        """A slot of ours holding the item of another workspace's ``slot`` (checked)."""

    # optional hooks: by default nothing to do
    def _release(self, slot: Slot) -> None:  # noqa: B027
        """Drop a slot that is no longer referenced (overwritten or deleted)."""

    def _check_open(self) -> None:  # noqa: B027
        """Raise if the workspace can no longer reach its data."""

    # ------------------------------------------------------------ index helpers
    def _find(self, namespace: str, key: str) -> _Item | None:
        return self._items.get(namespace, {}).get(key)

    def _require(self, namespace: str, key: str) -> _Item:
        item = self._find(namespace, key)
        if item is None:
            if namespace in self._items:
                hint = f"keys in {namespace!r}: {list(self._items[namespace])}"
            else:
                hint = f"namespaces: {list(self._items)}"
            label = f" {self.name!r}" if self.name else ""
            raise ItemNotFoundError(f"item ({namespace!r}, {key!r}) not found in workspace"
                                    f"{label}; {hint}")
        return item

    def _set(self, namespace: str, key: str, item: _Item) -> None:
        keys = self._items.setdefault(namespace, {})
        old = keys.get(key)
        keys[key] = item
        if old is not None and old.slot is not item.slot:
            self._release(old.slot)

    # ------------------------------------------------------------ storing
    def store(self, namespace: str, key: str, obj: Any, note: str | None = None,
              provenance: Mapping[str, Any] | None = None) -> None:
        """Store ``obj`` under ``(namespace, key)``, replacing any item already there.

        Parameters
        ----------
        namespace, key : str
            Non-empty, no ``/``, not ``.``/``..``; namespaces may not start with ``__``.
        obj : object
            ndarray, SpikeData, RateData, RateSliceStack, SpikeSliceStack,
            PairwiseCompMatrix, PairwiseCompMatrixStack or dict (see the guide).
        note : str, optional
            Free-text annotation shown by ``get_info``.
        provenance : mapping, optional
            ``{"step", "params", "inputs", "version"}``: what produced ``obj``. Adds
            ``provenance``, ``fingerprint`` and ``content_hash`` to the entry.

        Raises
        ------
        InvalidNameError, UnsupportedTypeError, ProvenanceError
            Before anything changes: a rejected store leaves the workspace as it was.
        InvalidItemError
            Likewise, for an object whose fields contradict each other (a SpikeData with
            spikes past its length, NaN times or ``N`` unlike its trains, a non-square
            PairwiseCompMatrix, neuron attributes for another number of units, ...).
        """
        self._check_open()
        check_namespace(namespace)
        check_key(namespace, key)
        where = describe_path(namespace, key)
        _check_note(note, where)
        record = check_provenance(provenance) if provenance is not None else None
        _check_storable(obj, where)
        slot = self._put(obj)
        try:
            entry = make_entry(summarize(obj), time.time(), note)
            if record is not None:
                entry["provenance"] = record
                entry["fingerprint"] = fingerprint(**record)
        except BaseException:
            self._release(slot)
            raise
        # its content hash when first asked for (see _Item)
        self._set(namespace, key, _Item(entry, slot, where if record is not None else None))

    # ------------------------------------------------------------ reading
    def get(self, namespace: str, key: str) -> Any | None:
        """The object stored under ``(namespace, key)``, or None if there is none."""
        item = self._find(namespace, key)
        if item is None:
            return None
        self._check_open()
        with decoding(item.slot.where, namespace, key):
            return item.slot.load()

    @property
    def damaged(self) -> dict[tuple[str, str], str]:
        """``{(namespace, key): what is wrong}`` for items ``load`` could not read.

        They stay listed (``list_keys``, ``describe``, whose entry has a ``damaged``
        field); ``get`` raises :class:`~spikelab.errors.CorruptWorkspaceError` naming the file
        and item, and ``save`` refuses until they are deleted. Empty for a sound workspace.
        """
        return {(ns, key): item.slot.message for ns, keys in self._items.items()
                for key, item in keys.items() if isinstance(item.slot, DamagedSlot)}

    def get_info(self, namespace: str, key: str) -> dict | None:
        """A copy of the item's index entry (never reads data), or None if absent."""
        item = self._find(namespace, key)
        return None if item is None else copy_entry(item.entry)

    def describe(self) -> dict[str, dict[str, dict]]:
        """``{namespace: {key: entry}}`` for every item (copies), in insertion order."""
        return {ns: {k: copy_entry(it.entry) for k, it in keys.items()}
                for ns, keys in self._items.items()}

    def list_namespaces(self) -> list[str]:
        """Namespaces in insertion order."""
        return list(self._items)

    def list_keys(self, namespace: str | None = None) -> list[str] | dict[str, list[str]]:
        """Keys of ``namespace`` (``[]`` if unknown), or ``{namespace: [keys]}`` for all."""
        if namespace is not None:
            return list(self._items.get(namespace, {}))
        return {ns: list(keys) for ns, keys in self._items.items()}

    # ------------------------------------------------------------ changing
    def rename(self, namespace: str, old_key: str, new_key: str, overwrite: bool = False
               ) -> bool:
        """Rename a key. Returns False (with a UserWarning) if ``new_key`` exists and not
        ``overwrite``; raises :class:`~spikelab.errors.ItemNotFoundError` if ``old_key`` does
        not exist."""
        item = self._require(namespace, old_key)
        check_key(namespace, new_key)
        if new_key == old_key:
            return True
        keys = self._items[namespace]
        if new_key in keys and not overwrite:
            warnings.warn(f"key {new_key!r} already exists in namespace {namespace!r}; pass "
                          "overwrite=True to replace it", UserWarning, stacklevel=2)
            return False
        del keys[old_key]
        self._set(namespace, new_key, item)
        return True

    def add_note(self, namespace: str, key: str, note: str) -> None:
        """Set or replace the note of an existing item."""
        item = self._require(namespace, key)
        _check_note(note, describe_path(namespace, key))
        item.entry["note"] = note

    def delete(self, namespace: str, key: str | None = None) -> None:
        """Delete one item, or the whole namespace when ``key`` is None.

        Deleting the last key of a namespace removes the namespace.
        """
        if key is None:
            if namespace not in self._items:
                raise ItemNotFoundError(f"namespace {namespace!r} not found; namespaces: "
                                        f"{list(self._items)}")
            for item in self._items.pop(namespace).values():
                self._release(item.slot)
            return
        item = self._require(namespace, key)
        del self._items[namespace][key]
        if not self._items[namespace]:
            del self._items[namespace]
        self._release(item.slot)

    # ------------------------------------------------------------ merging
    def _selected(self, other: WorkspaceBase, keys: Iterable[tuple[str, str]] | None
                  ) -> list[tuple[str, str]]:
        if keys is None:
            return list(other)
        wanted = [(ns, key) for ns, key in keys]
        missing = [pair for pair in wanted if pair not in other]
        if missing:
            raise ItemNotFoundError(f"items {missing} not found in the source workspace")
        return wanted

    def merge_from(self, other: WorkspaceBase, overwrite: bool = False, *,
                   replace_stale: bool = False,
                   keys: Iterable[tuple[str, str]] | None = None) -> dict:
        """Copy items of ``other`` into this workspace.

        Parameters
        ----------
        other : AnalysisWorkspace or LazyAnalysisWorkspace
        overwrite : bool
            Replace items present in both (default: keep ours, skip theirs).
        replace_stale : bool
            Pipeline mode: an item present in both is skipped when both carry the same
            fingerprint and replaced otherwise (also when either has no fingerprint).
        keys : iterable of (namespace, key), optional
            Merge only these items (each must exist in ``other``).

        Returns
        -------
        dict
            ``merged`` (items written, as in 0.1.2), ``skipped``, ``skipped_keys``,
            ``replaced`` (written items that replaced one of ours), ``replaced_keys``.
            Entries (``created_at``, note, provenance) carry over. From a file-backed
            source into a lazy workspace, items are copied at the HDF5 level; a skipped
            item's data is never read.
        """
        self._check_open()
        if not isinstance(other, WorkspaceBase):
            raise TypeError(f"merge_from needs an AnalysisWorkspace or LazyAnalysisWorkspace, "
                            f"got {type(other).__name__}")
        report = MergeReport()
        for ns, key in self._selected(other, keys):
            theirs = other._items[ns][key]
            ours = self._find(ns, key)
            if other is self:
                action = "skip"
            else:
                action = decide(ours is not None, _fingerprint_of(ours),
                                theirs.entry.get("fingerprint"), overwrite, replace_stale)
            if action != "skip":
                self._set(ns, key, _Item(copy_entry(theirs.entry),
                                         self._adopt(theirs.slot, ns, key)))
            report.add(action, ns, key)
        return report.as_dict()

    # ------------------------------------------------------------ persistence
    def _check_before_save(self) -> None:
        """Fail before writing anything: damaged items, and objects changed in place since
        ``store`` so that they no longer hold together (checked again, cheaply)."""
        damaged = self.damaged
        if damaged:
            (ns, key), problem = next(iter(damaged.items()))
            raise CorruptWorkspaceError(
                f"cannot save: {len(damaged)} item(s) could not be read when loaded, e.g. "
                f"{describe_path(ns, key)}: {problem}; delete them (ws.delete(namespace, key)) "
                "to save the others")
        for ns, keys in self._items.items():
            for key, item in keys.items():
                if item.slot.in_memory:
                    _check_storable(item.slot.load(), describe_path(ns, key))

    def _write_items(self, f: Any) -> dict[tuple[str, str], dict]:
        """Write every item into the open file ``f``; returns the entries as written."""
        written = {}
        for ns, keys in self._items.items():
            ns_group = f.create_group(ns, track_order=True)
            for key, item in keys.items():
                with decoding(item.slot.where, ns, key):
                    item.slot.check()  # a damaged item on disk is not copied on (and sealed)
                group = item.slot.write(ns_group, key)
                if item.slot.in_memory:
                    # the object may have been changed in place since store: describe (and
                    # hash) what is saved
                    entry = _refreshed(item.entry_without_hash, item.slot.load(), group)
                else:
                    entry = item.entry
                write_header(group, entry)
                seal_item(group)
                written[(ns, key)] = entry
        return written

    def save(self, path: str | Any, *, compression: str | None = None,
             lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        """Write ``path.h5`` (all data) and ``path.json`` (the index), atomically.

        Parameters
        ----------
        path : str or PathLike
            With or without ``.h5``; missing directories are created.
        compression : {None, "gzip", "lzf"}
            Write numeric arrays of 1 MiB or more chunked and compressed (readable by
            0.1.2 too). Applies to the items this save encodes; items a lazy workspace
            already holds on disk are copied as stored (see its ``compression``).
        lock_timeout : float
            Seconds to wait for another process writing the same path, then
            :class:`~spikelab.errors.WorkspaceLockedError`.

        Raises
        ------
        InvalidItemError
            An object stored in memory was changed in place so that it no longer holds
            together (e.g. spike times past the recording's length); nothing is written.
        CorruptWorkspaceError
            The workspace holds items ``load`` could not read (see :attr:`damaged`).

        Notes
        -----
        The previous files stay intact if the save fails or is killed.
        """
        self._check_open()
        self._check_before_save()
        target = h5_path(path)
        with locked(target, lock_timeout):
            with atomic_target(target) as tmp, writing_file(target):
                with new_file(tmp) as f, compressed(compression):
                    save_id = write_root(f, self.workspace_id, self.name, self.created_at)
                    written = self._write_items(f)
                    write_index(f, written)
            for (ns, key), entry in written.items():
                self._items[ns][key].entry = entry
            write_sidecar(sidecar_path(h5_path(path)), self.workspace_id, self.name,
                          self.created_at, self.describe(), save_id)

    @staticmethod
    def load_item(path: str | Any, namespace: str, key: str) -> Any:
        """Read one item from a saved workspace without loading the rest.

        Raises
        ------
        ItemNotFoundError
            No such item (the message lists the namespaces, or the keys of ``namespace``).
        CorruptWorkspaceError
            The item (or the file) is damaged; the message names both.
        """
        target = h5_path(path)
        with open_workspace(target) as f:
            group = find_item(f, target, namespace, key)
            with decoding(target, namespace, key):
                return read_item(group)

    @staticmethod
    def comparison_namespace(*namespaces: str) -> str:
        """The conventional namespace of a comparison: ``"C_" + "_".join(namespaces)``.

        Pass the recordings' own namespaces, in the order the comparison uses them.

        Examples
        --------
        >>> from spikelab import AnalysisWorkspace
        >>> AnalysisWorkspace.comparison_namespace("D0", "D3")
        'C_D0_D3'
        """
        return comparison_namespace(*namespaces)

    # ------------------------------------------------------------ protocols
    def close(self) -> None:  # noqa: B027 - an eager workspace holds no file
        """Release files held by the workspace (idempotent)."""

    def __enter__(self) -> WorkspaceBase:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __contains__(self, item: object) -> bool:
        if not (isinstance(item, tuple) and len(item) == 2
                and all(isinstance(part, str) for part in item)):
            return False
        return self._find(*item) is not None

    def __len__(self) -> int:
        return sum(len(keys) for keys in self._items.values())

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter([(ns, key) for ns, keys in self._items.items() for key in keys])

    def __getitem__(self, item: tuple[str, str]) -> Any:
        namespace, key = item
        self._require(namespace, key)
        return self.get(namespace, key)

    def __repr__(self) -> str:
        label = f" {self.name!r}" if self.name else ""
        return (f"{type(self).__name__}{label}(id={self.workspace_id[:8]}, "
                f"{len(self._items)} namespace(s), {len(self)} item(s))")
