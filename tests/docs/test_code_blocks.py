"""Every code block of the pages written for users (README, config README, docs index,
pipeline guide) is either runnable Python, run here on the demo's output, valid config YAML, or
marked as shell."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from .doc_blocks import blocks, is_file

REPO = Path(__file__).resolve().parents[2]
PAGES = [REPO / "docs" / "index.md", REPO / "docs" / "pipeline.md", REPO / "README.md",
         REPO / "config" / "README.md"]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
LANGUAGES = {"python", "console", "bash", "yaml", "text"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_block_says_what_it_is(page):
    bad = [lang or "(none)" for lang, _ in blocks(page) if lang not in LANGUAGES]
    assert not bad, f"{page.name}: code blocks with language {bad}; use one of {LANGUAGES}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_yaml_blocks_are_valid_config(page):
    schema = yaml.safe_load(SCHEMA.read_text())
    demo = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    for _, code in [b for b in blocks(page) if b[0] == "yaml"]:
        jsonschema.validate({**demo, **yaml.safe_load(code)}, schema)


PYTHON_PAGES = [p for p in PAGES if any(lang == "python" for lang, _ in blocks(p))]


@pytest.mark.slow
@pytest.mark.parametrize("page", PYTHON_PAGES, ids=lambda p: p.name)
def test_python_blocks_run_on_the_demo_output(page, demo_project, tmp_path):
    """The page's Python blocks, in order, as one script run in the demo project (whose run
    includes the example analyses of docs/pipeline.md: their files are not run here)."""
    script = tmp_path / f"{page.stem}_blocks.py"
    script.write_text("\n\n".join(code for lang, code in blocks(page)
                                   if lang == "python" and not is_file(lang, code)))
    proc = subprocess.run([sys.executable, str(script)], cwd=demo_project, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, f"{page.name}:\n{proc.stdout}\n{proc.stderr}"
