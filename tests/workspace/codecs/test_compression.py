"""Optional compression: large numeric arrays chunked + compressed, values unchanged."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
from ws_equality import assert_same

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace, RateData, SpikeData
from spikelab.workspace import content_hash


def _items():
    rng = np.random.default_rng(0)
    big = np.repeat(rng.integers(0, 5, 40_000), 8).astype(np.float64)  # 2.4 MB, compressible
    return {"big": big, "small": np.arange(10.0),
            "rates": RateData(big.reshape(8, -1), np.arange(40_000.0)),
            "sd": SpikeData([np.sort(rng.uniform(0, 1e6, 200_000))], length=1e6)}


@pytest.mark.parametrize("compression", ["gzip", "lzf"])
@pytest.mark.parametrize("kind", ["eager", "lazy"])
def test_compressed_round_trip(tmp_path, compression, kind):
    items = _items()
    if kind == "eager":
        ws = AnalysisWorkspace()
        save = {"compression": compression}
    else:
        ws = LazyAnalysisWorkspace(dir=tmp_path, compression=compression)
        save = {}
    for key, obj in items.items():
        ws.store("D0", key, obj, provenance={"step": key})
    ws.save(tmp_path / "c", **save)
    AnalysisWorkspace(name="plain").save(tmp_path / "p")
    with h5py.File(tmp_path / "c.h5", "r") as f:
        assert f["D0/big/data"].compression == compression and f["D0/big/data"].chunks
        assert f["D0/rates/inst_Frate_data"].compression == compression
        assert f["D0/sd/spike_times"].compression == compression
        assert f["D0/small/data"].compression is None  # below 1 MiB: contiguous
    back = AnalysisWorkspace.load(tmp_path / "c")
    for key, obj in items.items():
        assert_same(back.get("D0", key), obj)
        assert back.get_info("D0", key)["content_hash"] == content_hash(obj)  # values only
    ws.close()


def test_compression_shrinks_compressible_data(tmp_path):
    ws = AnalysisWorkspace()
    ws.store("D0", "big", _items()["big"])
    ws.save(tmp_path / "plain")
    ws.save(tmp_path / "small", compression="gzip")
    assert (tmp_path / "small.h5").stat().st_size < (tmp_path / "plain.h5").stat().st_size / 4


def test_unknown_compression_is_rejected_before_writing(tmp_path):
    ws = AnalysisWorkspace()
    ws.store("D0", "x", np.zeros(3))
    with pytest.raises(ValueError, match=r"one of \('gzip', 'lzf'\)"):
        ws.save(tmp_path / "w", compression="zstd")
    assert not (tmp_path / "w.h5").exists()
    with pytest.raises(ValueError, match="compression"):
        LazyAnalysisWorkspace(compression="bz2")
