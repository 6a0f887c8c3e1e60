"""The demo workflow at test size, run once and shared by the docs tests (notebook, report,
code blocks of the guides), also across pytest-xdist workers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
HARNESS = HERE.parent / "workflow" / "harness.py"
PIPELINE = HERE.parents[1] / "docs" / "pipeline.md"
#: Recording names as in the demo, so the guides' examples (namespace "D0") run as written.
RECORDINGS = ("D0", "D3")


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def harness():
    return _load("workflow_harness", HARNESS)


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory, harness) -> Path:
    """A finished `snakemake --cores 2` run: 2 recordings, 16 units, 40 s, plots on, with the
    example analyses of docs/pipeline.md ("Add your own analysis") as written there.

    Shared by every docs test (and xdist worker); tests must only read the project (or
    write files of their own in it).
    """
    docs = _load("doc_blocks", HERE / "doc_blocks.py")

    def build(root: Path) -> None:
        config = harness.small_config(recordings=RECORDINGS)
        config["plots"] = {"enabled": True}
        config["analyses"]["fr_corr"]["enabled"] = False  # not shown: save two jobs
        config["analyses"].update(docs.example_analyses(PIPELINE, docs.OWN_ANALYSES))
        harness.make_project(root, config)
        for path, text in docs.example_files(PIPELINE, docs.OWN_ANALYSES).items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text)
        harness.run(root)

    return harness.shared_project(tmp_path_factory, "docs-demo", build)
