"""``labels`` of pairwise matrices: 0.1.2's dataset plus an exact copy when it is lossy.

0.1.2 writes text labels (any str among them) as strings of ``str(label)``, other labels
as ``np.array(labels)``, and nothing when every label is None; it reads them back with
``tolist()``. When that would not give back the stored list exactly (mixed kinds, None
among them, numpy scalars, tuples), the list is also stored under ``__spikelab__/labels``.
"""

from __future__ import annotations

from typing import Any

import h5py
import numpy as np

from . import values
from .common import (extras_group, get_extras, read_array, read_strings, strict_equal,
                     write_array, write_strings)

__all__ = ["encode_labels", "decode_labels", "check_labels"]


def check_labels(labels: list | None, where: str) -> None:
    if labels is not None:
        values.check_value(list(labels), f"{where}.labels")


def _reference_array(labels: list) -> np.ndarray | None:
    """The dataset 0.1.2 writes for ``labels`` (None when it writes nothing or cannot)."""
    present = [label for label in labels if label is not None]
    if not present:
        return None
    if any(isinstance(label, str) for label in present):
        return np.array([str(label) for label in labels], dtype=object)
    try:
        arr = np.array(labels)
    except ValueError:  # ragged
        return None
    return arr if arr.dtype.kind in "biuf" else None


def _reference_read(arr: np.ndarray | None) -> list | None:
    if arr is None:
        return None
    if arr.dtype.kind in "SO":
        return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in arr]
    return arr.tolist()


def encode_labels(group: h5py.Group, labels: list | None) -> None:
    if labels is None:
        return
    arr = _reference_array(labels)
    if arr is not None and arr.dtype.kind == "O":
        write_strings(group, "labels", arr)
    elif arr is not None:
        write_array(group, "labels", arr)
    if not strict_equal(_reference_read(arr), list(labels)):
        values.encode_value(extras_group(group), "labels", list(labels))


def decode_labels(group: h5py.Group) -> list[Any] | None:
    exact = get_extras(group, "labels")
    if exact is not None:
        return values.decode_value(exact)
    if "labels" not in group:
        return None
    ds = group["labels"]
    return _reference_read(read_strings(ds) if ds.dtype.kind in "SO" else read_array(ds))
