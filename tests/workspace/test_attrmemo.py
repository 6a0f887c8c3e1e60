"""attrmemo.all_attrs reads every attribute exactly as h5py's ``attrs[name]`` does."""

import h5py
import numpy as np
import pytest

from spikelab.workspace.attrmemo import all_attrs

ATTRIBUTES = {
    "text utf-8": "sha256:abc ünïcode",
    "text ascii vlen": np.array(b"plain", dtype=h5py.string_dtype("ascii")),
    "empty text": "",
    "fixed-length bytes": np.bytes_(b"fixed"),
    "float64": 1796195782.722293,
    "float32 big-endian": np.array(2.5, dtype=">f4"),
    "int64": np.int64(-7),
    "uint64 checksum": np.uint64(2**64 - 3),
    "int8": np.int8(3),
    "bool": True,
    "number array": np.arange(6, dtype="<i2").reshape(2, 3),
    "text array": np.array(["a", "bé"], dtype=h5py.string_dtype()),
    "empty": h5py.Empty("f8"),
    "compound": np.array((1, 2.0), dtype=[("a", "<i4"), ("b", "<f8")]),
}


def same(a, b) -> bool:
    if isinstance(a, h5py.Empty) or isinstance(b, h5py.Empty):
        return isinstance(a, h5py.Empty) and isinstance(b, h5py.Empty) and a.dtype == b.dtype
    if type(a) is not type(b):
        return False
    if isinstance(a, (np.ndarray, np.generic)):
        return a.dtype == b.dtype and np.shape(a) == np.shape(b) and np.array_equal(a, b)
    return a == b


@pytest.mark.parametrize("name", sorted(ATTRIBUTES))
def test_every_kind_of_attribute_reads_as_h5py_reads_it(tmp_path, name):
    path = tmp_path / "a.h5"
    with h5py.File(path, "w") as f:
        f.attrs[name] = ATTRIBUTES[name]
        f.create_group("g", track_order=True).attrs[name] = ATTRIBUTES[name]
    with h5py.File(path, "r") as f:
        for obj in (f, f["g"]):
            fast = all_attrs(obj.attrs)
            assert list(fast) == [name]
            assert same(fast[name], obj.attrs[name]), (fast[name], obj.attrs[name])


def test_all_attributes_of_an_object_at_once(tmp_path):
    path = tmp_path / "a.h5"
    with h5py.File(path, "w") as f:
        for name, value in ATTRIBUTES.items():
            f.attrs[name] = value
    with h5py.File(path, "r") as f:
        fast = all_attrs(f.attrs)
        assert sorted(fast) == sorted(f.attrs)
        assert all(same(fast[n], f.attrs[n]) for n in f.attrs)
