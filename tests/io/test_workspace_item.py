"""Workspace items as recordings: ``file.h5::namespace/key``."""

from __future__ import annotations

import numpy as np
import pytest

from spikelab.workspace.workspace import AnalysisWorkspace
from spikelab.errors import RecordingError
from spikelab.io import load_recording
from spikelab.io.workspace_item import split_item_path


@pytest.fixture
def workspace(sim, tmp_path):
    ws = AnalysisWorkspace(name="recordings")
    ws.store("culture_a", "spikes", sim)
    ws.store("culture_a", "rates", np.arange(4.0))
    ws.save(tmp_path / "ws")
    return tmp_path / "ws.h5"


@pytest.mark.parametrize("suffix", [".h5", ""])
def test_loads_the_spikedata_item(sim, workspace, suffix, assert_same_trains):
    path = f"{str(workspace)[:-3]}{suffix}::culture_a/spikes"
    sd = load_recording(path)
    assert_same_trains(sd, sim)
    assert (sd.length, sd.start_time) == (sim.length, sim.start_time)
    assert sd.neuron_attributes == sim.neuron_attributes


def test_explicit_format(sim, workspace):
    assert load_recording(f"{workspace}::culture_a/spikes", format="workspace").N == sim.N


@pytest.mark.parametrize("item, match", [
    ("culture_a/nope", r"culture_a/nope not found"),
    ("other/spikes", r"other/spikes not found"),
    ("culture_a/rates", r"culture_a/rates is a ndarray; a recording must be a SpikeData"),
])
def test_wrong_item(workspace, item, match):
    with pytest.raises(RecordingError, match=rf"ws\.h5: .*{match}"):
        load_recording(f"{workspace}::{item}")


def test_missing_workspace_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent.h5"):
        load_recording(f"{tmp_path / 'absent.h5'}::ns/key")


def test_corrupt_workspace_file(tmp_path):
    (tmp_path / "junk.h5").write_bytes(bytes(range(256)) * 16)
    with pytest.raises(RecordingError, match=r"junk\.h5"):
        load_recording(f"{tmp_path / 'junk.h5'}::ns/key")


@pytest.mark.parametrize("path", ["ws.h5::ns", "ws.h5::/key", "::ns/key", "ws.h5::ns/"])
def test_malformed_item_path(path):
    with pytest.raises(RecordingError, match="file.h5::namespace/key"):
        split_item_path(path)


def test_split_item_path():
    p, ns, key = split_item_path("results/ws.h5::culture_a/spikes")
    assert (str(p), ns, key) == ("results/ws.h5", "culture_a", "spikes")


def test_workspace_without_item_lists_its_spikedata(workspace):
    with pytest.raises(RecordingError, match=r"ws\.h5: .*SpikeData items: \['culture_a/spikes'\]"):
        load_recording(workspace)
