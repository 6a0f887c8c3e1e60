"""Reading items out of an open workspace file, with errors that name the file and item."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import h5py

from ..errors import CorruptWorkspaceError, SpikelabError, UnknownItemTypeError
from .h5file import iter_item_groups, read_root
from .sidecar import order_hint, sidecar_path

__all__ = ["decoding", "ordered_items"]


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


def ordered_items(f: h5py.File, path: str) -> Iterator[tuple[str, str, h5py.Group]]:
    """``(namespace, key, group)`` in insertion order.

    Our files keep creation order in HDF5. 0.1.2 files list groups by name, so their
    order comes from their sidecar when that lists exactly the same items.
    """
    try:
        found = list(iter_item_groups(f, path))
    except (KeyError, OSError, RuntimeError) as exc:
        raise CorruptWorkspaceError(f"{path}: the item index cannot be read ({exc})") from exc
    if read_root(f).format_version > 0:
        yield from found
        return
    present: dict[str, list[str]] = {}
    for ns, key, _ in found:
        present.setdefault(ns, []).append(key)
    groups = {(ns, key): group for ns, key, group in found}
    for ns, keys in order_hint(sidecar_path(path), present).items():
        for key in keys:
            yield ns, key, groups[(ns, key)]
