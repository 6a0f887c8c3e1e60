"""Argument parsing, dispatch and error reporting of the ``spikelab`` command.

Exit status: 0 success; 1 damage found (``verify`` lists it, or a file another command
reads is damaged: :class:`CorruptWorkspaceError`); 2 usage errors and every other expected
failure (missing file, not a workspace, unknown namespace or key, locked target, ...). A
failure is one line on stderr that names the file, never a traceback; 130 on Ctrl-C; 141
when stdout is a pipe closed early (``| head``), silently. An exception that is neither a
spikelab error nor an operating-system error (with an errno) is a bug and is not hidden.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Sequence

from .._version import __version__
from ..errors import CorruptWorkspaceError, SpikelabError
from ..ondisk import SUFFIX, h5_path
from . import info, kernels, ls, merge, pack, verify
from .status import DAMAGED, ERROR, INTERRUPTED, OK, SIGPIPE

__all__ = ["main", "build_parser"]

_COMMANDS = (ls, info, merge, pack, verify, kernels)  # each module adds its subparser with run=...


def build_parser() -> argparse.ArgumentParser:
    """The ``spikelab`` parser; each subcommand sets ``run(args) -> exit status``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true",
                        help="print one JSON document (stable keys) instead of text")
    parser = argparse.ArgumentParser(
        prog="spikelab",
        description=f"Look into and manage spikelab workspace files ({SUFFIX}), and compile the "
                    "analyses' kernels.",
        epilog="Exit status: 0 ok, 1 verify found damage, 2 error (message on stderr).")
    parser.add_argument("--version", action="version", version=f"spikelab {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _COMMANDS:
        module.add_parser(commands, common)
    return parser


@functools.lru_cache(maxsize=1)
def _parser() -> argparse.ArgumentParser:
    """One parser per process (building it costs more than most commands do)."""
    return build_parser()


def _paths(args: argparse.Namespace) -> list[str]:
    """The workspace files a command was given, as it reports them (``.h5``, absolute)."""
    given = [getattr(args, "path", None) or getattr(args, "target", None)
             or getattr(args, "source", None)]
    given += getattr(args, "sources", None) or []
    return [h5_path(p) for p in given if p]


def _message(exc: BaseException, paths: list[str]) -> str:
    """One line describing ``exc`` that names the file involved."""
    if isinstance(exc, OSError) and exc.strerror and exc.filename:
        text = f"{exc.strerror}: {exc.filename}"
    else:
        text = str(exc) or type(exc).__name__
    text = " ".join(text.split())
    names = [p for path in paths for p in (path, os.path.abspath(path))]
    if paths and not any(name in text for name in names):
        text = f"{paths[0]}: {text}"
    return text


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by a non-file stream (tests)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``spikelab`` command with ``argv`` (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status (the console script passes it to ``sys.exit``).
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors: argparse printed already
        return exc.code if isinstance(exc.code, int) else (OK if exc.code is None else ERROR)
    try:
        return args.run(args)
    except BrokenPipeError:  # `spikelab ls big.h5 | head`: the reader has seen enough
        _silence_stdout()
        return SIGPIPE
    except (SpikelabError, OSError) as exc:
        if not isinstance(exc, SpikelabError) and exc.errno is None:
            raise  # not an error of the file system: h5py leaking through is a bug
        print(f"spikelab {args.command}: error: {_message(exc, _paths(args))}", file=sys.stderr)
        return DAMAGED if isinstance(exc, CorruptWorkspaceError) else ERROR
    except KeyboardInterrupt:
        print(f"spikelab {args.command}: interrupted", file=sys.stderr)
        return INTERRUPTED
