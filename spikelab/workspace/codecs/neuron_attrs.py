"""``neuron_attributes/``: one per-unit dict per unit, stored column-wise as 0.1.2 does.

0.1.2 layout (one dataset per attribute name, length N): numbers as float64 with NaN for
"missing" and ``__scalar_kind__`` (``int``/``bool``); text as variable-length strings with
"" for "missing"; arrays stacked to ``(N, ...)`` with ``__missing_unit_indices__``.

That loses: None versus absent, NaN and "" values, ints beyond 2**53, mixed kinds, numpy
scalar types, lists/tuples (back as arrays), all-NaN arrays, ``[]`` versus None. So, per
attribute name whose values 0.1.2 would not give back exactly, we also store the exact
per-unit values under ``__spikelab__/neuron_attributes`` (a dict ``{name: {unit: value}}``
written with the generic value codec); the item attribute ``__neuron_attributes_len__``
says "a list of this many dicts was stored" and ``__key_order__`` keeps the name order.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import h5py
import numpy as np

from ...ondisk import (KEY_ORDER_ATTR, MISSING_UNITS_ATTR, NEURON_ATTRIBUTES_LEN_ATTR,
                       SCALAR_KIND_ATTR, UNIT_KEY_ORDER_ATTR)
from ..attrmemo import get_attr, has_attr
from ..names import check_name
from . import values
from .common import (child_group, extras_group, get_extras, read_array, read_str_attr,
                     read_strings, write_array, write_strings)

__all__ = ["encode_neuron_attributes", "decode_neuron_attributes", "check_neuron_attributes"]

GROUP = "neuron_attributes"
_ABSENT = object()
_NUMBER = (bool, int, float, np.bool_, np.integer, np.floating)
_ARRAY = (np.ndarray, list, tuple)


def check_neuron_attributes(attrs: Sequence[dict] | None, where: str) -> None:
    """Attribute names must be valid link names and values storable values."""
    for unit, unit_attrs in enumerate(attrs or ()):
        for name, value in unit_attrs.items():
            check_name(name, "neuron attribute name", f"{where} unit {unit}")
            values.check_value(value, f"{where}.neuron_attributes[{unit}][{name!r}]")


def _names_in_order(attrs: Sequence[dict]) -> list[str]:
    return list(dict.fromkeys(name for unit_attrs in attrs for name in unit_attrs))


# --------------------------------------------------------------------- exactness
def _array_exact(column: list) -> bool:
    if any(type(v) is not np.ndarray for v in column):
        return False
    first = column[0]
    if first.ndim == 0 or first.dtype.kind not in "biufc":
        return False
    if any(v.dtype != first.dtype or v.shape != first.shape for v in column):
        return False
    # 0.1.2 drops a unit whose float array is all NaN (its old "missing" marker)
    return first.dtype.kind not in "fc" or not any(np.all(np.isnan(v)) for v in column)


def _scalar_exact(column: list) -> bool:
    kind = type(column[0])
    if any(type(v) is not kind for v in column):
        return False
    if kind is int:
        return all(abs(v) <= 2**53 for v in column)  # float64 holds these exactly
    if kind is float:
        return not any(math.isnan(v) for v in column)
    if kind is str:
        return all(column)  # "" is 0.1.2's "missing"
    return kind is bool


def _exact_in_reference(column: list) -> bool:
    """Would 0.1.2's layout give back exactly these per-unit values?"""
    if any(v is _ABSENT or v is None for v in column):
        return False
    return _array_exact(column) if type(column[0]) is np.ndarray else _scalar_exact(column)


# --------------------------------------------------------------------- 0.1.2 layout
def _write_arrays(na: h5py.Group, name: str, column: list) -> None:
    present = [np.asarray(v) for v in column if v is not _ABSENT and v is not None]
    sample = present[0]
    if sample.dtype.kind not in "biufc" or any(p.shape != sample.shape for p in present):
        return  # 0.1.2 cannot hold it; only the exact copy has it
    fill = np.nan if sample.dtype.kind in "fc" else 0
    stacked = np.full((len(column), *sample.shape), fill, dtype=sample.dtype)
    missing = []
    for unit, v in enumerate(column):
        if v is _ABSENT or v is None:
            missing.append(unit)
        else:
            stacked[unit] = np.asarray(v, dtype=sample.dtype)
    ds = write_array(na, name, stacked)
    if missing:
        ds.attrs[MISSING_UNITS_ATTR] = np.asarray(missing, dtype=np.int64)


def _write_scalars(na: h5py.Group, name: str, column: list) -> None:
    present = [v for v in column if v is not _ABSENT and v is not None]
    if any(isinstance(v, str) for v in present):
        write_strings(na, name, ["" if v is _ABSENT or v is None else str(v) for v in column])
        return
    # a kind only when every value has it: 0.1.2 casts every number of the column to it
    if all(isinstance(v, (bool, np.bool_)) for v in present):
        kind = "bool"
    elif all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
             for v in present):
        kind = "int"
    else:
        kind = "float"
    numbers = [np.nan if v is _ABSENT or v is None else float(v) for v in column]
    ds = write_array(na, name, np.array(numbers, dtype=np.float64))
    if kind != "float":
        ds.attrs[SCALAR_KIND_ATTR] = kind


