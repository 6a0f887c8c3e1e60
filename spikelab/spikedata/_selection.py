"""Turning user-given unit, slice and sample selections into checked index lists.

One set of rules for every data class, those of spikelab 0.1.2:

- units (``subset``): integer indices in ``[0, N)``, de-duplicated, sorted ascending unless
  ``preserve_order=True`` (then first occurrences in the order given); or, with ``by=``,
  every unit whose neuron attribute ``by`` equals one of the values, in unit order;
- slices (``subslice``): integer indices, negative ones counted from the end, kept in the
  order given with duplicates dropped; a boolean mask of length S is accepted too;
- samples (``subtime_by_index``): a Python-style half-open ``[start, end)`` with negative
  indices counted from the end, which must hold at least one sample.

Fractional or non-numeric indices raise :class:`~spikelab.errors.AnalysisTypeError` (a
``TypeError``); out-of-range ones :class:`~spikelab.errors.AnalysisError` (a ``ValueError``;
for units :class:`~spikelab.errors.UnitIndexError`, also an ``IndexError``).

Constructors reading unit indices from data (``SpikeData.from_idces_times``) use
:func:`whole_number_indices` instead: loaders often hand over float arrays, so ``2.0`` is
unit 2 there, while ``2.5`` still raises.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ..errors import AnalysisError, AnalysisTypeError, UnitIndexError

__all__ = ["as_index", "unit_indices", "slice_indices", "index_range", "whole_number_indices"]


def as_index(value: Any, what: str) -> int:
    """``value`` as a Python int; bools, floats (even ``1.0``) and strings raise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise AnalysisTypeError(
            f"{what} must be an integer, got {value!r} ({type(value).__name__})"
        )
    return int(value)


def _as_list(values: Any) -> list[Any]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        return [values]
    return list(np.asarray(values).tolist()) if isinstance(values, np.ndarray) else list(values)


def unit_indices(
    units: Any,
    n_units: int,
    *,
    by: str | None = None,
    attributes: Sequence[dict] | None = None,
    preserve_order: bool = False,
) -> list[int]:
    """Indices of the units selected by ``units`` (see the module docstring).

    Raises
    ------
    AnalysisTypeError
        A non-integer index.
    UnitIndexError
        An index outside ``[0, n_units)`` (an AnalysisError and an IndexError).
    AnalysisError
        ``by`` without neuron attributes, or naming an attribute no unit has (the message
        lists those they have).
    """
    wanted = _as_list(units)
    if by is not None:
        return _units_by_attribute(wanted, by, attributes, preserve_order)
    idx: list[int] = []
    seen: set[int] = set()
    for value in wanted:
        i = as_index(value, "unit index")
        if not 0 <= i < n_units:
            raise UnitIndexError(
                f"unit index {i} out of range for {n_units} units (valid: 0..{n_units - 1})"
            )
        if i not in seen:
            seen.add(i)
            idx.append(i)
    return idx if preserve_order else sorted(idx)


def _units_by_attribute(
    wanted: list[Any], by: str, attributes: Sequence[dict] | None, preserve_order: bool
) -> list[int]:
    if attributes is None:
        raise AnalysisError(f"cannot select units by {by!r}: there are no neuron_attributes")
    if attributes and not any(by in a for a in attributes):
        keys = sorted({k for a in attributes for k in a})
        raise AnalysisError(f"no unit has the neuron attribute {by!r}; attributes present: {keys}")
    if preserve_order:
        warnings.warn("preserve_order has no effect with by=: units come back in unit order",
                      UserWarning, stacklevel=3)
    return [i for i, a in enumerate(attributes) if by in a and any(_same(a[by], w) for w in wanted)]


def _same(value: Any, wanted: Any) -> bool:
    result = value == wanted
    return bool(result) if np.ndim(result) == 0 else False


def slice_indices(slices: Any, n_slices: int) -> list[int]:
    """Indices of the slices selected by ``slices``: caller order, duplicates dropped.

    A boolean array-like of length ``n_slices`` is a mask. Raises AnalysisError for an
    out-of-range index or an empty selection (a stack needs at least one slice).
    """
    wanted = _as_list(slices)
    if wanted and all(isinstance(v, (bool, np.bool_)) for v in wanted):
        if len(wanted) != n_slices:
            raise AnalysisError(
                f"boolean slice mask has {len(wanted)} entries for {n_slices} slices"
            )
        wanted = [i for i, keep in enumerate(wanted) if keep]
    idx: list[int] = []
    for value in wanted:
        i = as_index(value, "slice index")
        if not -n_slices <= i < n_slices:
            raise AnalysisError(f"slice index {i} out of range for {n_slices} slices")
        i %= n_slices
        if i not in idx:
            idx.append(i)
    if not idx:
        raise AnalysisError("no slice selected: a stack needs at least one slice")
    return idx


def index_range(start_idx: Any, end_idx: Any, n: int, what: str = "samples") -> tuple[int, int]:
    """``[start, end)`` sample indices from possibly negative ones; must select >= 1 of ``n``."""
    start, end = as_index(start_idx, "start_idx"), as_index(end_idx, "end_idx")
    lo = start + n if start < 0 else start
    hi = end + n if end < 0 else end
    if not 0 <= lo < n:
        raise AnalysisError(f"start_idx {start} out of range for {n} {what}")
    if not lo < hi <= n:
        raise AnalysisError(f"end_idx {end} invalid for start_idx {start} and {n} {what}: "
                            "the range must hold at least one sample")
    return lo, hi


def whole_number_indices(values: Any) -> np.ndarray:
    """``values`` as an int64 array, raising unless every entry is a whole number.

    Floats equal to integers are accepted (data arrays are often float); fractional values,
    NaN, booleans (a mask read as indices 1 and 0 picks the wrong units) and strings raise
    :class:`~spikelab.errors.AnalysisTypeError`.
    """
    arr = np.asarray(values)
    if arr.dtype == bool or arr.dtype.kind in "USO" and arr.size:
        raise AnalysisTypeError(f"unit indices must be whole numbers, got {arr.dtype} values")
    if arr.size == 0 or arr.dtype.kind in "iu":
        return arr.astype(np.int64)
    floats = arr.astype(np.float64)
    whole = np.isfinite(floats) & (floats == np.round(floats))
    if not whole.all():
        raise AnalysisTypeError(
            f"unit indices must be whole numbers, got {floats[~whole].ravel()[0]}"
        )
    return floats.astype(np.int64)
