"""Pairwise comparison matrices (STTC, correlations) and stacks of them over slices.

The operations (normalise, threshold, mask, group, graph) live in
:mod:`spikelab.spikedata.pairwise_ops`; the methods here wrap them and record what was done
in ``metadata``.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._selection import as_index
from ._topics import topic
from .pairwise_ops import (binarize, graph_from_matrix, normalize, pairs_by_group, remove_where,
                           resolve_normalization)

# Analyses and figures are late-bound (see ._topics): not imports, so not part of this
# class's code.
_manifold = topic(".manifold")
_matrices = topic("..plotting.matrices")

__all__ = ["PairwiseCompMatrix", "PairwiseCompMatrixStack"]

#: normalisation axis -> axes of an (n, n[, S]) array the statistics run over
_AXES: dict[str | None, int | tuple[int, ...] | None] = {None: None, "row": 1, "col": 0}


def _square(matrix: np.ndarray, what: str) -> np.ndarray:
    if matrix.ndim < 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{what} must be square in its first two axes, got shape {matrix.shape}")
    return matrix


def _checked_labels(labels: Sequence[Any] | None, n: int) -> list[Any] | None:
    if labels is None:
        return None
    labels = list(labels)
    if len(labels) != n:
        raise ValueError(f"{len(labels)} labels for {n} rows/columns")
    return labels


def _condition_values(
    condition: Any, kinds: tuple[type, ...], shape: tuple[int, ...]
) -> np.ndarray:
    """The condition's array, shaped to broadcast against ``shape``."""
    if not isinstance(condition, kinds):
        names = " or ".join(k.__name__ for k in kinds)
        raise TypeError(f"condition must be a {names}, got {type(condition).__name__}")
    values = condition.matrix if isinstance(condition, PairwiseCompMatrix) else condition.stack
    if values.shape != shape[: values.ndim]:
        raise ValueError(f"condition shape {values.shape} does not match shape {shape}")
    return values if values.ndim == len(shape) else values[..., None]


