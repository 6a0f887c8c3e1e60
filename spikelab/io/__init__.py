"""Recordings in and out: NWB files, Phy/Kilosort folders, spikelab ``.npz`` files and
workspace items, all as :class:`~spikelab.SpikeData` with times in ms.

``load_recording(path)`` picks the format from the path; the ``save_*`` functions write the
same formats back (for demos, tests and exchange).

Each format's module is imported when first used: pynwb alone costs about a second, and the
workflow checks recordings and their options at Snakefile parse time through
``spikelab.io.dispatch`` without reading any file.
"""

from __future__ import annotations

import importlib
from typing import Any

from .dispatch import FORMATS, check_options, infer_format, load_recording

__all__ = [
    "FORMATS",
    "load_recording",
    "infer_format",
    "check_options",
    "load_nwb",
    "load_phy",
    "load_npz",
    "save_nwb",
    "save_phy",
    "save_npz",
]

_LAZY = {"load_nwb": "nwb", "save_nwb": "nwb", "load_phy": "phy", "save_phy": "phy",
         "load_npz": "npz", "save_npz": "npz"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
