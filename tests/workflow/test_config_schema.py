"""The config schema: the demo validates; bad configs fail naming the key."""

import copy

import jsonschema
import pytest
import yaml

from .harness import REPO

SCHEMA = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
DEMO = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
ISI = {"function": "workflow/analyses/isi.py:isi_histogram", "keys": ["isi_hist"]}


def errors(config):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(config)]


def test_schema_is_valid_2020_12_and_the_demo_validates():
    assert SCHEMA["$schema"].endswith("2020-12/schema")
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert errors(DEMO) == []


@pytest.mark.parametrize("edit, where", [
    (lambda c: c.__setitem__("unknown_option", 1), "unknown_option"),
    (lambda c: c["analyses"]["sttc"].__setitem__("delt", -5), "analyses.sttc.delt"),
    (lambda c: c["analyses"]["sttc"].__setitem__("delt", "20"), "analyses.sttc.delt"),
    (lambda c: c["analyses"]["bursts"].__setitem__("thr_burst", "high"), "analyses.bursts.thr_burst"),
    (lambda c: c["analyses"]["bursts"].__setitem__("typo", 1), "analyses.bursts"),
    (lambda c: c["recordings"].__setitem__("all", {"path": "x.nwb"}), "recordings"),
    (lambda c: c["recordings"].__setitem__("bad/name", {"path": "x.nwb"}), "recordings"),
    (lambda c: c["recordings"].__setitem__("R", {"path": "x.nwb", "simulate": {}}), "recordings.R"),
    (lambda c: c["recordings"].__setitem__("R", {"path": "x", "format": "mat"}), "recordings.R.format"),
    (lambda c: c["simulation"].__setitem__("n_units", 0), "simulation.n_units"),
    (lambda c: c["analyses"].__setitem__("isi", {"function": "a.py:f"}), "analyses.isi"),
    (lambda c: c["analyses"].__setitem__("isi", {"keys": ["k"]}), "analyses.isi"),
    (lambda c: c["analyses"].__setitem__("isi", {**ISI, "colour": 1}), "analyses.isi"),
    (lambda c: c["analyses"].__setitem__("isi", {**ISI, "scope": "pairs"}), "analyses.isi.scope"),
    (lambda c: c["analyses"].__setitem__("isi", {**ISI, "function": "a.py"}), "analyses.isi.function"),
    (lambda c: c["analyses"].__setitem__("isi", {**ISI, "keys": []}), "analyses.isi.keys"),
    (lambda c: c["analyses"].__setitem__("isi", {**ISI, "keys": ["a/b"]}), "analyses.isi.keys.0"),
    (lambda c: c["analyses"].__setitem__("isi", {**ISI, "reads": {"bursts": "tburst"}}),
     "analyses.isi.reads.bursts"),
    (lambda c: c["analyses"].__setitem__("isi", {**ISI, "pairs": "some"}), "analyses.isi.pairs"),
    (lambda c: c["analyses"].__setitem__("my-isi", ISI), "analyses"),
    (lambda c: c["analyses"]["sttc"].__setitem__("version", 1.5), "analyses.sttc.version"),
])
def test_bad_configs_name_the_key(edit, where):
    """Including analyses of one's own: one error naming the block or its field."""
    config = copy.deepcopy(DEMO)
    edit(config)
    found = errors(config)
    assert found and any(e.startswith(where) or where in e.split(": ", 1)[1] for e in found), found


def test_an_analysis_of_ones_own_validates():
    config = copy.deepcopy(DEMO)
    config["analyses"]["isi"] = {**ISI, "reads": {"bursts": ["tburst"], "sttc": "all"},
                                 "params": {"bins": 50}, "version": "2", "threads": 2,
                                 "resources": {"mem_mb": 500, "runtime": 5}}
    config["analyses"]["cmp"] = {**ISI, "keys": ["d"], "scope": "all", "pairs": {"baseline": "D0"}}
    assert errors(config) == []
