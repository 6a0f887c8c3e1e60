"""Docstrings as a checked contract: every Examples section in the package runs as written
(doctest), and every public analysis has one.

"Public analysis" means the module-level functions the API reference (``docs/api.rst``)
documents from :mod:`spikelab.spikedata`, and the public methods of the six data classes,
figures excepted (they draw rather than compute).
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import spikelab

API_RST = Path(__file__).resolve().parents[2] / "docs" / "api.rst"


def _modules_with_examples() -> list[str]:
    """Every module of the package whose source holds an example (read, not imported)."""
    names = []
    # walk_packages imports packages (to find their modules) but not the modules themselves.
    for info in pkgutil.walk_packages(spikelab.__path__, "spikelab."):
        origin = info.module_finder.find_spec(info.name.rpartition(".")[2]).origin
        if ">>> " in Path(origin).read_text(encoding="utf-8"):
            names.append(info.name)
    return sorted(names)


def test_examples_are_found():
    assert {"spikelab.spikedata.combine", "spikelab.workspace.packing"} <= set(
        _modules_with_examples()
    )


@pytest.mark.parametrize("name", _modules_with_examples())
def test_examples_run_as_written(name):
    module = importlib.import_module(name)
    # Each example runs in its module's namespace, as doctest and pytest --doctest-modules do.
    tests = [t for t in doctest.DocTestFinder(exclude_empty=True).find(module, name) if t.examples]
    assert tests, f"{name} holds '>>> ' but doctest finds no example in it"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    report: list[str] = []
    for test in tests:
        runner.run(test, out=report.append)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, "".join(report)


def _documented_analysis_modules() -> list[str]:
    text = API_RST.read_text()
    return re.findall(r"^\.\. automodule:: (spikelab\.spikedata\.\w+)", text, flags=re.M)


def _public_functions(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    return [name for name in module.__all__ if inspect.isfunction(getattr(module, name))]


#: Methods that draw a figure: shown in the guides, not computed.
FIGURES = {"plot", "plot_mean", "plot_aligned_slice_single_unit", "plot_spatial_network"}


def _public_methods(cls: type) -> list[str]:
    names = []
    for name, member in inspect.getmembers(cls):
        if (name.startswith("_") and name != "__getitem__") or name in FIGURES:
            continue
        if inspect.isfunction(member) or inspect.ismethod(member):
            names.append(name)
    return names


def _has_examples(obj) -> bool:
    doc = inspect.getdoc(obj) or ""
    return bool(re.search(r"^Examples\n-{8}\n", doc, flags=re.M)) and ">>> " in doc


@pytest.mark.parametrize("module_name", _documented_analysis_modules())
def test_every_documented_analysis_function_has_examples(module_name):
    module = importlib.import_module(module_name)
    missing = [name for name in _public_functions(module_name)
               if not _has_examples(getattr(module, name))]
    assert not missing, f"{module_name}: functions without an Examples section: {missing}"


@pytest.mark.parametrize("cls", [spikelab.SpikeData, spikelab.RateData, spikelab.RateSliceStack,
                                 spikelab.SpikeSliceStack, spikelab.PairwiseCompMatrix,
                                 spikelab.PairwiseCompMatrixStack], ids=lambda c: c.__name__)
def test_every_data_class_method_has_examples(cls):
    missing = [name for name in _public_methods(cls) if not _has_examples(getattr(cls, name))]
    assert not missing, f"{cls.__name__}: methods without an Examples section: {missing}"


def test_the_coverage_checks_see_the_analyses():
    """The two checks above look at real lists (not an empty parse of api.rst)."""
    modules = _documented_analysis_modules()
    assert {"spikelab.spikedata.sttc", "spikelab.spikedata.rates",
            "spikelab.spikedata.bursts"} <= set(modules)
    assert sum(len(_public_functions(m)) for m in modules) > 80
    assert "spike_time_tilings" in _public_methods(spikelab.SpikeData)
    assert not _has_examples(lambda: None)
