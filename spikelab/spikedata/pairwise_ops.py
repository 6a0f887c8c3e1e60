"""Operations on pairwise matrices: normalising, thresholding, masking, grouping, graphs.

Functions here take and return plain arrays; :class:`~spikelab.PairwiseCompMatrix` and
:class:`~spikelab.PairwiseCompMatrixStack` wrap them in methods of spikelab 0.1.2's names and
record what was done in ``metadata``. NaN marks an undefined pair throughout and is kept.
"""

from __future__ import annotations

import functools
import operator
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._optional import require
from ..errors import AnalysisError

__all__ = ["NORMALIZATIONS", "OPS", "normalize", "binarize", "remove_where",
           "pairs_by_group", "graph_from_matrix"]

#: Each method's computation and the axis it implies ("row"/"col": min-max along that axis).
NORMALIZATIONS: dict[str, tuple[str, str | None]] = {
    "min_max": ("min_max", None),
    "z_score": ("z_score", None),
    "row": ("min_max", "row"),
    "col": ("min_max", "col"),
}

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "lt": operator.lt, "le": operator.le, "gt": operator.gt,
    "ge": operator.ge, "eq": operator.eq, "ne": operator.ne,
}


def _on_magnitude(compare: Callable[[Any, Any], Any]) -> Callable[[np.ndarray, float], np.ndarray]:
    """``compare`` applied to ``abs(condition)``."""
    return lambda condition, threshold: compare(np.abs(condition), threshold)


#: comparison name -> function of (condition array, threshold); ``abs_*`` compare ``abs(condition)``
OPS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    **_COMPARE,
    **{f"abs_{name}": _on_magnitude(f) for name, f in _COMPARE.items() if name not in ("eq", "ne")},
}


def resolve_normalization(method: str, axis: str | None) -> tuple[str, str | None]:
    """``(computation, axis)`` of a ``normalize`` call; unknown names raise AnalysisError."""
    if method not in NORMALIZATIONS:
        raise AnalysisError(
            f"unknown normalization method {method!r}; valid: {list(NORMALIZATIONS)}"
        )
    if axis not in (None, "row", "col"):
        raise AnalysisError(f"axis must be None, 'row' or 'col', got {axis!r}")
    kind, implied = NORMALIZATIONS[method]
    return kind, implied if implied is not None else axis


def normalize(
    values: np.ndarray, kind: str, reduce_axes: int | tuple[int, ...] | None
) -> np.ndarray:
    """Min-max or z-score ``values``, with statistics over ``reduce_axes`` (None: all).

    NaN entries are ignored by the statistics and stay NaN. A constant group (zero range or
    standard deviation) becomes 0; for z-scores that also warns (RuntimeWarning).

    Examples
    --------
    >>> normalize(np.array([[0.0, 2.0], [4.0, 8.0]]), "min_max", None)
    array([[0.  , 0.25],
           [0.5 , 1.  ]])
    """
    x = np.asarray(values, dtype=np.float64)
    nan = np.isnan(x)
    # The NaN-aware reductions cost several passes; without NaN the plain ones agree.
    stats = ((np.nanmin, np.nanmax, np.nanmean, np.nanstd) if nan.any()
             else (np.min, np.max, np.mean, np.std))
    low, high, mean, std = (functools.partial(f, axis=reduce_axes, keepdims=True) for f in stats)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN groups: NaN stays NaN
        if kind == "min_max":
            lo = low(x) if x.size else x
            spread = high(x) - lo if x.size else x
        else:
            lo = mean(x) if x.size else x
            spread = std(x) if x.size else x
    flat = spread == 0
    if not np.any(flat):
        return (x - lo) / spread
    if kind == "z_score":
        warnings.warn("z-score of a constant matrix (or row/column) is undefined: set to 0",
                      RuntimeWarning, stacklevel=3)
    safe = np.where(flat, 1.0, spread)
    return np.where(flat & ~nan, 0.0, (x - lo) / safe)


def binarize(values: np.ndarray, threshold: float, preserve_nan: bool = False) -> np.ndarray:
    """1.0 where ``|value| > threshold``, else 0.0; NaN stays NaN when ``preserve_nan``.

    Examples
    --------
    >>> binarize(np.array([[1.0, -0.8], [np.nan, 0.2]]), 0.5, preserve_nan=True)
    array([[ 1.,  1.],
           [nan,  0.]])
    """
    x = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        out = (np.abs(x) > float(threshold)).astype(np.float64)
    if preserve_nan:
        out[np.isnan(x)] = np.nan
    return out


