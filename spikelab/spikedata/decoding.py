"""Cross-validated decoding of per-slice labels (e.g. which electrode was stimulated).

Needs the ``ml`` extra (scikit-learn). Classifiers: ``"ridge"`` (``RidgeClassifier``; its
probabilities are a softmax over the decision values, a relative score rather than a
calibrated probability), ``"logistic"``, ``"mlp"`` and ``"random_forest"``, built with
``classifier_kwargs`` and ``random_state`` (where they take one). Folds: leave-one-out
(``cv="loo"``) or stratified k-fold (``cv=k``, shuffled with ``random_state``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._optional import require
from ..errors import AnalysisError
from .spikeslicestack import SpikeSliceStack

__all__ = ["CLASSIFIERS", "cross_validated_decode", "decode_slice_labels"]

CLASSIFIERS = ("logistic", "mlp", "random_forest", "ridge")
_PROB_FLOOR = 1e-15  # log-loss of a confident miss stays finite


def _classifier(name: str, kwargs: dict[str, Any], random_state: int | None):
    what = "decoding"
    if name == "ridge":
        return require("sklearn.linear_model", what).RidgeClassifier(**kwargs)
    seeded = {"random_state": random_state, **kwargs}
    if name == "logistic":
        return require("sklearn.linear_model", what).LogisticRegression(
            **{"max_iter": 1000, **seeded}
        )
    if name == "mlp":
        return require("sklearn.neural_network", what).MLPClassifier(**seeded)
    return require("sklearn.ensemble", what).RandomForestClassifier(**seeded)


def _probabilities(model, X: np.ndarray, n_classes: int) -> np.ndarray | None:
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)
    if not hasattr(model, "decision_function"):
        return None
    scores = np.asarray(model.decision_function(X), dtype=np.float64)
    if scores.ndim == 1:  # binary: one score d for the second class, i.e. logits (-d, d)
        scores = np.column_stack([-scores, scores])
    scores = scores - scores.max(axis=1, keepdims=True)
    expo = np.exp(scores)
    return expo / expo.sum(axis=1, keepdims=True)


def _folds(cv: str | int, y: np.ndarray, random_state: int | None):
    selection = require("sklearn.model_selection", "decoding")
    if cv == "loo":
        return list(selection.LeaveOneOut().split(y))
    if isinstance(cv, bool) or not isinstance(cv, (int, np.integer)) or cv < 2:
        raise AnalysisError(f"cv must be 'loo' or an int >= 2, got {cv!r}")
    splitter = selection.StratifiedKFold(int(cv), shuffle=True, random_state=random_state)
    return list(splitter.split(np.zeros(len(y)), y))


def cross_validated_decode(
    X: np.ndarray,
    y: Sequence[Any],
    *,
    classifier: str = "ridge",
    cv: str | int = "loo",
    classifier_kwargs: dict | None = None,
    random_state: int | None = None,
) -> dict[str, Any]:
    """Out-of-fold predictions of ``y`` from the rows of ``X`` (samples x features).

    Returns
    -------
    dict
        ``accuracy``, ``log_loss`` (mean over samples; NaN without probabilities),
        ``predicted_probabilities`` (n, K) or None, ``predictions``, ``true_labels``,
        ``confusion_matrix`` (K, K; rows true, columns predicted), ``per_fold_accuracy``,
        ``per_fold_log_loss``, ``classes`` (sorted), ``classifier_name``.

    Examples
    --------
    >>> X = np.array([[0.0, 1.0], [0.2, 0.9], [1.0, 0.1], [0.9, 0.0]])
    >>> cross_validated_decode(X, ["a", "a", "b", "b"], cv=2, random_state=0)["accuracy"]
    1.0
    """
    if classifier not in CLASSIFIERS:
        raise AnalysisError(f"classifier must be one of {list(CLASSIFIERS)}, got {classifier!r}")
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[0] != y.shape[0]:
        raise AnalysisError(
            f"X must be (samples, features) with one label per sample, got {X.shape} and {y.shape}"
        )
    classes = np.unique(y)
    if classes.size < 2:
        raise AnalysisError(f"decoding needs at least 2 label classes, got {classes.tolist()}")
    folds = _folds(cv, y, random_state)
    predictions = np.empty_like(y)
    probs: np.ndarray | None = np.zeros((y.size, classes.size))
    fold_acc, fold_loss = [], []
    for train, test in folds:
        model = _classifier(classifier, dict(classifier_kwargs or {}), random_state).fit(
            X[train], y[train]
        )
        predictions[test] = model.predict(X[test])
        fold_acc.append(float(np.mean(predictions[test] == y[test])))
        p = _probabilities(model, X[test], classes.size)
        if p is None or probs is None:
            probs = None
            fold_loss.append(np.nan)
            continue
        cols = np.searchsorted(classes, model.classes_)  # a fold may miss a class
        probs[np.ix_(test, cols)] = p
        fold_loss.append(float(_log_loss(probs[test], classes, y[test]).mean()))
    codes_true, codes_pred = np.searchsorted(classes, y), np.searchsorted(classes, predictions)
    confusion = np.zeros((classes.size, classes.size), dtype=np.int64)
    np.add.at(confusion, (codes_true, codes_pred), 1)
    losses = _log_loss(probs, classes, y) if probs is not None else None
    return {
        "accuracy": float(np.mean(predictions == y)),
        "log_loss": float(losses.mean()) if losses is not None else float("nan"),
        "predicted_probabilities": probs,
        "predictions": predictions,
        "true_labels": y.copy(),
        "confusion_matrix": confusion,
        "per_fold_accuracy": np.asarray(fold_acc),
        "per_fold_log_loss": np.asarray(fold_loss),
        "classes": classes,
        "classifier_name": classifier,
    }


def _log_loss(probs: np.ndarray, classes: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-sample cross-entropy ``-log p(true class)`` (rows renormalised, floored)."""
    p = np.clip(probs / probs.sum(axis=1, keepdims=True), _PROB_FLOOR, 1.0)
    return -np.log(p[np.arange(y.size), np.searchsorted(classes, y)])


