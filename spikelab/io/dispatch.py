"""`load_recording`: one entry point for every recording format, chosen from the path."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ..spikedata import SpikeData
from ..ondisk import ITEM_ADDRESS_FORM, ITEM_SEPARATOR, SUFFIX
from ._common import PathLike, existing_path, recording_error
from ._phy_files import check_include

__all__ = ["load_recording", "infer_format", "resolve_format", "check_options", "FORMATS",
           "FORMAT_OPTIONS"]

_SUFFIXES = {".nwb": "nwb", ".npz": "npz", SUFFIX: "h5", ".hdf5": "h5"}
_ALIASES = {"kilosort": "phy", "workspace": "h5"}

class _Loader(NamedTuple):
    module: str     # imported on first use: pynwb, scipy, the workspace package are not
    function: str   # needed to check a path or its options
    options: dict[str, Callable[[Any, PathLike], object]]  # option -> check(value, path)


_LOADERS: dict[str, _Loader] = {
    "nwb": _Loader("nwb", "load_nwb", {}),
    "phy": _Loader("phy", "load_phy", {"include": check_include}),
    "npz": _Loader("npz", "load_npz", {}),
    "h5": _Loader("workspace_item", "load_workspace_item", {}),
}
FORMATS: tuple[str, ...] = tuple(_LOADERS)
#: The keyword options each format's loader takes, each with the check of its value
#: (``check(value, path)`` raising RecordingError): options are checked before any file is
#: read, and by the workflow before any job runs.
FORMAT_OPTIONS: dict[str, dict[str, Callable[[Any, PathLike], object]]] = {
    fmt: loader.options for fmt, loader in _LOADERS.items()}


def _loader(fmt: str) -> Callable[..., SpikeData]:
    loader = _LOADERS[fmt]
    return getattr(importlib.import_module(f".{loader.module}", __package__), loader.function)


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
        Passed to the format's loader (``spikelab.io.dispatch.FORMAT_OPTIONS``); only ``phy``
        takes one: ``include`` (``"good"``, ``"all"``, a label or a list of labels).

    Raises
    ------
    FileNotFoundError
        Nothing at ``path``.
    RecordingError
        Unknown format, option or option value, or a file that cannot be loaded (the message
        names it).

    Examples
    --------
    >>> sd = load_recording("data/culture_a.nwb")                       # doctest: +SKIP
    >>> sd = load_recording("sorting/kilosort4", include=["good", "mua"])  # doctest: +SKIP
    >>> sd = load_recording("results/workspace.h5::culture_a/spikes")    # doctest: +SKIP
    """
    fmt = resolve_format(path, format)
    check_options(path, fmt, options)
    return _loader(fmt)(path, **options)


def resolve_format(path: PathLike, format: str | None = None) -> str:
    """The format ``path`` is read as: ``format`` (an alias resolved), else inferred.

    Raises
    ------
    FileNotFoundError
        ``format`` is None and nothing is at ``path``.
    RecordingError
        An unknown format name or suffix (the message lists the valid formats).
    """
    return infer_format(path) if format is None else _checked_format(path, format)


def check_options(path: PathLike, fmt: str, options: Mapping[str, Any]) -> None:
    """Check loader ``options`` for format ``fmt`` (one of :data:`FORMATS`) without reading.

    Raises
    ------
    RecordingError
        Naming ``path``: an option the format does not take (the valid ones are listed), or
        a value the option cannot take.

    Examples
    --------
    >>> check_options("sorting/ks4", "phy", {"include": ["good", "mua"]})
    >>> check_options("culture.nwb", "nwb", {"include": "all"})
    Traceback (most recent call last):
    ...
    spikelab.errors.RecordingError: culture.nwb: format 'nwb' takes no option ['include']; ...
    """
    accepted = FORMAT_OPTIONS[fmt]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise recording_error(path, f"format {fmt!r} takes no option {unknown}; valid options: "
                                    f"{sorted(accepted) or 'none'}")
    for name, value in options.items():
        accepted[name](value, path)


def _checked_format(path: PathLike, format: str) -> str:
    fmt = _ALIASES.get(str(format).lower(), str(format).lower())
    if fmt not in _LOADERS:
        raise recording_error(path, f"unknown recording format {format!r}; valid formats: "
                                    f"{_format_list()}")
    return fmt


def _format_list() -> str:
    return ", ".join(f"{fmt!r}" for fmt in _LOADERS) + " (inferred from '.nwb', a Phy folder, " \
        f"'.npz', '{ITEM_ADDRESS_FORM}')"
