"""Big datasets are hashed while they are read: same values, same checksum, same refusals.

The sizes are made small here (``MIN_BYTES``, ``SLAB_BYTES`` patched) so that every case
goes through several slabs, including a last, shorter one.
"""

from __future__ import annotations

import h5py
import numpy as np
import pytest
import xxhash

from spikelab import AnalysisWorkspace
from spikelab.errors import CorruptWorkspaceError, DamagedItemWarning
from spikelab.workspace import hashed_reads, verify
from spikelab.workspace.checksums import (DataDamage, array_checksum, read_verified,
                                          set_checksum, verify_dataset)


@pytest.fixture(autouse=True)
def small_slabs(monkeypatch):
    monkeypatch.setattr(hashed_reads, "MIN_BYTES", 1)
    monkeypatch.setattr(hashed_reads, "SLAB_BYTES", 1000)


def _values(dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(7)
    values = rng.normal(size=shape) * 1000
    if np.dtype(dtype).kind == "c":
        return (values + 1j * rng.normal(size=shape)).astype(dtype)
    return values.astype(dtype)


CASES = [
    ("<f8", (1001,), {}),
    (">f8", (999,), {}),                          # another byte order, kept as stored
    ("<i4", (37, 11, 5), {}),                     # rows of 55 values, slabs of 4 rows
    ("<u2", (3, 1000), {}),                       # a row bigger than a slab
    ("bool", (4096,), {}),
    ("<c16", (300, 2), {}),
    ("<f4", (2000, 3), {"chunks": (128, 3), "compression": "gzip", "shuffle": True}),
]


@pytest.mark.parametrize("dtype, shape, options", CASES)
def test_values_and_checksum_are_those_of_a_whole_read(tmp_path, dtype, shape, options):
    values = _values(dtype, shape)
    with h5py.File(tmp_path / "a.h5", "w") as f:
        ds = f.create_dataset("a", data=values, **options)
        set_checksum(ds, values)
    with h5py.File(tmp_path / "a.h5", "r") as f:
        ds = f["a"]
        assert hashed_reads.overlappable(ds)
        data, digest = hashed_reads.read_hashing(ds)
        whole = ds[...]
        assert data.dtype == whole.dtype and data.shape == whole.shape
        assert np.array_equal(data, whole)
        # an independent reference: the one-shot hash of the values' bytes
        assert digest == xxhash.xxh3_64_intdigest(np.ascontiguousarray(whole).tobytes())
        assert digest == array_checksum(whole)
        assert hashed_reads.hash_reading(ds) == digest
        assert np.array_equal(read_verified(ds), values)
        assert verify_dataset(ds) is True


@pytest.mark.parametrize("data", [np.array(["a", "bc"], dtype=object), np.float64(3.0),
                                  np.zeros((0, 4)), np.zeros(3, dtype=[("x", "<f8")])],
                         ids=["text", "scalar", "empty", "compound"])
def test_other_datasets_are_read_whole(tmp_path, data):
    with h5py.File(tmp_path / "a.h5", "w") as f:
        dtype = h5py.string_dtype() if data.dtype.kind == "O" else None
        ds = f.create_dataset("a", data=data, dtype=dtype)
        assert not hashed_reads.overlappable(ds)


def test_a_changed_value_in_a_late_slab_is_refused(tmp_path):
    values = _values("<f8", (5000,))
    with h5py.File(tmp_path / "a.h5", "w") as f:
        ds = f.create_dataset("a", data=values)
        set_checksum(ds, values)
        ds[4990] = 0.0  # damage after the checksum was taken
    with h5py.File(tmp_path / "a.h5", "r") as f:
        with pytest.raises(DataDamage, match="does not match its checksum"):
            read_verified(f["a"])
        with pytest.raises(DataDamage, match="does not match its checksum"):
            verify_dataset(f["a"])


def test_a_workspace_round_trip_and_damage_through_the_public_calls(tmp_path):
    ws = AnalysisWorkspace()
    values = _values("<f8", (300, 40))
    ws.store("rec", "stack", values)
    path = str(tmp_path / "ws.h5")
    ws.save(path)
    assert np.array_equal(AnalysisWorkspace.load(path).get("rec", "stack"), values)
    assert verify(path).ok
    with h5py.File(path, "r+") as f:  # one value changed in place, the checksum kept
        f["rec/stack"].visititems(lambda name, obj: obj.__setitem__((299, 39), -1.0)
                                  if isinstance(obj, h5py.Dataset) and obj.shape == (300, 40)
                                  else None)
    with pytest.raises(CorruptWorkspaceError, match=r"ws\.h5.*'rec'.*'stack'"):
        AnalysisWorkspace.load_item(path, "rec", "stack")
    with pytest.warns(DamagedItemWarning, match=r"ws\.h5: 1 item.*rec/stack"):
        assert set(AnalysisWorkspace.load(path).damaged) == {("rec", "stack")}
    assert not verify(path).ok
