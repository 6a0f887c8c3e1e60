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


@pytest.mark.parametrize(
    "edit, where",
    [
        (lambda c: c.__setitem__("unknown_option", 1), "unknown_option"),
        (lambda c: c["analyses"]["sttc"].__setitem__("delt", -5), "analyses.sttc.delt"),
        (lambda c: c["analyses"]["sttc"].__setitem__("delt", "20"), "analyses.sttc.delt"),
        (
            lambda c: c["analyses"]["bursts"].__setitem__("thr_burst", "high"),
            "analyses.bursts.thr_burst",
        ),
        (lambda c: c["analyses"]["bursts"].__setitem__("typo", 1), "analyses.bursts"),
        (lambda c: c["recordings"].__setitem__("all", {"path": "x.nwb"}), "recordings"),
        (lambda c: c["recordings"].__setitem__("bad/name", {"path": "x.nwb"}), "recordings"),
        (
            lambda c: c["recordings"].__setitem__("R", {"path": "x.nwb", "simulate": {}}),
            "recordings.R",
        ),
        (
            lambda c: c["recordings"].__setitem__("R", {"path": "x", "format": "mat"}),
            "recordings.R.format",
        ),
        (lambda c: c["simulation"].__setitem__("n_units", 0), "simulation.n_units"),
        (lambda c: c["analyses"].__setitem__("isi", {"function": "a.py:f"}), "analyses.isi"),
        (lambda c: c["analyses"].__setitem__("isi", {"keys": ["k"]}), "analyses.isi"),
        (lambda c: c["analyses"].__setitem__("isi", {**ISI, "colour": 1}), "analyses.isi"),
        (
            lambda c: c["analyses"].__setitem__("isi", {**ISI, "scope": "pairs"}),
            "analyses.isi.scope",
        ),
        (
            lambda c: c["analyses"].__setitem__("isi", {**ISI, "function": "a.py"}),
            "analyses.isi.function",
        ),
        (lambda c: c["analyses"].__setitem__("isi", {**ISI, "keys": []}), "analyses.isi.keys"),
        (
            lambda c: c["analyses"].__setitem__("isi", {**ISI, "keys": ["a/b"]}),
            "analyses.isi.keys.0",
        ),
        (
            lambda c: c["analyses"].__setitem__("isi", {**ISI, "reads": {"bursts": "tburst"}}),
            "analyses.isi.reads.bursts",
        ),
        (
            lambda c: c["analyses"].__setitem__("isi", {**ISI, "pairs": "some"}),
            "analyses.isi.pairs",
        ),
        (lambda c: c["analyses"].__setitem__("my-isi", ISI), "analyses"),
        (lambda c: c["analyses"]["sttc"].__setitem__("version", 1.5), "analyses.sttc.version"),
        (lambda c: c.__setitem__("workspace", ""), "workspace"),
        (lambda c: c.__setitem__("parts_dir", ""), "parts_dir"),
        (lambda c: c.__setitem__("cache", [""]), "cache.0"),
    ],
)
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


NUMBERS = [  # every number option, where a value that is not finite makes no sense
    ("simulation", "duration_s"), ("simulation", "burst_rate_hz"), ("simulation", "dose"),
    ("analyses.bursts", "thr_burst"), ("analyses.bursts", "burst_edge_mult_thresh"),
    ("analyses.bursts", "square_width"), ("analyses.bursts", "raster_bin_size_ms"),
    ("analyses.bursts", "backbone_threshold"), ("analyses.burst_alignment", "pre_ms"),
    ("analyses.burst_alignment", "post_ms"), ("analyses.burst_corr", "MIN_RATE_THRESHOLD"),
    ("analyses.burst_corr", "MIN_FRAC"), ("analyses.sttc", "delt"),
    ("analyses.fr_corr", "bin_size_ms"), ("analyses.fr_corr", "sigma_ms"),
]


@pytest.mark.parametrize("text", [".inf", "-.inf", ".nan", ".NaN"])
@pytest.mark.parametrize("block, name", [*NUMBERS, ("analyses.sttc", "delt[]")])
def test_inf_and_nan_are_rejected_by_the_schema(block, name, text):
    config = copy.deepcopy(DEMO)
    target = config
    for part in block.split("."):
        target = target[part]
    if name.endswith("[]"):  # delt also takes a list of windows
        name, text = name[:-2], f"[10, {text}]"
    target[name] = yaml.safe_load(text)  # as YAML reads it from a config file
    found = errors(config)
    assert any(e.startswith(f"{block}.{name}") for e in found), found


def test_every_number_option_is_finite_by_its_schema():
    """No `type: number` left outside the finite `number` definition (new options too)."""
    def walk(node, path):
        if isinstance(node, dict):
            if node.get("type") == "number" and not path.startswith("$defs.number"):
                yield path
            for key, value in node.items():
                yield from walk(value, f"{path}.{key}" if path else key)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, f"{path}[{i}]")
    assert list(walk(SCHEMA, "")) == []
