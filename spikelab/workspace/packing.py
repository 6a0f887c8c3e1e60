"""``pack``: one self-contained workspace file from a sharded one (for sharing).

A sharded workspace (:mod:`.shards`) is a root file plus a folder of shards, and must be
moved or copied as a whole. :func:`pack` writes the single-file form: the same root
identity (workspace id, name, creation time), every namespace group copied at the HDF5
level from its shard (values, attributes, checksums and seals as they are: the same
items, byte for byte), the index and the sidecar. Packing a single file copies it the same
way. Every item is checked (seal and every checksum) before it is copied.
"""

from __future__ import annotations

import os

from ..atomicfile import DEFAULT_LOCK_TIMEOUT, atomic_target, locked
from ..errors import InvalidArgumentError
from ..progress import ProgressCallback, ProgressCount
from .damage import decoding, reading_file, writing_file
from .index.infile import file_entries, write_index
from ..ondisk import h5_path
from .h5file import new_file, open_workspace, read_root, write_root
from .reading import check_intact, open_item
from .index.sidecar import sidecar_path, write_sidecar
from .slots import copy_group

__all__ = ["pack"]


def pack(source: str | os.PathLike, dest: str | os.PathLike, *,
         lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
         progress: ProgressCallback | None = None) -> dict:
    """Write the workspace ``source`` (sharded or not) as the single file ``dest``.

    Parameters
    ----------
    source, dest : str or PathLike
        Workspace paths, with or without ``.h5``; ``dest`` (and its ``.json``) is
        replaced atomically, its directories created.
    lock_timeout : float
        Seconds to wait for another writer of ``dest``.
    progress : ProgressCallback, optional
        Told ``(items copied, items in all)`` as namespaces are copied
        (:mod:`spikelab.progress`); nothing is drawn.

    Returns
    -------
    dict
        ``source``, ``dest`` (``.h5`` paths), ``namespaces``, ``items`` and ``bytes`` (the
        size of ``dest``).

    Raises
    ------
    InvalidArgumentError
        ``dest`` is ``source``.
    CorruptWorkspaceError
        An item of ``source`` is damaged (named); ``dest`` is not written.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from spikelab.workspace import merge_files
    >>> from spikelab import AnalysisWorkspace
    >>> d = tempfile.mkdtemp()
    >>> ws = AnalysisWorkspace(); ws.store("D0", "rates", np.zeros(3))
    >>> ws.save(os.path.join(d, "part"))
    >>> _ = merge_files(os.path.join(d, "merged"), [os.path.join(d, "part")])
    >>> pack(os.path.join(d, "merged"), os.path.join(d, "shared"))["items"]
    1
    """
    source_path = os.path.abspath(h5_path(source))
    dest_path = os.path.abspath(h5_path(dest))
    if source_path == dest_path:
        raise InvalidArgumentError(f"{dest_path} is both the source and the destination of "
                                   "pack; give another destination")
    with open_workspace(source_path) as f:
        root = read_root(f)
        entries = file_entries(f, source_path)
        by_ns: dict[str, list[str]] = {}
        for ns, key in entries:
            by_ns.setdefault(ns, []).append(key)
        with locked(dest_path, lock_timeout), atomic_target(dest_path) as tmp, \
                writing_file(dest_path):
            count = ProgressCount(progress, len(entries))
            with new_file(tmp) as out:
                save_id = write_root(out, root.workspace_id, root.name, root.created_at)
                for ns, keys in by_ns.items():
                    for key in keys:
                        with decoding(source_path, ns, key):
                            check_intact(open_item(f, ns, key), data=True)
                    with reading_file(source_path, f"namespace {ns!r}"):
                        group = f[ns]
                    copy_group(group, out, ns)
                    count.add(len(keys))
                write_index(out, entries)
    index: dict[str, dict] = {}
    for (ns, key), entry in entries.items():
        index.setdefault(ns, {})[key] = entry
    write_sidecar(sidecar_path(dest_path), root.workspace_id, root.name, root.created_at,
                  index, save_id)
    return {"source": source_path, "dest": dest_path, "namespaces": len(by_ns),
            "items": len(entries), "bytes": os.path.getsize(dest_path)}
