"""Cross-validated decoding of slice labels (the ``ml`` extra)."""

import numpy as np
import pytest

from spikelab import SpikeData, SpikeSliceStack
from spikelab.spikedata.decoding import cross_validated_decode

pytest.importorskip("sklearn")


@pytest.fixture
def stack():
    # unit 0 answers events of class "a" with 4 spikes at +5..8 ms, unit 1 those of class "b"
    rng = np.random.default_rng(1)
    peaks = np.arange(100.0, 2100.0, 100.0)
    labels = np.array(["a", "b"] * 10)
    trains = [list(rng.uniform(0, 2200, 30)), list(rng.uniform(0, 2200, 30))]
    for p, label in zip(peaks, labels, strict=True):
        trains[0 if label == "a" else 1].extend(p + np.array([5.0, 6.0, 7.0, 8.0]))
    stack = SpikeSliceStack(SpikeData(trains, length=2200), time_peaks=peaks, time_bounds=(50, 50))
    return stack, labels


def test_separable_responses_decode_perfectly(stack):
    stack, labels = stack
    result = stack.decode_slice_labels(labels, (0, 10), bin_size=5)
    assert result["accuracy"] == 1.0 and result["classes"].tolist() == ["a", "b"]
    np.testing.assert_array_equal(result["confusion_matrix"], [[10, 0], [0, 10]])
    assert result["per_fold_accuracy"].shape == (20,) and result["classifier_name"] == "ridge"
    probs = result["predicted_probabilities"]
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    assert result["log_loss"] == pytest.approx(
        np.mean(-np.log(probs[np.arange(20), (labels == "b").astype(int)]))
    )
    forest = stack.decode_slice_labels(
        labels,
        (0, 10),
        bin_size=5,
        classifier="random_forest",
        cv=5,
        random_state=0,
        baseline_window_ms=(-50, -10),
    )
    assert forest["accuracy"] == 1.0 and forest["per_fold_accuracy"].shape == (5,)


def test_ridge_probabilities_are_a_softmax_of_the_decision_values():
    from sklearn.linear_model import RidgeClassifier
    X = np.array([[0.0, 1], [1, 0], [0, 2], [2, 0], [0.5, 1.5], [1.5, 0.2]])
    y = np.array([1, 0, 1, 0, 1, 0])
    result = cross_validated_decode(X, y, cv="loo")
    d = RidgeClassifier().fit(X[1:], y[1:]).decision_function(X[:1])[0]
    np.testing.assert_allclose(
        result["predicted_probabilities"][0], np.exp([-d, d]) / np.exp([-d, d]).sum()
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [(dict(classifier="svm"), "classifier"), (dict(cv=1), "cv"), (dict(cv="kfold"), "cv")],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        cross_validated_decode(np.ones((4, 2)), [0, 1, 0, 1], **kwargs)
    with pytest.raises(ValueError, match="2 label classes"):
        cross_validated_decode(np.ones((4, 2)), [0, 0, 0, 0])
