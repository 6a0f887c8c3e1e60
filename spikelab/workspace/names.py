"""Validation of workspace names: namespaces, keys and the keys of stored dicts.

Names become HDF5 link names, so they must be non-empty text that HDF5 stores verbatim: no
``/`` (a path separator), not ``.``/``..`` (the group itself / its parent), no NUL and valid
UTF-8. Namespaces starting with ``__`` are reserved for file-level metadata (0.1.2 skips such
groups on load, so an item stored there would silently vanish).
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidNameError

__all__ = ["check_text", "check_name", "check_namespace", "check_key", "describe_path",
           "comparison_namespace"]


def check_text(text: str, where: str) -> None:
    """Reject strings HDF5 cannot store verbatim (embedded NUL, lone surrogates)."""
    if "\x00" in text:
        raise InvalidNameError(f"{where}: text contains a NUL character, which HDF5 cannot store")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidNameError(f"{where}: text is not valid UTF-8 ({exc.reason})") from None


def check_name(name: Any, what: str, where: str = "") -> str:
    """Return ``name`` if it is a valid link name, else raise :class:`InvalidNameError`.

    Parameters
    ----------
    name : object
        Candidate namespace, key or dict key.
    what : str
        What the name is (``"namespace"``, ``"key"``, ``"dict key"``), for the message.
    where : str
        Location of the name, e.g. ``"('D0', 'params')"``, for the message.
    """
    at = f" at {where}" if where else ""
    if not isinstance(name, str):
        raise InvalidNameError(f"{what}{at} must be a str, got {type(name).__name__} {name!r}")
    if not name:
        raise InvalidNameError(f"{what}{at} must be a non-empty string")
    if "/" in name:
        raise InvalidNameError(f"{what} {name!r}{at} contains '/', which HDF5 treats as a path")
    if name in (".", ".."):
        raise InvalidNameError(f"{what} {name!r}{at} is reserved ('.' and '..' are not allowed)")
    check_text(name, f"{what} {name!r}{at}")
    return name


def check_namespace(namespace: Any) -> str:
    """Validate a namespace: a valid name that does not start with ``__``."""
    check_name(namespace, "namespace")
    if namespace.startswith("__"):
        raise InvalidNameError(
            f"namespace {namespace!r} starts with '__', which is reserved for workspace metadata"
        )
    return namespace


def check_key(namespace: str, key: Any) -> str:
    """Validate a key of ``namespace``."""
    return check_name(key, "key", f"namespace {namespace!r}")


def describe_path(namespace: str, key: str, *inner: Any) -> str:
    """``('ns', 'key')['a'][0]``: where a value sits inside a stored item, for messages."""
    return f"({namespace!r}, {key!r})" + "".join(f"[{p!r}]" for p in inner)


def comparison_namespace(*namespaces: str) -> str:
    """``C_<ns1>_<ns2>...``: the conventional namespace of a comparison of recordings.

    The convention of spikelab 0.1.2's ``AnalysisWorkspace.comparison_namespace``; the
    workflow stores per-pair results of ``scope: all`` analyses there.

    Examples
    --------
    >>> comparison_namespace("D0", "D3")
    'C_D0_D3'
    """
    return "C_" + "_".join(namespaces)
