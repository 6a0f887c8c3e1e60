"""Phy/Kilosort folders: round trips, folders built by hand as Kilosort writes them, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from spikelab.errors import RecordingError
from spikelab.io import load_phy, load_recording, save_phy
from spikelab.io._phy_files import read_params

FS = 30000.0


def _folder(root, times, clusters, params="sample_rate = 30000.0\n", labels=None,
            ks_labels=None):
    """A minimal Kilosort-style folder; ``times`` in samples."""
    root.mkdir(exist_ok=True)
    np.save(root / "spike_times.npy", np.asarray(times, dtype=np.uint64).reshape(-1, 1))
    np.save(root / "spike_clusters.npy", np.asarray(clusters, dtype=np.int32))
    (root / "params.py").write_text(params)
    for name, header, table in (("cluster_group.tsv", "group", labels),
                                ("cluster_KSLabel.tsv", "KSLabel", ks_labels)):
        if table is not None:
            rows = [f"cluster_id\t{header}"] + [f"{c}\t{lab}" for c, lab in table.items()]
            (root / name).write_text("\n".join(rows) + "\n")
    return root


# ----------------------------------------------------------------- round trip
def test_round_trip_exact_on_the_sample_grid(sim, tmp_path, on_sample_grid, assert_same_trains):
    sd = on_sample_grid(sim, FS)
    save_phy(sd, tmp_path / "ks", FS)
    back = load_recording(tmp_path / "ks")
    assert_same_trains(back, sd)  # exact: same sample -> same float
    assert back.length == sd.length and back.start_time == 0.0
    for got, want in zip(back.neuron_attributes, sd.neuron_attributes, strict=True):
        assert (got["unit_id"], got["x"], got["y"], got["label"]) == (
            want["unit_id"], want["x"], want["y"], "good")


def test_written_files_follow_the_phy_layout(sim, tmp_path):
    save_phy(sim, tmp_path / "ks", FS)
    root = tmp_path / "ks"
    times = np.load(root / "spike_times.npy")
    clusters = np.load(root / "spike_clusters.npy")
    n = sum(t.size for t in sim.train)
    assert times.dtype == np.uint64 and times.shape in ((n,), (n, 1))
    assert clusters.dtype == np.int32 and clusters.shape == (n,)
    assert np.load(root / "spike_templates.npy").dtype == np.uint32
    assert np.load(root / "amplitudes.npy").dtype == np.float64
    assert np.load(root / "templates.npy").dtype == np.float32
    assert np.all(np.diff(times.astype(np.int64)) >= 0)  # Kilosort sorts spikes by time
    params = read_params(root / "params.py")
    assert {"dat_path", "n_channels_dat", "dtype", "offset", "sample_rate",
            "hp_filtered"} <= set(params)
    assert params["sample_rate"] == FS
    assert (root / "cluster_group.tsv").read_text().splitlines()[0] == "cluster_id\tgroup"


# ----------------------------------------------------------------- hand-made folders
def test_samples_to_ms_and_cluster_order(tmp_path):
    root = _folder(tmp_path / "f", [30, 60, 90, 300, 3000], [7, 2, 7, 2, 7],
                   labels={2: "good", 7: "good"})
    sd = load_phy(root)
    assert [t.tolist() for t in sd.train] == [[2.0, 10.0], [1.0, 3.0, 100.0]]
    assert [a["unit_id"] for a in sd.neuron_attributes] == [2, 7]
    assert sd.length == 100.0  # no n_samples, no raw file: the last spike
    assert sd.metadata["sample_rate_hz"] == FS


@pytest.mark.parametrize("include, kept", [
    ("good", [1]), ("all", [1, 2, 3, 4]), ("mua", [2]), (["good", "mua"], [1, 2]),
    ("unsorted", [4]), (["noise"], [3]),
])
def test_label_selection_manual_over_kilosort(tmp_path, include, kept):
    root = _folder(tmp_path / "f", [1, 2, 3, 4, 5], [1, 2, 3, 4, 1],
                   labels={1: "good", 3: "noise"}, ks_labels={1: "mua", 2: "mua", 3: "good"})
    sd = load_phy(root, include=include)
    assert [a["unit_id"] for a in sd.neuron_attributes] == kept


def test_no_label_file_needs_include_all(tmp_path):
    root = _folder(tmp_path / "f", [1, 2], [0, 1])
    with pytest.raises(RecordingError, match="include='all'"):
        load_phy(root)
    assert load_phy(root, include="all").N == 2


def _geometry_folder(root):
    """Cluster 0 merges templates 0 and 1: 3 spikes of t0 (peak ch 1) outweigh 1 of t1."""
    root = _folder(root, [10, 20, 30, 40, 50], [0, 0, 0, 0, 5], labels={0: "good", 5: "good"})
    templates = np.zeros((3, 5, 4), dtype=np.float32)
    templates[0, 2, 1] = -1.0   # template 0: channel 1
    templates[1, 2, 3] = -2.0   # template 1: channel 3, larger but rarer
    templates[2, :, 2] = [0, 1, -1, 0, 0]  # template 2: channel 2, ptp 2
    np.save(root / "templates.npy", templates)
    np.save(root / "spike_templates.npy", np.array([0, 0, 1, 0, 2], dtype=np.uint32))
    np.save(root / "channel_positions.npy", np.array([[0, 0], [0, 20], [16, 40], [16, 60.0]]))
    np.save(root / "channel_map.npy", np.array([10, 11, 12, 13], dtype=np.int32))
    return root


def test_position_is_peak_channel_of_mean_template(tmp_path):
    root = _geometry_folder(tmp_path / "f")
    attrs = load_phy(root).neuron_attributes
    assert attrs[0] == {"unit_id": 0, "label": "good", "channel": 11, "x": 0.0, "y": 20.0}
    assert attrs[1] == {"unit_id": 5, "label": "good", "channel": 12, "x": 16.0, "y": 40.0}


def test_length_from_raw_dat_file(tmp_path):
    params = ("dat_path = 'raw.bin'\nn_channels_dat = 4\ndtype = 'int16'\noffset = 8\n"
              "sample_rate = 30000.\n")
    root = _folder(tmp_path / "f", [5, 90], [0, 0], params=params, labels={0: "good"})
    (root / "raw.bin").write_bytes(bytes(8 + 4 * 2 * 600))  # header + 600 samples x 4 ch
    assert load_phy(root).length == 20.0


def test_params_file_is_never_executed(tmp_path):
    marker = tmp_path / "executed"
    params = (f"import os\nopen({str(marker)!r}, 'w').write('x')\n"
              f"dat_path = __import__('os').getcwd()\nsample_rate = 30000\n")
    root = _folder(tmp_path / "f", [30], [0], params=params, labels={0: "good"})
    sd = load_phy(root)
    assert not marker.exists()
    assert sd.train[0].tolist() == [1.0]
    assert read_params(root / "params.py") == {"sample_rate": 30000}  # dat_path: not a literal


def test_templates_only_folder(tmp_path):
    """Before curation Kilosort writes spike_templates.npy only; templates act as clusters."""
    root = tmp_path / "ks"
    root.mkdir()
    np.save(root / "spike_times.npy", np.array([3, 6, 9], dtype=np.uint64))
    np.save(root / "spike_templates.npy", np.array([1, 0, 1], dtype=np.uint32))
    (root / "params.py").write_text("sample_rate = 3000.0\n")
    (root / "cluster_KSLabel.tsv").write_text("cluster_id\tKSLabel\n0\tgood\n1\tgood\n")
    assert [t.tolist() for t in load_phy(root).train] == [[2.0], [1.0, 3.0]]


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize("remove, match", [
    ("params.py", "params.py is missing"), ("spike_times.npy", "spike_times.npy is missing"),
])
def test_missing_required_file(tmp_path, remove, match):
    root = _folder(tmp_path / "f", [1, 2], [0, 0], labels={0: "good"})
    (root / remove).unlink()
    with pytest.raises(RecordingError, match=match):
        load_recording(root, format="phy")


@pytest.mark.parametrize("times, clusters, match", [
    ([1, 2, 3], [0, 0], r"spike_clusters\.npy: has 2 entries but spike_times\.npy has 3"),
    ([5, 3, 9], [0, 0, 0], "not monotonic"),
])
def test_inconsistent_arrays(tmp_path, times, clusters, match):
    root = _folder(tmp_path / "f", times, clusters, labels={0: "good"})
    with pytest.raises(RecordingError, match=match):
        load_recording(root)


def test_negative_sample_times(tmp_path):
    root = _folder(tmp_path / "f", [1, 2], [0, 0], labels={0: "good"})
    np.save(root / "spike_times.npy", np.array([-3, 2], dtype=np.int64))
    with pytest.raises(RecordingError, match=r"spike_times\.npy.*negative"):
        load_recording(root)


@pytest.mark.parametrize("params, match", [
    ("fs = 30000\n", "no literal 'sample_rate"),
    ("sample_rate = -5\n", "positive"),
    ("sample_rate = 30000\nn_samples = 2\n", "n_samples gives 2 samples"),
    ("sample_rate = (\n", "cannot be parsed"),
])
def test_bad_params(tmp_path, params, match):
    root = _folder(tmp_path / "f", [1, 2], [0, 0], params=params, labels={0: "good"})
    with pytest.raises(RecordingError, match=match):
        load_recording(root)


def test_corrupt_array_file(tmp_path):
    root = _folder(tmp_path / "f", [1, 2], [0, 0], labels={0: "good"})
    (root / "spike_clusters.npy").write_bytes(b"\x93NUMPY garbage" * 10)
    with pytest.raises(RecordingError, match=r"spike_clusters\.npy"):
        load_recording(root)


def test_save_rejects_negative_times(tmp_path):
    from spikelab import SpikeData

    with pytest.raises(RecordingError, match="negative"):
        save_phy(SpikeData([[-1.0, 2.0]], start_time=-5.0, length=10.0), tmp_path / "x", FS)


@pytest.mark.parametrize(
    "name, array, match",
    [
        ("channel_map.npy", np.array([10, 11], dtype=np.int32), r"channel_map\.npy.*\(4,.*got 2"),
        ("channel_map.npy", np.array([0.5, 1, 2, 3]), r"channel_map\.npy.*dtype float64"),
        (
            "channel_positions.npy",
            np.array([[0.0], [20], [40], [60]]),
            r"channel_positions\.npy.*\(4, 1\).*\(channels, 2\)",
        ),
        ("channel_positions.npy", np.array([["a", "b"]] * 4), r"channel_positions\.npy.*numbers"),
        (
            "templates.npy",
            np.zeros((3, 0, 4), dtype=np.float32),
            r"templates\.npy.*\(3, 0, 4\).*sample",
        ),
        ("templates.npy", np.zeros((3, 5, 3), dtype=np.float32), r"does not match"),
    ],
)
def test_templates_and_channels_that_do_not_fit_name_the_file(tmp_path, name, array, match):
    root = _geometry_folder(tmp_path / "f")
    np.save(root / name, array)
    with pytest.raises(RecordingError, match=match):
        load_recording(root)


@pytest.mark.parametrize("include", [123, [], ["good", 3], ["all", "good"], "", None, 1.5])
def test_include_that_is_not_labels_is_an_error_naming_the_folder(tmp_path, include):
    root = _folder(tmp_path / "f", [1, 2], [0, 1], labels={0: "good", 1: "mua"})
    with pytest.raises(RecordingError, match=r"f: include") as err:
        load_phy(root, include=include)
    assert repr(include) in str(err.value) or "list" in str(err.value)
    with pytest.raises(RecordingError, match=r"f: include"):
        load_recording(root, include=include)


def test_include_label_no_cluster_has_lists_the_labels_present(tmp_path):
    root = _folder(tmp_path / "f", [1, 2, 3, 4], [0, 1, 2, 3],
                   labels={0: "good", 1: "good", 2: "mua", 3: "noise"})
    with pytest.raises(RecordingError) as err:
        load_phy(root, include="Good")
    message = str(err.value)
    assert message.startswith(str(root))
    assert "'Good'" in message and "'good' (2), 'mua' (1), 'noise' (1)" in message
    assert "case-sensitive" in message
    with pytest.raises(RecordingError, match=r"'bad' or 'great'.*'good' \(2\)"):
        load_phy(root, include=["great", "bad"])


def test_include_list_with_one_label_no_cluster_has_warns_and_loads_the_others(tmp_path):
    root = _folder(tmp_path / "f", [1, 2, 3], [0, 1, 2], labels={0: "good", 1: "good", 2: "noise"})
    with pytest.warns(UserWarning, match=r"f: no cluster is labelled 'mua'.*'good' \(2\)"):
        sd = load_phy(root, include=["good", "mua"])
    assert [a["unit_id"] for a in sd.neuron_attributes] == [0, 1]
