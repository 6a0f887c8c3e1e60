"""Names of the STTC results: one key per configured window (read at parse time: no numpy)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["delts", "sttc_key", "sttc_keys", "is_sttc_key"]

_PREFIX = "sttc_matrix"


def delts(params: Mapping[str, Any]) -> list[float]:
    """The configured coincidence windows (ms): ``delt`` as a list."""
    delt = params["delt"]
    return [float(d) for d in delt] if isinstance(delt, (list, tuple)) else [float(delt)]


def sttc_key(delt: float, several: bool) -> str:
    """``sttc_matrix`` for a single configured window, ``sttc_matrix_delt20`` for each of several.

    Examples
    --------
    >>> sttc_key(20.0, several=False), sttc_key(12.5, several=True)
    ('sttc_matrix', 'sttc_matrix_delt12.5')
    """
    return f"{_PREFIX}_delt{delt:g}" if several else _PREFIX


def sttc_keys(params: Mapping[str, Any]) -> list[str]:
    """The keys the sttc analysis writes for ``params``, in the order of ``delt``."""
    windows = delts(params)
    return [sttc_key(d, len(windows) > 1) for d in windows]


def is_sttc_key(key: str) -> bool:
    """Whether ``key`` names an STTC matrix written by the sttc analysis."""
    return key == _PREFIX or key.startswith(f"{_PREFIX}_delt")
