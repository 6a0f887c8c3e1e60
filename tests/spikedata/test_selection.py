"""Unit, slice and sample selections: 0.1.2's rules, shared by every data class."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spikelab.errors import AnalysisError, AnalysisTypeError
from spikelab.spikedata._selection import index_range, slice_indices, unit_indices

ATTRS = [{"id": "b", "x": 1}, {"id": "a"}, {"id": "b"}, {"x": 2}]


@pytest.mark.parametrize("units, preserve, expected", [
    ([2, 0, 2], False, [0, 2]),
    ([2, 0, 2], True, [2, 0]),
    (1, False, [1]),
    (np.array([3, 1]), False, [1, 3]),
    ([], False, []),
])
def test_unit_indices_sort_and_deduplicate(units, preserve, expected):
    assert unit_indices(units, 4, preserve_order=preserve) == expected


@pytest.mark.parametrize(
    "units, error",
    [
        ([-1], AnalysisError),
        ([4], AnalysisError),
        ([1.0], AnalysisTypeError),
        ([0.5], AnalysisTypeError),
        (["1"], AnalysisTypeError),
        ([True], AnalysisTypeError),
        (np.array([1.0]), AnalysisTypeError),
    ],
)
def test_bad_unit_indices_raise_the_builtin_class_0_1_2_raises(units, error):
    with pytest.raises(error):
        unit_indices(units, 4)
    if error is AnalysisTypeError:  # also a TypeError, like 0.1.2's
        with pytest.raises(TypeError):
            unit_indices(units, 4)


def test_by_attribute_matches_every_unit_in_unit_order():
    assert unit_indices(["b", "a"], 4, by="id", attributes=ATTRS) == [0, 1, 2]
    assert unit_indices("a", 4, by="id", attributes=ATTRS) == [1]
    assert unit_indices(["zz"], 4, by="id", attributes=ATTRS) == []
    with pytest.warns(UserWarning, match="preserve_order"):
        unit_indices(["b", "a"], 4, by="id", attributes=ATTRS, preserve_order=True)


def test_by_attribute_errors_name_the_problem():
    with pytest.raises(AnalysisError, match="no neuron_attributes"):
        unit_indices([1], 4, by="id", attributes=None)
    with pytest.raises(AnalysisError, match=r"attributes present: \['id', 'x'\]"):
        unit_indices([1], 4, by="unit_id", attributes=ATTRS)


@pytest.mark.parametrize(
    "slices, expected",
    [
        ([3, 0, 3], [3, 0]),
        (-1, [4]),
        ([True, False, True, False, False], [0, 2]),
        (np.array([1, -5]), [1, 0]),
    ],
)
def test_slice_indices_keep_caller_order(slices, expected):
    assert slice_indices(slices, 5) == expected


@pytest.mark.parametrize(
    "slices, error",
    [
        ([5], AnalysisError),
        ([-6], AnalysisError),
        ([], AnalysisError),
        ([True, False], AnalysisError),
        (1.0, AnalysisTypeError),
    ],
)
def test_bad_slice_indices_raise(slices, error):
    with pytest.raises(error):
        slice_indices(slices, 5)


@given(st.integers(-12, 12), st.integers(-12, 12))
def test_index_range_is_python_slicing_within_bounds(start, end):
    n = 10
    lo, hi = (start + n if start < 0 else start), (end + n if end < 0 else end)
    if 0 <= lo < n and lo < hi <= n:  # 0.1.2 refuses ends past the data and empty ranges
        assert index_range(start, end, n) == (lo, hi)
        assert list(range(lo, hi)) == list(range(n))[start:end]
    else:
        with pytest.raises(AnalysisError):
            index_range(start, end, n)


def test_index_range_rejects_floats():
    with pytest.raises(TypeError):
        index_range(1.0, 3, 10)
