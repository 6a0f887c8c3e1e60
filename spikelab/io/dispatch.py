"""`load_recording`: one entry point for every recording format, chosen from the path."""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from typing import Any

from ..spikedata import SpikeData
from ._common import ITEM_SEPARATOR, PathLike, existing_path, recording_error
from .npz import load_npz
from .nwb import load_nwb
from .phy import load_phy

__all__ = ["load_recording", "infer_format", "FORMATS", "ITEM_SEPARATOR"]

_SUFFIXES = {".nwb": "nwb", ".npz": "npz", ".h5": "h5", ".hdf5": "h5"}
_ALIASES = {"kilosort": "phy", "workspace": "h5"}


def _load_h5(path: PathLike) -> SpikeData:
    # imported on use: the workspace package (codecs, locking) is only needed for this format
    from .workspace_item import load_workspace_item

    return load_workspace_item(path)


_LOADERS: dict[str, Callable[..., SpikeData]] = {
    "nwb": load_nwb, "phy": load_phy, "npz": load_npz, "h5": _load_h5,
}
FORMATS: tuple[str, ...] = tuple(_LOADERS)


def infer_format(path: PathLike) -> str:
    """The format of ``path``: one of :data:`FORMATS`.

    ``...::namespace/key`` is a workspace item (``h5``); a folder holding ``params.py`` or
    ``spike_times.npy`` is ``phy``; otherwise the suffix decides (``.nwb``, ``.npz``,
    ``.h5``/``.hdf5``).

    Raises
    ------
    FileNotFoundError
        Nothing at ``path``.
    RecordingError
        A folder that is not a Phy folder, or an unknown suffix (the message lists the valid
        formats).
    """
    text = os.fspath(path)
    if ITEM_SEPARATOR in text:
        return "h5"
    p = existing_path(text)
    if p.is_dir():
        if (p / "params.py").exists() or (p / "spike_times.npy").exists():
            return "phy"
        raise recording_error(p, "is a folder but not a Phy/Kilosort output (no params.py or "
                                 f"spike_times.npy); valid formats: {_format_list()}")
    fmt = _SUFFIXES.get(p.suffix.lower())
    if fmt is None:
        raise recording_error(p, f"unknown recording format (suffix {p.suffix!r}); valid "
                                 f"formats: {_format_list()}")
    return fmt


def load_recording(path: PathLike, format: str | None = None, **options: Any) -> SpikeData:
    """Load a recording as :class:`~spikelab.SpikeData` (spike times in ms).

    Parameters
    ----------
    path : str or PathLike
        An ``.nwb`` file, a Phy/Kilosort folder, a spikelab ``.npz``, or a workspace item
        ``file.h5::namespace/key``.
    format : {"nwb", "phy", "npz", "h5"}, optional
        Overrides the format inferred from ``path`` (aliases: ``kilosort``, ``workspace``).
    **options
        Passed to the format's loader; only ``phy`` takes one: ``include`` (``"good"``,
        ``"all"``, a label or a list of labels).

    Raises
    ------
    FileNotFoundError
        Nothing at ``path``.
    RecordingError
        Unknown format or option, or a file that cannot be loaded (the message names it).

    Examples
    --------
    >>> sd = load_recording("data/culture_a.nwb")                       # doctest: +SKIP
    >>> sd = load_recording("sorting/kilosort4", include=["good", "mua"])  # doctest: +SKIP
    >>> sd = load_recording("results/workspace.h5::culture_a/spikes")    # doctest: +SKIP
    """
    fmt = infer_format(path) if format is None else _checked_format(path, format)
    loader = _LOADERS[fmt]
    accepted = list(inspect.signature(loader).parameters)[1:]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise recording_error(path, f"format {fmt!r} takes no option {unknown}; valid options: "
                                    f"{accepted or 'none'}")
    return loader(path, **options)


def _checked_format(path: PathLike, format: str) -> str:
    fmt = _ALIASES.get(str(format).lower(), str(format).lower())
    if fmt not in _LOADERS:
        raise recording_error(path, f"unknown recording format {format!r}; valid formats: "
                                    f"{_format_list()}")
    return fmt


def _format_list() -> str:
    return ", ".join(f"{fmt!r}" for fmt in _LOADERS) + " (inferred from '.nwb', a Phy folder, " \
        "'.npz', 'file.h5::namespace/key')"