@dataclass(eq=False)
class PairwiseCompMatrix:
    """An ``(n, n)`` matrix of pairwise comparisons between units (or slices).

    Parameters
    ----------
    matrix : ndarray, shape (n, n)
    labels : list, optional
        One label per row/column.
    metadata : dict
        How it was computed, e.g. ``{"delt": 20.0}`` for STTC.
    """

    matrix: np.ndarray
    labels: list[Any] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.matrix = _square(np.asarray(self.matrix, dtype=np.float64), "matrix")
        if self.matrix.ndim != 2:
            raise ValueError(f"matrix must be 2-D, got shape {self.matrix.shape}")
        self.labels = _checked_labels(self.labels, self.matrix.shape[0])
        self.metadata = dict(self.metadata or {})

    @property
    def shape(self) -> tuple[int, ...]:
        return self.matrix.shape

    def extract_lower_triangle(self) -> np.ndarray:
        """Strict lower triangle in row-major order (``np.tril_indices(n, k=-1)``).

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import PairwiseCompMatrix
        >>> m = PairwiseCompMatrix(np.array([[1.0, 0.5, 0.2], [0.5, 1.0, 0.8], [0.2, 0.8, 1.0]]))
        >>> m.extract_lower_triangle()
        array([0.5, 0.2, 0.8])
        """
        return self.matrix[np.tril_indices(self.matrix.shape[0], k=-1)]

    def _derived(self, matrix: np.ndarray, **metadata: Any) -> PairwiseCompMatrix:
        return PairwiseCompMatrix(matrix, self.labels, {**copy.deepcopy(self.metadata), **metadata})

    def normalize(self, method: str = "min_max", *, axis: str | None = None) -> PairwiseCompMatrix:
        """Normalised copy: ``"min_max"`` to [0, 1], ``"z_score"``, or ``"row"``/``"col"`` min-max.

        ``axis="row"``/``"col"`` applies ``method`` to each row/column. NaN is ignored and
        kept; a constant matrix (row, column) becomes 0 (z-score also warns). Adds
        ``normalization`` and ``normalization_axis`` to ``metadata``.

        Examples
        --------
        >>> PairwiseCompMatrix(np.array([[0.0, 2.0], [4.0, 8.0]])).normalize().matrix.tolist()
        [[0.0, 0.25], [0.5, 1.0]]
        """
        kind, axis = resolve_normalization(method, axis)
        return self._derived(normalize(self.matrix, kind, _AXES[axis]),
                             normalization=kind, normalization_axis=axis)

    def threshold(self, threshold: float, preserve_nan: bool = False) -> PairwiseCompMatrix:
        """Binary copy: 1 where ``|value| > threshold``, else 0 (NaN: 0, or NaN with
        ``preserve_nan``).

        Examples
        --------
        >>> PairwiseCompMatrix(np.array([[1.0, -0.8], [-0.8, 1.0]])).threshold(0.5).matrix.tolist()
        [[1.0, 1.0], [1.0, 1.0]]
        """
        return self._derived(
            binarize(self.matrix, threshold, preserve_nan), threshold=threshold, binary=True
        )

    def remove_by_condition(self, condition: PairwiseCompMatrix, op: str, threshold: float,
                            fill: float = np.nan) -> PairwiseCompMatrix:
        """Copy with ``fill`` wherever ``op(condition, threshold)`` holds (e.g. p-values > 0.05).

        ``op``: ``lt le gt ge eq ne``, or ``abs_lt abs_le abs_gt abs_ge`` on ``|condition|``;
        ``condition`` is a PairwiseCompMatrix of the same shape.

        Examples
        --------
        >>> corr = PairwiseCompMatrix(np.array([[1.0, 0.4], [0.4, 1.0]]))
        >>> p = PairwiseCompMatrix(np.array([[0.0, 0.2], [0.2, 0.0]]))
        >>> corr.remove_by_condition(p, "gt", 0.05).matrix.tolist()
        [[1.0, nan], [nan, 1.0]]
        """
        cond = _condition_values(condition, (PairwiseCompMatrix,), self.matrix.shape)
        return self._derived(remove_where(self.matrix, cond, op, threshold, fill),
                             removed_by_condition={"op": op, "threshold": threshold, "fill": fill})

    def extract_pairs_by_group(
        self, unit_labels: Sequence[Any]
    ) -> dict[tuple[Any, Any], np.ndarray]:
        """Upper-triangle values by label pair ``(a, b)``, ``a <= b``.

        See :func:`~spikelab.spikedata.pairwise_ops.pairs_by_group`.

        Examples
        --------
        >>> m = PairwiseCompMatrix(np.array([[1, .5, .2], [.5, 1, .3], [.2, .3, 1]]))
        >>> {k: v.tolist() for k, v in m.extract_pairs_by_group(["x", "y", "x"]).items()}
        {('x', 'x'): [0.2], ('x', 'y'): [0.5, 0.3]}
        """
        return pairs_by_group(self.matrix, unit_labels)

    def to_networkx(self, threshold: float | None = None, invert_weights: bool = False):
        """``networkx.Graph`` of the pairs (``graph`` extra).

        See :func:`~spikelab.spikedata.pairwise_ops.graph_from_matrix`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import PairwiseCompMatrix
        >>> m = PairwiseCompMatrix(np.array([[1.0, 0.5, 0.2], [0.5, 1.0, 0.8], [0.2, 0.8, 1.0]]))
        >>> graph = m.to_networkx(threshold=0.4)
        >>> sorted(graph.edges)
        [(0, 1), (1, 2)]
        """
        return graph_from_matrix(self.matrix, self.labels, threshold, invert_weights)

    def plot(
        self,
        ax=None,
        cmap: str | None = None,
        vmin: float | None = None,
        vmax: float | None = None,
        colorbar_label: str = "",
        font_size: int = 14,
        tick_labels: Sequence[str] | None = None,
        save_path: str | None = None,
    ):
        """Heatmap: ``(fig, ax)``, or ``ax`` when given.

        See :func:`spikelab.plotting.matrices.plot_matrix`.
        """
        plot_matrix = _matrices.plot_matrix
        return plot_matrix(
            self.matrix,
            self.labels,
            ax,
            cmap,
            vmin,
            vmax,
            colorbar_label,
            font_size,
            tick_labels,
            save_path,
        )

    def __repr__(self) -> str:
        return f"PairwiseCompMatrix(shape={self.matrix.shape}, metadata={sorted(self.metadata)})"


