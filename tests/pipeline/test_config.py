"""Workflow config helpers: simulation parameters, recording checks, command-line flags
(the analyses' part of the config is the step graph's: test_graph.py)."""

import re

import pytest
import yaml

from spikelab import SpikeData
from spikelab.errors import ConfigError
from spikelab.io import save_npz, save_phy
from spikelab.pipeline.config import (check_cache_paths, check_recording_files,
                                      check_recording_options, keep_going_requested,
                                      simulation_params)
from spikelab.workspace.workspace import AnalysisWorkspace

from ..workflow.harness import REPO


@pytest.fixture
def config():
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def test_simulation_params_layer_recording_over_defaults(config):
    params = simulation_params(config, "D3")
    assert params["dose"] == 0.25 and params["n_units"] == config["simulation"]["n_units"]


def test_missing_recording_file_names_key_and_path(config, tmp_path):
    config["recordings"]["X"] = {"path": str(tmp_path / "x.nwb")}
    with pytest.raises(ConfigError, match=r"recordings\.X\.path: .*x\.nwb"):
        check_recording_files(config, keep_going=False)
    assert check_recording_files(config, keep_going=True) == {"X"}


@pytest.mark.parametrize("argv, expected", [
    (["snakemake", "--cores", "2"], False),
    (["snakemake", "--keep-going"], True),
    (["snakemake", "-k", "--cores", "2"], True),
    (["--keep-going"], False),  # argv[0] is the program, not a flag
])
def test_keep_going_is_read_from_the_command_line(argv, expected):
    assert keep_going_requested(argv) is expected


@pytest.fixture
def recording_files(tmp_path):
    sd = SpikeData([[1.0, 2.0], [3.0]], length=5.0)
    save_phy(sd, tmp_path / "ks", 1000.0)
    save_npz(sd, tmp_path / "r.npz")
    return tmp_path


@pytest.mark.parametrize("entry, where, match", [
    ({"path": "ks", "options": {"inclde": "all"}}, "recordings.X.options",
     r"ks: format 'phy' takes no option \['inclde'\]; valid options: \['include'\]"),
    ({"path": "ks", "options": {"include": 123}}, "recordings.X.options", r"ks: include must be"),
    ({"path": "r.npz", "options": {"include": "all"}}, "recordings.X.options",
     r"format 'npz' takes no option \['include'\]; valid options: none"),
    ({"path": "ks", "format": "npz", "options": {"include": "good"}}, "recordings.X.options",
     r"format 'npz' takes no option"),
    ({"path": "r.npz", "format": "mat"}, "recordings.X.format", r"unknown recording format 'mat'"),
    ({"path": "r.npz.bak"}, "recordings.X.path", r"unknown recording format \(suffix '\.bak'\)"),
    ({"simulate": {"seed": 1}, "options": {"include": "all"}}, "recordings.X",
     r"options apply to a recording with a path"),
])
def test_recording_options_are_checked_before_any_job(config, recording_files, entry, where,
                                                      match):
    if "path" in entry:
        entry = {**entry, "path": str(recording_files / entry["path"])}
        (recording_files / "r.npz.bak").touch()
    config["recordings"]["X"] = entry
    with pytest.raises(ConfigError, match=rf"^{re.escape(where)}: .*{match}"):
        check_recording_options(config)


def test_valid_options_and_missing_files_pass_the_options_check(config, recording_files):
    config["recordings"]["P"] = {"path": str(recording_files / "ks"),
                                 "options": {"include": ["good", "mua"]}}
    config["recordings"]["Q"] = {"path": str(recording_files / "gone.npz"),
                                 "options": {"include": "all"}}  # check_recording_files' job
    config["recordings"]["S"] = {"simulate": {"seed": 3}, "options": {}}  # the schema default
    check_recording_options(config)


def test_a_cache_that_does_not_exist_is_an_error_naming_it(config, tmp_path):
    AnalysisWorkspace().save(tmp_path / "lab")
    config["cache"] = [str(tmp_path / "lab"), str(tmp_path / "lab.h5")]
    check_cache_paths(config)
    config["cache"].append(str(tmp_path / "unmounted" / "shared"))
    with pytest.raises(ConfigError, match=r"cache\[2\]: .*unmounted/shared \(looked for "
                                          r".*unmounted/shared\.h5\).*never creates"):
        check_cache_paths(config)
