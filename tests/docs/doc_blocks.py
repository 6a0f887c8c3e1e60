"""Fenced code blocks of the docs: their language and text, per page or per section, and
the files an example is made of (a Python block whose first line is ``# path/to/file.py``)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```\s*$", re.S | re.M)
FILE_LINE = re.compile(r"^# (\S+\.py)\n")
OWN_ANALYSES = "Add your own analysis"
AS_A_MODULE = "Use the workflow in your own repository"


def blocks(text: str | Path) -> list[tuple[str, str]]:
    """(language, code) of every fenced block; MyST directives (```{toctree}) excluded."""
    text = text.read_text() if isinstance(text, Path) else text
    found = [(m.group(1).strip(), m.group(2)) for m in FENCE.finditer(text)]
    return [(lang, code) for lang, code in found if not lang.startswith("{")]


def section(page: Path, title: str) -> str:
    """The text of the ``## title`` section of ``page``."""
    return page.read_text().split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def is_file(lang: str, code: str) -> bool:
    return lang == "python" and FILE_LINE.match(code) is not None


def example_files(page: Path, title: str) -> dict[str, str]:
    """Path -> text of every file block of a section."""
    return {FILE_LINE.match(code).group(1): code
            for lang, code in blocks(section(page, title)) if is_file(lang, code)}


def example_analyses(page: Path, title: str) -> dict:
    """The ``analyses`` blocks of a section's config (YAML) blocks, merged."""
    analyses: dict = {}
    for lang, code in blocks(section(page, title)):
        if lang == "yaml":
            analyses.update(yaml.safe_load(code).get("analyses", {}))
    return analyses
