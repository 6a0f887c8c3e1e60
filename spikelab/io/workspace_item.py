"""A SpikeData stored in an analysis workspace, addressed as ``file.h5::namespace/key``."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ..errors import WorkspaceFileError
from ..spikedata import SpikeData
from ..workspace.workspace import AnalysisWorkspace, LazyAnalysisWorkspace
from ..ondisk import ITEM_ADDRESS_FORM, ITEM_SEPARATOR, SUFFIX
from ._common import PathLike, recording_error

__all__ = ["load_workspace_item", "split_item_path"]


def split_item_path(path: PathLike) -> tuple[Path, str, str]:
    """``"ws.h5::ns/key"`` -> ``(Path("ws.h5"), "ns", "key")``; RecordingError if malformed."""
    text = os.fspath(path)
    file, sep, item = text.partition(ITEM_SEPARATOR)
    namespace, slash, key = item.partition("/")
    if not sep or not file or not namespace or not slash or not key:
        raise recording_error(text, "a workspace recording must be written "
                                    f"'{ITEM_ADDRESS_FORM}'")
    return Path(file), namespace, key


def load_workspace_item(path: PathLike) -> SpikeData:
    """Load the SpikeData item ``namespace/key`` of a workspace file (only that item is read).

    Raises
    ------
    FileNotFoundError
        The workspace file does not exist (with or without its ``.h5`` suffix).
    RecordingError
        Malformed path, item not found, item of another type, or an unreadable workspace.
        A path without ``::namespace/key`` gets the list of its SpikeData items.
    """
    if ITEM_SEPARATOR not in os.fspath(path):
        file = Path(path)
        _check_exists(file)
        raise recording_error(file, "names a workspace, not one item: write "
                                    f"'{ITEM_ADDRESS_FORM}'; SpikeData items: "
                                    f"{_spikedata_items(file)}")
    file, namespace, key = split_item_path(path)
    _check_exists(file)
    try:
        obj = AnalysisWorkspace.load_item(file, namespace, key)
    except KeyError:
        obj = None
    except WorkspaceFileError as exc:
        raise recording_error(file, f"cannot read workspace item {namespace}/{key} ({exc})"
                              ) from None
    if obj is None:
        raise recording_error(file, f"workspace item {namespace}/{key} not found")
    if not isinstance(obj, SpikeData):
        raise recording_error(file, f"workspace item {namespace}/{key} is a "
                                    f"{type(obj).__name__}; a recording must be a SpikeData")
    return obj


def _check_exists(file: Path) -> None:
    if not file.exists() and not file.with_name(file.name + SUFFIX).exists():
        raise FileNotFoundError(errno.ENOENT, "workspace file not found", str(file))


def _spikedata_items(file: Path) -> list[str]:
    """``namespace/key`` of every SpikeData in the workspace (its index only is read)."""
    try:
        with LazyAnalysisWorkspace.load(file) as ws:
            index = ws.describe()
    except WorkspaceFileError:
        return []  # the load proper will report what is wrong with the file
    return [f"{ns}/{key}" for ns, keys in index.items() for key, info in keys.items()
            if info.get("type") == "SpikeData"]
