"""Reading items out of an open workspace file, with errors that name the file and item."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import h5py

from ..errors import CorruptWorkspaceError, SpikelabError, UnknownItemTypeError
from .h5file import read_root
from .sidecar import order_hint, sidecar_path

__all__ = ["decoding", "item_names", "ordered_names", "ordered_items"]


@contextlib.contextmanager
def decoding(path: str, namespace: str, key: str) -> Iterator[None]:
    """Turn failures while reading item ``(namespace, key)`` of ``path`` into clear errors.

    An unknown ``__type__`` stays :class:`UnknownItemTypeError`; anything else that breaks
    decoding (missing dataset or attribute, damaged data) becomes
    :class:`CorruptWorkspaceError`. Both name the file and the item.
    """
    where = f"{path}: item ({namespace!r}, {key!r})"
    try:
        yield
    except UnknownItemTypeError as exc:
        raise UnknownItemTypeError(f"{where}: {exc}") from exc
    except SpikelabError:
        raise
    except (KeyError, ValueError, TypeError, IndexError, AttributeError, OSError,
            RuntimeError) as exc:
        raise CorruptWorkspaceError(
            f"{where} cannot be read ({type(exc).__name__}: {exc}); the file is damaged or "
            "was written by an incompatible tool"
        ) from exc


def item_names(f: h5py.File, path: str | None = None) -> list[tuple[str, str]]:
    """(namespace, key) of every item in HDF5 order, from link names (items not opened).

    Root names starting with ``__`` are reserved (skipped, as 0.1.2 does).
    """
    path = path or f.filename
    names = []
    try:
        for ns in f:
            if ns.startswith("__"):
                continue
            group = f[ns]
            if not isinstance(group, h5py.Group):
                raise CorruptWorkspaceError(f"{path}: namespace {ns!r} is a dataset, not a group")
            names.extend((ns, key) for key in group)
    except (KeyError, OSError, RuntimeError) as exc:
        raise CorruptWorkspaceError(f"{path}: the item index cannot be read ({exc})") from exc
    return names


def ordered_names(f: h5py.File, path: str) -> list[tuple[str, str]]:
    """Item names in insertion order.

    Our files keep creation order in HDF5. 0.1.2 files list groups by name, so their
    order comes from their sidecar when that lists exactly the same items.
    """
    names = item_names(f, path)
    if read_root(f).format_version > 0:
        return names
    present: dict[str, list[str]] = {}
    for ns, key in names:
        present.setdefault(ns, []).append(key)
    return [(ns, key) for ns, keys in order_hint(sidecar_path(path), present).items()
            for key in keys]


def ordered_items(f: h5py.File, path: str) -> Iterator[tuple[str, str, h5py.Group]]:
    """``(namespace, key, group)`` in insertion order."""
    for ns, key in ordered_names(f, path):
        group = f[ns][key]
        if not isinstance(group, h5py.Group):
            raise CorruptWorkspaceError(f"{path}: item ({ns!r}, {key!r}) is not a group")
        yield ns, key, group
