"""spikelab.plotting: each figure draws the numbers it is given, labelled, and says so when
there is nothing to draw. Expected values are computed naively in the tests."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import EventCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from spikelab import PairwiseCompMatrix, RateSliceStack, SpikeData
from spikelab.plotting import (
    condition_colors,
    plot_aligned_rate,
    plot_burst_corr_distribution,
    plot_distributions,
    plot_raster,
    plot_sttc,
    plot_sttc_distribution,
    plot_summary,
)



def poisson_spikedata(n_units: int = 5, length_ms: float = 1000.0, rate_hz: float = 5.0,
                      seed: int = 0) -> SpikeData:
    rng = np.random.default_rng(seed)
    trains = [np.sort(rng.uniform(0, length_ms, rng.poisson(rate_hz * length_ms / 1000)))
              for _ in range(n_units)]
    return SpikeData(trains, length=length_ms)


def texts(fig: Figure) -> str:
    """Every piece of text in the figure (titles, labels, annotations, ticks)."""
    return " | ".join(t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text")))


def sttc_like(n: int, seed: int = 0, nan_unit: int | None = None) -> PairwiseCompMatrix:
    rng = np.random.default_rng(seed)
    a = rng.uniform(-0.5, 0.9, (n, n))
    a = (a + a.T) / 2
    np.fill_diagonal(a, 1.0)
    if nan_unit is not None:
        a[nan_unit, :] = a[:, nan_unit] = np.nan
    return PairwiseCompMatrix(a, metadata={"delt": 20.0})


# --------------------------------------------------------------------------- raster
def test_raster_draws_every_spike_in_seconds_and_shades_each_burst():
    sd = poisson_spikedata(n_units=4, length_ms=2000.0, rate_hz=10.0, seed=3)
    edges = np.array([[100.0, 300.0], [1200.0, 1250.0]])
    ax = plot_raster(sd, edges).axes[0]
    events = [c for c in ax.collections if isinstance(c, EventCollection)]
    assert len(events) == sd.N
    for unit, coll in enumerate(events):
        np.testing.assert_allclose(np.sort(coll.get_positions()), sd.train[unit] / 1000.0)
        assert coll.get_lineoffset() == unit
    extents = sorted((p.get_x(), p.get_x() + p.get_width()) for p in ax.patches)
    np.testing.assert_allclose(extents, edges / 1000.0)
    assert ax.get_xlim() == (0.0, 2.0)
    assert ax.get_xlabel() == "time (s)" and ax.get_ylabel() == "unit"
    assert "n = 2" in texts(ax.figure)


@pytest.mark.parametrize("sd, edges, message", [
    (SpikeData([[], []], length=1000.0), None, "no spikes in this recording (2 units)"),
    (poisson_spikedata(3, seed=1), np.zeros((0, 2)), "no bursts detected"),
])
def test_raster_says_what_is_missing(sd, edges, message):
    assert message in texts(plot_raster(sd, edges))


# --------------------------------------------------------------------------- aligned rate
def naive_population_mean(stack: np.ndarray) -> np.ndarray:
    units, samples, slices = stack.shape
    out = np.zeros(samples)
    for t in range(samples):
        out[t] = sum(stack[u, t, s] for u in range(units) for s in range(slices)) / (units * slices)
    return out


def test_aligned_rate_thick_line_is_mean_over_units_and_bursts():
    rng = np.random.default_rng(0)
    stack = rng.gamma(2.0, 5.0, size=(6, 75, 4))  # 6 units, 75 samples of 10 ms, 4 bursts
    rss = RateSliceStack(event_matrix=stack, step_size=10.0)
    ax = plot_aligned_rate(rss, pre_ms=250.0, color="red").axes[0]
    mean_line = next(ln for ln in ax.lines if ln.get_label() == "mean of 4 bursts")
    np.testing.assert_allclose(mean_line.get_xdata(), np.arange(75) * 10.0 - 250.0)
    np.testing.assert_allclose(mean_line.get_ydata(), naive_population_mean(stack))
    thin = [ln for ln in ax.lines if ln.get_color() == "0.55" and len(ln.get_xdata())]
    assert len(thin) == 4
    np.testing.assert_allclose(thin[2].get_ydata(), stack[:, :, 2].mean(axis=0))
    assert "(ms)" in ax.get_xlabel() and "(Hz" in ax.get_ylabel()


def test_aligned_rate_without_bursts_says_so():
    rss = RateSliceStack.empty(5, 750, step_size=1.0)
    assert "no burst fits a whole window" in texts(plot_aligned_rate(rss, 250.0))


# --------------------------------------------------------------------------- sttc heatmap
def test_sttc_heatmap_shows_the_matrix_on_a_fixed_scale_with_labelled_colorbar():
    m = sttc_like(7, nan_unit=2)
    fig = plot_sttc(m)
    image = next(o for o in fig.findobj(AxesImage))
    np.testing.assert_array_equal(np.ma.filled(image.get_array(), np.nan), m.matrix)
    assert image.get_clim() == (-1.0, 1.0)
    colorbar_ax = fig.axes[1]
    assert "STTC (Δt = 20 ms)" in colorbar_ax.get_ylabel()


@pytest.mark.parametrize("matrix, message", [
    (np.zeros((0, 0)), "no units"),
    (np.full((3, 3), np.nan), "STTC undefined for every pair"),
])
def test_sttc_heatmap_empty_cases(matrix, message):
    assert message in texts(plot_sttc(matrix))


# --------------------------------------------------------------------------- distributions
def test_distributions_one_violin_per_condition_with_counts_and_colours():
    values = {"D0": [0.1, 0.2, 0.4, np.nan], "D3": [0.3, 0.5, 0.6], "D10": [np.nan],
              "D30": [0.2, 0.2]}
    ax = plot_distributions(values, ylabel="STTC", title="t").axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["D0\nn = 3", "D3\nn = 3", "D10\nn = 0", "D30\nn = 2"]
    bodies = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bodies) == 2  # D10 has no value, D30 no spread: drawn as points
    colours = condition_colors(list(values))
    np.testing.assert_allclose(bodies[1].get_facecolor()[0][:3], colours["D3"][:3])
    assert "no values" in texts(ax.figure)
    points = [ln for ln in ax.lines if ln.get_marker() == "o" and ln.get_color() != "white"]
    np.testing.assert_allclose(points[-1].get_ydata(), [0.2, 0.2])
    medians = [ln.get_ydata()[0] for ln in ax.lines if ln.get_color() == "white"]
    np.testing.assert_allclose(medians, [0.2, 0.5])


def test_sttc_distribution_uses_each_pair_once():
    mats = {"A": sttc_like(6, seed=1), "B": sttc_like(5, seed=2, nan_unit=0)}
    ax = plot_sttc_distribution(mats).axes[0]
    # 6 units: 15 pairs; 5 units with one undefined unit: 4 * 3 / 2 = 6 valid pairs
    assert [t.get_text() for t in ax.get_xticklabels()] == ["A\nn = 15", "B\nn = 6"]
    assert ax.get_ylabel() == "STTC (Δt = 20 ms)"
    medians = [ln.get_ydata()[0] for ln in ax.lines if ln.get_color() == "white"]
    a = mats["A"].matrix
    expected = np.median([a[i, j] for i in range(6) for j in range(i)])
    assert medians[0] == pytest.approx(expected)


def test_burst_corr_distribution_labels_and_empty_condition():
    fig = plot_burst_corr_distribution({"D0": np.array([0.1, 0.3, 0.2]), "D50": np.array([])})
    ax = fig.axes[0]
    assert "correlation" in ax.get_ylabel() and ax.get_xlabel() == "condition"
    assert "no values" in texts(fig)


# --------------------------------------------------------------------------- summary
def test_summary_bars_match_values_and_mark_missing():
    summary = {"conditions": np.array(["D0", "D3", "D10"]),
               "burst_rate_hz": np.array([0.3, 0.2, 0.0]),
               "mean_sttc": np.array([0.12, np.nan, 0.05]),
               "n_units": np.array([16, 16, 16])}
    fig = plot_summary(summary)
    assert len(fig.axes) == 2  # only the metrics that were computed
    rate_ax, sttc_ax = fig.axes
    np.testing.assert_allclose([b.get_height() for b in rate_ax.patches], [0.3, 0.2, 0.0])
    assert rate_ax.get_ylabel() == "burst rate (Hz)"
    assert [t.get_text() for t in sttc_ax.get_xticklabels()] == ["D0", "D3", "D10"]
    bar_labels = [t.get_text() for t in sttc_ax.texts]
    assert bar_labels == ["0.12", "n/a", "0.05"]
    colours = [b.get_facecolor()[:3] for b in rate_ax.patches]
    assert len({tuple(c) for c in colours}) == 3


def test_summary_without_metrics_says_so():
    fig = plot_summary({"conditions": np.array(["D0"])})
    assert "no summary metric computed" in texts(fig)


# --------------------------------------------------------------------------- rendering
@pytest.mark.parametrize("make", [
    lambda: plot_raster(poisson_spikedata(3), np.array([[10.0, 50.0]])),
    lambda: plot_aligned_rate(RateSliceStack(event_matrix=np.ones((2, 10, 3))), 5.0),
    lambda: plot_sttc(sttc_like(4)),
    lambda: plot_sttc_distribution({"A": sttc_like(4), "B": sttc_like(5, 1)}),
    lambda: plot_summary({"conditions": np.array(["A"]), "burst_rate_hz": np.array([0.1])}),
], ids=["raster", "aligned_rate", "sttc", "sttc_distribution", "summary"])
def test_every_figure_renders_to_png_with_labelled_axes(make, tmp_path):
    fig = make()
    path = tmp_path / "fig.png"
    fig.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for ax in fig.axes:
        assert ax.get_xlabel() or ax.get_ylabel(), f"unlabelled axes in {make}"


def test_figures_draw_into_a_given_axes():
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_sttc(sttc_like(3), ax=ax) is fig
    assert fig.axes[0] is ax


def test_a_missing_item_is_not_taken_for_an_empty_condition():
    with pytest.raises(TypeError, match="missing workspace item"):
        plot_burst_corr_distribution({"D0": np.array([0.1, 0.2]), "D3": None})
