"""Helpers of the command-line tests: workspaces of every stored type, naive references."""

from __future__ import annotations

import json

import h5py
import numpy as np

from spikelab import (AnalysisWorkspace, PairwiseCompMatrix, PairwiseCompMatrixStack,
                      RateData, RateSliceStack, SpikeData, SpikeSliceStack)


def _spikes(seed: int) -> SpikeData:
    rng = np.random.default_rng(seed)
    trains = [np.sort(rng.uniform(0, 500.0, n)) for n in (3, 5, 0, 2)]
    return SpikeData(trains, length=500.0)


def all_types() -> dict[str, object]:
    """One object of each of the 8 stored types (plus a string and a 0-d array)."""
    sd = _spikes(0)
    return {
        "array": np.arange(12.0).reshape(3, 4),
        "spikes": sd,
        "rates": RateData(np.ones((3, 5)), np.arange(5.0), rate_unit="Hz"),
        "rate_stack": RateSliceStack(event_matrix=np.arange(24.0).reshape(2, 3, 4),
                                     times_start_to_end=[(0, 10), (10, 20), (20, 30),
                                                         (30, 40)], step_size=1.0),
        "spike_stack": SpikeSliceStack(spike_stack=[sd, _spikes(1)],
                                       times_start_to_end=[(0, 500), (500, 1000)]),
        "sttc": PairwiseCompMatrix(np.eye(3), ["a", "b", "c"], {"lag_ms": 5}),
        "sttc_stack": PairwiseCompMatrixStack(np.zeros((3, 3, 2)), None, [(0, 1), (1, 2)], {}),
        "summary": {"n_bursts": 3, "ibi_ms": [1.5, 2.5], "nested": {"x": np.zeros(3)}},
        "names": np.array(["unit a", "unit b"]),
        "scalar": np.array(7.5),
    }


def build_workspace(name: str | None = "cli test") -> AnalysisWorkspace:
    """Every type in namespace ``rec1`` (notes, provenance on all but ``summary``), plus
    a second namespace ``rec2`` with one plain item."""
    ws = AnalysisWorkspace(name=name)
    for i, (key, obj) in enumerate(all_types().items()):
        provenance = None if key == "summary" else {
            "step": f"step_{key}", "params": {"bin_ms": 8, "index": i}, "inputs": "abc123"}
        ws.store("rec1", key, obj, note=f"note of {key}", provenance=provenance)
    ws.store("rec2", "plain", np.arange(3))
    return ws


def dataset_sizes(path: str, group_path: str) -> dict[str, int]:
    """Naive reference: allocated bytes of every dataset under ``group_path``."""
    sizes = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                sizes[name] = obj.id.get_storage_size()
        f[group_path].visititems(visit)
    return sizes


def as_json_value(value):
    """What ``json.loads(json.dumps(value))`` gives (tuples become lists)."""
    return json.loads(json.dumps(value))
