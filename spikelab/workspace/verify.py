"""``verify``: does every item of a workspace file decode, and match its recorded hashes
and the file's index?"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from ..errors import SpikelabError
from ..progress import Progress
from .codecs import decode_item
from .codecs.common import read_str_attr
from .entries import read_entry
from .fileindex import trusted_index
from .h5file import h5_path, open_workspace
from .provenance import fingerprint, group_content_hash
from .reading import decoding, ordered_items

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
    """Outcome of :func:`verify`: items checked, hashes compared, problems found."""

    path: str
    checked: int = 0
    hashed: int = 0
    problems: list[ItemProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _hash_problems(group, ns: str, key: str) -> list[str]:
    """Mismatches between an item's stored fingerprint / content hash and its data."""
    problems = []
    attrs = group.attrs
    stored_hash = read_str_attr(attrs, "__content_hash__")
    if stored_hash is not None:
        actual = group_content_hash(group)
        if actual != stored_hash:
            problems.append(f"content hash mismatch: stored {stored_hash[:16]}..., data gives "
                            f"{actual[:16]}...")
    text = read_str_attr(attrs, "__provenance__")
    stored_fp = read_str_attr(attrs, "__fingerprint__")
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


def verify(path: str | os.PathLike) -> VerifyReport:
    """Decode every item of the workspace ``path`` and recompute its recorded hashes.

    File-level problems (missing, not HDF5, not a workspace, truncated, newer format) raise
    their usual errors; item-level problems are collected, one :class:`ItemProblem` per
    bad item, so one damaged item does not hide the others.

    Returns
    -------
    VerifyReport
        ``ok`` is True when every item decodes and every stored hash matches.
    """
    target = h5_path(path)
    report = VerifyReport(target)
    with open_workspace(target) as f, Progress(desc=f"verifying {target}") as bar:
        index = trusted_index(f) or {}
        bar.total = sum(len(entries) for entries in index.values()) if index else None
        for ns, key, group in ordered_items(f, target):
            bar.update()
            report.checked += 1
            try:
                with decoding(target, ns, key):
                    decode_item(group)
                    problems = _hash_problems(group, ns, key)
                    problems += _index_problems(index.get((ns, key)), read_entry(group))
            except (SpikelabError, ValueError, TypeError, KeyError) as exc:
                problems = [str(exc)]
            if "__content_hash__" in group.attrs:
                report.hashed += 1
            report.problems.extend(ItemProblem(ns, key, p) for p in problems)
    return report
