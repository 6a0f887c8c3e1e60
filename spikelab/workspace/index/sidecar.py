"""The JSON sidecar ``<path>.json``: the index for humans and tools without HDF5.

``{"workspace_id", "name", "created_at", "format_version", "spikelab_version", "save_id",
"index": {ns: {key: entry}}}`` (the first four and ``index`` as in 0.1.2). ``save_id`` is
also a root attribute of the ``.h5``: a sidecar whose ``save_id`` differs describes another
version of the file (e.g. a writer was killed between the two renames). The ``.h5`` is the
source of truth; loading uses the sidecar only for the item order of 0.1.2 files (whose HDF5
groups are ordered by name), and only when it lists exactly the items of the ``.h5``.
"""

from __future__ import annotations

import json
import os

from ..._version import __version__
from .entries import jsonable
from ...atomicfile import atomic_write_text
from ...ondisk import FORMAT_VERSION, SIDECAR_SUFFIX

__all__ = ["write_sidecar", "order_hint"]


def write_sidecar(path: str, workspace_id: str, name: str | None, created_at: float,
                  index: dict, save_id: str) -> None:
    """Write the sidecar ``path`` atomically."""
    doc = {
        "workspace_id": workspace_id,
        "name": name,
        "created_at": created_at,
        "format_version": FORMAT_VERSION,
        "spikelab_version": __version__,
        "save_id": save_id,
        "index": jsonable(index),
    }
    atomic_write_text(path, json.dumps(doc, indent=2))


def order_hint(path: str, present: dict[str, list[str]]) -> dict[str, list[str]]:
    """``present`` reordered as the sidecar ``path`` lists it, if it lists exactly those items."""
    try:
        with open(path, encoding="utf-8") as fh:
            index = json.load(fh).get("index", {})
        listed = {ns: list(keys) for ns, keys in index.items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return present
    same = (set(listed) == set(present)
            and all(sorted(listed[ns]) == sorted(present[ns]) for ns in present))
    return listed if same else present


def sidecar_path(h5: str) -> str:
    """``x.h5`` -> ``x.json``."""
    return os.path.splitext(h5)[0] + SIDECAR_SUFFIX