def decode_slice_labels(
    stack: SpikeSliceStack,
    labels: Sequence[Any],
    response_window_ms: Sequence[float],
    *,
    bin_size: float,
    baseline_window_ms: Sequence[float] | None = None,
    classifier: str = "ridge",
    cv: str | int = "loo",
    classifier_kwargs: dict | None = None,
    random_state: int | None = None,
) -> dict[str, Any]:
    """Decode per-slice labels from each unit's response count (features ``(S, U)``).

    Counts are those of :func:`spikelab.spikedata.slice_response.response_amplitudes`
    (baseline-subtracted when ``baseline_window_ms`` is given); see
    :func:`cross_validated_decode` for the rest.

    Examples
    --------
    >>> from spikelab import SpikeData
    >>> rng = np.random.default_rng(0)
    >>> onsets = np.array([100.0, 300.0, 500.0, 700.0])
    >>> evoked = (onsets[:, None] + rng.uniform(10, 20, (4, 5))).ravel()  # unit 0 responds
    >>> sd = SpikeData([np.r_[evoked, rng.uniform(0, 800, 8)], rng.uniform(0, 800, 12)],
    ...                length=800.0)
    >>> stack = sd.align_to_events(onsets, pre_ms=50.0, post_ms=50.0)  # slices: -50..50 ms
    >>> result = decode_slice_labels(stack, ["a", "b", "a", "b"], (0, 50), bin_size=10.0, cv=2,
    ...                              random_state=0)
    >>> result["predictions"]
    array(['b', 'a', 'b', 'b'], dtype='<U1')
    """
    from .slice_response import response_amplitudes

    n_slices = len(stack.spike_stack)
    if len(labels) != n_slices:
        raise AnalysisError(f"labels has {len(labels)} entries for {n_slices} slices")
    features = response_amplitudes(stack, bin_size, response_window_ms, baseline_window_ms).T
    return cross_validated_decode(features, labels, classifier=classifier, cv=cv,
                                  classifier_kwargs=classifier_kwargs, random_state=random_state)
