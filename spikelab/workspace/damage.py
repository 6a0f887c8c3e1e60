"""Damaged files give one clear error: :class:`CorruptWorkspaceError` naming file and item.

Whatever goes wrong while reading a damaged or hostile file (h5py's ``OSError``,
``KeyError`` or ``RuntimeError`` from a failed HDF5 checksum, a failed data checksum, an
absurd declared size, undecodable text, ``MemoryError``...) reaches the caller as one
:class:`CorruptWorkspaceError` that names the file and, when known, the item:
:func:`decoding` around the reading of one item, :func:`reading_file` around reads that
belong to no single item (root attributes, names, the index). Errors raised on purpose by
spikelab pass through unchanged. Reads only: an error while *writing* (a full disk) must
not be reported as a damaged input; :func:`writing_file` reports it as
:class:`WorkspaceFileError` naming the file being written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ..errors import (CorruptWorkspaceError, SpikelabError, UnknownItemTypeError,
                      WorkspaceFileError)
from .checksums import DataDamage

__all__ = ["RAW_ERRORS", "decoding", "reading_file", "writing_file"]

# what h5py, numpy, json and the decoders raise on damaged input
RAW_ERRORS = (LookupError, ValueError, TypeError, AttributeError, OSError, RuntimeError,
              MemoryError, ArithmeticError)


@contextlib.contextmanager
def _clear_errors(place: str, part: str) -> Iterator[None]:
    """Failures while reading ``part`` (of ``place``) as :class:`CorruptWorkspaceError`."""
    try:
        yield
    except SpikelabError:
        raise
    except DataDamage as exc:
        raise CorruptWorkspaceError(f"{place} is damaged: {exc}") from exc
    except RAW_ERRORS as exc:
        raise CorruptWorkspaceError(
            f"{part} cannot be read ({type(exc).__name__}: {exc}); the file is damaged or "
            "was written by an incompatible tool") from exc


@contextlib.contextmanager
def decoding(path: str, namespace: str, key: str) -> Iterator[None]:
    """Turn failures while reading item ``(namespace, key)`` of ``path`` into clear errors.

    An unknown ``__type__`` stays :class:`UnknownItemTypeError`; anything else that breaks
    decoding (missing dataset or attribute, damaged data, a failed checksum) becomes
    :class:`CorruptWorkspaceError`. Both name the file and the item.
    """
    where = f"{path}: item ({namespace!r}, {key!r})"
    try:
        with _clear_errors(where, where):
            yield
    except UnknownItemTypeError as exc:
        if str(exc).startswith(where):  # raised again for an item known to be damaged
            raise
        raise UnknownItemTypeError(f"{where}: {exc}") from exc


@contextlib.contextmanager
def reading_file(path: str, what: str = "its structure") -> Iterator[None]:
    """As :func:`decoding`, for reads that belong to no single item (``what`` is read)."""
    with _clear_errors(path, f"{path}: {what}"):
        yield


@contextlib.contextmanager
def writing_file(path: str) -> Iterator[None]:
    """h5py's I/O errors while writing ``path`` (a full disk, a quota) become
    :class:`WorkspaceFileError` naming it; OS errors that name their file pass through."""
    try:
        yield
    except SpikelabError:
        raise
    except OSError as exc:
        if exc.errno is not None and exc.filename:
            raise
        raise WorkspaceFileError(f"{path} cannot be written: {exc}") from exc
    except RuntimeError as exc:
        raise WorkspaceFileError(f"{path} cannot be written: {exc}") from exc