def remove_where(values: np.ndarray, condition: np.ndarray, op: str, threshold: float,
                 fill: float) -> np.ndarray:
    """``values`` with ``fill`` wherever ``op(condition, threshold)`` holds.

    NaN in ``condition`` compares False, except for ``"ne"``.

    Examples
    --------
    >>> values = np.array([[1.0, 0.4], [0.4, 1.0]])
    >>> p = np.array([[0.0, 0.2], [0.2, 0.0]])
    >>> remove_where(values, p, "gt", 0.05, np.nan)
    array([[ 1., nan],
           [nan,  1.]])
    """
    if op not in OPS:
        raise AnalysisError(f"unknown op {op!r}; valid: {sorted(OPS)}")
    with np.errstate(invalid="ignore"):
        hit = OPS[op](np.asarray(condition, dtype=np.float64), float(threshold))
    return np.where(hit, float(fill), values)


def pairs_by_group(
    matrix: np.ndarray, unit_labels: Sequence[Any]
) -> dict[tuple[Any, Any], np.ndarray]:
    """Upper-triangle values (``np.triu_indices(n, 1)`` order) grouped by their units' labels.

    Keys are ``(a, b)`` with ``a <= b``, sorted; only groups with a pair appear. Labels of
    mixed types compare as strings (numpy's common type), as in 0.1.2.

    Examples
    --------
    >>> m = np.array([[1, .5, .2], [.5, 1, .3], [.2, .3, 1]])
    >>> pairs_by_group(m, ["x", "y", "x"])
    {('x', 'x'): array([0.2]), ('x', 'y'): array([0.5, 0.3])}
    """
    n = matrix.shape[0]
    labels = np.asarray(unit_labels)
    if labels.ndim != 1 or labels.size != n:
        raise AnalysisError(f"unit_labels has {labels.size} entries for a {n}-unit matrix")
    values, codes = np.unique(labels, return_inverse=True)
    rows, cols = np.triu_indices(n, k=1)
    lo = np.minimum(codes[rows], codes[cols])
    hi = np.maximum(codes[rows], codes[cols])
    key = lo * len(values) + hi
    order = np.argsort(key, kind="stable")  # groups in label order, pairs in triu order
    bounds = np.flatnonzero(np.diff(key[order])) + 1
    pair_values = matrix[rows, cols][order]
    groups: dict[tuple[Any, Any], np.ndarray] = {}
    for chunk, members in zip(np.split(pair_values, bounds), np.split(order, bounds), strict=True):
        if chunk.size:
            a, b = lo[members[0]], hi[members[0]]
            groups[(values[a].item(), values[b].item())] = chunk
    return groups


def graph_from_matrix(matrix: np.ndarray, labels: Sequence[Any] | None,
                      threshold: float | None = None, invert_weights: bool = False):
    """Undirected ``networkx.Graph``: node ``i`` (attribute ``label``), an edge per pair.

    Edges come from the upper triangle: every non-NaN ``matrix[i, j]`` (``i < j``), or only
    those with ``|value| > threshold``; ``weight`` is the value, or ``1 - value`` with
    ``invert_weights`` (strong correlation = short path). Needs the ``graph`` extra.

    Examples
    --------
    >>> m = np.array([[1.0, 0.5, 0.2], [0.5, 1.0, 0.8], [0.2, 0.8, 1.0]])
    >>> graph = graph_from_matrix(m, ["a", "b", "c"], threshold=0.4)
    >>> sorted(graph.edges(data="weight"))
    [(0, 1, 0.5), (1, 2, 0.8)]
    """
    if threshold is not None and not np.isfinite(float(threshold)):
        raise AnalysisError(f"threshold must be a finite number or None, got {threshold}")
    nx = require("networkx", "to_networkx")
    n = matrix.shape[0]
    rows, cols = np.triu_indices(n, k=1)
    weights = matrix[rows, cols]
    keep = ~np.isnan(weights)
    if threshold is not None:
        keep &= np.abs(weights) > float(threshold)
    weights = 1.0 - weights[keep] if invert_weights else weights[keep]
    graph = nx.Graph()
    names = list(labels) if labels is not None else list(range(n))
    graph.add_nodes_from((i, {"label": names[i]}) for i in range(n))
    graph.add_edges_from(
        (int(i), int(j), {"weight": float(w)})
        for i, j, w in zip(rows[keep], cols[keep], weights, strict=True)
    )
    return graph
