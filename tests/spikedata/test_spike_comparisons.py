"""Spike-based comparisons of SpikeSliceStack: STTC and CCG over unit pairs and slice pairs."""

import numpy as np
import pytest

from spikelab import SpikeData, SpikeSliceStack
from spikelab.errors import AnalysisError
from spikelab.spikedata.correlation import compute_cross_correlation_with_lag as kernel


@pytest.fixture
def stack():
    rng = np.random.default_rng(7)
    trains = [np.sort(rng.uniform(0, 3000, n)) for n in (60, 45, 30, 0)]
    with pytest.warns(UserWarning):
        return SpikeData(trains, length=3000).align_to_events(
            [400, 900.5, 1300, 2100, 2990], 200, 300
        )


def test_unit_to_unit_sttc_equals_the_sttc_of_each_slice(stack):
    corr, lag, av, av_lag = stack.unit_to_unit_comparison(metric="sttc", delt=10)
    assert lag is None and av_lag is None and corr.shape == (4, 4, 4)
    for s, sl in enumerate(stack.spike_stack):
        np.testing.assert_allclose(
            corr.stack[:, :, s], sl.spike_time_tilings(10).matrix, atol=1e-12
        )
    rows, cols = np.tril_indices(4, -1)
    assert av[1] == pytest.approx(np.mean(corr.stack[rows, cols, 1]))


def test_unit_to_unit_ccg_is_the_kernel_on_count_rasters(stack):
    corr, lag, av, av_lag = stack.unit_to_unit_comparison(metric="ccg", bin_size=5.0, max_lag=12.5)
    rasters = stack.to_raster_array(5.0).astype(float)
    for i in range(3):
        for j in range(i, 3):
            value, best = kernel(rasters[i, :, 2], rasters[j, :, 2], round(12.5 / 5.0))  # 2 bins
            assert corr.stack[i, j, 2] == pytest.approx(value, abs=1e-12)
            assert lag.stack[i, j, 2] == best and lag.stack[j, i, 2] == -best
    assert np.isnan(corr.stack[3, 3, 0]) and corr.stack[0, 3, 0] == 0.0  # silent unit
    assert av.shape == av_lag.shape == (4,)


def test_slice_to_slice_sttc_masks_slices_with_too_few_spikes(stack):
    corr, lag, av, av_lag = stack.get_slice_to_slice_unit_comparison(
        metric="sttc", delt=20, min_spikes=3
    )
    assert lag is None and corr.shape == (4, 4, 4)
    counts = np.array([[t.size for t in s.train] for s in stack.spike_stack])
    for u in range(3):
        valid = counts[:, u] >= 3
        both = valid[:, None] & valid[None, :]
        assert np.array_equal(np.isnan(corr.stack[:, :, u]), ~both)
        trains = [s.train[u] for s in stack.spike_stack]
        expected = SpikeData(trains, length=500, start_time=-200).spike_time_tilings(20).matrix
        np.testing.assert_allclose(corr.stack[:, :, u][both], expected[both], atol=1e-12)
    assert np.isnan(corr.stack[:, :, 3]).all() and np.isnan(av[3])


def test_slice_to_slice_ccg_returns_lags_and_their_average(stack):
    corr, lag, av, av_lag = stack.get_slice_to_slice_unit_comparison(
        metric="ccg", max_lag=5, min_spikes=1
    )
    rasters = stack.to_raster_array(1.0).astype(float)
    value, best = kernel(rasters[0, :, 0], rasters[0, :, 3], 5)
    assert corr.stack[0, 3, 0] == pytest.approx(value, abs=1e-12) and lag.stack[0, 3, 0] == best
    rows, cols = np.tril_indices(4, -1)
    assert av_lag[0] == pytest.approx(np.nanmean(lag.stack[rows, cols, 0]))


def test_one_slice_warns_and_is_nan():
    sd = SpikeData([[10.0, 20.0]], length=100)
    one = SpikeSliceStack(sd, times_start_to_end=[(0, 50)])
    with pytest.warns(RuntimeWarning, match="fewer than 2 slices"):
        corr, lag, av, av_lag = one.get_slice_to_slice_unit_comparison(metric="sttc")
    assert np.isnan(corr.stack).all() and lag is None and np.isnan(av).all()


@pytest.mark.parametrize("call, match", [
    (lambda s: s.unit_to_unit_comparison(metric="pearson"), "'ccg', 'sttc'"),
    (lambda s: s.get_slice_to_slice_unit_comparison(metric="sttc", delt=0), "delt"),
])
def test_bad_comparison_arguments(stack, call, match):
    with pytest.raises(AnalysisError, match=match):
        call(stack)


def test_slice_to_slice_sttc_needs_slices_of_one_length():
    sd = SpikeData([[1.0, 2.0, 30.0, 31.0]], length=100)
    uneven = SpikeSliceStack(
        spike_stack=[sd.subtime(0, 10), sd.subtime(25, 40)]
    )  # windows must match
    with pytest.raises(AnalysisError, match="one length"):
        uneven.get_slice_to_slice_unit_comparison(metric="sttc", min_spikes=1)
