"""load_recording: format inference, format names, options and errors that name the file."""

from __future__ import annotations

import pytest

from spikelab import SpikeData
from spikelab.errors import RecordingError
from spikelab.io import FORMATS, infer_format, load_recording, save_npz, save_nwb, save_phy


@pytest.fixture
def recordings(tmp_path):
    sd = SpikeData([[1.0, 2.0], [3.0]], length=5.0,
                   neuron_attributes=[{"unit_id": 0}, {"unit_id": 1}])
    save_nwb(sd, tmp_path / "r.nwb")
    save_npz(sd, tmp_path / "r.npz")
    save_phy(sd, tmp_path / "ks", 1000.0)
    return tmp_path


@pytest.mark.parametrize("name, fmt", [("r.nwb", "nwb"), ("r.npz", "npz"), ("ks", "phy")])
def test_infer_and_load(recordings, name, fmt):
    assert infer_format(recordings / name) == fmt
    assert infer_format(str(recordings / name)) == fmt
    sd = load_recording(recordings / name)
    assert [t.tolist() for t in sd.train] == [pytest.approx([1.0, 2.0]), pytest.approx([3.0])]
    assert sd.length == pytest.approx(5.0)


@pytest.mark.parametrize("path", ["ws.h5::ns/key", "a/b.hdf5::x/y", "ws::ns/key"])
def test_workspace_item_paths_are_h5(path):
    assert infer_format(path) == "h5"


@pytest.mark.parametrize("fmt", ["phy", "PHY", "kilosort"])
def test_explicit_format_and_aliases(recordings, fmt):
    assert load_recording(recordings / "ks", format=fmt).N == 2


def test_explicit_format_overrides_suffix(recordings):
    (recordings / "r.npz").rename(recordings / "r.dat")
    assert load_recording(recordings / "r.dat", format="npz").N == 2


def test_unknown_suffix_lists_formats(tmp_path):
    (tmp_path / "x.csv").write_text("1,2\n")
    with pytest.raises(RecordingError, match=r"x\.csv.*'\.csv'.*'nwb', 'phy', 'npz', 'h5'"):
        load_recording(tmp_path / "x.csv")


def test_unknown_format_name_lists_formats(recordings):
    with pytest.raises(RecordingError, match=r"r\.nwb.*'mat'.*'nwb', 'phy', 'npz', 'h5'"):
        load_recording(recordings / "r.nwb", format="mat")
    assert FORMATS == ("nwb", "phy", "npz", "h5")


def test_unknown_option_lists_valid_ones(recordings):
    with pytest.raises(RecordingError, match=r"'phy' takes no option \['labels'\].*'include'"):
        load_recording(recordings / "ks", labels="good")
    with pytest.raises(RecordingError, match=r"'nwb' takes no option \['include'\].*none"):
        load_recording(recordings / "r.nwb", include="all")


def test_phy_include_option_is_forwarded(recordings):
    (recordings / "ks" / "cluster_group.tsv").write_text("cluster_id\tgroup\n0\tgood\n1\tmua\n")
    assert load_recording(recordings / "ks").N == 1
    assert load_recording(recordings / "ks", include="all").N == 2


@pytest.mark.parametrize("name", ["missing.nwb", "missing.xyz", "missing_folder"])
def test_missing_path_names_the_file(tmp_path, name):
    with pytest.raises(FileNotFoundError, match=name):
        load_recording(tmp_path / name)


def test_folder_that_is_not_phy(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(RecordingError, match=r"empty.*not a Phy"):
        load_recording(tmp_path / "empty")
