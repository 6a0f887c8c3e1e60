"""Pairwise comparison matrices (STTC, correlations) and stacks of them over slices."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["PairwiseCompMatrix", "PairwiseCompMatrixStack"]


def _square(matrix: np.ndarray, what: str) -> np.ndarray:
    if matrix.ndim < 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{what} must be square in its first two axes, got shape {matrix.shape}")
    return matrix


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
        if self.labels is not None:
            self.labels = list(self.labels)
            if len(self.labels) != self.matrix.shape[0]:
                raise ValueError(f"{len(self.labels)} labels for a {self.matrix.shape[0]}-row matrix")
        self.metadata = dict(self.metadata or {})

    @property
    def shape(self) -> tuple[int, ...]:
        return self.matrix.shape

    def extract_lower_triangle(self) -> np.ndarray:
        """Strict lower triangle in row-major order (``np.tril_indices(n, k=-1)``)."""
        return self.matrix[np.tril_indices(self.matrix.shape[0], k=-1)]

    def __repr__(self) -> str:
        return f"PairwiseCompMatrix(shape={self.matrix.shape}, metadata={sorted(self.metadata)})"


@dataclass(eq=False)
class PairwiseCompMatrixStack:
    """``S`` pairwise matrices stacked along the last axis: shape ``(n, n, S)``.

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
        if self.labels is not None:
            self.labels = list(self.labels)
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

    def __getitem__(self, index: int) -> PairwiseCompMatrix:
        return PairwiseCompMatrix(self.stack[:, :, index], self.labels, dict(self.metadata))

    def mean(self, ignore_nan: bool = True) -> PairwiseCompMatrix:
        """Mean over slices (NaN-aware by default; all-NaN cells stay NaN)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells are expected
            avg = np.nanmean(self.stack, axis=2) if ignore_nan else self.stack.mean(axis=2)
        return PairwiseCompMatrix(avg, self.labels, dict(self.metadata))

    def extract_lower_triangle_features(self) -> np.ndarray:
        """Strict lower triangle of each slice: shape ``(S, n(n-1)/2)``."""
        rows, cols = np.tril_indices(self.stack.shape[0], k=-1)
        return self.stack[rows, cols, :].T.copy()

    def __repr__(self) -> str:
        return f"PairwiseCompMatrixStack(shape={self.stack.shape}, metadata={sorted(self.metadata)})"
