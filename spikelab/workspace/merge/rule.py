"""The merge rule shared by ``merge_from`` and ``merge_files``, and its report."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["decide", "MergeReport"]


def decide(present: bool, ours: str | None, theirs: str | None, overwrite: bool,
           replace_stale: bool) -> str:
    """``"merge"``, ``"replace"`` or ``"skip"`` for one incoming item.

    Parameters
    ----------
    present : bool
        The target already has an item under this (namespace, key).
    ours, theirs : str or None
        Fingerprints of the target's and the incoming item (None: stored without one).
    overwrite : bool
        Replace whatever is there.
    replace_stale : bool
        Keep ours only if both fingerprints exist and agree; otherwise replace.
    """
    if not present:
        return "merge"
    if overwrite:
        return "replace"
    if replace_stale:
        return "skip" if ours is not None and ours == theirs else "replace"
    return "skip"


@dataclass
class MergeReport:
    """Counts of a merge. ``merged`` counts every item written (new or replacing), as
    0.1.2 does; ``replaced`` counts those that replaced an existing item."""

    merged: int = 0
    skipped: int = 0
    replaced: int = 0
    skipped_keys: list[tuple[str, str]] = field(default_factory=list)
    replaced_keys: list[tuple[str, str]] = field(default_factory=list)

    def add(self, action: str, namespace: str, key: str) -> None:
        if action == "skip":
            self.skipped += 1
            self.skipped_keys.append((namespace, key))
            return
        self.merged += 1
        if action == "replace":
            self.replaced += 1
            self.replaced_keys.append((namespace, key))

    def as_dict(self) -> dict:
        return {"merged": self.merged, "skipped": self.skipped,
                "skipped_keys": list(self.skipped_keys), "replaced": self.replaced,
                "replaced_keys": list(self.replaced_keys)}
