"""The spikelab 0.1.2 reference environment: found, built once, rebuilt when broken.

The compatibility tests (``tests/workspace/test_compat_reference.py``) use a real one; here
the build is replaced by a stand-in where the test is about when it happens, so these run
in seconds.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from tests import reference_env
from tests.ci import unavailable


@pytest.fixture
def no_configured(monkeypatch):
    monkeypatch.delenv(reference_env.ENV_VAR, raising=False)


@pytest.mark.parametrize("configured, complaint", [
    ("/nonexistent/bin/python", "no interpreter at /nonexistent/bin/python"),
    (sys.executable, "not 0.1.2"),  # this package's own environment: spikelab 0.2
])
def test_a_configured_interpreter_must_be_a_working_0_1_2(monkeypatch, tmp_path, configured,
                                                          complaint):
    monkeypatch.setenv(reference_env.ENV_VAR, configured)
    with pytest.raises(reference_env.ReferenceMisconfigured) as caught:
        reference_env.reference_python(tmp_path / "venv")
    assert f"${reference_env.ENV_VAR}={configured}" in str(caught.value)
    assert complaint in str(caught.value)
    assert not (tmp_path / "venv").exists()  # nothing built in its place


class FakeBuilds:
    """Stands in for the pip build: counts builds; a folder checks out once built."""

    def __init__(self, monkeypatch, seconds: float = 0.0, works_after_build: bool = True):
        self.count = 0
        self.seconds = seconds
        self.works_after_build = works_after_build
        monkeypatch.setattr(reference_env, "_build", self.build)
        monkeypatch.setattr(reference_env, "_check", self.check)

    def build(self, venv_dir: Path, python: Path, report) -> float:
        self.count += 1
        time.sleep(self.seconds)
        python.parent.mkdir(parents=True, exist_ok=True)
        python.write_text("")
        reference_env.mark_built(venv_dir, self.seconds)
        return self.seconds

    def check(self, python: Path, inside: Path | None = None) -> None:
        if not python.is_file() or not self.works_after_build:
            raise reference_env.ReferenceUnavailable(f"{python} is broken")


def test_built_once_then_reused(monkeypatch, tmp_path, no_configured):
    builds = FakeBuilds(monkeypatch)
    first = reference_env.reference_python(tmp_path / "venv")
    again = reference_env.reference_python(tmp_path / "venv")
    assert first == again == tmp_path / "venv" / "bin" / "python"
    assert builds.count == 1


@pytest.mark.parametrize("damage", ["unfinished build (no marker)", "interpreter gone",
                                    "built from another requirement list"])
def test_a_broken_or_outdated_environment_is_rebuilt(monkeypatch, tmp_path, no_configured,
                                                     damage):
    builds = FakeBuilds(monkeypatch)
    python = reference_env.reference_python(tmp_path / "venv")
    if damage == "interpreter gone":
        python.unlink()
    elif damage == "unfinished build (no marker)":
        (tmp_path / "venv" / reference_env._MARKER).unlink()
    else:
        monkeypatch.setattr(reference_env, "REQUIREMENTS", ("spikelab==0.1.2",))
    reference_env.reference_python(tmp_path / "venv")
    assert builds.count == 2


def test_concurrent_callers_build_once(monkeypatch, tmp_path, no_configured):
    builds = FakeBuilds(monkeypatch, seconds=0.3)
    results = []
    workers = [threading.Thread(target=lambda: results.append(
        reference_env.reference_python(tmp_path / "venv"))) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert builds.count == 1 and len(results) == 3


def test_progress_is_reported_around_a_build(monkeypatch, tmp_path, no_configured):
    FakeBuilds(monkeypatch)
    lines: list[str] = []
    reference_env.reference_python(tmp_path / "venv", report=lines.append)
    reference_env.reference_python(tmp_path / "venv", report=lines.append)  # cached: silent
    assert len(lines) == 1 and lines[0].startswith("built the spikelab 0.1.2 reference")


def test_without_the_package_index_the_build_fails_clearly(monkeypatch, tmp_path,
                                                           no_configured):
    """A real venv build, with pip pointed at a closed local port (as with no network)."""
    for name in list(os.environ):
        if name.startswith("PIP_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # no site index, wheel dirs or cache
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    with pytest.raises(reference_env.ReferenceUnavailable,
                       match=r"pip install spikelab==0\.1\.2 .*failed"):
        reference_env.reference_python(tmp_path / "venv")
    assert not (tmp_path / "venv" / reference_env._MARKER).exists()  # rebuilt next time


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception),
                                         ("", pytest.skip.Exception)])
def test_unavailable_fails_in_ci_and_skips_elsewhere(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="no reference"):
        unavailable("no reference")
