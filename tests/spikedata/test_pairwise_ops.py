"""PairwiseCompMatrix / Stack operations: normalise, threshold, mask, group, graph, index, plot,
embed."""

import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from spikelab import PairwiseCompMatrix, PairwiseCompMatrixStack
from spikelab import _optional

M = np.array([[1.0, 0.8, np.nan], [0.8, 1.0, -0.5], [0.2, -0.5, 2.0]])


@pytest.fixture
def pcm():
    return PairwiseCompMatrix(M, labels=["a", "b", "c"], metadata={"k": 1})


@pytest.fixture
def stack():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(3, 3, 4))
    values[0, 1, 2] = np.nan
    return PairwiseCompMatrixStack(
        values, ["a", "b", "c"], [(0, 1), (1, 2), (2, 3), (3, 4)], {"k": 1}
    )


def test_normalize_hand_values(pcm):
    lo, hi = -0.5, 2.0
    np.testing.assert_allclose(pcm.normalize().matrix, (M - lo) / (hi - lo))
    finite = M[np.isfinite(M)]
    np.testing.assert_allclose(pcm.normalize("z_score").matrix, (M - finite.mean()) / finite.std())
    np.testing.assert_allclose(pcm.normalize("row").matrix[1], (M[1] + 0.5) / 1.5)
    col = pcm.normalize("min_max", axis="col").matrix
    np.testing.assert_allclose(col[:, 0], (M[:, 0] - 0.2) / 0.8)
    assert np.isnan(col[0, 2])
    result = pcm.normalize("row")
    assert result.metadata == {"k": 1, "normalization": "min_max", "normalization_axis": "row"}
    assert result.labels == ["a", "b", "c"] and pcm.metadata == {"k": 1}  # the original untouched
    np.testing.assert_array_equal(PairwiseCompMatrix(np.ones((2, 2))).normalize().matrix, 0)
    with pytest.warns(RuntimeWarning, match="constant"):
        PairwiseCompMatrix(np.ones((2, 2))).normalize("z_score")
    for bad in [dict(method="foo"), dict(axis="diag")]:
        with pytest.raises(ValueError):
            pcm.normalize(**bad)


def test_threshold_and_remove(pcm):
    np.testing.assert_array_equal(pcm.threshold(0.4).matrix, [[1, 1, 0], [1, 1, 1], [0, 1, 1]])
    assert np.isnan(pcm.threshold(0.4, preserve_nan=True).matrix[0, 2])
    assert pcm.threshold(0.4).metadata["threshold"] == 0.4
    cond = PairwiseCompMatrix(M.T)
    for op, fn in [("lt", np.less), ("ge", np.greater_equal), ("ne", np.not_equal)]:
        with np.errstate(invalid="ignore"):
            expected = np.where(fn(M.T, 0.5), -9.0, M)
        np.testing.assert_array_equal(
            pcm.remove_by_condition(cond, op, 0.5, fill=-9).matrix, expected
        )
    out = pcm.remove_by_condition(cond, "abs_gt", 0.6)
    np.testing.assert_array_equal(np.isnan(out.matrix), np.isnan(M) | (np.abs(M.T) > 0.6))
    assert out.metadata["removed_by_condition"]["op"] == "abs_gt"
    with pytest.raises(ValueError, match="op"):
        pcm.remove_by_condition(cond, "xx", 0)
    with pytest.raises(TypeError):
        pcm.remove_by_condition(M, "lt", 0)
    with pytest.raises(ValueError, match="shape"):
        pcm.remove_by_condition(PairwiseCompMatrix(np.eye(2)), "lt", 0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([0, 1, 2]), min_size=2, max_size=7), st.integers(0, 100))
def test_pairs_by_group_match_a_naive_loop(labels, seed):
    n = len(labels)
    m = np.random.default_rng(seed).normal(size=(n, n))
    expected: dict = {}
    for i in range(n):
        for j in range(i + 1, n):
            expected.setdefault(tuple(sorted((labels[i], labels[j]))), []).append(m[i, j])
    got = PairwiseCompMatrix(m).extract_pairs_by_group(labels)
    assert list(got) == sorted(expected)
    for key, values in expected.items():
        np.testing.assert_array_equal(got[key], values)


def test_pairs_by_group_key_types(pcm):
    groups = pcm.extract_pairs_by_group([True, False, True])
    assert list(groups) == [(False, True), (True, True)] and type(next(iter(groups))[0]) is bool
    np.testing.assert_array_equal(groups[(False, True)], [0.8, -0.5])
    with pytest.raises(ValueError, match="entries"):
        pcm.extract_pairs_by_group([1, 2])


def test_to_networkx(pcm):
    pytest.importorskip("networkx")
    graph = pcm.to_networkx()
    assert dict(graph.nodes(data="label")) == {0: "a", 1: "b", 2: "c"}
    assert sorted(graph.edges(data="weight")) == [(0, 1, 0.8), (1, 2, -0.5)]  # NaN (0, 2): no edge
    strong = pcm.to_networkx(threshold=0.6, invert_weights=True)
    assert [(u, v, round(w, 12)) for u, v, w in strong.edges(data="weight")] == [(0, 1, 0.2)]
    with pytest.raises(ValueError, match="finite"):
        pcm.to_networkx(threshold=np.nan)


