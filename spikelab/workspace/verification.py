"""``verify``: is every item of a workspace file intact and readable?

Both forms: a single file, or a sharded root whose shards are each opened and checked
(link, identity, root seal) as their items are reached.

For each item: its seal (attributes and structure as written), decoding (every dataset the
decoder reads is read in full against its checksum as it is read, :mod:`.checksums`), then
the datasets the decoder did not read, likewise; its recorded content hash and fingerprint
(items stored with provenance), and agreement with the file's index. Files
written by spikelab 0.1.2 carry no checksums: their items are decoded only, and the report
counts them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import h5py

from ..ondisk import CONTENT_HASH_ATTR, FINGERPRINT_ATTR, PROVENANCE_ATTR
from ..errors import SpikelabError
from ..progress import ProgressCallback, ProgressCount
from .attrmemo import attribute_memo
from .checksums import datasets_read, verify_dataset
from .codecs import decode_item
from .codecs.common import read_str_attr
from .damage import decoding
from .index.entries import read_entry
from .index.infile import index_problem, trusted_index
from ..ondisk import h5_path
from .h5file import open_workspace
from .provenance import fingerprint, group_content_hash
from .reading import open_item, ordered_names
from .seals import check_item_seal

__all__ = ["ItemProblem", "VerifyReport", "verify"]


@dataclass(frozen=True)
class ItemProblem:
    """One bad item: where it is and what is wrong."""

    namespace: str
    key: str
    problem: str

    def __str__(self) -> str:
        return f"{self.namespace}/{self.key}: {self.problem}"


@dataclass
class VerifyReport:
    """Outcome of :func:`~spikelab.workspace.verify`.

    Attributes
    ----------
    path : str
    checked : int
        Items examined.
    sealed : int
        Items that carry checksums (all items written by this version); the others
        (written by spikelab 0.1.2) could only be decoded.
    hashed : int
        Items stored with provenance, whose content hash was recomputed.
    problems : list of ItemProblem
        One per problem of an item.
    file_problems : list of str
        Problems of the file outside any item (its index).
    shards : int
        Shard files the items were read from (0 for a single file).
    """

    path: str
    checked: int = 0
    sealed: int = 0
    hashed: int = 0
    problems: list[ItemProblem] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)
    shards: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and not self.file_problems


def _hash_problems(group: h5py.Group) -> list[str]:
    """Mismatches between an item's stored fingerprint / content hash and its data."""
    problems = []
    attrs = group.attrs
    stored_hash = read_str_attr(attrs, CONTENT_HASH_ATTR)
    if stored_hash is not None:
        actual = group_content_hash(group)
        if actual != stored_hash:
            problems.append(f"content hash mismatch: stored {stored_hash[:16]}..., data gives "
                            f"{actual[:16]}...")
    text = read_str_attr(attrs, PROVENANCE_ATTR)
    stored_fp = read_str_attr(attrs, FINGERPRINT_ATTR)
    if text is not None and stored_fp is not None:
        record = json.loads(text)
        if fingerprint(**record) != stored_fp:
            problems.append("fingerprint does not match the stored provenance")
    return problems


def _index_problems(indexed: dict | None, actual: dict) -> list[str]:
    """Fields where the file's ``__index__`` disagrees with the item itself."""
    if indexed is None or indexed == actual:
        return []
    fields = sorted(k for k in set(indexed) | set(actual) if indexed.get(k) != actual.get(k))
    return [f"the file index disagrees with the item on {', '.join(fields)} (edited in place?)"]


def _datasets(group: h5py.Group) -> list[h5py.Dataset]:
    found: list[h5py.Dataset] = []
    group.visititems(lambda name, obj: found.append(obj)
                     if isinstance(obj, h5py.Dataset) else None)
    return found


def _check_item(group: h5py.Group, indexed: dict | None) -> tuple[bool, list[str]]:
    """(sealed, problems) of one item; raises on damage that stops the checks."""
    with attribute_memo(), datasets_read() as read:
        sealed = check_item_seal(group)
        # The decoder reads every dataset it uses through read_verified (size checked before
        # anything is allocated, checksum as it is read), so it never sees unchecked data;
        # the datasets it did not read are checked after it: each is read once.
        decode_item(group)
        for ds in _datasets(group):
            if ds.name not in read:
                verify_dataset(ds)
        return sealed, _hash_problems(group) + _index_problems(indexed, read_entry(group))


def _without_place(message: str, path: str, ns: str, key: str) -> str:
    """``message`` without the leading "<file>: item (ns, key)" (the report has both)."""
    place = f"{path}: item ({ns!r}, {key!r})"
    if not message.startswith(place):
        return message
    rest = message[len(place):].lstrip(": ")
    return rest[3:] if rest.startswith("is ") else rest


def verify(path: str | os.PathLike, *, progress: ProgressCallback | None = None
           ) -> VerifyReport:
    """Check every item of the workspace ``path``: checksums, decoding, recorded hashes.

    File-level problems that stop everything (missing, not HDF5, not a workspace, damaged
    structure, newer format) raise their usual errors; item-level problems are collected,
    one :class:`~spikelab.workspace.verification.ItemProblem` per problem, so one damaged item
    does not hide the others.

    Parameters
    ----------
    path : str or PathLike
        Workspace path, with or without ``.h5`` (a single file or a sharded root).
    progress : ProgressCallback, optional
        Told ``(items checked, items in the file)`` as items are checked
        (:mod:`spikelab.progress`); nothing is drawn.

    Returns
    -------
    VerifyReport
        ``ok`` is True when every item is intact: its checksums match (when it has them),
        it decodes, and its recorded hashes match.
    """
    target = h5_path(path)
    report = VerifyReport(target)
    with open_workspace(target) as f:
        problem = index_problem(f)
        if problem is not None:
            report.file_problems.append(problem)
        index = trusted_index(f) or {}
        names = ordered_names(f, target)
        report.shards = len(f.shard_files)
        if index and list(index) != names:  # a sharded root's index, trusted by namespace
            report.file_problems.append("the root's index lists other items than its shards "
                                        "hold (a shard edited in place?)")
        count = ProgressCount(progress, len(names))
        for ns, key in names:
            report.checked += 1
            try:
                with decoding(target, ns, key):
                    group = open_item(f, ns, key)
                    sealed, problems = _check_item(group, index.get((ns, key)))
                    report.sealed += sealed
                    report.hashed += CONTENT_HASH_ATTR in group.attrs
            except SpikelabError as exc:
                problems = [_without_place(str(exc), target, ns, key)]
            report.problems.extend(ItemProblem(ns, key, p) for p in problems)
            count.add()
    return report
