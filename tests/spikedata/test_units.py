"""SpikeData's unit selection and indexing: subset, __getitem__, times, neuron attributes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spikelab import SpikeData
from spikelab.errors import AnalysisError, UnitIndexError

ATTRS = [
    {"unit_id": 10, "ch": 1},
    {"unit_id": 11},
    {"unit_id": 10, "ch": 2},
    {"unit_id": 12, "ch": 1},
]


@pytest.fixture
def sd():
    return SpikeData(
        [[1.0, 2.0], [3.0], [4.0, 5.0, 6.0], [7.5]], length=10, neuron_attributes=ATTRS
    )


def firsts(sd):
    return [t[0] for t in sd.train]


# ------------------------------------------------------------------ subset
@given(st.lists(st.integers(0, 3), max_size=8), st.booleans())
@settings(max_examples=60, deadline=None)
def test_subset_matches_a_naive_selection(units, preserve_order):
    sd = SpikeData([[1.0, 2.0], [3.0], [4.0, 5.0, 6.0], [7.5]], length=10, neuron_attributes=ATTRS)
    if preserve_order:
        expected = list(dict.fromkeys(units))  # first occurrences, in order
    else:
        expected = sorted(set(units))
    sub = sd.subset(units, preserve_order=preserve_order)
    assert sub.N == len(expected)
    assert [t.tolist() for t in sub.train] == [sd.train[i].tolist() for i in expected]
    assert sub.neuron_attributes == [ATTRS[i] for i in expected]
    assert sub.length == sd.length and sub.start_time == sd.start_time


@pytest.mark.parametrize("units, error", [
    ([-1], UnitIndexError),      # no wrapping
    ([4], UnitIndexError),
    ([1.5], TypeError),          # no truncation
    ([2.0], TypeError),          # the stacks' rule: indices are integers
    ([np.nan], TypeError),
    ([True, False], TypeError),  # a mask read as indices 1, 0 would select the wrong units
    ("ab", TypeError),
])
def test_subset_refuses_indices_that_would_select_other_units(sd, units, error):
    with pytest.raises(error):
        sd.subset(units)


def test_unit_index_errors_are_value_and_index_errors(sd):
    with pytest.raises(ValueError, match="out of range for 4 units"):
        sd.subset([-1])
    with pytest.raises(IndexError):
        sd.subset([9])


def test_subset_accepts_integer_arrays_and_a_single_int(sd):
    assert firsts(sd.subset(np.array([2, 0]))) == [1.0, 4.0]
    assert firsts(sd.subset(1)) == [3.0]
    assert sd.subset([]).N == 0


@pytest.mark.parametrize("values, expected", [
    ([10], [0, 2]),          # every match, in recording order
    ([12, 10], [0, 2, 3]),
    ([1], []),               # no unit_id 1
])
def test_subset_by_attribute(sd, values, expected):
    assert sd.subset(values, by="unit_id").neuron_attributes == [ATTRS[i] for i in expected]


def test_subset_by_skips_units_without_the_attribute_and_refuses_unknown_names(sd):
    assert sd.subset([1], by="ch").neuron_attributes == [ATTRS[0], ATTRS[3]]
    with pytest.raises(AnalysisError, match="attributes present"):
        sd.subset([1], by="chan")
    with pytest.raises(ValueError, match="no neuron_attributes"):
        SpikeData([[1.0]], length=2).subset([1], by="unit_id")
    with pytest.warns(UserWarning, match="preserve_order has no effect"):
        assert sd.subset([12, 10], by="unit_id", preserve_order=True).neuron_attributes == [
            ATTRS[i] for i in (0, 2, 3)
        ]


# ------------------------------------------------------------------ indexing and times
def test_getitem_slices_time_and_selects_units(sd):
    window = sd[2:5]
    assert window.length == 3 and window.start_time == 0
    assert [t.tolist() for t in window.train] == [[0.0], [1.0], [2.0], []]
    assert firsts(sd[[3, 0]]) == [1.0, 7.5]
    assert firsts(sd[2]) == [4.0]
    assert [t.tolist() for t in sd[5:].train] == [[], [], [0.0, 1.0], [2.5]]
    with pytest.raises(ValueError, match="no step"):
        sd[2:5:2]


def test_times_iterates_every_spike_in_time_order(sd):
    assert list(sd.times) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.5]
    assert list(SpikeData([], N=0).times) == []


# ------------------------------------------------------------------ neuron attributes
def test_get_neuron_attribute_fills_defaults(sd):
    assert sd.get_neuron_attribute("ch") == [1, None, 2, 1]
    assert sd.get_neuron_attribute("ch", default=-1) == [1, -1, 2, 1]
    assert SpikeData([[1.0]], length=2).get_neuron_attribute("x", 0) == [0]


@pytest.mark.parametrize("values, indices, expected", [
    (5, None, [5, 5, 5]),
    ([1, 2, 3], None, [1, 2, 3]),
    ((x for x in "abc"), None, ["a", "b", "c"]),        # an iterator is spread, not stored
    (np.arange(3), None, [0, 1, 2]),
    (np.array(7), None, [7, 7, 7]),                      # a 0-d array is one value
    ("abc", None, ["abc", "abc", "abc"]),
    ({"k": 1}, None, [{"k": 1}] * 3),
    ([8, 9], [2, 0], [9, None, 8]),
    (4, 1, [None, 4, None]),
])
def test_set_neuron_attribute(values, indices, expected):
    sd = SpikeData([[1.0], [2.0], [3.0]], length=5)
    sd.set_neuron_attribute("x", values, neuron_indices=indices)
    assert sd.get_neuron_attribute("x") == expected


@pytest.mark.parametrize("values, indices, error", [
    ([1, 2], None, ValueError),
    (1, [3], UnitIndexError),
    (1, [-1], UnitIndexError),
])
def test_set_neuron_attribute_refuses_mismatches(values, indices, error):
    sd = SpikeData([[1.0], [2.0], [3.0]], length=5)
    with pytest.raises(error):
        sd.set_neuron_attribute("x", values, neuron_indices=indices)
    assert sd.neuron_attributes is None  # nothing half-written


# ------------------------------------------------------------------ channels and positions
def with_attrs(attrs):
    return SpikeData([[1.0, 2.0], [3.0], [4.5]], length=10, neuron_attributes=attrs)


@pytest.mark.parametrize("attrs, channel_attr, expected", [
    (None, None, {}),
    ([{"channel": 3}, {"channel": 1}, {"channel": 3}], None, {0: 3, 1: 1, 2: 3}),
    ([{"channel_id": 3}, {"channel_id": 1}, {"channel_id": 3.0}], None, {0: 3, 1: 1, 2: 3}),
    ([{}, {"channel": 1}, {"channel": None}], None, {1: 1}),       # units without one left out
    ([{"ch": 3, "channel": 5}, {"ch": 1, "channel": 4}, {"ch": 0}], None, {0: 5, 1: 4}),
    ([{"ch": 3, "channel": 5}, {"ch": 1, "channel": 4}, {"ch": 0}], "ch", {0: 3, 1: 1, 2: 0}),
    ([{"electrode": 3}, {"electrode": 1}, {"electrode": 2}], None, {}),  # not a channel key
])
def test_neuron_to_channel_map(attrs, channel_attr, expected):
    assert with_attrs(attrs).neuron_to_channel_map(channel_attr) == expected


def test_neuron_to_channel_map_refuses_fractional_channels_and_unknown_names():
    with pytest.raises(ValueError, match="not a whole number"):
        with_attrs([{"channel": 1.5}, {"channel": 1}, {"channel": 2}]).neuron_to_channel_map()
    with pytest.raises(ValueError, match="attributes present: \\['channel'\\]"):
        with_attrs([{"channel": 1}] * 3).neuron_to_channel_map("chan")


@pytest.mark.parametrize("attrs, expected", [
    (None, None),
    ([{"electrode": 3, "channel": 5}, {"channel": 1}, {"ch": 2}], [3, 1, 2]),
    ([{"electrode": 3}, {}, {"ch": 2}], None),
    ([{"electrode": 3}, {"electrode": None}, {"ch": 2}], [3, None, 2]),  # kept, as 0.1.2 does
    ([{"electrode": 3}, {"electrode": 1, "channel": 7}, {"electrode": 2}], [3, 1, 2]),
    ([{"channel": 3}, {"electrode": 1, "channel": 7}, {"channel": 2}], [3, 1, 2]),
    ([{"ch": 3}, {"channel": 1, "ch": 7}, {"ch": 2}], [3, 1, 2]),
    ([{"channel": 3}, {"ch": 1}, {"x": 2}], None),
])
def test_electrodes(attrs, expected):
    result = with_attrs(attrs).electrodes
    assert (result is None and expected is None) or result.tolist() == expected


def test_electrodes_of_no_units_is_none():
    assert SpikeData([], N=0, length=10, neuron_attributes=[]).electrodes is None


@pytest.mark.parametrize(
    "attrs, expected",
    [
        (None, None),
        ([{"x": 1, "y": 2}, {"x": 3, "y": 4}, {"x": 5, "y": 6}], [[1, 2], [3, 4], [5, 6]]),
        (
            [{"x": 1, "y": 2, "z": 0}, {"x": 3, "y": 4, "z": 1}, {"x": 5, "y": 6, "z": 2}],
            [[1, 2, 0], [3, 4, 1], [5, 6, 2]],
        ),
        (
            [
                {"location": [1, 2], "x": 9, "y": 9},
                {"location": np.array([3, 4])},
                {"position": (5, 6)},
            ],
            [[1, 2], [3, 4], [5, 6]],
        ),
        ([{"x": 1, "y": 2}, {"x": 3}, {"x": 5, "y": 6}], None),
    ],
)
def test_unit_locations(attrs, expected):
    result = with_attrs(attrs).unit_locations
    assert (result is None and expected is None) or result.tolist() == expected


def test_unit_locations_of_mixed_dimensions_raise():
    with pytest.raises(ValueError, match="different dimensions"):
        sd = with_attrs([{"x": 1, "y": 2, "z": 0}, {"x": 3, "y": 4}, {"x": 5, "y": 6}])
        _ = sd.unit_locations


@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.one_of(st.none(), st.integers(0, 3))),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from([1.0, 2.5]),
    st.integers(0, 2**16),
)
@settings(max_examples=60, deadline=None)
def test_channel_raster_sums_the_unit_raster_per_channel(units, bin_size, seed):
    rng = np.random.default_rng(seed)
    trains = [np.sort(rng.uniform(0, 20, n)) for n, _ in units]
    attrs = [{} if ch is None else {"channel": ch} for _, ch in units]
    sd = SpikeData(trains, length=20, neuron_attributes=attrs)
    channels = sorted({ch for _, ch in units if ch is not None})
    if not channels:
        with pytest.raises(ValueError, match="no unit has a channel"):
            sd.channel_raster(bin_size)
        return
    unit_raster = sd.raster(bin_size)
    naive = np.array(
        [sum(unit_raster[u] for u, (_, ch) in enumerate(units) if ch == c) for c in channels]
    )
    np.testing.assert_array_equal(sd.channel_raster(bin_size), naive)
