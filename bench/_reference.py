"""The spikelab 0.1.2 interpreter the benchmarks compare against.

See ``tests/reference_env.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path


def find_reference() -> str | None:
    """The 0.1.2 interpreter, or None (with the reason printed) when it cannot be had."""
    # Only in the parent process, never in --worker processes: the checkout on sys.path
    # would shadow 0.1.2.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.reference_env import ReferenceUnavailable, reference_python

    try:
        return str(reference_python(report=print))
    except ReferenceUnavailable as exc:
        print(f"no spikelab 0.1.2 reference: {exc}")
        return None
