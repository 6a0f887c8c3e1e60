"""Low-dimensional embeddings of samples x features data: exact PCA, or UMAP (optional).

Used by :meth:`RateData.get_manifold <spikelab.RateData.get_manifold>` (samples are time
points, features units) and :meth:`PairwiseCompMatrixStack.dim_red_on_lower_diagonal_corr_matrix
<spikelab.PairwiseCompMatrixStack.dim_red_on_lower_diagonal_corr_matrix>` (samples are
slices, features unit pairs).

PCA needs nothing beyond numpy: it is computed exactly (LAPACK), with scikit-learn's sign
convention (the largest-magnitude loading of each component is positive), so it equals
``sklearn.decomposition.PCA`` with an exact solver. UMAP needs the ``ml`` extra
(``umap-learn`` and scikit-learn). Matrix products run on one BLAS thread: a multi-threaded
BLAS mostly spin-waits on a busy machine (see :mod:`spikelab.spikedata.correlation`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from .._optional import require
from ..errors import AnalysisError

__all__ = ["METHODS", "pca", "umap_embedding", "embed"]

METHODS = ("PCA", "UMAP")


def _check(X: np.ndarray, n_components: int) -> tuple[np.ndarray, int]:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise AnalysisError(f"expected a 2-D samples x features array, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise AnalysisError(
            f"{int(np.sum(~np.isfinite(X)))} of {X.size} values are NaN or infinite; "
            "an embedding needs finite values (drop or fill them first)"
        )
    k = int(n_components)
    if not 1 <= k <= min(X.shape):
        raise AnalysisError(
            f"n_components must be in 1..{min(X.shape)} for data of shape {X.shape}, "
            f"got {n_components}"
        )
    return X, k


def pca(X: np.ndarray, n_components: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Principal components of the rows of ``X`` (samples x features), centred.

    Returns
    -------
    embedding : ndarray, shape (n_samples, n_components)
    explained_variance_ratio : ndarray, shape (n_components,)
    components : ndarray, shape (n_components, n_features)

    Notes
    -----
    The components are eigenvectors of the smaller of the two scatter matrices of the
    centred data (``features x features``, or ``samples x samples`` mapped back through the
    data), as scikit-learn's ``"covariance_eigh"`` solver does: one matrix product and a
    small eigendecomposition instead of an SVD of the whole data. The explained variance
    ratio divides by the total variance of all features.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    >>> emb, ratio, comps = pca(X, 1)
    >>> np.round(ratio, 6).tolist(), np.round(comps, 6).tolist()
    ([1.0], [[0.707107, 0.707107]])
    """
    X, k = _check(X, n_components)
    centred = X - X.mean(axis=0)
    n_samples, n_features = X.shape
    with threadpool_limits(limits=1, user_api="blas"):  # see the module docstring
        if n_samples >= n_features:  # eigenvectors of the features x features scatter
            eigval, eigvec = np.linalg.eigh(centred.T @ centred)
            order = np.argsort(eigval)[::-1][:k]
            components = eigvec[:, order].T
        else:  # through the samples x samples Gram matrix: X^T u / sqrt(lambda)
            eigval, eigvec = np.linalg.eigh(centred @ centred.T)
            order = np.argsort(eigval)[::-1][:k]
            components = (
                centred.T @ eigvec[:, order] / np.sqrt(np.maximum(eigval[order], 1e-300))
            ).T
        total = np.sum(centred * centred)
    variances = np.clip(eigval[order], 0.0, None)
    biggest = np.argmax(np.abs(components), axis=1)
    components = components * np.sign(components[np.arange(len(components)), biggest])[:, None]
    ratio = variances / total if total > 0 else np.zeros_like(variances)
    return centred @ components.T, ratio, components


def umap_embedding(X: np.ndarray, n_components: int = 2, *, use_graph_communities: bool = False,
                   return_labels: bool = False, resolution: float = 1.0,
                   **umap_kwargs: Any) -> tuple:
    """UMAP embedding of the rows of ``X`` and its trustworthiness (0..1).

    ``use_graph_communities=True`` also finds Louvain communities (``resolution``) of UMAP's
    neighbour graph, returned as per-sample labels when ``return_labels=True``. Other
    keywords (``n_neighbors``, ``min_dist``, ``metric``, ``random_state``...) go to
    ``umap.UMAP``. Needs the ``ml`` extra.

    Returns
    -------
    (embedding, trustworthiness) or (embedding, labels, trustworthiness)

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(30, 4))
    >>> embedding, trust = umap_embedding(X, n_components=2, n_neighbors=5)
    >>> embedding.shape
    (30, 2)
    """
    X, k = _check(X, n_components)
    umap = require("umap", "UMAP embeddings")
    manifold = require("sklearn.manifold", "UMAP embeddings")
    n_neighbors = int(umap_kwargs.pop("n_neighbors", min(15, X.shape[0] - 1)))
    reducer = umap.UMAP(n_components=k, n_neighbors=n_neighbors, **umap_kwargs)
    embedding = reducer.fit_transform(X)
    trust = float(manifold.trustworthiness(X, embedding, n_neighbors=min(5, (X.shape[0] - 1) // 2)))
    if not (use_graph_communities and return_labels):
        return embedding, trust
    labels = _communities(reducer.graph_, resolution, umap_kwargs.get("random_state"))
    return embedding, labels, trust


def _communities(graph: Any, resolution: float, seed: Any) -> np.ndarray:
    nx = require("networkx", "UMAP graph communities")
    g = nx.from_scipy_sparse_array(graph)
    labels = np.zeros(graph.shape[0], dtype=np.int64)
    groups = nx.community.louvain_communities(g, weight="weight", resolution=resolution, seed=seed)
    for label, members in enumerate(sorted(groups, key=min)):
        labels[list(members)] = label
    return labels


def embed(X: np.ndarray, method: str = "PCA", n_components: int = 2, **kwargs: Any) -> tuple:
    """:func:`pca` or :func:`umap_embedding` by name (``"PCA"`` or ``"UMAP"``).

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    >>> embedding, explained, components = embed(X, "PCA", n_components=1)
    >>> explained.round(6)
    array([1.])
    """
    if method == "PCA":
        if kwargs:
            raise AnalysisError(f"PCA takes no extra options, got {sorted(kwargs)}")
        return pca(X, n_components)
    if method == "UMAP":
        return umap_embedding(X, n_components, **kwargs)
    raise AnalysisError(f"method must be one of {list(METHODS)}, got {method!r}")
