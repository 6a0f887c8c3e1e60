"""Combining and splitting recordings; shuffled surrogates and random unit subsets."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spikelab import SpikeData, SpikeSliceStack
from spikelab.errors import AnalysisError
from spikelab.spikedata.resampling import randomize

FAST = settings(max_examples=40, deadline=None)
seeds = st.integers(0, 2**32 - 1)


def trains_of(sd):
    return [t.tolist() for t in sd.train]


# ------------------------------------------------------------------ append
def test_append_places_the_second_recording_after_the_first():
    a = SpikeData([[1.0, 2.0], [3.0]], length=10, metadata={"x": 1, "y": 2},
                  neuron_attributes=[{"id": 0}, {"id": 1}])
    b = SpikeData(
        [[0.5], [4.0]],
        length=5,
        metadata={"x": 9, "z": 3},
        neuron_attributes=[{"id": 5}, {"id": 6}],
    )
    both = a.append(b, offset=2)
    assert trains_of(both) == [[1.0, 2.0, 12.5], [3.0, 16.0]]
    assert both.length == 17 and both.start_time == 0
    assert both.metadata == {"x": 1, "y": 2, "z": 3}  # the first recording wins collisions
    assert both.neuron_attributes == [{"id": 0}, {"id": 1}]
    assert a.append(b, drop_neuron_attributes=True).neuron_attributes is None


def test_append_measures_from_each_recordings_own_start():
    a = SpikeData([[-1.0]], length=3, start_time=-2)  # [-2, 1]
    b = SpikeData([[-1.5]], length=3, start_time=-2)  # its spike 0.5 ms after its start
    both = a.append(b)
    assert trains_of(both) == [[-1.0, 1.5]] and both.start_time == -2 and both.length == 6


def test_append_salvages_the_only_attributes_with_a_warning():
    plain = SpikeData([[1.0]], length=3)
    named = SpikeData([[1.0]], length=3, neuron_attributes=[{"id": 7}])
    with pytest.warns(RuntimeWarning, match="neuron_attributes"):
        assert plain.append(named).neuron_attributes == [{"id": 7}]
    with pytest.warns(RuntimeWarning, match="neuron_attributes"):
        assert named.append(plain).neuron_attributes == [{"id": 7}]


def test_append_joins_raw_data_in_time():
    a = SpikeData([[1.0]], length=4, raw_data=np.arange(4.0)[None], raw_time=np.arange(4.0))
    b = SpikeData([[1.0]], length=3, raw_data=np.ones((1, 3)), raw_time=np.arange(3.0))
    both = a.append(b)
    assert both.raw_time.tolist() == [0, 1, 2, 3, 4, 5, 6] and both.raw_data.shape == (1, 7)
    with pytest.raises(ValueError, match="channel layouts"):
        a.append(SpikeData([[1.0]], length=3, raw_data=np.ones((2, 3)), raw_time=np.arange(3.0)))


@pytest.mark.parametrize("other, kwargs, error", [
    (SpikeData([[1.0], [2.0], [3.0]], length=5), {}, ValueError),
    (SpikeData([[1.0], [2.0]], length=5), {"offset": -1}, ValueError),
    ([[1.0], [2.0]], {}, TypeError),
])
def test_append_rejects_what_it_cannot_join(other, kwargs, error):
    with pytest.raises(error):
        SpikeData([[1.0], [2.0]], length=5).append(other, **kwargs)


# ------------------------------------------------------------------ concatenate units
def test_concatenate_adds_the_other_units_over_this_window():
    a = SpikeData(
        [[1.0, 2.0], [3.0]],
        length=10,
        metadata={"x": 1, "y": 2},
        raw_data=np.zeros((1, 2)),
        raw_time=np.arange(2.0),
    )
    c = SpikeData(
        [[0.5, 11.0], [4.0], [10.0]],
        length=20,
        metadata={"x": 9, "q": 1},
        neuron_attributes=[{}] * 3,
    )
    with pytest.warns(RuntimeWarning, match="only one"):
        out = a.concatenate_spike_data(c)
    assert trains_of(out) == [[1.0, 2.0], [3.0], [0.5], [4.0], []]  # [0, 10): 10 and 11 left out
    assert out.metadata == {"x": 9, "y": 2, "q": 1}  # the added recording wins collisions, as 0.1.2
    assert out.length == 10 and out.raw_data.shape == (1, 2) and out.neuron_attributes is None


def test_concatenate_joins_attributes_and_refuses_a_shorter_recording():
    a = SpikeData([[1.0]], length=10, neuron_attributes=[{"id": 0}])
    b = SpikeData([[2.0]], length=10, neuron_attributes=[{"id": 1}])
    assert a.concatenate_spike_data(b).neuron_attributes == [{"id": 0}, {"id": 1}]
    with pytest.raises(ValueError, match="covers"):
        a.concatenate_spike_data(SpikeData([[2.0]], length=5))
    with pytest.raises(ValueError, match="covers"):
        a.concatenate_spike_data(SpikeData([[2.0]], length=10, start_time=1))


# ------------------------------------------------------------------ split epochs
def test_split_epochs_undoes_append():
    first = SpikeData([[1.0, 2.0], [3.0]], length=10)
    second = SpikeData([[2.0], [9.5, 10.0]], length=20)
    both = first.append(second)
    both.metadata.update(rec_chunks_ms=[(0, 10), (10, 30)], rec_chunk_names=["a.nwb"], other=5)
    both.neuron_attributes = [{"id": 0, "epoch_templates": [np.zeros(2), np.ones(2)]}, {"id": 1}]
    one, two = both.split_epochs()
    assert trains_of(one) == trains_of(first) and one.length == 10
    assert trains_of(two) == trains_of(second) and two.length == 20
    assert one.metadata == {"other": 5, "source_file": "a.nwb", "epoch_index": 0}
    assert two.metadata == {"other": 5, "epoch_index": 1}
    assert two.neuron_attributes[0]["template"].tolist() == [1.0, 1.0]
    assert "epoch_templates" not in two.neuron_attributes[0] and two.neuron_attributes[1] == {
        "id": 1
    }


def test_split_epochs_needs_epoch_boundaries():
    with pytest.raises(ValueError, match="rec_chunks_ms"):
        SpikeData([[1.0]], length=2).split_epochs()


# ------------------------------------------------------------------ randomize / shuffles
@given(
    seeds, st.integers(1, 12), st.integers(1, 40), st.floats(0.01, 0.6), st.sampled_from([0, 1, 5])
)
@FAST
def test_randomize_keeps_row_and_column_sums(seed, rows, cols, density, swap_per_spike):
    rng = np.random.default_rng(seed)
    raster = (rng.random((rows, cols)) < density).astype(np.int8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # small rasters may allow few swaps
        out = randomize(raster, swap_per_spike=swap_per_spike, seed=seed)
    assert out.dtype == raster.dtype and out.shape == raster.shape
    assert set(np.unique(out)) <= {0, 1}
    np.testing.assert_array_equal(out.sum(axis=0), raster.sum(axis=0))
    np.testing.assert_array_equal(out.sum(axis=1), raster.sum(axis=1))
    if swap_per_spike == 0:
        np.testing.assert_array_equal(out, raster)


def test_randomize_mixes_a_large_raster_and_is_reproducible():
    rng = np.random.default_rng(0)
    raster = (rng.random((50, 2000)) < 0.02).astype(int)
    out = randomize(raster, seed=3)
    np.testing.assert_array_equal(out, randomize(raster, seed=3))
    assert not np.array_equal(out, randomize(raster, seed=4))
    # after ~10 moves per spike almost no spike is where it was: overlap near chance (2%)
    assert (out & raster).sum() / raster.sum() < 0.1


def test_randomize_mixes_assemblies_but_keeps_the_population_rate():
    # two assemblies of 10 units, each firing together in its own bins: the shuffle keeps
    # every bin's count but mixes which units fire, so the two become alike
    raster = np.zeros((20, 1000), dtype=int)
    raster[:10, 0::20] = 1
    raster[10:, 10::20] = 1
    out = randomize(raster, seed=1)
    np.testing.assert_array_equal(out.sum(axis=0), raster.sum(axis=0))

    def within_minus_between(r):
        c = np.corrcoef(r)
        return c[:10, :10][np.triu_indices(10, 1)].mean() - c[:10, 10:].mean()

    assert within_minus_between(raster) > 1.0  # 1 within, -1/19 between
    assert abs(within_minus_between(out)) < 0.1


@pytest.mark.parametrize("raster, match", [
    (np.array([[0, 2], [1, 0]]), "binary"),
    (np.array([1, 0, 1]), "2-D"),
])
def test_randomize_rejects_non_binary_or_1d_rasters(raster, match):
    with pytest.raises(AnalysisError, match=match):
        randomize(raster)


def test_randomize_warns_when_no_swap_is_possible():
    with pytest.warns(RuntimeWarning, match="swaps"):
        out = randomize(np.array([[1, 1, 0]]), seed=0)  # one row: nothing can move
    assert out.tolist() == [[1, 1, 0]]


@given(seeds, st.sampled_from([1.0, 2.0, 3.0]))
@FAST
def test_spike_shuffle_keeps_unit_and_bin_counts(seed, bin_size):
    rng = np.random.default_rng(seed)
    # one spike per unit and bin at most: multi-spike bins would be binarised
    trains = []
    for _ in range(int(rng.integers(2, 6))):
        bins = rng.choice(10, int(rng.integers(0, 8)), replace=False)
        trains.append(np.sort(bins * bin_size + rng.uniform(0.01, 0.99) * bin_size))
    sd = SpikeData(
        trains,
        length=10 * bin_size,
        start_time=0.0,
        neuron_attributes=[{"u": i} for i in range(len(trains))],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = sd.spike_shuffle(seed=seed, bin_size=bin_size)
    np.testing.assert_array_equal(out.raster(bin_size).sum(axis=1), sd.raster(bin_size).sum(axis=1))
    np.testing.assert_array_equal(out.raster(bin_size).sum(axis=0), sd.raster(bin_size).sum(axis=0))
    assert out.length == sd.length and out.neuron_attributes == sd.neuron_attributes
    centres = (
        (np.concatenate(out.train) / bin_size) % 1
        if sum(t.size for t in out.train)
        else np.zeros(0)
    )
    np.testing.assert_allclose(centres, 0.5)  # every spike at its bin's centre


def test_spike_shuffle_of_event_centred_data_and_a_partial_last_bin():
    sd = SpikeData([[-9.5, -4.2, 0.1], [-7.0, 1.9]], length=12, start_time=-10)
    with pytest.warns(RuntimeWarning, match="swaps"):  # unit 0 fills every bin: nothing can move
        out = sd.spike_shuffle(
            seed=0, bin_size=5
        )  # bins (-10,-5], (-5,0], (0,2]: the last is 2 ms long
    assert out.start_time == -10 and out.length == 12
    assert sorted(np.concatenate(out.train).tolist()) == [-7.5, -7.5, -2.5, 1.0, 1.0]


def test_spike_shuffle_binarises_with_a_warning():
    with pytest.warns(RuntimeWarning, match="share a 1.0 ms bin"):
        out = SpikeData([[1.3, 1.5], [3.5]], length=5).spike_shuffle(seed=1)
    assert sum(t.size for t in out.train) == 2


def test_shuffle_stack_is_reproducible_and_spans_the_recording():
    sd = SpikeData(
        [[1.5, 8.5, 12.5], [3.5, 4.5], [5.5, 6.5, 14.5]], length=16, neuron_attributes=[{}, {}, {}]
    )
    stack = sd.spike_shuffle_stack(4, seed=42)
    again = sd.spike_shuffle_stack(4, seed=42)
    assert isinstance(stack, SpikeSliceStack) and len(stack.spike_stack) == 4
    assert stack.times == [(0.0, 16.0)] * 4 and stack.neuron_attributes == [{}, {}, {}]
    assert all(
        trains_of(a) == trains_of(b)
        for a, b in zip(stack.spike_stack, again.spike_stack, strict=True)
    )
    with pytest.raises(AnalysisError, match="n_shuffles"):
        sd.spike_shuffle_stack(0)


# ------------------------------------------------------------------ random subsets
def test_subset_stack_draws_independent_sets_without_replacement():
    sd = SpikeData(
        [[float(u + 1)] for u in range(6)],
        length=10,
        neuron_attributes=[{"u": u} for u in range(6)],
    )
    stack = sd.subset_stack(50, 3, seed=1)
    assert stack.neuron_attributes is None and stack.times == [(0.0, 10.0)] * 50
    chosen = [[a["u"] for a in s.neuron_attributes] for s in stack.spike_stack]
    assert all(len(set(c)) == 3 and c == sorted(c) for c in chosen)
    assert all(
        trains_of(s) == [[u + 1.0] for u in c]
        for s, c in zip(stack.spike_stack, chosen, strict=True)
    )
    assert len({tuple(c) for c in chosen}) > 5  # draws are independent
    rng = np.random.default_rng(1)
    assert chosen[0] == sorted(rng.choice(6, 3, replace=False).tolist())  # 0.1.2's draw


@pytest.mark.parametrize("n, k", [(0, 2), (2, 7), (2, 0), (1.5, 2)])
def test_subset_stack_rejects_impossible_draws(n, k):
    with pytest.raises(AnalysisError):
        SpikeData([[1.0]] * 6, length=2).subset_stack(n, k)
