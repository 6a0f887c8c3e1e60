"""Figures behind the data classes' ``plot`` methods: a pairwise-matrix heatmap, and one
unit's spikes across the slices of a stack."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from ._axes import new_axes

__all__ = ["plot_matrix", "plot_unit_across_slices"]

_MAX_TICK_LABELS = 40  # beyond this, one label per row is unreadable: integer ticks instead


def _finish(ax: Axes, own_figure: bool, save_path: str | None) -> tuple[Figure, Axes] | Axes:
    if save_path is not None and own_figure:
        ax.figure.savefig(save_path)
    return (ax.figure, ax) if own_figure else ax


def plot_matrix(
    matrix: np.ndarray,
    labels: Sequence[Any] | None = None,
    ax: Axes | None = None,
    cmap: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    colorbar_label: str = "",
    font_size: int = 14,
    tick_labels: Sequence[str] | None = None,
    save_path: str | None = None,
) -> tuple[Figure, Axes] | Axes:
    """Heatmap of an ``(n, n)`` matrix; NaN (undefined pairs) in grey.

    Parameters
    ----------
    matrix : ndarray, shape (n, n)
    labels : sequence, optional
        Row/column names, used as tick labels unless ``tick_labels`` is given (up to 40
        rows; more get integer ticks).
    ax : Axes, optional
        Where to draw; a new figure when omitted.
    cmap : str, optional
        Default: ``"RdBu_r"`` centred on 0 when the values have both signs, else ``"viridis"``.
    vmin, vmax : float, optional
    colorbar_label : str
    font_size : int
    tick_labels : sequence of str, optional
    save_path : str, optional
        With a new figure (``ax`` omitted), also save it there.

    Returns
    -------
    (Figure, Axes) for a new figure, else ``ax``.
    """
    own = ax is None
    ax = new_axes(ax, (6.0, 5.0))
    values = np.asarray(matrix, dtype=np.float64)
    finite = values[np.isfinite(values)]
    diverging = finite.size > 0 and finite.min() < 0 < finite.max()
    if cmap is None and diverging and vmin is None and vmax is None:
        vmax = float(np.abs(finite).max())
        vmin = -vmax
    name = cmap or ("RdBu_r" if diverging else "viridis")
    image = ax.imshow(values, cmap=colormaps[name].with_extremes(bad="0.75"), vmin=vmin, vmax=vmax,
                      interpolation="nearest")
    names = tick_labels if tick_labels is not None else labels
    n = values.shape[0]
    if names is not None and 0 < n <= _MAX_TICK_LABELS:
        ticks = np.arange(n)
        ax.set_xticks(ticks, [str(v) for v in names], rotation=90, fontsize=font_size)
        ax.set_yticks(ticks, [str(v) for v in names], fontsize=font_size)
    else:
        ax.tick_params(labelsize=font_size)
    bar = ax.figure.colorbar(image, ax=ax)
    bar.set_label(colorbar_label, fontsize=font_size)
    bar.ax.tick_params(labelsize=font_size)
    return _finish(ax, own, save_path)


def plot_unit_across_slices(trains: Sequence[np.ndarray], ax: Axes | None = None,
                            color_vals: np.ndarray | None = None, color_label: str = "",
                            cmap: str = "viridis", time_offset: float = 0.0,
                            xlabel: str = "Rel. time (ms)", ylabel: str = "Burst",
                            x_range: tuple[float, float] | None = None,
                            vlines: Sequence[dict] | None = None, show_colorbar: bool = True,
                            marker_size: float = 20, font_size: int | None = None,
                            style: str = "scatter", invert_y: bool = False,
                            linewidths: float = 0.5):
    """One row per slice with a unit's spike times (ms, minus ``time_offset``).

    ``style="scatter"`` draws dots (coloured by ``color_vals``, one value per slice, when
    given), ``"eventplot"`` vertical ticks. ``vlines`` are dicts with ``x`` and optionally
    ``color``, ``linestyle``, ``linewidth``.

    Returns
    -------
    (Figure, Axes, PathCollection or None) for a new figure, else the PathCollection (or None
    when there is no colour coding).
    """
    if style not in ("scatter", "eventplot"):
        raise ValueError(f"style must be 'scatter' or 'eventplot', got {style!r}")
    own = ax is None
    ax = new_axes(ax, (7.0, 4.5))
    shifted = [np.asarray(t, dtype=np.float64) - float(time_offset) for t in trains]
    colours = None
    if color_vals is not None:
        colours = np.asarray(color_vals, dtype=np.float64).ravel()
        if colours.size != len(shifted):
            raise ValueError(f"color_vals has {colours.size} values for {len(shifted)} slices")
    scatter: PathCollection | None = None
    if style == "eventplot":
        ax.eventplot(shifted, lineoffsets=np.arange(len(shifted)), linelengths=0.8,
                     linewidths=linewidths, colors="black")
    else:
        xs = np.concatenate(shifted) if shifted else np.zeros(0)
        ys = np.repeat(np.arange(len(shifted)), [t.size for t in shifted])
        c = np.repeat(colours, [t.size for t in shifted]) if colours is not None else "black"
        points = ax.scatter(xs, ys, s=marker_size, c=c, cmap=cmap if colours is not None else None,
                            vmin=None if colours is None else np.nanmin(colours),
                            vmax=None if colours is None else np.nanmax(colours), linewidths=0)
        scatter = points if colours is not None else None
    if scatter is not None and show_colorbar:
        ax.figure.colorbar(scatter, ax=ax, label=color_label)
    for line in vlines or []:
        ax.axvline(line["x"], color=line.get("color", "red"), linestyle=line.get("linestyle", "--"),
                   linewidth=line.get("linewidth", 1.0))
    if x_range is not None:
        ax.set_xlim(*x_range)
    ax.set_ylim(len(shifted) - 0.5, -0.5) if invert_y else ax.set_ylim(-0.5, len(shifted) - 0.5)
    ax.set_xlabel(xlabel, fontsize=font_size)
    ax.set_ylabel(ylabel, fontsize=font_size)
    if font_size is not None:
        ax.tick_params(labelsize=font_size)
    return (ax.figure, ax, scatter) if own else scatter
