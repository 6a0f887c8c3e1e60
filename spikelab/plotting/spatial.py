"""Units at their positions on the array, joined by their strongest pairwise values."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from ._axes import new_axes, show_empty

__all__ = ["plot_spatial_network", "draw_spatial_network", "network_edges"]


def network_edges(matrix: np.ndarray, edge_threshold: float | None = None,
                  top_pct: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit pairs ``i < j`` to join: ``(rows, cols, values)``.

    Exactly one rule: ``matrix[i, j] >= edge_threshold``, or the ``top_pct`` percent of
    finite pair values (those at or above the ``100 - top_pct`` percentile).  The diagonal
    and NaN pairs are never joined.
    """
    if (edge_threshold is None) == (top_pct is None):
        raise ValueError("give exactly one of edge_threshold and top_pct")
    rows, cols = np.triu_indices(matrix.shape[0], k=1)
    values = matrix[rows, cols]
    finite = np.isfinite(values)
    rows, cols, values = rows[finite], cols[finite], values[finite]
    if top_pct is not None:
        if not 0 < float(top_pct) <= 100:
            raise ValueError(f"top_pct must be in (0, 100], got {top_pct}")
        edge_threshold = np.percentile(values, 100 - float(top_pct)) if values.size else np.inf
    keep = values >= edge_threshold
    return rows[keep], cols[keep], values[keep]


def _scaled(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """``values`` mapped linearly onto ``[lo, hi]`` (all ``hi`` when they are all equal)."""
    span = np.ptp(values) if values.size else 0.0
    return (
        np.full(values.shape, hi) if span == 0 else lo + (values - values.min()) / span * (hi - lo)
    )


def draw_spatial_network(
    ax: Axes,
    positions: np.ndarray,
    matrix: np.ndarray,
    edge_threshold: float | None = None,
    top_pct: float | None = None,
    node_size_range: tuple[float, float] = (2, 20),
    node_cmap: str = "viridis",
    node_linewidth: float = 0.2,
    edge_color: str = "red",
    edge_linewidth: float = 0.6,
    edge_alpha_range: tuple[float, float] = (0.15, 1.0),
    scale_bar_um: float | None = 500,
    font_size: float | None = None,
) -> PathCollection:
    """Draw the network into ``ax`` and return the units' scatter (for a colour bar).

    Each unit is a marker at ``positions[u]`` (µm) sized and coloured by its mean value to
    the other units (NaN pairs ignored); edges come from :func:`network_edges`, their
    opacity growing with the value.
    """
    positions = np.asarray(positions, dtype=np.float64)
    matrix = np.asarray(matrix, dtype=np.float64)
    n = matrix.shape[0]
    if (
        matrix.shape != (n, n)
        or positions.shape[0] != n
        or positions.ndim != 2
        or positions.shape[1] < 2
    ):
        raise ValueError(
            f"need an (N, N) matrix and (N, 2) positions, got {matrix.shape} and {positions.shape}"
        )
    rows, cols, values = network_edges(matrix, edge_threshold, top_pct)
    if values.size:
        colours = np.tile(to_rgba(edge_color), (values.size, 1))
        colours[:, 3] = _scaled(values, *edge_alpha_range)
        segments = np.stack([positions[rows, :2], positions[cols, :2]], axis=1)
        ax.add_collection(
            LineCollection(segments, colors=colours, linewidths=edge_linewidth, zorder=1)
        )
    off_diagonal = np.where(np.eye(n, dtype=bool), np.nan, matrix)
    with np.errstate(invalid="ignore"):
        strength = np.nanmean(off_diagonal, axis=1) if n > 1 else np.zeros(n)
    strength = np.nan_to_num(
        strength, nan=np.nanmin(strength) if np.isfinite(strength).any() else 0.0
    )
    scatter = ax.scatter(
        positions[:, 0],
        positions[:, 1],
        s=_scaled(strength, *node_size_range),
        c=strength,
        cmap=node_cmap,
        edgecolors="black",
        linewidths=node_linewidth,
        zorder=2,
    )
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.set_xticks([])
    ax.set_yticks([])
    if scale_bar_um:
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        left, bottom = x0 + 0.05 * (x1 - x0), y0 + 0.05 * (y1 - y0)
        ax.plot([left, left + scale_bar_um], [bottom, bottom], color="black", lw=2, zorder=3)
        ax.text(
            left + scale_bar_um / 2,
            bottom + 0.02 * (y1 - y0),
            f"{scale_bar_um:g} µm",
            ha="center",
            va="bottom",
            fontsize=font_size,
        )
    return scatter


def plot_spatial_network(positions: np.ndarray, matrix: np.ndarray, *, ax: Axes | None = None,
                         title: str | None = None, **style) -> Figure:
    """Units at their array positions (µm), joined where their pairwise value is high.

    Parameters
    ----------
    positions : ndarray (U, 2)
        Unit positions in µm (e.g. ``SpikeData.unit_locations``).
    matrix : ndarray or PairwiseCompMatrix (U, U)
        Pairwise values (STTC, correlation); the diagonal is ignored.
    ax : Axes, optional
    title : str, optional
    **style
        ``edge_threshold`` or ``top_pct`` (exactly one) and the drawing options of
        :func:`~spikelab.plotting.spatial.draw_spatial_network`.

    Returns
    -------
    Figure
    """
    matrix = getattr(matrix, "matrix", matrix)
    ax = new_axes(ax, (6.0, 5.0))
    if title:
        ax.set_title(title)
    if np.asarray(matrix).shape[0] == 0:
        show_empty(ax, "no units")
        return ax.figure
    draw_spatial_network(ax, positions, matrix, **style)
    return ax.figure
