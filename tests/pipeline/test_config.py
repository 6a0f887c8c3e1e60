"""Workflow config helpers: simulation parameters, recording checks, command-line flags
(the analyses' part of the config is the step graph's: test_graph.py)."""

import pytest
import yaml

from spikelab.errors import ConfigError
from spikelab.pipeline.config import (check_recording_files, keep_going_requested,
                                      simulation_params)

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
