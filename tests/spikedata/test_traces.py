"""Spikes from raw traces (thresholding), waveform snippets, the spatial network figure and
the GPLVM stand-in."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.collections import LineCollection

from spikelab import SpikeData
from spikelab.errors import AnalysisError, UnitIndexError
from spikelab.spikedata.thresholding import butter_filter

FAST = settings(max_examples=40, deadline=None)


# ------------------------------------------------------------------ thresholding
def naive_crossings(trace, thr, direction, hysteresis):
    out, inside = [], False
    for k, x in enumerate(trace):
        above = {"both": abs(x) > thr, "up": x > thr, "down": x < -thr}[direction]
        if above and (not hysteresis or not inside):
            out.append(k)
        inside = above
    return out


@pytest.mark.filterwarnings("ignore:from_thresholding found no spike")
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from(["both", "up", "down"]),
    st.booleans(),
    st.floats(1.0, 3.0),
)
@FAST
def test_threshold_crossings_match_a_naive_scan(seed, direction, hysteresis, sigma):
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(2, 300))
    sd = SpikeData.from_thresholding(data, fs_Hz=1000.0, threshold_sigma=sigma, filter=False,
                                     hysteresis=hysteresis, direction=direction, start_time=-50.0)
    for row, train in zip(data, sd.train, strict=True):
        expected = [
            -50.0 + k + 0.5 for k in naive_crossings(row, sigma * row.std(), direction, hysteresis)
        ]
        np.testing.assert_allclose(train, expected)
    assert sd.length == 300 and sd.start_time == -50.0
    assert sd.raw_data is data and sd.raw_time[0] == -50.0 and sd.raw_time[1] == -49.0


def test_thresholding_reference_case():
    trace = np.zeros((1, 1000))
    trace[0, [100, 101, 600]] = [40, 30, -40]
    trace[0, ::7] += 1
    sd = SpikeData.from_thresholding(trace, fs_Hz=10000.0, filter=False)
    np.testing.assert_allclose(
        sd.train[0], [10.05, 60.05]
    )  # (sample + 0.5) / 10 kHz; 101 continues the run
    np.testing.assert_allclose(
        SpikeData.from_thresholding(trace, fs_Hz=10000.0, filter=False, direction="up").train[0],
        [10.05],
    )


@pytest.mark.filterwarnings("ignore:from_thresholding found no spike")
def test_default_filter_is_a_zero_phase_300_6000_hz_band_pass():
    from scipy import signal

    rng = np.random.default_rng(0)
    data = rng.normal(size=(2, 5000))
    filtered = SpikeData.from_thresholding(data, fs_Hz=20000.0).raw_data
    sos = signal.butter(3, [300, 6000], btype="bandpass", fs=20000.0, output="sos")
    np.testing.assert_allclose(filtered, signal.sosfiltfilt(sos, data, axis=-1))
    custom = SpikeData.from_thresholding(
        data, fs_Hz=20000.0, filter={"highcut": 1000, "order": 2}
    ).raw_data
    np.testing.assert_allclose(
        custom, signal.sosfiltfilt(signal.butter(2, 1000, fs=20000.0, output="sos"), data)
    )


@pytest.mark.parametrize("kwargs, match", [
    (dict(data=np.zeros(10)), "2-D"),
    (dict(direction="sideways"), "direction"),
    (dict(fs_Hz=10000.0), "12000 Hz"),
    (dict(filter={"lowcut": 5000, "highcut": 3000}), "below highcut"),
])
def test_thresholding_rejects_bad_arguments(kwargs, match):
    kwargs = {"data": np.random.default_rng(0).normal(size=(1, 500)), **kwargs}
    with pytest.raises(AnalysisError, match=match):
        SpikeData.from_thresholding(**kwargs)


def test_no_spike_warns():
    with pytest.warns(UserWarning, match="no spike"):
        sd = SpikeData.from_thresholding(np.zeros((1, 100)), fs_Hz=1000.0, filter=False)
    assert sd.N == 1 and sd.train[0].size == 0


def test_butter_filter_kinds():
    t = np.arange(4000) / 20000.0
    slow, fast = np.sin(2 * np.pi * 20 * t), np.sin(2 * np.pi * 2000 * t)
    inner = slice(500, -500)
    assert (
        np.abs(butter_filter(slow + fast, lowcut=300, fs=20000.0)[inner] - fast[inner]).max() < 0.02
    )
    assert (
        np.abs(butter_filter(slow + fast, highcut=300, fs=20000.0)[inner] - slow[inner]).max()
        < 0.02
    )
    with pytest.raises(AnalysisError, match="lowcut, highcut or both"):
        butter_filter(slow)


# ------------------------------------------------------------------ waveforms
@pytest.fixture
def recording():
    raw = np.arange(300, dtype=float).reshape(3, 100)  # 3 channels, 10 kHz, 10 ms
    return SpikeData([[0.05, 2.0, 5.0, 9.95], [3.0]], length=10, raw_data=raw, raw_time=10.0,
                     neuron_attributes=[{"channel": 1}, {"channel": 2}])


def test_snippets_are_cut_around_each_spike(recording):
    snippets, meta = recording.get_waveform_traces(0, ms_before=0.2, ms_after=0.3, store=False)
    # spikes at 2 and 5 ms are samples 20 and 50 of channel 1 (row values 100 + k); the
    # first and last spikes have no room for a whole snippet
    np.testing.assert_array_equal(
        snippets[0].T, [[118, 119, 120, 121, 122], [148, 149, 150, 151, 152]]
    )
    assert meta["channels"] == [[1]] and meta["unit_indices"] == [0]
    assert meta["spike_times_ms"][0].tolist() == [2.0, 5.0] and meta["fs_kHz"] == pytest.approx(
        10.0
    )
    np.testing.assert_array_equal(meta["avg_waveforms"][0], [[133, 134, 135, 136, 137]])


def test_snippet_channels_and_storage(recording):
    snippets, meta = recording.get_waveform_traces(
        None, ms_before=0.1, ms_after=0.1, channels=[0, 2], return_channel_waveforms=True
    )
    assert [s.shape for s in snippets] == [
        (2, 2, 3),
        (2, 2, 1),
    ]  # 0.05 ms is sample 1: room for 1 before
    np.testing.assert_array_equal(meta["channel_waveforms"][1][2][:, 0], [229, 230])
    assert recording.neuron_attributes[1]["avg_waveform"].shape == (2, 2)
    assert recording.neuron_attributes[1]["traces_meta"]["channels"] == [0, 2]
    plain = SpikeData([[2.0]], length=10, raw_data=np.arange(100.0)[None], raw_time=10.0)
    plain.get_waveform_traces(0, ms_before=0.1, ms_after=0.1)
    assert plain.neuron_attributes[0]["waveforms"].shape == (1, 2, 1)  # attributes created


def test_snippet_sample_of_a_spike_rounds_half_up_from_the_first_raw_sample():
    raw = np.arange(100, dtype=float)[None]
    for t, first in [(2.04, 18), (2.05, 19), (2.25, 21)]:
        sd = SpikeData([[t]], length=10, raw_data=raw, raw_time=10.0)
        assert (
            sd.get_waveform_traces(0, ms_before=0.2, ms_after=0.3, store=False)[0][0, 0, 0] == first
        )
    shifted = SpikeData([[3.0]], length=10, raw_data=raw, raw_time=np.arange(100) / 10 + 1.0)
    assert (
        shifted.get_waveform_traces(0, ms_before=0.2, ms_after=0.3, store=False)[0][0, 0, 0] == 18
    )


def test_units_without_a_usable_spike_have_nan_averages():
    sd = SpikeData([[0.01], []], length=10, raw_data=np.zeros((1, 100)), raw_time=10.0)
    snippets, meta = sd.get_waveform_traces(None, ms_before=0.2, ms_after=0.3, store=False)
    assert [s.shape for s in snippets] == [(1, 5, 0), (1, 5, 0)]
    assert np.isnan(meta["avg_waveforms"][0]).all()


@pytest.mark.parametrize("kwargs, error", [
    (dict(unit=5), UnitIndexError),
    (dict(unit=0, channels=[7]), AnalysisError),
])
def test_waveform_arguments_are_checked(recording, kwargs, error):
    with pytest.raises(error):
        recording.get_waveform_traces(store=False, **kwargs)
    with pytest.raises(AnalysisError, match="no raw_data"):
        SpikeData([[1.0]], length=5).get_waveform_traces(0)


# ------------------------------------------------------------------ spatial network
def test_spatial_network_draws_the_chosen_edges():
    from spikelab.plotting import plot_spatial_network
    from spikelab.plotting.spatial import network_edges

    rng = np.random.default_rng(0)
    m = rng.random((6, 6))
    m = (m + m.T) / 2
    m[0, 1] = m[1, 0] = np.nan
    rows, cols, values = network_edges(m, edge_threshold=0.5)
    naive = [
        (i, j) for i in range(6) for j in range(i + 1, 6) if np.isfinite(m[i, j]) and m[i, j] >= 0.5
    ]
    assert list(zip(rows.tolist(), cols.tolist(), strict=True)) == naive
    assert len(network_edges(m, top_pct=20)[0]) == 3  # 20 % of the 14 finite pairs
    fig = plot_spatial_network(rng.uniform(0, 1000, (6, 2)), m, edge_threshold=0.5)
    lines = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
    assert len(lines) == 1 and len(lines[0].get_segments()) == len(naive)
    with pytest.raises(ValueError, match="exactly one"):
        network_edges(m)


def test_spikedata_spatial_network_uses_unit_positions():
    from matplotlib.figure import Figure

    sd = SpikeData(
        [[1.0]] * 3,
        length=5,
        neuron_attributes=[{"x": 0, "y": 0}, {"x": 100, "y": 0}, {"x": 0, "y": 50}],
    )
    ax = Figure().add_subplot()
    scatter = sd.plot_spatial_network(ax, np.ones((3, 3)), top_pct=100)
    np.testing.assert_array_equal(scatter.get_offsets(), [[0, 0], [100, 0], [0, 50]])
    with pytest.raises(ValueError, match="positions"):
        SpikeData([[1.0]], length=5).plot_spatial_network(ax, np.ones((1, 1)), top_pct=10)


def test_fit_gplvm_says_why_it_is_unavailable():
    with pytest.raises(ImportError, match="not published on PyPI"):
        SpikeData([[1.0]], length=5).fit_gplvm()
