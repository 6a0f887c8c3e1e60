"""``ndarray``: any non-object numpy array as the dataset ``data``, dtype and shape exact.

Native dtypes are written as they are (0-d included). Text arrays (``U``) are stored as
variable-length UTF-8 with the dataset attribute ``__string_array__ = True`` as in 0.1.2;
we add ``__dtype__`` (e.g. ``<U10``) so the width comes back exactly (0.1.2 narrows it to
the longest string). ``datetime64``/``timedelta64`` arrays, which HDF5 has no type for, are
stored as their int64 counts with ``__dtype__`` naming the unit (0.1.2 reads the counts).
"""

from __future__ import annotations

import h5py
import numpy as np
from h5py import h5t

from ...ondisk import DTYPE_ATTR, STRING_ARRAY_ATTR
from ...errors import UnsupportedTypeError
from ..attrmemo import get_attr, has_attr
from .common import read_array, read_str_attr, read_strings, write_array, write_strings
from .registry import Codec, register

__all__ = ["encode", "decode", "check_dtype", "CODEC"]



def check_dtype(dtype: np.dtype, where: str) -> None:
    """Raise :class:`UnsupportedTypeError` if arrays of ``dtype`` cannot be written."""
    if dtype.hasobject:
        raise UnsupportedTypeError(
            f"cannot store an object array (dtype {dtype}) at {where}; convert it to a numeric "
            "or string dtype, or store its elements in a dict"
        )
    if dtype.kind in "UMm" and dtype.itemsize > 0:
        return
    try:
        h5t.py_create(dtype, logical=True)
    except (TypeError, ValueError):
        raise UnsupportedTypeError(
            f"HDF5 cannot store arrays of dtype {dtype} (at {where})") from None


def _check(arr: np.ndarray, where: str) -> None:
    check_dtype(arr.dtype, where)


def encode(group: h5py.Group, arr: np.ndarray) -> None:
    """Write ``arr`` as ``group["data"]``."""
    arr = np.asarray(arr)
    kind = arr.dtype.kind
    if kind == "U":
        ds = write_strings(group, "data", arr)
        ds.attrs[STRING_ARRAY_ATTR] = True
        ds.attrs[DTYPE_ATTR] = arr.dtype.str
    elif kind in "Mm":
        counts = arr.astype(arr.dtype.newbyteorder("=")).view(np.int64)
        write_array(group, "data", counts).attrs[DTYPE_ATTR] = arr.dtype.str
    else:
        write_array(group, "data", arr)


def decode(group: h5py.Group) -> np.ndarray:
    """Read ``group["data"]`` back with its dtype and shape."""
    ds = group["data"]
    stored = ds.dtype  # h5py rebuilds it on every access
    if stored.kind == "O" and get_attr(ds.attrs, STRING_ARRAY_ATTR, False):
        text = read_strings(ds)
        dtype = read_str_attr(ds.attrs, DTYPE_ATTR)
        if dtype is None:  # 0.1.2 file: as 0.1.2 reads it, narrowest width
            return np.array(text.tolist(), dtype=str).reshape(text.shape)
        return text.astype(dtype)
    data = read_array(ds)  # a 0-d dataset stays a 0-d array
    # datetimes are stored as int64 counts
    if stored == np.int64 and has_attr(ds.attrs, DTYPE_ATTR):
        dtype = np.dtype(read_str_attr(ds.attrs, DTYPE_ATTR))
        return data.view(dtype.newbyteorder("=")).astype(dtype)
    return data


def summary(arr: np.ndarray) -> dict:
    return {"type": "ndarray", "shape": tuple(arr.shape), "dtype": str(arr.dtype)}


def peek(group: h5py.Group) -> dict:
    ds = group["data"]
    dtype = read_str_attr(ds.attrs, DTYPE_ATTR)
    if dtype is None and get_attr(ds.attrs, STRING_ARRAY_ATTR, False):
        dtype = str(decode(group).dtype)  # 0.1.2 string array: width known only from data
    return {"type": "ndarray", "shape": tuple(ds.shape), "dtype": str(np.dtype(dtype or ds.dtype))}


CODEC = register(Codec("ndarray", np.ndarray, encode, decode, summary, peek, _check))
