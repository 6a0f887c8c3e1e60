"""Figures across conditions: distributions of per-pair / per-unit values, and the summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..spikedata import PairwiseCompMatrix
from ._axes import condition_colors, finite, new_axes, show_empty

__all__ = ["plot_distributions", "plot_sttc_distribution", "plot_burst_corr_distribution",
           "plot_summary", "SUMMARY_METRICS"]

#: The summary metrics :func:`~spikelab.plotting.plot_summary` draws, each key of the summary
#: dict with its axis label.
SUMMARY_METRICS: dict[str, str] = {
    "burst_rate_hz": "burst rate (Hz)",
    "mean_sttc": "mean STTC (unit pairs)",
    "mean_burst_corr": "mean burst-to-burst correlation (units)",
}


def plot_distributions(values: Mapping[str, np.ndarray], *, ylabel: str, title: str,
                       ax: Axes | None = None) -> Figure:
    """One violin per condition (median marked, ``n`` under the name); NaNs are left out.

    A condition with no finite value says so at its place on the x axis; one with a single
    distinct value (no spread to draw a violin from) is drawn as points.

    Parameters
    ----------
    values : mapping
        Condition name -> values (any shape, flattened), in the order to plot.
    ylabel, title : str
        Axis label (with units) and title.
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    ax = new_axes(ax, (1.6 * max(len(values), 3) + 1.5, 4.5))
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if not values:
        show_empty(ax, "no conditions")
        return ax.figure
    colors = condition_colors(list(values))
    labels = []
    for pos, (name, raw) in enumerate(values.items()):
        vals = finite(raw)
        labels.append(f"{name}\nn = {vals.size}")
        _draw_one(ax, pos, vals, colors[name])
    ax.set_xticks(range(len(labels)), labels)
    ax.set_xlim(-0.6, len(labels) - 0.4)
    ax.set_xlabel("condition")
    ax.axhline(0.0, color="0.6", lw=0.6, zorder=0)
    return ax.figure


def _draw_one(ax: Axes, pos: int, vals: np.ndarray, color: Any) -> None:
    if vals.size == 0:
        ax.text(pos, 0.5, "no values", transform=ax.get_xaxis_transform(), ha="center",
                va="center", rotation=90, color="0.3")
        return
    if np.unique(vals).size < 2:  # a KDE needs spread; draw the points themselves
        ax.plot(np.full(vals.size, pos), vals, "o", color=color)
        return
    parts = ax.violinplot(vals, positions=[pos], widths=0.8, showextrema=False)
    for body in parts["bodies"]:
        body.set_facecolor(color)
        body.set_edgecolor("black")
        body.set_alpha(0.7)
    q1, median, q3 = np.percentile(vals, [25, 50, 75])
    ax.vlines(pos, q1, q3, color="black", lw=4)
    ax.plot(pos, median, "o", color="white", markeredgecolor="black", zorder=3)


def plot_sttc_distribution(sttc: Mapping[str, PairwiseCompMatrix | np.ndarray], *,
                           ax: Axes | None = None) -> Figure:
    """Distribution of STTC over unit pairs (strict lower triangle), one violin per condition."""
    values = {name: _lower_triangle(m) for name, m in sttc.items()}
    delts = {m.metadata.get("delt") for m in sttc.values() if isinstance(m, PairwiseCompMatrix)}
    window = f" (Δt = {float(delts.pop()):g} ms)" if len(delts) == 1 and None not in delts else ""
    return plot_distributions(values, ylabel=f"STTC{window}",
                              title="STTC of unit pairs per condition", ax=ax)


def _lower_triangle(matrix: PairwiseCompMatrix | np.ndarray) -> np.ndarray:
    m = matrix if isinstance(matrix, PairwiseCompMatrix) else PairwiseCompMatrix(matrix)
    return m.extract_lower_triangle()


def plot_burst_corr_distribution(unit_avg: Mapping[str, np.ndarray], *,
                                 ax: Axes | None = None) -> Figure:
    """Distribution over units of the mean burst-to-burst (slice-to-slice) rate correlation."""
    return plot_distributions(
        unit_avg, ylabel="burst-to-burst correlation (mean per unit)",
        title="Burst-to-burst rate correlation of units per condition", ax=ax,
    )


def plot_summary(summary: Mapping[str, Any]) -> Figure:
    """Bar chart per metric of the cross-condition summary (burst rate, mean STTC, ...).

    Parameters
    ----------
    summary : mapping
        The ``all/summary`` item: ``conditions`` (str array) and, per metric in
        :data:`~spikelab.plotting.conditions.SUMMARY_METRICS` that was computed, an array
        aligned with it. NaN (e.g. no valid pair) is drawn as "n/a".

    Returns
    -------
    Figure
    """
    conditions = [str(c) for c in np.asarray(summary.get("conditions", []))]
    metrics = [key for key in SUMMARY_METRICS if key in summary]
    fig = Figure(figsize=(4.0 * max(len(metrics), 1), 4.0), layout="constrained")
    axes = fig.subplots(1, max(len(metrics), 1), squeeze=False)[0]
    fig.suptitle("Summary per condition")
    if not conditions or not metrics:
        show_empty(axes[0], "no conditions" if not conditions else "no summary metric computed")
        return fig
    colors = condition_colors(conditions)
    for ax, key in zip(axes, metrics, strict=True):
        _bars(ax, conditions, np.asarray(summary[key], dtype=np.float64), colors)
        ax.set_ylabel(SUMMARY_METRICS[key])
        ax.set_xlabel("condition")
    return fig


def _bars(ax: Axes, conditions: list[str], heights: np.ndarray, colors: Mapping[str, Any]) -> None:
    pos = np.arange(len(conditions))
    bars = ax.bar(pos, np.nan_to_num(heights), color=[colors[c] for c in conditions])
    # Values on the bars: a 0 (no burst at all) must read differently from "not computed".
    ax.bar_label(bars, labels=[f"{h:.3g}" if np.isfinite(h) else "n/a" for h in heights],
                 padding=2, fontsize="small")
    ax.margins(y=0.12)
    ax.set_xticks(pos, conditions)
    ax.axhline(0.0, color="black", lw=0.6)
