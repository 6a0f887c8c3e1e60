"""Text helpers of the command line: sizes, shapes, entry summaries, tables, cells."""

from __future__ import annotations

import json

import numpy as np
import pytest

from spikelab.cli.text import (cell, human_size, plural, shape_text, summary_text, table,
                               to_json)


@pytest.mark.parametrize("n_bytes, text", [
    (0, "0 B"), (1, "1 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"),
    (1024**2 - 1, "1.0 MiB"), (10 * 1024**2, "10.0 MiB"), (3 * 1024**3 + 1024**3 // 2, "3.5 GiB"),
    (2 * 1024**5, "2.0 PiB"), (3 * 1024**6, "3072.0 PiB"),
])
def test_human_size(n_bytes, text):
    assert human_size(n_bytes) == text


@pytest.mark.parametrize("shape, text", [((), "scalar"), ((5,), "5"), ((3, 4), "3x4"),
                                         ((0, 2, 1), "0x2x1")])
def test_shape_text(shape, text):
    assert shape_text(shape) == text


@pytest.mark.parametrize("entry, text", [
    ({"type": "ndarray", "shape": (3, 4), "dtype": "float64"}, "3x4 float64"),
    ({"type": "SpikeData", "N": 4, "length_ms": 500.0, "start_time": 0.0}, "N=4, 500 ms"),
    ({"type": "SpikeSliceStack", "N_slices": 2, "N_units": 4, "length_ms": (10.0, 12.5)},
     "2 slices, 4 units, 10-12.5 ms"),
    ({"type": "SpikeSliceStack", "N_slices": 0, "N_units": 0, "length_ms": None},
     "0 slices, 0 units"),
    ({"type": "dict", "created_at": 1.0, "note": "x"}, "-"),
    ({"type": "Future", "channels": 3, "rate_hz": 2.5}, "channels=3, rate_hz=2.5"),
])
def test_summary_text(entry, text):
    assert summary_text(entry) == text


def test_table_aligns_columns():
    lines = table(("NAME", "SIZE"), [["a", "1 B"], ["longer", "10.0 KiB"]], right=("SIZE",))
    assert lines == ["NAME        SIZE", "a            1 B", "longer  10.0 KiB"]


@pytest.mark.parametrize("text, width, shown", [
    ("plain", None, "plain"), ("tab\there\nnewline", None, "tab here newline"),
    ("bell\x07", None, "bell "), ("abcdefgh", 5, "abcd…"), ("abcde", 5, "abcde"),
])
def test_cell(text, width, shown):
    assert cell(text, width) == shown


def test_to_json_handles_numpy_values():
    doc = {"n": np.int64(3), "x": np.float32(0.5), "a": np.arange(2), "t": (1, 2)}
    assert json.loads(to_json(doc)) == {"n": 3, "x": 0.5, "a": [0, 1], "t": [1, 2]}
    with pytest.raises(TypeError, match="object is not JSON serialisable"):
        to_json({"o": object()})


@pytest.mark.parametrize("n, text", [(0, "0 items"), (1, "1 item"), (2, "2 items")])
def test_plural(n, text):
    assert plural(n, "item") == text
