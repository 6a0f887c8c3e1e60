"""Plain-text rendering for the command line: sizes, shapes, tables, one-line cells."""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["human_size", "plural", "shape_text", "summary_text", "table", "cell", "timestamp",
           "short_hash", "to_json", "HEADER_FIELDS"]

# Entry fields that describe the item's history rather than its contents.
HEADER_FIELDS = ("type", "created_at", "note", "provenance", "fingerprint", "content_hash")
_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
SHORT_HASH = 8  # hex digits shown by `ls`, as git shows short commit ids


def human_size(n_bytes: int) -> str:
    """``n_bytes`` in binary units: ``'96 B'``, ``'1.5 KiB'``, ``'2.0 GiB'``."""
    if n_bytes < 1024:
        return f"{n_bytes} B"
    exponent = min(int(math.log(n_bytes, 1024)), len(_UNITS) - 1)
    value = n_bytes / 1024**exponent
    if round(value, 1) >= 1024 and exponent < len(_UNITS) - 1:  # 1023.96 KiB -> 1.0 MiB
        exponent, value = exponent + 1, value / 1024
    return f"{value:.1f} {_UNITS[exponent]}"


def plural(n: int, word: str) -> str:
    """``'1 item'``, ``'3 items'`` (regular English plurals only)."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def shape_text(shape: Sequence[int]) -> str:
    """``(3, 4)`` -> ``'3x4'``, ``()`` -> ``'scalar'``."""
    return "x".join(str(int(n)) for n in shape) if len(shape) else "scalar"


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _span(value: Any) -> str:
    """A length, or a ``(shortest, longest)`` pair of lengths (slices of unequal duration)."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return f"{_number(value[0])}-{_number(value[1])}"
    return _number(value)


# How `ls` shows each summary field; None hides the field (``info`` shows every field).
# Keyed by field, not by item type: a new codec's fields show up as ``name=value``.
_FIELD_TEXT: dict[str, Callable[[Any], str] | None] = {
    "shape": shape_text,
    "dtype": str,
    "N": lambda v: f"N={v}",
    "N_units": lambda v: f"{v} units",
    "N_slices": lambda v: f"{v} slices",
    "length_ms": lambda v: f"{_span(v)} ms",
    "start_time": None,
}
_INLINE = ("shape", "dtype")  # joined by a space: "3x4 float64"


def summary_text(entry: Mapping[str, Any]) -> str:
    """The shape-like part of an index entry in a few words.

    ``'3x4 float64'`` (arrays), ``'N=4, 500 ms'`` (SpikeData), ``'2 slices, 4 units, 500 ms'``
    (SpikeSliceStack), ``'-'`` when the entry has nothing to show (dict).
    """
    inline, listed = [], []
    for field, value in entry.items():
        if field in HEADER_FIELDS or value is None:
            continue
        render = _FIELD_TEXT.get(field, lambda v, f=field: f"{f}={_number(v)}")
        if render is not None:
            (inline if field in _INLINE else listed).append(render(value))
    parts = [" ".join(inline)] if inline else []
    return ", ".join(parts + listed) or "-"


def cell(text: Any, width: int | None = None) -> str:
    """``text`` on one line (control characters shown as spaces), cut to ``width``."""
    line = "".join(" " if ch.isspace() or not ch.isprintable() else ch for ch in str(text))
    if width is not None and len(line) > width:
        return line[: width - 1] + "…"
    return line


def table(header: Sequence[str], rows: Sequence[Sequence[str]],
          right: Sequence[str] = ()) -> list[str]:
    """Lines of an aligned table; columns named in ``right`` are right-aligned."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]

    def line(values: Sequence[str]) -> str:
        cells = [v.rjust(w) if h in right else v.ljust(w)
                 for h, v, w in zip(header, values, widths, strict=True)]
        return "  ".join(cells).rstrip()

    return [line(header)] + [line(r) for r in rows]


def timestamp(seconds: float) -> str:
    """POSIX time (s) as local ISO date-time to the second, e.g. ``'2024-05-01 14:03:12'``."""
    if not seconds:
        return "unknown"
    return _dt.datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M:%S")


def short_hash(value: str | None) -> str:
    """The first :data:`SHORT_HASH` hex digits of a hash, ``'-'`` for None."""
    return value[:SHORT_HASH] if value else "-"


def _json_default(value: Any) -> Any:
    """numpy scalars and arrays (e.g. attributes of files written by other tools)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(doc: Any) -> str:
    """``doc`` as indented JSON (tuples become lists; order of keys kept)."""
    return json.dumps(doc, indent=2, default=_json_default)
