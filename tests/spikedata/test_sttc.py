"""Spike time tiling coefficient: reference values, a naive definition, invariants, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spikelab import PairwiseCompMatrix, SpikeData
from spikelab.errors import AnalysisError
from spikelab.spikedata._sttc_kernels import coincidence_counts
from spikelab.spikedata.sttc import sttc_matrix_of

FAST = settings(max_examples=60, deadline=None)


def naive_sttc(a, b, delt, start, length):
    """Cutts & Eglen 2014 straight from the formula (inclusive <= delt, as spikelab 0.1.2)."""
    a = [x - start for x in a]
    b = [x - start for x in b]
    if not a or not b:
        return 0.0

    def tiled(train):
        spans = sorted((max(x - delt, 0.0), min(x + delt, length)) for x in train)
        covered, (lo, hi) = 0.0, spans[0]
        for s, e in spans[1:]:
            if s > hi:
                covered, lo, hi = covered + hi - lo, s, e
            else:
                hi = max(hi, e)
        return (covered + hi - lo) / length

    def prop(x, y):
        return sum(min(abs(p - q) for q in y) <= delt for p in x) / len(x)

    def half(p, t):
        return 0.0 if 1 - p * t == 0 else (p - t) / (1 - p * t)

    return 0.5 * (half(prop(a, b), tiled(b)) + half(prop(b, a), tiled(a)))


# ------------------------------------------------------------------ reference values (spec)
@pytest.mark.parametrize("delt, expected", [(0.4, -0.8), (0.25, -0.5), (0.5, 0.0)])
def test_interleaved_trains(delt, expected):
    a = np.arange(10_000.0)
    sd = SpikeData([a, a + 0.5])  # length inferred: 9999.5
    assert sd.spike_time_tiling(0, 1, delt) == pytest.approx(expected, abs=1e-9)
    assert sd.spike_time_tilings(delt).matrix[0, 1] == pytest.approx(expected, abs=1e-9)


def test_three_unit_reference_matrix():
    sd = SpikeData([[10, 20, 30, 40], [11, 21, 35, 60], [5, 50, 90]], length=100)
    m = sd.spike_time_tilings(5)
    np.testing.assert_allclose(
        m.extract_lower_triangle(), [0.75, -0.065488565489, -0.35], atol=1e-9
    )


@pytest.mark.parametrize("trains, delt, expected", [
    ([[50], [55]], 20, 1.0),
    ([[10], [90]], 5, -0.1),
])
def test_single_spike_pairs(trains, delt, expected):
    assert SpikeData(trains, length=100).spike_time_tiling(0, 1, delt) == pytest.approx(
        expected, abs=1e-12
    )


def test_negative_start_time():
    sd = SpikeData([[-10, 0, 10], [-8, 2, 30]], start_time=-20, length=60)
    assert sd.spike_time_tiling(0, 1, 5) == pytest.approx(0.25, abs=1e-12)


def test_elephant_doctest_pair():
    # elephant.spike_train_correlation.spike_time_tiling_coefficient's docstring example,
    # its trains read as ms over a 50 ms recording with dt = 5 ms
    a = [1.3, 7.56, 15.87, 28.23, 30.9, 34.2, 38.2, 43.2]
    b = [1.02, 2.71, 18.82, 28.46, 28.79, 43.6]
    sd = SpikeData([a, b], length=50)
    assert sd.spike_time_tiling(0, 1, 5) == pytest.approx(0.4958601655933762, abs=1e-12)
    assert naive_sttc(a, b, 5, 0, 50) == pytest.approx(0.4958601655933762, abs=1e-12)


# ------------------------------------------------------------------ against the naive definition
trains_strategy = st.lists(st.lists(st.floats(0, 1000), max_size=25), min_size=2, max_size=6)


@FAST
@given(trains_strategy, st.sampled_from([0.5, 5.0, 20.0, 200.0, 5000.0]),
       st.sampled_from([0.0, -37.5, 1e4]), st.sampled_from(["sweep", "merge", "auto"]))
def test_matrix_equals_the_naive_formula(trains, delt, start, method):
    sd = SpikeData([np.asarray(t) + start for t in trains], length=1000.0, start_time=start)
    m = sttc_matrix_of(sd.train, sd.start_time, sd.length, delt, method)
    for i in range(sd.N):
        for j in range(sd.N):
            expected = 1.0 if i == j else naive_sttc(sd.train[i], sd.train[j], delt, start, 1000.0)
            assert m[i, j] == pytest.approx(expected, abs=1e-9)


@FAST
@given(st.lists(st.integers(0, 200), max_size=20), st.lists(st.integers(0, 200), max_size=20),
       st.sampled_from([1.0, 2.0, 5.0]))
def test_pair_equals_the_naive_formula_with_ties_at_delt(a, b, delt):
    # integer times put many spike pairs exactly delt apart: inclusive <= matters
    sd = SpikeData([a, b], length=200.0)
    expected = naive_sttc(sd.train[0], sd.train[1], delt, 0.0, 200.0)
    assert sd.spike_time_tiling(0, 1, delt) == pytest.approx(expected, abs=1e-9)
    assert sd.spike_time_tilings(delt).matrix[0, 1] == pytest.approx(expected, abs=1e-9)


# ------------------------------------------------------------------ invariants
@FAST
@given(trains_strategy, st.sampled_from([1.0, 20.0, 100.0]), st.integers(-10_000, 10_000))
def test_symmetric_unit_diagonal_bounded_and_shift_invariant(trains, delt, shift):
    # times on a 1/64 ms grid stay exact under integer shifts, so coincidences cannot flip
    base = SpikeData([np.round(np.asarray(t) * 64) / 64 for t in trains], length=1000.0)
    m = base.spike_time_tilings(delt).matrix
    assert np.array_equal(m, m.T) and np.all(np.diag(m) == 1.0)
    assert np.all((m >= -1 - 1e-12) & (m <= 1 + 1e-12))
    moved = SpikeData([t + shift for t in base.train], length=1000.0, start_time=float(shift))
    np.testing.assert_allclose(moved.spike_time_tilings(delt).matrix, m, atol=1e-9)


def test_result_is_a_pairwise_matrix_with_delt_metadata(small_sd):
    m = small_sd.spike_time_tilings(7.5)
    assert isinstance(m, PairwiseCompMatrix)
    assert m.metadata == {"delt": 7.5} and m.shape == (small_sd.N, small_sd.N)


def test_sweep_and_merge_agree_on_a_bursting_recording():
    rng = np.random.default_rng(5)
    centres = np.arange(500, 20_000, 1500.0)
    trains = [np.sort(np.r_[rng.uniform(0, 20_000, 100), centres + rng.normal(0, 30, centres.size)])
              for _ in range(40)]
    trains = [np.clip(t, 0, 20_000) for t in trains]
    sweep = sttc_matrix_of(trains, 0.0, 20_000.0, 20.0, "sweep")
    merge = sttc_matrix_of(trains, 0.0, 20_000.0, 20.0, "merge")
    np.testing.assert_allclose(sweep, merge, atol=1e-12)


@pytest.mark.parametrize("n_chunks", [1, 2, 3, 7, 64])
def test_sweep_counts_do_not_depend_on_how_spikes_are_split_among_threads(n_chunks):
    rng = np.random.default_rng(11)
    trains = [np.sort(np.round(rng.uniform(0, 500, rng.integers(0, 40)))) for _ in range(6)]
    flat = np.concatenate(trains)
    order = np.argsort(flat, kind="stable")
    units = np.repeat(np.arange(6, dtype=np.int32), [t.size for t in trains])[order]
    counts = coincidence_counts(flat[order], units, 6, 5.0, n_chunks).sum(axis=0)
    naive = [
        [sum(any(abs(a - b) <= 5.0 for b in tj) for a in ti) for tj in trains] for ti in trains
    ]
    assert counts.tolist() == naive


# ------------------------------------------------------------------ undefined cases
def test_empty_units_score_zero_and_keep_a_unit_diagonal():
    sd = SpikeData([[10.0, 20.0], []], length=100)
    assert sd.spike_time_tiling(0, 1) == 0.0 and sd.spike_time_tiling(1, 1) == 0.0
    assert sd.spike_time_tilings().matrix.tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_fully_tiled_trains_count_the_zero_over_zero_half_as_zero():
    # T_B = 1 and P_A = 1: that half is 0/0 and counts 0 (0.1.2 gets 1 or 0 by rounding)
    sd = SpikeData([[50.0], [10.0, 90.0]], length=100)
    assert sd.spike_time_tiling(0, 1, 45) == pytest.approx(0.5)
    assert sd.spike_time_tiling(0, 1, 60) == 0.0


def test_zero_length_recording_is_undefined():
    m = SpikeData([[0.0], [0.0], []], length=0).spike_time_tilings(5).matrix
    assert np.isnan(m[0, 1]) and m[0, 2] == 0.0 and np.all(np.diag(m) == 1.0)


@pytest.mark.parametrize("delt", [0, -1.0, np.nan])
def test_non_positive_delt_is_rejected(small_sd, delt):
    with pytest.raises(AnalysisError, match="delt"):
        small_sd.spike_time_tilings(delt)
    with pytest.raises(AnalysisError, match="delt"):
        small_sd.spike_time_tiling(0, 1, delt)


def test_unknown_method_is_rejected(small_sd):
    with pytest.raises(AnalysisError, match="'sweep', 'merge'"):
        sttc_matrix_of(small_sd.train, 0.0, small_sd.length, 5.0, "fft")
