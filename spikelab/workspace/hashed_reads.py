"""Reading a big dataset and hashing its values at the same time.

Checking a dataset against its checksum (:mod:`.checksums`) costs a hash of every byte
read: XXH3 runs at about 17 GB/s here, reading from the page cache at about 4.5 GB/s, so
hashing after reading made a 1 GB load a quarter slower than without the check. XXH3 releases
the GIL while it hashes, so here a second thread hashes each slab as soon as it is read,
while this thread reads the next one: the hash costs little more than the last slab's.

Only datasets of plain numbers (no strings, compounds or enums) of at least
:data:`MIN_BYTES` are read this way; they give exactly the bytes ``ds[...]`` gives, in
the same order, so the streamed hash equals the one-shot hash of the whole array.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import h5py
import numpy as np
import xxhash
from h5py import h5s

__all__ = ["MIN_BYTES", "SLAB_BYTES", "overlappable", "rows_per_slab", "row_ranges",
           "read_hashing", "hash_reading"]

#: Datasets smaller than this are read, then hashed: a thread is not worth it.
MIN_BYTES = 16 * 2**20
#: Bytes read per slab: small enough that the hash of the last one is short, large enough
#: that the per-read cost of HDF5 (tens of microseconds) stays negligible (8 MiB was the
#: fastest of 2 to 16 MiB here).
SLAB_BYTES = 8 * 2**20


def overlappable(ds: h5py.Dataset) -> bool:
    """Whether ``ds`` is read by :func:`read_hashing` / :func:`hash_reading`."""
    dtype = ds.dtype
    return (dtype.names is None and dtype.kind in "biufc" and dtype.metadata is None
            and ds.ndim >= 1 and math.prod(ds.shape) * dtype.itemsize >= MIN_BYTES)


def rows_per_slab(ds: h5py.Dataset, slab_bytes: int | None = None) -> int:
    """Rows (along the first axis) of ``ds`` in a slab of ``slab_bytes`` (default
    :data:`SLAB_BYTES`); at least one."""
    row_bytes = max(1, math.prod(ds.shape[1:]) * ds.dtype.itemsize)
    return max(1, (SLAB_BYTES if slab_bytes is None else slab_bytes) // row_bytes)


def row_ranges(ds: h5py.Dataset, slab_bytes: int | None = None) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of each slab of ``ds`` along its first axis, in order."""
    step = rows_per_slab(ds, slab_bytes)
    for start in range(0, ds.shape[0], step):
        yield start, min(start + step, ds.shape[0])


def _read_rows(ds: h5py.Dataset, file_space: h5s.SpaceID, start: int, stop: int,
               dest: np.ndarray) -> None:
    """Read rows ``start:stop`` of ``ds`` into the C-contiguous array ``dest`` (their shape).

    HDF5's low-level read with a memory space the size of ``dest``: reading into a slice
    of a larger array through ``read_direct`` made HDF5 take a slower path (15 % more).
    """
    file_space.select_hyperslab((start,) + (0,) * (ds.ndim - 1),
                                (stop - start,) + tuple(ds.shape[1:]))
    ds.id.read(h5s.create_simple(dest.shape), file_space, dest)


def _as_bytes(arr: np.ndarray) -> np.ndarray:
    return arr.reshape(-1).view(np.uint8)


def read_hashing(ds: h5py.Dataset) -> tuple[np.ndarray, int]:
    """``(ds[...], XXH3-64 of its bytes)``, the hash computed while the data is read.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "a.h5")
    >>> values = np.arange(3 * 2**21, dtype=np.float64)        # 48 MiB
    >>> with h5py.File(path, "w") as f:
    ...     _ = f.create_dataset("a", data=values)
    >>> with h5py.File(path, "r") as f:
    ...     data, digest = read_hashing(f["a"])
    >>> bool(np.array_equal(data, values)), digest == xxhash.xxh3_64_intdigest(values)
    (True, True)
    """
    out = np.empty(ds.shape, ds.dtype)
    file_space = ds.id.get_space()
    h = xxhash.xxh3_64()
    with ThreadPoolExecutor(1) as hasher:  # one worker: slabs are hashed in order
        for start, stop in row_ranges(ds):
            rows = out[start:stop]
            _read_rows(ds, file_space, start, stop, rows)
            hasher.submit(h.update, _as_bytes(rows))
    return out, h.intdigest()


def hash_reading(ds: h5py.Dataset) -> int:
    """XXH3-64 of the values of ``ds``, read slab by slab into two alternating buffers
    (memory: two slabs, whatever the dataset's size)."""
    rows = min(rows_per_slab(ds), ds.shape[0])
    buffers = [np.empty((rows, *ds.shape[1:]), ds.dtype) for _ in range(2)]
    hashing: list[Future | None] = [None, None]
    h = xxhash.xxh3_64()
    file_space = ds.id.get_space()
    with ThreadPoolExecutor(1) as hasher:
        for i, (start, stop) in enumerate(row_ranges(ds)):
            previous = hashing[i % 2]
            if previous is not None:
                previous.result()  # the buffer's previous slab is hashed: it can be reused
            rows = buffers[i % 2][:stop - start]
            _read_rows(ds, file_space, start, stop, rows)
            hashing[i % 2] = hasher.submit(h.update, _as_bytes(rows))
    return h.intdigest()
