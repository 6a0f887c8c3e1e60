"""Editing saved workspace files in tests, as a consistent writer would leave them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import h5py

from spikelab.workspace.checksums import set_checksum
from spikelab.workspace.seals import SEAL_ATTR, seal_item, seal_root


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
            for key, group in f[ns].items():
                group.visititems(lambda name, obj: set_checksum(obj, obj[...])
                                 if isinstance(obj, h5py.Dataset) else None)
                seal_item(group)
        if SEAL_ATTR in f.attrs:
            seal_root(f)
