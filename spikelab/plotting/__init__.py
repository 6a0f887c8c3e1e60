"""Figures of spikelab results: functions taking spikelab objects and returning a
:class:`matplotlib.figure.Figure`.

They never touch ``pyplot``: a figure is saved with ``fig.savefig(path)`` (rendered with
Agg) and shows itself in a notebook. Every function also accepts ``ax=`` (except
:func:`plot_summary`, which lays out its own panels) to draw into an existing axes.

- One recording: :func:`plot_raster`, :func:`plot_aligned_rate`, :func:`plot_sttc`,
  :func:`plot_spatial_network`.
- Across conditions: :func:`plot_sttc_distribution`, :func:`plot_burst_corr_distribution`
  (both built on :func:`plot_distributions`) and :func:`plot_summary`.
"""

from ._axes import condition_colors
from .conditions import (
    SUMMARY_METRICS,
    plot_burst_corr_distribution,
    plot_distributions,
    plot_sttc_distribution,
    plot_summary,
)
from .recording import plot_aligned_rate, plot_raster, plot_sttc
from .spatial import plot_spatial_network

__all__ = [
    "plot_raster",
    "plot_aligned_rate",
    "plot_sttc",
    "plot_spatial_network",
    "plot_distributions",
    "plot_sttc_distribution",
    "plot_burst_corr_distribution",
    "plot_summary",
    "condition_colors",
    "SUMMARY_METRICS",
]
