"""Strict reading of the workflow's YAML config files, before Snakemake reads them.

Snakemake loads ``configfile:`` and ``--configfile`` files itself, with PyYAML: a key given
twice silently keeps the last value (a recording listed twice, ``delt`` twice), and a
syntax error is reported without a line. The Snakefile calls :func:`check_config_files`
first, so either mistake stops the run naming the file and the line(s).

Imported at Snakefile parse time: PyYAML only.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import yaml

from ..errors import ConfigError

__all__ = ["check_config_files", "check_config_text"]

_MERGE_KEY = "tag:yaml.org,2002:merge"  # "<<: *anchor" merges on purpose: not a duplicate
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster


def check_config_files(paths: Iterable[str | os.PathLike]) -> None:
    """Check every existing file of ``paths`` (missing ones are Snakemake's to report).

    Raises
    ------
    ConfigError
        A YAML syntax error (file, line and column) or a key given twice in one mapping
        (file, the key's dotted path and both lines).
    """
    for path in dict.fromkeys(os.fspath(p) for p in paths):  # each file once, in order
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as fh:
                check_config_text(fh.read(), path)


def check_config_text(text: str, path: str = "<config>") -> None:
    """Check one config file's text (see :func:`check_config_files`)."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        problem = " ".join(part for part in (exc.context, exc.problem) if part)
        raise ConfigError(f"{path}, {where}: not valid YAML ({problem})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    if root is not None:
        _check_duplicates(root, [], path)


def _check_duplicates(node: yaml.Node, where: list[str], path: str,
                      visited: set[int] | None = None) -> None:
    visited = set() if visited is None else visited
    if id(node) in visited:  # an alias of a node already checked (or a recursive one)
        return
    visited.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[tuple[str, str], int] = {}
        for key, value in node.value:
            if key.tag == _MERGE_KEY:
                continue
            label = key.value if isinstance(key, yaml.ScalarNode) else yaml.serialize(key).strip()
            line = key.start_mark.line + 1
            if (key.tag, label) in seen:
                first = seen[key.tag, label]
                lines = f"line {line}" if first == line else f"lines {first} and {line}"
                raise ConfigError(
                    f"{path}: key {'.'.join([*where, label])!r} is given twice, on {lines}; "
                    "YAML would silently keep only the last: remove or rename one"
                )
            seen[key.tag, label] = line
            _check_duplicates(value, [*where, label], path, visited)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            here = [*where[:-1], f"{where[-1]}[{i}]"] if where else [f"[{i}]"]
            _check_duplicates(item, here, path, visited)
