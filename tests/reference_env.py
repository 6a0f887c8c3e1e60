"""An interpreter with the real spikelab 0.1.2, for the compatibility tests and benchmarks.

spikelab 0.1.2 has this package's name, so it cannot share an environment with it: it
gets a virtual environment of its own, built on first use with ``pip install`` of
:data:`REQUIREMENTS` from the package index and kept in a cache directory (the tests use
pytest's; ``bench/`` scripts find the same one). ``$SPIKELAB_REF_PYTHON`` may name the
interpreter of an existing 0.1.2 environment instead.

Safe to call from several processes at once (pytest-xdist workers): a file lock next to
the environment lets one build it while the others wait and then use it. An environment
that no longer works (a build that was killed, a base interpreter that was removed) is
rebuilt, and so is one removed by ``pytest --cache-clear``.

The reference always runs isolated (``python -I``) in an empty working directory, so
neither this checkout (the usual working directory) nor ``PYTHONPATH`` can shadow the
0.1.2 package with ours.

Used by ``tests/conftest.py`` (fixture ``reference_python``) and ``bench/cli.py``; it runs
standalone, importing nothing from the test suite or from spikelab.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

VERSION = "0.1.2"
#: 0.1.2 and the packages of its optional "ml" extra that the comparisons call (decoding and
#: PCA need scikit-learn, ``to_networkx`` networkx); a cached environment built from another
#: list is rebuilt.
REQUIREMENTS = (f"spikelab=={VERSION}", "scikit-learn", "networkx")
ENV_VAR = "SPIKELAB_REF_PYTHON"
#: The environment's folder name inside a cache directory.
CACHE_NAME = f"spikelab-{VERSION}-venv"
#: Written last by a successful build: a folder without it is a build that did not finish.
_MARKER = "reference-ok.json"
_BUILD_TIMEOUT_S = 1800.0
_CHECK_TIMEOUT_S = 300.0
_REPO = Path(__file__).resolve().parents[1]
# Prints the installed versions (None: missing) and where spikelab was imported from.
_PROBE = """
import importlib.metadata as m, json, sys
def version(name):
    try:
        return m.version(name)
    except m.PackageNotFoundError:
        return None
