"""Readers for the small text files of a Phy/Kilosort folder: ``params.py`` and label TSVs.

``params.py`` is Python syntax but is read strictly as data: the file is parsed with
:mod:`ast` and each top-level ``name = <literal>`` assignment is evaluated with
:func:`ast.literal_eval`. Nothing in it is ever executed, so a folder from an untrusted
source cannot run code.
"""

from __future__ import annotations

import ast
import csv
import math
from pathlib import Path
from typing import Any

from ._common import PathLike, recording_error

__all__ = ["read_params", "sample_rate_hz", "read_labels", "check_include", "LABEL_FILES"]

# Manual curation (Phy) first, then Kilosort's automatic labels.
LABEL_FILES = ("cluster_group.tsv", "cluster_KSLabel.tsv")


def read_params(path: Path) -> dict[str, Any]:
    """Literal assignments of a ``params.py`` file as a dict (non-literal values skipped)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, ValueError) as exc:
        raise recording_error(path, f"cannot be parsed as a Phy params file ({exc})") from None
    params: dict[str, Any] = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            continue
        try:
            params[node.targets[0].id] = ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            continue  # an expression, not a literal: never evaluated, so simply not known
    return params


def sample_rate_hz(params: dict[str, Any], path: Path) -> float:
    """The ``sample_rate`` entry, checked to be a positive finite number (Hz)."""
    if "sample_rate" not in params:
        raise recording_error(path, f"has no literal 'sample_rate = ...' assignment; "
                                    f"found {sorted(params)}")
    fs = params["sample_rate"]
    if isinstance(fs, bool) or not isinstance(fs, (int, float)) or not math.isfinite(fs) or fs <= 0:
        raise recording_error(path, f"sample_rate must be a positive number of Hz, got {fs!r}")
    return float(fs)


def _read_tsv(path: Path) -> dict[int, str]:
    """``cluster_id -> label`` from a two-column TSV with a header row."""
    labels: dict[int, str] = {}
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh, delimiter="\t"))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise recording_error(path, f"cannot be read as a TSV file ({exc})") from None
    for line, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2:
            raise recording_error(path, f"line {line} has {len(row)} column(s); expected "
                                        "'cluster_id<TAB>label'")
        try:
            labels[int(row[0])] = row[1].strip()
        except ValueError:
            raise recording_error(path, f"line {line}: cluster id {row[0]!r} is not an "
                                        "integer") from None
    return labels


def read_labels(folder: Path) -> dict[int, str] | None:
    """Cluster labels, manual curation overriding Kilosort's; None when no label file exists."""
    found = [folder / name for name in LABEL_FILES if (folder / name).is_file()]
    if not found:
        return None
    labels: dict[int, str] = {}
    for path in reversed(found):  # later updates win: cluster_group.tsv last
        labels.update(_read_tsv(path))
    return labels


def check_include(include: Any, path: PathLike) -> frozenset[str] | None:
    """The cluster labels ``include`` asks for; None for ``"all"`` (every cluster).

    ``include`` is ``"all"``, one label (``"good"``) or a non-empty list of labels.

    Raises
    ------
    RecordingError
        Naming ``path``, for any other value (a number, an empty list, ``"all"`` inside a
        list).
    """
    if include == "all":
        return None
    if isinstance(include, str) and include:
        return frozenset([include])
    if (isinstance(include, (list, tuple, set, frozenset)) and include
            and all(isinstance(label, str) and label for label in include)):
        if "all" in include:
            raise recording_error(path, "include: 'all' keeps every cluster; give it alone, "
                                        f"not in a list ({list(include)!r})")
        return frozenset(include)
    raise recording_error(path, "include must be 'all', a cluster label (e.g. 'good') or a "
                                f"non-empty list of labels, got {include!r}")
