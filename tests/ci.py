"""What the tests do when something they need cannot be had: skip locally, fail in CI.

CI sets ``CI=true`` (``.ci/run`` makes sure of it). There, a missing service or reference
install means the run did not check what it claims to, so the test fails instead of
skipping quietly.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """True when running under CI (``CI=true``, any case)."""
    return os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str) -> NoReturn:
    """Fail the test in CI, skip it elsewhere, with ``reason`` either way."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this must work in CI)")
    pytest.skip(reason)