def test_missing_optional_dependency_names_the_extra(monkeypatch, pcm):
    real = _optional.importlib.import_module

    def fake(name, *args):
        if name == "networkx":
            raise ImportError("No module named 'networkx'")
        return real(name, *args)

    monkeypatch.setattr(_optional.importlib, "import_module", fake)
    with pytest.raises(ImportError, match=r"spikelab\[graph\]"):
        pcm.to_networkx()


def test_every_optional_dependency_is_in_its_extra():
    extras = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    for dist, extra in _optional.EXTRAS.values():
        assert any(req.startswith(dist) for req in extras[extra]), (dist, extra)


def test_stack_indexing(stack):
    one = stack[-1]
    assert isinstance(one, PairwiseCompMatrix) and one.metadata == {
        "k": 1,
        "stack_index": -1,
        "time": (3.0, 4.0),
    }
    np.testing.assert_array_equal(one.matrix, stack.stack[:, :, 3])
    for index, chosen in [(slice(1, 3), [1, 2]), (slice(None, None, -2), [3, 1]), ([2, 0], [2, 0]),
                          (np.array([True, False, True, False]), [0, 2])]:
        sub = stack[index]
        assert isinstance(sub, PairwiseCompMatrixStack) and sub.metadata == {"k": 1}
        np.testing.assert_array_equal(sub.stack, stack.stack[:, :, chosen])
        assert sub.times == [stack.times[i] for i in chosen] and sub.labels == stack.labels
    assert [m.metadata["stack_index"] for m in stack] == [0, 1, 2, 3]
    assert stack.subslice([3, 3]).times == [(3.0, 4.0), (3.0, 4.0)]
    for bad in [4, np.array([True]), 1.5, [0, 9]]:
        with pytest.raises(IndexError):
            stack[bad]
    with pytest.raises(ValueError, match="labels"):
        PairwiseCompMatrixStack(np.zeros((3, 3, 2)), labels=[1, 2])


def test_stack_operations(stack):
    whole = stack.normalize()
    finite = stack.stack[np.isfinite(stack.stack)]
    np.testing.assert_allclose(whole.stack, (stack.stack - finite.min()) / np.ptp(finite))
    per = stack.normalize("z_score", axis="row", per_slice=True).stack
    row = stack.stack[2, :, 1]
    np.testing.assert_allclose(per[2, :, 1], (row - row.mean()) / row.std())
    with pytest.raises(ValueError, match="per_slice"):
        stack.normalize("row")
    assert stack.threshold(0.5).metadata["binary"] is True
    masked = stack.remove_by_condition(stack[0], "gt", 0.0)  # one matrix for every slice
    assert np.isnan(masked.stack[stack.stack[:, :, 0] > 0]).all()
    assert stack.mean().metadata == {"k": 1, "computed": "mean"}


def test_plots_return_figures(pcm, stack):
    fig, ax = pcm.plot(colorbar_label="r")
    assert isinstance(fig, Figure) and [t.get_text() for t in ax.get_xticklabels()] == [
        "a",
        "b",
        "c",
    ]
    image = ax.get_images()[0]
    assert image.get_cmap().name.startswith("RdBu_r") and image.get_clim() == (
        -2.0,
        2.0,
    )  # diverging, centred
    other = Figure().add_subplot()
    assert stack.plot_mean(ax=other) is other


def test_dim_red_uses_the_lower_triangles(stack):
    emb, ratio, comps = PairwiseCompMatrixStack(
        np.nan_to_num(stack.stack)
    ).dim_red_on_lower_diagonal_corr_matrix()
    feats = np.nan_to_num(stack.stack)[np.tril_indices(3, -1)].T
    np.testing.assert_allclose(emb, (feats - feats.mean(axis=0)) @ comps.T)
    assert emb.shape == (4, 2) and comps.shape == (2, 3) and ratio.sum() <= 1 + 1e-12
    holed = stack.stack.copy()
    holed[1, 0, 2] = np.nan  # an undefined pair in a lower triangle
    with pytest.raises(ValueError, match="NaN"):
        PairwiseCompMatrixStack(holed).dim_red_on_lower_diagonal_corr_matrix()


def test_pca_agrees_with_scikit_learn():
    decomposition = pytest.importorskip("sklearn.decomposition")
    x = np.random.default_rng(4).normal(size=(300, 12))  # many samples: the covariance route
    from spikelab.spikedata.manifold import pca
    for data in (x, x[:20]):
        ours = pca(data, 3)
        ref = decomposition.PCA(3, svd_solver="full").fit(data)
        np.testing.assert_allclose(ours[2], ref.components_, atol=1e-9)
        np.testing.assert_allclose(ours[1], ref.explained_variance_ratio_, rtol=1e-9)
        np.testing.assert_allclose(ours[0], ref.transform(data), atol=1e-9)


def test_umap_embedding_and_communities():
    pytest.importorskip("umap")
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(0, 0.1, (30, 4)), rng.normal(5, 0.1, (30, 4))])
    from spikelab.spikedata.manifold import embed
    emb, trust = embed(x, "UMAP", 2, random_state=0, n_jobs=1)
    assert emb.shape == (60, 2) and 0.9 < trust <= 1.0
    emb, labels, trust = embed(
        x, "UMAP", 2, use_graph_communities=True, return_labels=True, random_state=0, n_jobs=1
    )
    assert len(set(labels[:30]) & set(labels[30:])) == 0  # the two clusters never share a community
