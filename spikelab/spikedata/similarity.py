"""Similarity of whole slices: each slice's (units x time) response as one vector.

:func:`similarity_matrix` compares the rows of an ``(S, F)`` array with one of four metrics,
all computed from a few matrix products (BLAS) rather than pair by pair:

- ``"cosine"``: ``a.b / (|a| |b|)``; NaN when both vectors are zero, 0 when one is;
- ``"pearson"``: cosine of the mean-centred vectors (same undefined cases);
- ``"euclidean"``: the distance ``|a - b|`` (diagonal 0);
- ``"cross_entropy"``: symmetric Kullback-Leibler divergence ``(KL(p||q) + KL(q||p)) / 2`` of
  the vectors normalised to sum 1, with ``KL(p||q) = sum p log((p + 1e-12) / (q + 1e-12))``
  (diagonal 0); NaN for a vector with a negative value or summing to 0.

For cosine and Pearson higher means more alike; for the other two, lower.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from ..errors import AnalysisError
from .pairwise import PairwiseCompMatrix
from .spikeslicestack import SpikeSliceStack

__all__ = ["METRICS", "similarity_matrix", "slice_vectors", "group_pair_similarity"]

METRICS = ("cosine", "pearson", "euclidean", "cross_entropy")
_KL_EPS = 1e-12


def _cosine(x: np.ndarray) -> np.ndarray:
    gram = x @ x.T
    norms = np.sqrt(np.diag(gram))
    scale = np.outer(norms, norms)
    with np.errstate(invalid="ignore", divide="ignore"):
        sim = gram / scale
    zero = norms == 0
    sim[zero[:, None] | zero[None, :]] = 0.0  # one silent slice: no similarity
    sim[zero[:, None] & zero[None, :]] = np.nan  # both silent: undefined
    return sim


def _euclidean(x: np.ndarray) -> np.ndarray:
    gram = x @ x.T
    sq = np.diag(gram)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * gram, 0.0)
    # Near-identical rows lose their distance to cancellation: recompute those directly.
    close = np.argwhere(d2 < 1e-6 * (sq[:, None] + sq[None, :]))
    for i, j in close[close[:, 0] < close[:, 1]]:
        d2[i, j] = d2[j, i] = np.sum((x[i] - x[j]) ** 2)
    d = np.sqrt(d2)
    np.fill_diagonal(d, 0.0)
    return d


def _cross_entropy(x: np.ndarray) -> np.ndarray:
    totals = x.sum(axis=1)
    bad = (totals <= 0) | (x < 0).any(axis=1)
    p = x / np.where(bad, 1.0, totals)[:, None]
    logs = np.log(np.where(bad[:, None], 1.0, p) + _KL_EPS)
    own = np.einsum("ij,ij->i", p, logs)
    cross = p @ logs.T  # cross[i, j] = sum p_i log(p_j + eps)
    sym = 0.5 * (own[:, None] + own[None, :] - cross - cross.T)
    np.fill_diagonal(sym, 0.0)
    sym[bad, :] = np.nan
    sym[:, bad] = np.nan
    return sym


def similarity_matrix(vectors: np.ndarray, metric: str = "cosine") -> np.ndarray:
    """``(S, S)`` similarity of the rows of ``vectors`` (S, F); see the module docstring.

    Examples
    --------
    >>> similarity_matrix(np.array([[1.0, 0.0], [1.0, 1.0]]), "cosine").round(6).tolist()
    [[1.0, 0.707107], [0.707107, 1.0]]
    """
    if metric not in METRICS:
        raise AnalysisError(f"metric must be one of {list(METRICS)}, got {metric!r}")
    x = np.asarray(vectors, dtype=np.float64)
    compute = {"cosine": _cosine, "pearson": lambda v: _cosine(v - v.mean(axis=1, keepdims=True)),
               "euclidean": _euclidean, "cross_entropy": _cross_entropy}[metric]
    # One BLAS thread: on a busy machine a multi-threaded BLAS mostly spin-waits on these
    # products (several times slower); see spikelab.spikedata.correlation.
    with threadpool_limits(limits=1, user_api="blas"):
        return compute(x)


def slice_vectors(stack_3d: np.ndarray) -> np.ndarray:
    """``(U, T, S)`` -> ``(S, U * T)``: one row per slice, unit-major.

    Examples
    --------
    >>> slice_vectors(np.arange(8).reshape(2, 2, 2))  # (U, T, S)
    array([[0., 2., 4., 6.],
           [1., 3., 5., 7.]])
    """
    u, t, s = stack_3d.shape
    return np.ascontiguousarray(stack_3d.reshape(u * t, s).T, dtype=np.float64)


def group_pair_similarity(
    stack: SpikeSliceStack,
    stim_labels: Sequence[Any],
    metric: str = "cosine",
    bin_size: float = 1.0,
    slice_indices: Sequence[int] | None = None,
) -> PairwiseCompMatrix:
    """Similarity of the mean responses of each label class of slices.

    The ``(U, T)`` raster (``bin_size`` ms) is averaged over the slices of each label (only
    those in ``slice_indices`` when given), and the ``(K, K)`` similarity of the class means
    is computed with ``metric``. ``labels`` are the classes present, sorted.

    Examples
    --------
    >>> from spikelab import SpikeData
    >>> rng = np.random.default_rng(0)
    >>> onsets = np.array([100.0, 300.0, 500.0, 700.0])
    >>> evoked = (onsets[:, None] + rng.uniform(10, 20, (4, 5))).ravel()  # unit 0 responds
    >>> sd = SpikeData([np.r_[evoked, rng.uniform(0, 800, 8)], rng.uniform(0, 800, 12)],
    ...                length=800.0)
    >>> stack = sd.align_to_events(onsets, pre_ms=50.0, post_ms=50.0)  # slices: -50..50 ms
    >>> group_pair_similarity(stack, ["a", "a", "b", "b"], bin_size=25.0).matrix.round(3)
    array([[1.   , 0.977],
           [0.977, 1.   ]])
    """
    labels = np.asarray(stim_labels)
    n_slices = len(stack.spike_stack)
    if labels.ndim != 1 or labels.size != n_slices:
        raise AnalysisError(f"stim_labels has {labels.size} entries for {n_slices} slices")
    chosen = (
        np.arange(n_slices) if slice_indices is None else np.asarray(slice_indices, dtype=np.int64)
    )
    if chosen.size == 0:
        raise AnalysisError("slice_indices selects no slice")
    raster = stack.to_raster_array(bin_size)[:, :, chosen]
    classes, codes = np.unique(labels[chosen], return_inverse=True)
    members = (codes[None, :] == np.arange(classes.size)[:, None]).astype(np.float64)  # (K, S)
    with threadpool_limits(limits=1, user_api="blas"):
        means = (members @ slice_vectors(raster)) / members.sum(axis=1, keepdims=True)
    return PairwiseCompMatrix(similarity_matrix(means, metric), [c.item() for c in classes],
                              {"metric": metric, "n_classes": int(classes.size)})