@dataclass(eq=False)
class PairwiseCompMatrixStack:
    """``S`` pairwise matrices stacked along the last axis: shape ``(n, n, S)``.

    ``stack[i]`` is slice i as a PairwiseCompMatrix; ``stack[2:5]``, a boolean mask or an
    index array give a sub-stack; iterating yields the slices.

    Parameters
    ----------
    stack : ndarray, shape (n, n, S)
    labels : list, optional
        One label per row/column.
    times : list of (start, end), optional
        Time window (ms) of each slice.
    metadata : dict
    """

    stack: np.ndarray
    labels: list[Any] | None = None
    times: list[tuple[float, float]] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.stack = np.asarray(self.stack, dtype=np.float64)
        if self.stack.ndim != 3:
            raise ValueError(f"stack must be 3-D (n, n, S), got shape {self.stack.shape}")
        _square(self.stack, "stack")
        self.labels = _checked_labels(self.labels, self.stack.shape[0])
        if self.times is not None:
            self.times = [(float(a), float(b)) for a, b in self.times]
            if len(self.times) != self.stack.shape[2]:
                raise ValueError(f"{len(self.times)} times for {self.stack.shape[2]} slices")
        self.metadata = dict(self.metadata or {})

    @property
    def shape(self) -> tuple[int, ...]:
        return self.stack.shape

    def __len__(self) -> int:
        return self.stack.shape[2]

    def __getitem__(self, index: Any) -> PairwiseCompMatrix | PairwiseCompMatrixStack:
        """Slice ``index`` (with ``metadata["stack_index"]`` and ``metadata["time"]``), or a
        sub-stack.

        Examples
        --------
        >>> s = PairwiseCompMatrixStack(np.zeros((2, 2, 3)), times=[(0, 1), (1, 2), (2, 3)])
        >>> s[1].metadata, s[1:].times, len(s[[True, False, True]])
        ({'stack_index': 1, 'time': (1.0, 2.0)}, [(1.0, 2.0), (2.0, 3.0)], 2)
        """
        n = self.stack.shape[2]
        if isinstance(index, (int, np.integer)) and not isinstance(index, (bool, np.bool_)):
            i = int(index)
            if not -n <= i < n:
                raise IndexError(f"slice index {i} out of range for a stack of {n} slices")
            time = self.times[i] if self.times is not None else None
            return PairwiseCompMatrix(
                self.stack[:, :, i],
                self.labels,
                {**copy.deepcopy(self.metadata), "stack_index": i, "time": time},
            )
        return self._select(_chosen(index, n))

    def __iter__(self) -> Iterator[PairwiseCompMatrix]:
        return (self[i] for i in range(self.stack.shape[2]))

    def _select(self, chosen: np.ndarray | slice) -> PairwiseCompMatrixStack:
        """Sub-stack of the chosen slices (a view of the data for a Python slice, as numpy)."""
        if isinstance(chosen, slice):
            times = self.times[chosen] if self.times is not None else None
        else:
            times = [self.times[i] for i in chosen] if self.times is not None else None
        return PairwiseCompMatrixStack(self.stack[:, :, chosen], self.labels, times,
                                       copy.deepcopy(self.metadata))

    def subslice(self, indices: Sequence[int] | int) -> PairwiseCompMatrixStack:
        """The slices at ``indices`` in that order (repeats kept, negative counted from the end).

        Examples
        --------
        >>> PairwiseCompMatrixStack(np.zeros((2, 2, 4))).subslice([3, 0]).shape
        (2, 2, 2)
        """
        wanted = [indices] if np.ndim(indices) == 0 else list(indices)
        chosen = np.array([as_index(i, "slice index") for i in wanted], dtype=np.int64)
        return self._select(_chosen(chosen, self.stack.shape[2]))

    def mean(self, ignore_nan: bool = True) -> PairwiseCompMatrix:
        """Mean over slices (NaN-aware by default; all-NaN cells stay NaN).

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import PairwiseCompMatrixStack
        >>> s = PairwiseCompMatrixStack(np.stack([np.eye(3), np.full((3, 3), 0.5)], axis=2))
        >>> s.mean().matrix
        array([[0.75, 0.25, 0.25],
               [0.25, 0.75, 0.25],
               [0.25, 0.25, 0.75]])
        """
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells are expected
            avg = np.nanmean(self.stack, axis=2) if ignore_nan else self.stack.mean(axis=2)
        return PairwiseCompMatrix(
            avg, self.labels, {**copy.deepcopy(self.metadata), "computed": "mean"}
        )

    def extract_lower_triangle_features(self) -> np.ndarray:
        """Strict lower triangle of each slice: shape ``(S, n(n-1)/2)``.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import PairwiseCompMatrixStack
        >>> s = PairwiseCompMatrixStack(np.stack([np.eye(3), np.full((3, 3), 0.5)], axis=2))
        >>> s.extract_lower_triangle_features()
        array([[0. , 0. , 0. ],
               [0.5, 0.5, 0.5]])
        """
        rows, cols = np.tril_indices(self.stack.shape[0], k=-1)
        return self.stack[rows, cols, :].T.copy()

    def _derived(self, stack: np.ndarray, **metadata: Any) -> PairwiseCompMatrixStack:
        return PairwiseCompMatrixStack(stack, self.labels, self.times,
                                       {**copy.deepcopy(self.metadata), **metadata})

    def normalize(self, method: str = "min_max", *, axis: str | None = None,
                  per_slice: bool = False) -> PairwiseCompMatrixStack:
        """Normalised copy, methods as :meth:`PairwiseCompMatrix.normalize`.

        Statistics over the whole stack, or each slice alone with ``per_slice=True`` (needed
        for ``axis="row"``/``"col"`` and the ``"row"``/``"col"`` methods).

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import PairwiseCompMatrixStack
        >>> s = PairwiseCompMatrixStack(np.stack([np.eye(3), np.full((3, 3), 0.5)], axis=2))
        >>> s.normalize("min_max", per_slice=True).stack[:, :, 1]
        array([[0., 0., 0.],
               [0., 0., 0.],
               [0., 0., 0.]])
        """
        kind, axis = resolve_normalization(method, axis)
        if axis is not None and not per_slice:
            raise ValueError(
                f"axis={axis!r} normalises each slice's rows/columns: pass per_slice=True"
            )
        reduce_axes = _AXES[axis] if axis is not None else ((0, 1) if per_slice else None)
        return self._derived(normalize(self.stack, kind, reduce_axes), normalization=kind,
                             normalization_axis=axis, normalization_per_slice=per_slice)

    def threshold(self, threshold: float, preserve_nan: bool = False) -> PairwiseCompMatrixStack:
        """Binary copy of every slice; see :meth:`PairwiseCompMatrix.threshold`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import PairwiseCompMatrixStack
        >>> s = PairwiseCompMatrixStack(np.stack([np.eye(3), np.full((3, 3), 0.5)], axis=2))
        >>> s.threshold(0.6).stack[:, :, 1]
        array([[0., 0., 0.],
               [0., 0., 0.],
               [0., 0., 0.]])
        """
        return self._derived(
            binarize(self.stack, threshold, preserve_nan), threshold=threshold, binary=True
        )

    def remove_by_condition(self, condition: PairwiseCompMatrix | PairwiseCompMatrixStack, op: str,
                            threshold: float, fill: float = np.nan) -> PairwiseCompMatrixStack:
        """Copy with ``fill`` where ``op(condition, threshold)``; a PairwiseCompMatrix applies to
        every slice.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import PairwiseCompMatrixStack
        >>> s = PairwiseCompMatrixStack(np.stack([np.eye(3), np.full((3, 3), 0.5)], axis=2))
        >>> s.remove_by_condition(s, "lt", 0.6, fill=0.0).stack[:, :, 1]
        array([[0., 0., 0.],
               [0., 0., 0.],
               [0., 0., 0.]])
        """
        cond = _condition_values(
            condition, (PairwiseCompMatrix, PairwiseCompMatrixStack), self.stack.shape
        )
        return self._derived(remove_where(self.stack, cond, op, threshold, fill),
                             removed_by_condition={"op": op, "threshold": threshold, "fill": fill})

    def plot_mean(
        self,
        ax=None,
        ignore_nan: bool = True,
        cmap: str | None = None,
        vmin: float | None = None,
        vmax: float | None = None,
        colorbar_label: str = "",
        font_size: int = 14,
        tick_labels: Sequence[str] | None = None,
        save_path: str | None = None,
    ):
        """Heatmap of :meth:`mean`; see :meth:`PairwiseCompMatrix.plot`."""
        return self.mean(ignore_nan).plot(
            ax, cmap, vmin, vmax, colorbar_label, font_size, tick_labels, save_path
        )

    def dim_red_on_lower_diagonal_corr_matrix(self, method: str = "PCA", n_components: int = 2,
                                              **kwargs: Any) -> tuple:
        """Embed the slices by their lower triangles (features: unit pairs), PCA or UMAP.

        PCA: ``(embedding (S, k), explained_variance_ratio (k,), components (k, F))``; UMAP
        (``ml`` extra): ``(embedding, trustworthiness)``.
        See :func:`spikelab.spikedata.manifold.embed`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import PairwiseCompMatrixStack
        >>> s = PairwiseCompMatrixStack(np.stack([np.eye(3), np.full((3, 3), 0.5)], axis=2))
        >>> emb, explained, comps = s.dim_red_on_lower_diagonal_corr_matrix(n_components=1)
        >>> emb.round(3)
        array([[-0.433],
               [ 0.433]])
        """
        embed = _manifold.embed
        return embed(self.extract_lower_triangle_features(), method, n_components, **kwargs)

    def __repr__(self) -> str:
        return (
            f"PairwiseCompMatrixStack(shape={self.stack.shape}, metadata={sorted(self.metadata)})"
        )


def _chosen(index: Any, n: int) -> np.ndarray | slice:
    """Slice indices named by a Python slice (kept: a view), a boolean mask or integer indices."""
    if isinstance(index, slice):
        return index
    chosen = np.asarray(index)
    if chosen.dtype == bool:
        if chosen.shape != (n,):
            raise IndexError(f"boolean mask of shape {chosen.shape} for a stack of {n} slices")
        return np.flatnonzero(chosen)
    if chosen.ndim != 1 or (chosen.size and chosen.dtype.kind not in "iu"):
        raise IndexError(
            "a stack is indexed by an int, a slice, a boolean mask or integer indices, "
            f"got {index!r}"
        )
    if chosen.size and not (-n <= chosen.min() and chosen.max() < n):
        raise IndexError(f"slice indices {chosen.tolist()} out of range for a stack of {n} slices")
    return chosen.astype(np.int64)