def _write_reference_column(na: h5py.Group, name: str, column: list) -> None:
    """Write what 0.1.2 would write for this attribute, when it can write it at all."""
    present = [v for v in column if v is not _ABSENT and v is not None]
    if not present:
        write_array(na, name, np.full(len(column), np.nan))
    elif all(isinstance(v, _ARRAY) for v in present):
        try:
            _write_arrays(na, name, column)
        except (ValueError, OverflowError):  # ragged, or values the first unit's dtype
            pass                               # cannot hold: only the exact copy has them
    elif all(isinstance(v, (*_NUMBER, str)) for v in present):
        _write_scalars(na, name, column)


def encode_neuron_attributes(group: h5py.Group, attrs: Sequence[dict] | None) -> None:
    """Write ``attrs`` (one dict per unit, or None) under ``group``."""
    if attrs is None:
        return
    group.attrs[NEURON_ATTRIBUTES_LEN_ATTR] = len(attrs)
    names = _names_in_order(attrs)
    if not names:
        return
    na = child_group(group, GROUP)
    na.attrs[KEY_ORDER_ATTR] = json.dumps(names)
    odd = {str(u): list(d) for u, d in enumerate(attrs) if list(d) != [n for n in names if n in d]}
    if odd:
        na.attrs[UNIT_KEY_ORDER_ATTR] = json.dumps(odd)
    exact: dict[str, dict[str, Any]] = {}
    for name in names:
        column = [unit_attrs.get(name, _ABSENT) for unit_attrs in attrs]
        _write_reference_column(na, name, column)
        if not _exact_in_reference(column):
            exact[name] = {str(u): v for u, v in enumerate(column) if v is not _ABSENT}
    if exact:
        values.encode_value(extras_group(group), GROUP, exact)


# --------------------------------------------------------------------- reading
def _read_column(ds: h5py.Dataset, out: list[dict], name: str) -> None:
    """0.1.2's reading of one attribute dataset into the per-unit dicts."""
    if ds.dtype.kind in "SO":
        for unit, text in enumerate(read_strings(ds)):
            if text:
                out[unit][name] = text
        return
    raw = read_array(ds)
    if raw.ndim > 1:
        missing = get_attr(ds.attrs, MISSING_UNITS_ATTR, None)
        skip = set(np.asarray(missing).ravel().tolist()) if missing is not None else None
        for unit, row in enumerate(raw):
            legacy_missing = skip is None and row.dtype.kind == "f" and np.all(np.isnan(row))
            if not (unit in (skip or ()) or legacy_missing):
                out[unit][name] = row.copy()
        return
    kind = read_str_attr(ds.attrs, SCALAR_KIND_ATTR)
    cast = {"int": int, "bool": bool}.get(kind, lambda v: v)
    for unit, v in enumerate(raw.tolist()):
        if isinstance(v, float) and math.isnan(v):
            continue
        # a value the kind cannot hold (inf in an "int" column, written by an older
        # spikelab for a mixed column) stays a number instead of failing the whole item
        out[unit][name] = cast(v) if not isinstance(v, float) or math.isfinite(v) else v


def _reference_read(group: h5py.Group, n_units: int) -> list[dict]:
    out: list[dict] = [{} for _ in range(n_units)]
    na = group.get(GROUP)
    for name in na if na is not None else ():
        _read_column(na[name], out, name)
    return out


def decode_neuron_attributes(group: h5py.Group) -> list[dict] | None:
    """The per-unit dicts written by :func:`encode_neuron_attributes` or by 0.1.2."""
    stored_len = get_attr(group.attrs, NEURON_ATTRIBUTES_LEN_ATTR, None)
    na = group.get(GROUP)
    if stored_len is None:  # 0.1.2 file: read it as 0.1.2 does
        if na is None or len(na) == 0:
            return None
        out = _reference_read(group, len(na[next(iter(na))]))
        return out if any(out) else None
    out = _reference_read(group, int(stored_len))
    exact = get_extras(group, GROUP)
    if exact is not None:
        for name, per_unit in values.decode_value(exact).items():
            for unit_attrs in out:
                unit_attrs.pop(name, None)
            for unit, value in per_unit.items():
                out[int(unit)][name] = value
    if na is not None and has_attr(na.attrs, KEY_ORDER_ATTR):
        order = json.loads(read_str_attr(na.attrs, KEY_ORDER_ATTR))
        odd = json.loads(read_str_attr(na.attrs, UNIT_KEY_ORDER_ATTR, "{}"))
        out = [{k: d[k] for k in odd.get(str(u), order) if k in d} for u, d in enumerate(out)]
    return out
