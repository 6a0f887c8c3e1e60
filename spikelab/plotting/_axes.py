"""Shared helpers of the figure functions: figures without pyplot, condition colours, and
the message an axes shows instead of an empty plot."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["new_axes", "condition_colors", "show_empty", "finite"]


def new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax`` itself, or the single axes of a new figure.

    Figures are built with :class:`matplotlib.figure.Figure` rather than ``pyplot``: no GUI
    backend, no global figure registry to leak memory in long pipeline jobs, and ``savefig``
    renders with Agg whatever backend the process has.
    """
    if ax is not None:
        return ax
    return Figure(figsize=figsize, layout="constrained").add_subplot()


def condition_colors(conditions: Sequence[str]) -> dict[str, tuple[float, float, float, float]]:
    """One distinct colour per condition, in order (``tab10``, cycling past ten)."""
    cmap = colormaps["tab10"]
    return {name: cmap(i % cmap.N) for i, name in enumerate(conditions)}


def show_empty(ax: Axes, message: str) -> None:
    """Write ``message`` in the middle of ``ax`` so an empty plot says why it is empty."""
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center",
            fontsize="large", color="0.3", wrap=True)


def finite(values: np.ndarray | Sequence[float]) -> np.ndarray:
    """The finite values of ``values``, flattened (NaN marks an undefined pair or unit).

    Raises
    ------
    TypeError
        For ``None``: typically a missing workspace item (``ws.get`` returns ``None``), which
        must not pass for a condition without values.
    """
    if values is None:
        raise TypeError("expected an array of values, got None (a missing workspace item?)")
    arr = np.asarray(values, dtype=np.float64).ravel()
    return arr[np.isfinite(arr)]
