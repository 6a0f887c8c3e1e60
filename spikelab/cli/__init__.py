"""The ``spikelab`` command: look into and manage workspace files without Python.

Commands: ``ls`` (alias ``describe``), ``info``, ``merge``, ``verify``, and ``compile`` (the
analyses' numba kernels, once per installation); ``--json`` on each for scripts. See
``docs/cli.md`` and ``spikelab --help``.
"""

from .main import build_parser, main

__all__ = ["main", "build_parser"]
