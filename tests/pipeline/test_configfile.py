"""Config files read strictly: a key given twice, or a YAML syntax error, names the lines."""

from __future__ import annotations

import pytest

from spikelab.errors import ConfigError
from spikelab.pipeline.configfile import check_config_files, check_config_text

from ..workflow.harness import REPO


@pytest.mark.parametrize("text, key, lines", [
    ("recordings:\n  D0: {path: a.nwb}\n  D3: {path: b.nwb}\n  D0: {path: c.nwb}\n",
     "recordings.D0", "lines 2 and 4"),
    ("analyses:\n  sttc:\n    delt: 20\n    enabled: true\n    delt: 50\n",
     "analyses.sttc.delt", "lines 3 and 5"),
    ("prune: false\nworkspace: x\nprune: true\n", "prune", "lines 1 and 3"),
    ("analyses: {sttc: {delt: 20, delt: 50}}\n", "analyses.sttc.delt", "line 1"),
    ("cache:\n  - {a: 1, a: 2}\n", "cache[0].a", "line 2"),
])
def test_a_key_given_twice_names_the_key_and_both_lines(text, key, lines):
    with pytest.raises(ConfigError) as err:
        check_config_text(text, "cfg.yaml")
    message = str(err.value)
    assert message.startswith("cfg.yaml: ") and repr(key) in message and lines in message


@pytest.mark.parametrize("text, where", [
    ("recordings:\n  D0: {path: a.nwb\nprune: true\n", "line 3"),
    ("analyses:\n  sttc:\n    delt: 20\n   enabled: true\n", "line 4"),
    ("recordings:\n\tD0: {path: a.nwb}\n", "line 2"),
])
def test_a_syntax_error_names_the_line(text, where):
    with pytest.raises(ConfigError, match=rf"^cfg\.yaml, {where}, column \d+: not valid YAML"):
        check_config_text(text, "cfg.yaml")


@pytest.mark.parametrize("text", [
    "",
    "base: &b {delt: 20}\nsttc:\n  <<: *b\n  delt: 50\n",   # a merge key overrides on purpose
    "a: &x [1, 2]\nb: *x\nc: *x\n",                       # the same node reached twice
    "a: {x: 1}\nb: {x: 1}\n",                             # equal keys in different mappings
])
def test_valid_yaml_passes(text):
    check_config_text(text, "cfg.yaml")


def test_the_demo_config_passes_and_missing_files_are_left_to_snakemake(tmp_path):
    check_config_files([REPO / "config" / "config.yaml", tmp_path / "absent.yaml"])
    (tmp_path / "twice.yaml").write_text("prune: true\nprune: false\n")
    with pytest.raises(ConfigError, match=r"twice\.yaml: key 'prune'"):
        check_config_files([REPO / "config" / "config.yaml", tmp_path / "twice.yaml"])
