"""Evoked responses: baseline-normalised rasters, responsive units, response regression."""

import numpy as np
import pytest
from scipy import stats

from spikelab import SpikeData, SpikeSliceStack


@pytest.fixture
def sss():
    # unit 0: spikes at -9 -7 -5 -4 0.5 1 around event 10 and -5 -4 around event 50
    sd = SpikeData(
        [[1, 3, 5, 6, 10.5, 11, 45, 46, 90], [1, 2, 3, 44, 47, 95], [8, 9, 52, 53, 54]], length=100
    )
    return SpikeSliceStack(sd, time_peaks=[10, 50], time_bounds=(10, 10))


def test_baseline_normalised_raster_hand_values(sss):
    # raster (5 ms bins, (-10,-5], (-5,0], (0,5], (5,10]): unit 0 slice 0 = [3, 1, 2, 0];
    # baseline [-10, -5): 2 spikes in 5 ms -> expected 2 per bin
    sub = sss.baseline_normalized_raster(5, (-10, -5))
    np.testing.assert_array_equal(sub[0, :, 0], [1, -1, 0, -2])
    np.testing.assert_array_equal(sub[1, :, 0], [0, -3, -3, -3])  # 3 baseline spikes
    ratio = sss.baseline_normalized_raster(5, (-10, -5), mode="ratio")
    np.testing.assert_array_equal(ratio[0, :, 0], [1.5, 0.5, 1, 0])
    assert np.isnan(ratio[2]).all()  # no baseline spike: undefined
    z = sss.baseline_normalized_raster(5, (-10, -5), mode="zscore")
    np.testing.assert_allclose(z[0, :, 0], np.array([1, -1, 0, -2]) / np.sqrt(2))
    frac = sss.baseline_normalized_raster(5, (-10, -3))  # 4 spikes in 7 ms -> 20/7 per bin
    assert frac[0, 0, 0] == pytest.approx(3 - 20 / 7)


@pytest.mark.parametrize(
    "window, match",
    [((-20, -5), "outside slice 0"), ((-5, -10), "end > start"), ((-5, -5), "end > start")],
)
def test_baseline_window_errors(sss, window, match):
    with pytest.raises(ValueError, match=match):
        sss.baseline_normalized_raster(5, window)
    with pytest.raises(ValueError, match="mode"):
        sss.baseline_normalized_raster(5, (-10, -5), mode="x")


@pytest.fixture
def evoked():
    # unit 0: 1 baseline spike per slice, 10 spikes in (5, 10] after each event; unit 1: a
    # burst in (0, 5] after the first event only
    tr0 = [1, *np.linspace(16.5, 19.5, 10), 41, *np.linspace(56.5, 59.5, 10)]
    tr1 = [1, *np.linspace(11.5, 14.5, 10)]
    return SpikeSliceStack(
        SpikeData([tr0, tr1], length=100), time_peaks=[10, 50], time_bounds=(10, 10)
    )


@pytest.mark.parametrize(
    "window, expected",
    [
        (None, [True, True]),
        ((5, 10), [True, False]),
        ((0, 5), [False, True]),
        ((0, 5.5), [True, True]),
        ((4, 6), [True, True]),
        ((-1, 0.5), [False, True]),
        ((9.9, 10), [True, False]),
    ],
)
def test_response_windows_select_the_bins_they_overlap(evoked, window, expected):
    assert evoked.responsive_units(5, (-10, -5), response_window_ms=window).tolist() == expected


def test_responsive_units_aggregate_over_slices(evoked):
    # unit 1 has no baseline spike in slice 1 (NaN there): the mean ignores it
    assert evoked.responsive_units(5, (-10, -5), z_threshold=8.9).tolist() == [True, True]
    assert evoked.responsive_units(5, (-10, -5), z_threshold=9.0).tolist() == [False, False]
    with pytest.raises(ValueError, match="covers no bin"):
        evoked.responsive_units(5, (-10, -5), response_window_ms=(10, 20))
    with pytest.raises(ValueError, match="aggregator"):
        evoked.responsive_units(5, (-10, -5), aggregator="median")


def test_responsiveness_per_group_and_change(evoked):
    per = evoked.responsive_units_per_group(["early", "late"], 5, (-10, -5))
    assert per["groups"].tolist() == ["early", "late"]
    np.testing.assert_array_equal(per["mask"], [[True, True], [True, False]])
    np.testing.assert_array_equal(per["responsive_count"], [2, 1])
    change = evoked.responsiveness_change([0, 1], [0], [1], 5, (-10, -5))
    assert change["lost"].tolist() == [False, True] and change["preserved"].tolist() == [
        True,
        False,
    ]
    assert (change["gained_count"], change["lost_count"], change["preserved_count"]) == (0, 1, 1)
    with pytest.raises(ValueError, match="early_groups"):
        evoked.responsiveness_change([0, 1], [7], [1], 5, (-10, -5))


def test_response_regression_matches_scipy_linregress():
    rng = np.random.default_rng(2)
    peaks = np.arange(100, 2000, 100.0)
    trains = [
        np.sort(
            np.concatenate(
                [rng.uniform(0, 2000, 60)]
                + [p + rng.uniform(0, 20, k // 3 + u) for k, p in enumerate(peaks)]
            )
        )
        for u in range(4)
    ]
    stack = SpikeSliceStack(SpikeData(trains, length=2000), time_peaks=peaks, time_bounds=(50, 50))
    x = np.sqrt(np.arange(len(peaks)))
    fit = stack.per_unit_response_regression(5, (0, 20), x_values=x, baseline_window_ms=(-50, -10))
    for u in range(4):
        ref = stats.linregress(x, fit["amplitudes"][u])
        got = [fit[k][u] for k in ("slope", "intercept", "p_value", "stderr")]
        np.testing.assert_allclose(
            got, [ref.slope, ref.intercept, ref.pvalue, ref.stderr], rtol=1e-9
        )
        assert fit["r_squared"][u] == pytest.approx(ref.rvalue**2, rel=1e-9)
    raw = stack.per_unit_response_regression(5, (0, 20))["amplitudes"]
    np.testing.assert_array_equal(raw, stack.to_raster_array(5)[:, 10:14].sum(axis=1))
    assert np.isnan(
        stack.per_unit_response_regression(5, (0, 20), min_valid_slices=50)["slope"]
    ).all()


def test_constant_response_regresses_flat():
    sd = SpikeData([[12.0, 112.0, 212.0]], length=300)
    stack = SpikeSliceStack(sd, time_peaks=[10, 110, 210], time_bounds=(10, 10))
    fit = stack.per_unit_response_regression(5, (0, 10))
    assert (fit["slope"][0], fit["r_squared"][0], fit["p_value"][0]) == (0.0, 0.0, 1.0)
