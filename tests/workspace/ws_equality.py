"""Field-by-field equality of stored objects, written independently of the package."""

from __future__ import annotations

import math

import numpy as np

from spikelab import (PairwiseCompMatrix, PairwiseCompMatrixStack, RateData, RateSliceStack,
                      SpikeData, SpikeSliceStack)

_FIELDS = {
    SpikeData: ("N", "length", "start_time", "train", "metadata", "neuron_attributes",
                "raw_data", "raw_time"),
    RateData: ("inst_Frate_data", "times", "neuron_attributes", "rate_unit"),
    RateSliceStack: ("event_stack", "times", "step_size", "neuron_attributes"),
    SpikeSliceStack: ("N", "times", "spike_stack", "neuron_attributes"),
    PairwiseCompMatrix: ("matrix", "labels", "metadata"),
    PairwiseCompMatrixStack: ("stack", "labels", "times", "metadata"),
}


def assert_same(a, b, path: str = "obj") -> None:
    """Same type, and equal in every field (dtype, shape, order, NaN == NaN)."""
    assert type(a) is type(b), f"{path}: {type(a).__name__} != {type(b).__name__}"
    if type(a) in _FIELDS:
        for name in _FIELDS[type(a)]:
            assert_same(getattr(a, name), getattr(b, name), f"{path}.{name}")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype, f"{path}: dtype {a.dtype} != {b.dtype}"
        assert a.shape == b.shape, f"{path}: shape {a.shape} != {b.shape}"
        if a.dtype.kind in "fcmM":
            assert np.array_equal(a, b, equal_nan=True), f"{path}: values differ"
        elif a.dtype.kind == "V":
            assert a.tobytes() == b.tobytes(), f"{path}: values differ"
        else:
            assert np.array_equal(a, b), f"{path}: values differ"
    elif isinstance(a, dict):
        assert list(a) == list(b), f"{path}: keys {list(a)} != {list(b)}"
        for (k, x), (kb, y) in zip(a.items(), b.items(), strict=True):
            assert_same(k, kb, f"{path} key {k!r}")  # 1, True and 1.0 are equal keys
            assert_same(x, y, f"{path}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), f"{path}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, (float, np.floating)):
        assert a == b or (math.isnan(a) and math.isnan(b)), f"{path}: {a!r} != {b!r}"
        assert math.copysign(1, a) == math.copysign(1, b) or math.isnan(a), f"{path}: sign"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"
