"""The demo workflow at test size, run once and shared by the docs tests (notebook, report,
code blocks of the guides), also across pytest-xdist workers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parents[1] / "workflow" / "harness.py"
#: Recording names as in the demo, so the guides' examples (namespace "D0") run as written.
RECORDINGS = ("D0", "D3")


def _harness():
    spec = importlib.util.spec_from_file_location("workflow_harness", HARNESS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def harness():
    return _harness()


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory, harness) -> Path:
    """A finished `snakemake --cores 2` run: 2 recordings, 16 units, 40 s, plots on.

    Shared by every docs test (and xdist worker); tests must only read the project (or
    write files of their own in it).
    """
    def build(root: Path) -> None:
        config = harness.small_config(recordings=RECORDINGS)
        config["plots"] = {"enabled": True}
        config["analyses"]["fr_corr"]["enabled"] = False  # not shown: save two jobs
        harness.make_project(root, config)
        harness.run(root)

    return harness.shared_project(tmp_path_factory, "docs-demo", build)
