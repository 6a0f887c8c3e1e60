"""Editing saved workspace files in tests, as a consistent writer would leave them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import h5py

from spikelab import AnalysisWorkspace
from spikelab.ondisk import CHECKSUM_ATTR, SEAL_ATTR
from spikelab.workspace.checksums import set_checksum
from spikelab.ondisk import h5_path
from spikelab.workspace.seals import seal_item, seal_root


@contextlib.contextmanager
def rewritten(path) -> Iterator[h5py.File]:
    """Open ``path`` with h5py for editing; afterwards recompute every checksum and seal.

    For tests of what readers do with content they cannot use (an unknown type, a missing
    dataset, an inconsistent object) written by another tool or version. A plain
    ``h5py.File(path, "r+")`` edit is what damage looks like instead: the seals catch it.
    """
    with h5py.File(path, "r+") as f:
        yield f
        for ns in [n for n in f if not n.startswith("__")]:
            for group in f[ns].values():
                group.visititems(lambda name, obj: set_checksum(obj, obj[...])
                                 if isinstance(obj, h5py.Dataset) else None)
                seal_item(group)
        if SEAL_ATTR in f.attrs:
            seal_root(f)


def saved_like_0_1_2(path, items: dict) -> str:
    """Save ``{(namespace, key): object}`` to ``path`` (returned as its ``.h5``), then strip
    what only this version writes at the root and the checksums: the file looks as spikelab
    0.1.2 writes it (no format version, no checksums)."""
    ws = AnalysisWorkspace()
    for (ns, key), obj in items.items():
        ws.store(ns, key, obj)
    ws.save(path)
    target = h5_path(path)

    def strip(name: str, obj: h5py.HLObject) -> None:
        for attr in (SEAL_ATTR, CHECKSUM_ATTR):
            if attr in obj.attrs:
                del obj.attrs[attr]

    with h5py.File(target, "r+") as f:
        for attr in ("__format_version__", "__spikelab_version__", "__save_id__", SEAL_ATTR):
            del f.attrs[attr]
        f.visititems(strip)
    return target
