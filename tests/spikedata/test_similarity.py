"""Slice-to-slice and class-to-class similarity against pair-by-pair naive formulas."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from spikelab import RateSliceStack, SpikeData, SpikeSliceStack
from spikelab.spikedata.similarity import similarity_matrix


def naive(a, b, metric):
    if metric == "euclidean":
        return np.sqrt(np.sum((a - b) ** 2))
    if metric == "cross_entropy":
        if a.sum() <= 0 or b.sum() <= 0 or (a < 0).any() or (b < 0).any():
            return np.nan
        p, q = a / a.sum(), b / b.sum()
        kl = lambda x, y: np.sum(x * np.log((x + 1e-12) / (y + 1e-12)))  # noqa: E731
        return 0.5 * (kl(p, q) + kl(q, p))
    if metric == "pearson":
        a, b = a - a.mean(), b - b.mean()
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 and nb == 0:
        return np.nan
    return 0.0 if na == 0 or nb == 0 else a @ b / (na * nb)


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        float,
        st.tuples(st.integers(1, 5), st.integers(1, 6)),
        elements=st.sampled_from([0.0, 1, 2, 5, 0.5]),
    ),
    st.sampled_from(["cosine", "pearson", "euclidean", "cross_entropy"]),
)
def test_matches_the_pairwise_formula(x, metric):
    got = similarity_matrix(x, metric)
    for i in range(x.shape[0]):
        for j in range(x.shape[0]):
            expected = 0.0 if i == j and metric in ("euclidean", "cross_entropy") and not np.isnan(
                naive(x[i], x[j], metric)) else naive(x[i], x[j], metric)
            np.testing.assert_allclose(got[i, j], expected, atol=1e-9, err_msg=f"{metric} {i} {j}")


def test_spec_examples():
    x = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    cos = similarity_matrix(x, "cosine")
    assert cos[0, 1] == pytest.approx(1 / np.sqrt(2)) and cos[0, 2] == 0.0 and np.isnan(cos[2, 2])
    assert similarity_matrix(x, "euclidean")[0, 1] == 1.0
    p = similarity_matrix(np.array([[1.0, 0.0], [1.0, 1.0]]), "cross_entropy")[0, 1]
    # KL(p||q) = log 2, KL(q||p) = 0.5 log 0.5 + 0.5 log(0.5 / 1e-12): their mean is log(1e12) / 4
    assert p == pytest.approx(np.log(1e12) / 4, rel=1e-9)
    with pytest.raises(ValueError, match="metric"):
        similarity_matrix(x, "jaccard")


def test_euclidean_keeps_tiny_distances_between_large_vectors():
    a = np.full(1000, 1e6)
    d = similarity_matrix(np.vstack([a, a + 1e-3]), "euclidean")[0, 1]
    assert d == pytest.approx(1e-3 * np.sqrt(1000), rel=1e-6)


def test_stacks_compare_their_slices():
    ev = np.random.default_rng(1).gamma(1, 1, (3, 4, 5))
    sim = RateSliceStack(event_matrix=ev).slice_to_slice_similarity("pearson")
    flat = ev.reshape(12, 5).T
    np.testing.assert_allclose(sim.matrix, np.corrcoef(flat), atol=1e-12)
    assert sim.metadata == {"metric": "pearson"}


def test_group_pair_similarity_averages_each_class():
    sd = SpikeData([[1.0, 11.0, 12.0, 31.0], [5.0, 25.0, 35.0]], length=40)
    stack = SpikeSliceStack(sd, times_start_to_end=[(0, 10), (10, 20), (20, 30), (30, 40)])
    sim = stack.group_pair_similarity(["x", "y", "x", "y"], metric="euclidean", bin_size=5)
    raster = stack.to_raster_array(5).astype(float)
    mean_x, mean_y = (
        raster[:, :, [0, 2]].mean(axis=2).ravel(),
        raster[:, :, [1, 3]].mean(axis=2).ravel(),
    )
    assert sim.labels == ["x", "y"] and sim.metadata == {"metric": "euclidean", "n_classes": 2}
    assert sim.matrix[0, 1] == pytest.approx(np.linalg.norm(mean_x - mean_y))
    only_x = stack.group_pair_similarity(["x", "y", "x", "y"], slice_indices=[0, 2])
    assert only_x.labels == ["x"] and only_x.matrix.shape == (1, 1)
    with pytest.raises(ValueError, match="entries for 4 slices"):
        stack.group_pair_similarity(["x"])
