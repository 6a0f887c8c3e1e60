"""Static code hashes: what counts (code, imports followed transitively), what does not
(comments, docstrings, formatting, unrelated modules), and that nothing is executed."""

from __future__ import annotations

import json
import textwrap

import pytest

from spikelab.errors import ConfigError
from spikelab.pipeline import codehash
from spikelab.pipeline.builtins import BUILTINS
from spikelab.pipeline.codehash import CodeHasher
from spikelab.pipeline.functions import FunctionRef

ANALYSIS = '''
"""The lab's analyses."""
from typing import TYPE_CHECKING

import numpy as np

from . import helpers
from .kernels import fast_sum

if TYPE_CHECKING:
    from .types import Recording


def isi_histogram(sd, params, upstream):
    """Histogram of inter-spike intervals."""
    from .late import late_value  # imported when called: still part of the code

    # bins from the config
    counts = helpers.histogram(sd, params["bins"])
    return {"isi_hist": counts + fast_sum(counts) + late_value}


def other(sd, params, upstream):
    return {}
'''


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture
def lab(tmp_path):
    """A package ``lablib`` in the project folder, with modules the analysis uses or not."""
    write(tmp_path / "lablib", {
        "__init__.py": "raise RuntimeError('the package must not be imported to hash it')\n",
        "analyses.py": ANALYSIS,
        "helpers.py": "def histogram(sd, bins):\n    return bins\n",
        "kernels.py": "def fast_sum(x):\n    return x\n",
        "types.py": "class Recording:\n    pass\n",
        "late.py": "late_value = 1\n",
        "unused.py": "raise RuntimeError('never imported')\n",
    })
    return tmp_path


def digest(project, ref="lablib.analyses:isi_histogram", **kw):
    return CodeHasher(project, **kw).hash(FunctionRef.parse(ref))


def test_the_closure_follows_every_import_of_the_package_and_executes_nothing(lab):
    code = digest(lab)
    # `from . import helpers` names a submodule: the package's __init__ is neither hashed nor run
    assert code.modules == ("lablib.analyses", "lablib.helpers", "lablib.kernels", "lablib.late",
                            "lablib.types")
    assert len(code.digest) == 64


@pytest.mark.parametrize("edit", [
    lambda s: s.replace("# bins from the config", "# the number of bins, from the config"),
    lambda s: s.replace('"""Histogram of inter-spike intervals."""', '"""ISI histogram (ms)."""'),
    lambda s: s.replace('"""The lab\'s analyses."""\n', ""),
    lambda s: s.replace('counts = helpers.histogram(sd, params["bins"])',
                        'counts = helpers.histogram(\n        sd,\n        params["bins"],\n    )'),
])
def test_comments_docstrings_and_formatting_do_not_count(lab, edit):
    before = digest(lab).digest
    path = lab / "lablib" / "analyses.py"
    path.write_text(edit(path.read_text()))
    assert digest(lab).digest == before


@pytest.mark.parametrize("module, edit", [
    ("analyses.py", lambda s: s.replace("+ late_value}", "- late_value}")),
    ("helpers.py", lambda s: s.replace("return bins", "return bins + 1")),
    ("late.py", lambda s: s.replace("1", "2")),
    ("types.py", lambda s: s + "    unit = 'ms'\n"),
])
def test_code_changes_anywhere_in_the_closure_count(lab, module, edit):
    before = digest(lab).digest
    path = lab / "lablib" / module
    path.write_text(edit(path.read_text()))
    assert digest(lab).digest != before


def test_modules_outside_the_closure_do_not_count(lab):
    before = digest(lab).digest
    (lab / "lablib" / "unused.py").write_text("x = 2\n")
    assert digest(lab).digest == before


def test_two_functions_of_one_module_hash_differently(lab):
    assert digest(lab).digest != digest(lab, "lablib.analyses:other").digest


def test_a_file_analysis_follows_the_modules_next_to_it(tmp_path):
    write(tmp_path / "workflow" / "analyses", {
        "isi.py": "import numpy as np\nimport isi_helpers\n\ndef f(sd, p, u):\n    return {}\n",
        "isi_helpers.py": "SCALE = 1\n",
    })
    ref = "workflow/analyses/isi.py:f"
    code = digest(tmp_path, ref)
    assert code.modules == ("isi", "isi_helpers")
    (tmp_path / "workflow" / "analyses" / "isi_helpers.py").write_text("SCALE = 2\n")
    assert digest(tmp_path, ref).digest != code.digest


def test_the_parse_cache_is_keyed_by_content_and_survives_damage(lab, monkeypatch):
    cache = lab / ".snakemake" / "codehash.json"
    hasher = CodeHasher(lab, cache=cache)
    first = hasher.hash(FunctionRef.parse("lablib.analyses:isi_histogram"))
    hasher.save()
    assert len(json.loads(cache.read_text())["files"]) == len(first.modules)

    parsed = []
    real_parse = codehash._parse
    monkeypatch.setattr(codehash, "_parse", lambda *a: parsed.append(a[1]) or real_parse(*a))
    assert digest(lab, cache=cache) == first and parsed == []  # nothing parsed again
    (lab / "lablib" / "late.py").write_text("late_value = 3\n")
    assert digest(lab, cache=cache) != first and [p.name for p in parsed] == ["late.py"]

    cache.write_text("{not json")
    assert digest(lab, cache=cache).modules == first.modules


def test_a_syntax_error_names_the_file_and_line(lab):
    (lab / "lablib" / "helpers.py").write_text("def histogram(sd, bins:\n")
    with pytest.raises(ConfigError, match=r"helpers\.py line 1"):
        digest(lab)


def hashed_modules(name):
    return set(CodeHasher().hash(BUILTINS[name].function).modules)


@pytest.mark.parametrize("topic, users", [
    ("spikelab.spikedata.sttc", {"sttc"}),
    ("spikelab.spikedata._sttc_kernels", {"sttc"}),
    ("spikelab.spikedata.bursts", {"bursts"}),
    ("spikelab.spikedata.alignment", {"burst_alignment"}),
    ("spikelab.spikedata.rate_correlations", {"burst_corr", "fr_corr"}),
    ("spikelab.spikedata.spike_comparisons", set()),
    ("spikelab.spikedata.pairwise", set(BUILTINS)),
])
def test_each_builtin_hashes_the_topic_modules_it_runs_and_no_other(topic, users):
    assert {name for name in BUILTINS if topic in hashed_modules(name)} == users


def test_a_name_imported_from_a_package_hashes_its_init_without_running_it(lab):
    path = lab / "lablib" / "analyses.py"
    path.write_text(path.read_text().replace("from . import helpers",
                                             "from . import helpers\nfrom lablib import SCALE"))
    assert "lablib" in digest(lab).modules  # parsed (it raises if run): SCALE is defined there
