"""Every on-disk name is spelled once, in ``spikelab.ondisk``.

The names are written out here on purpose (not imported): a change to the format must
change this test too. The scan below keeps code elsewhere from spelling them again.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from spikelab import ondisk

REPO = Path(__file__).resolve().parents[1]
# Python's own dunder names, which appear as strings for reasons of their own.
PYTHON_DUNDERS = set(dir(type)) | set(dir(list)) | {
    "__main__", "__all__", "__file__", "__version__", "__spec__", "__path__", "__package__",
    "__loader__", "__builtins__"}
DUNDER = re.compile(r"^__[a-z0-9_]+__$")


def _is_on_disk_literal(text: str) -> bool:
    on_disk = {ondisk.SUFFIX, ondisk.SIDECAR_SUFFIX, ondisk.SHARD_DIR_SUFFIX,
               ondisk.ITEM_SEPARATOR}
    return text in on_disk or (bool(DUNDER.match(text)) and text not in PYTHON_DUNDERS)


def _docstring_nodes(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), str(path))
    docstrings = _docstring_nodes(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings and _is_on_disk_literal(node.value)]


def test_the_names_are_the_format():
    assert (ondisk.SUFFIX, ondisk.SIDECAR_SUFFIX, ondisk.SHARD_DIR_SUFFIX,
            ondisk.ITEM_SEPARATOR) == (".h5", ".json", ".shards", "::")
    assert ondisk.HEADER_ATTRS == ("__created_at__", "__note__", "__provenance__",
                                   "__fingerprint__", "__content_hash__")
    assert (ondisk.INDEX, ondisk.EXTRAS, ondisk.TYPE_ATTR) == ("__index__", "__spikelab__",
                                                              "__type__")
    assert ondisk.HEADER_FIELDS == (("note", "__note__"), ("fingerprint", "__fingerprint__"),
                                    ("content_hash", "__content_hash__"))


def test_the_scan_finds_a_name_spelled_again(tmp_path):
    module = tmp_path / "module.py"
    module.write_text('"""Docstrings may say __index__ and .h5."""\n'
                      'if __name__ == "__main__":\n'
                      '    INDEX = "__index__"\n'
                      '    path = base + ".h5"\n')
    assert _literals(module) == [(3, "__index__"), (4, ".h5")]


@pytest.mark.parametrize("path", sorted((REPO / "spikelab").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_no_module_spells_an_on_disk_name(path):
    if path.name == "ondisk.py":
        return
    assert _literals(path) == []


@pytest.mark.parametrize("path", sorted((REPO / "workflow").rglob("*.smk")),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_no_rule_file_spells_an_on_disk_name(path):
    quoted = re.compile(r"""(["'])(\.h5|\.json|\.shards|::|__[a-z0-9_]+__)\1""")
    hits = [m.group(0) for m in quoted.finditer(path.read_text())
            if m.group(2) not in PYTHON_DUNDERS]
    assert hits == []


@pytest.mark.parametrize("given, h5, base", [
    ("results/workspace", "results/workspace.h5", "results/workspace"),
    ("results/workspace.h5", "results/workspace.h5", "results/workspace"),
    (Path("a.b/ws.h5"), "a.b/ws.h5", "a.b/ws"),
    ("ws.h5.h5", "ws.h5.h5", "ws.h5"),
])
def test_paths_with_or_without_the_suffix(given, h5, base):
    assert ondisk.h5_path(given) == h5
    assert ondisk.base_path(given) == base


@pytest.mark.parametrize("address, file", [
    ("results/ws.h5::D0/spikedata", "results/ws.h5"),
    ("D0.nwb", "D0.nwb"),
    ("odd::name.h5::ns/key", "odd"),  # the first separator splits, as load_recording does
])
def test_item_file(address, file):
    assert ondisk.item_file(address) == file
