"""Workflow config helpers: enabled steps, canonical parameters, recording checks."""

import copy

import pytest
import yaml

from spikelab.errors import ConfigError
from spikelab.pipeline.config import (check_recording_files, enabled_steps, expected_items,
                                      keep_going_requested, simulation_params, step_params,
                                      step_params_json)

from ..workflow.harness import REPO


@pytest.fixture
def config():
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def test_demo_config_enables_every_analysis_in_dependency_order(config):
    assert enabled_steps(config) == ["recording", "bursts", "burst_alignment", "burst_corr",
                                     "sttc", "fr_corr"]


def test_an_analysis_whose_input_is_disabled_is_a_config_error(config):
    config["analyses"]["burst_alignment"]["enabled"] = False
    with pytest.raises(ConfigError, match="burst_corr.*burst_alignment"):
        enabled_steps(config)


@pytest.mark.parametrize("edit", [
    lambda c: c["analyses"].__setitem__("sttc", {"delt": 20.0, "enabled": True}),
    lambda c: c["analyses"].__setitem__("bursts", dict(reversed(c["analyses"]["bursts"].items()))),
    lambda c: c["analyses"]["bursts"].__setitem__("enabled", True),
])
def test_canonical_params_ignore_key_order_integral_floats_and_enabled(config, edit):
    edited = copy.deepcopy(config)
    edit(edited)
    for step in ("bursts", "sttc"):
        assert step_params_json(edited, step) == step_params_json(config, step)


def test_canonical_params_change_with_a_value(config):
    edited = copy.deepcopy(config)
    edited["analyses"]["sttc"]["delt"] = 20.5
    assert step_params_json(edited, "sttc") != step_params_json(config, "sttc")
    assert "enabled" not in step_params(config, "sttc")


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


def test_expected_items_cover_every_recording_and_the_summary(config):
    items = expected_items(config)
    assert ("D0", "sttc_matrix") in items and ("all", "summary") in items
    config["analyses"]["sttc"]["delt"] = [10, 20]
    assert ("D0", "sttc_matrix_delt10") in expected_items(config)