import spikelab.workspace
print(json.dumps([{d: version(d) for d in sys.argv[1:]}, spikelab.workspace.__file__]))
"""
_DISTRIBUTIONS = [r.split("==")[0] for r in REQUIREMENTS]


class ReferenceUnavailable(RuntimeError):
    """The reference environment could not be built (no network, index or pip failure)."""


class ReferenceMisconfigured(RuntimeError):
    """``$SPIKELAB_REF_PYTHON`` names something that is not a working spikelab 0.1.2."""


def default_venv_dir() -> Path:
    """Where the test suite keeps the environment: pytest's cache dir of this checkout.

    For scripts that run outside pytest (``bench/``), so they reuse the environment the
    tests built (pytest's cache layout under its default ``cache_dir``).
    """
    return _REPO / ".pytest_cache" / "d" / CACHE_NAME


def reference_python(venv_dir: Path | None = None,
                     report: Callable[[str], None] | None = None) -> Path:
    """The interpreter of a working spikelab 0.1.2 environment, built if needed.

    Parameters
    ----------
    venv_dir : Path, optional
        Folder of the cached environment (default :func:`default_venv_dir`). Ignored when
        ``$SPIKELAB_REF_PYTHON`` is set.
    report : callable(str), optional
        Receives one line before a build starts (a build takes about a minute) and one
        when it is done.

    Raises
    ------
    ReferenceMisconfigured
        ``$SPIKELAB_REF_PYTHON`` is set but is not a working 0.1.2 interpreter.
    ReferenceUnavailable
        Building the environment failed; the message ends with pip's last lines.
    """
    configured = os.environ.get(ENV_VAR)
    if configured:
        python = Path(configured)
        try:
            _check(python)
        except ReferenceUnavailable as exc:
            raise ReferenceMisconfigured(f"${ENV_VAR}={configured}: {exc}") from None
        return python
    venv_dir = Path(venv_dir) if venv_dir is not None else default_venv_dir()
    python = _venv_python(venv_dir)
    with _locked(venv_dir.with_name(venv_dir.name + ".lock")):
        if _healthy(venv_dir, python):
            return python
        seconds = _build(venv_dir, python, report or (lambda line: None))
        if report:
            report(f"built the spikelab {VERSION} reference environment in {seconds:.0f} s")
    return python


def run_reference(python: Path, args: Sequence[str], timeout: float = 600.0) -> str:
    """Run ``python -I *args`` in an empty working directory; its standard output.

    Raises
    ------
    AssertionError
        The process failed or timed out; the message holds its standard error.
    """
    with tempfile.TemporaryDirectory(prefix="spikelab-ref-") as cwd:
        try:
            done = subprocess.run([str(python), "-I", *args], cwd=cwd, capture_output=True,
                                  text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"spikelab {VERSION} ({python}) did not finish "
                                 f"{' '.join(args)} within {timeout:.0f} s") from None
    if done.returncode != 0:
        raise AssertionError(f"spikelab {VERSION} ({python}) failed on {' '.join(args)} "
                             f"(exit {done.returncode}):\n{done.stderr[-4000:]}")
    return done.stdout


def _venv_python(venv_dir: Path) -> Path:
    return venv_dir / "bin" / "python"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _healthy(venv_dir: Path, python: Path) -> bool:
    try:
        built = json.loads((venv_dir / _MARKER).read_text())
    except (OSError, ValueError):
        return False
    if built.get("requirements") != list(REQUIREMENTS):
        return False
    try:
        _check(python, inside=venv_dir)
    except ReferenceUnavailable:
        return False
    return True


def _check(python: Path, inside: Path | None = None) -> None:
    """Raise :class:`ReferenceUnavailable` unless ``python`` imports spikelab 0.1.2."""
    if not python.is_file():
        raise ReferenceUnavailable(f"no interpreter at {python}")
    with tempfile.TemporaryDirectory(prefix="spikelab-ref-") as cwd:
        try:
            done = subprocess.run([str(python), "-I", "-c", _PROBE, *_DISTRIBUTIONS], cwd=cwd,
                                  capture_output=True, text=True, timeout=_CHECK_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReferenceUnavailable(f"{python} does not run: {exc}") from None
    if done.returncode != 0:
        raise ReferenceUnavailable(f"{python} cannot import spikelab: "
                                   f"{_tail(done.stderr, 3)}")
    try:  # the last line: an import may print before it
        versions, where = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise ReferenceUnavailable(f"{python} gave no version: {_tail(done.stdout, 3)}"
                                   ) from None
    if versions["spikelab"] != VERSION:
        raise ReferenceUnavailable(f"{python} has spikelab {versions['spikelab']}, "
                                   f"not {VERSION}")
    missing = [name for name, version in versions.items() if version is None]
    if missing:
        raise ReferenceUnavailable(f"{python} lacks {', '.join(missing)} "
                                   f"(the environment needs {' '.join(REQUIREMENTS)})")
    where = Path(where).resolve()
    if where.is_relative_to(_REPO / "spikelab") or (
            inside is not None and not where.is_relative_to(inside.resolve())):
        raise ReferenceUnavailable(f"{python} imports spikelab from {where.parent}")


def _build(venv_dir: Path, python: Path, report: Callable[[str], None]) -> float:
    """Create the environment from scratch; the seconds it took."""
    report(f"building a spikelab {VERSION} reference environment in {venv_dir} "
           "(once; a minute or two)")
    started = time.monotonic()
    shutil.rmtree(venv_dir, ignore_errors=True)
    # sys.executable may itself be a venv's python; venv then builds on its base interpreter.
    _step([sys.executable, "-m", "venv", str(venv_dir)], "creating the virtual environment")
    _step([str(python), "-I", "-m", "pip", "install", "--no-input", "--quiet",
           "--disable-pip-version-check", *REQUIREMENTS], f"pip install {' '.join(REQUIREMENTS)}")
    _check(python, inside=venv_dir)
    seconds = time.monotonic() - started
    mark_built(venv_dir, seconds)
    return seconds


def mark_built(venv_dir: Path, seconds: float) -> None:
    """Record a finished build of :data:`REQUIREMENTS` (written last)."""
    (venv_dir / _MARKER).write_text(json.dumps(
        {"requirements": list(REQUIREMENTS), "base_python": sys.version,
         "built_at": time.time(), "build_seconds": round(seconds, 1)}))


def _step(cmd: list[str], what: str) -> None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=_BUILD_TIMEOUT_S,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ReferenceUnavailable(f"{what} did not finish within {_BUILD_TIMEOUT_S:.0f} s"
                                   ) from None
    if done.returncode != 0:
        raise ReferenceUnavailable(f"{what} failed (exit {done.returncode}): "
                                   f"{_tail(done.stderr or done.stdout, 5)}")


def _tail(text: str, lines: int) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return " | ".join(kept) or "(no output)"
