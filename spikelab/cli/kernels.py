"""``spikelab compile``: compile the numba kernels into numba's cache, once per installation.

Run it after installing spikelab (or let the workflow's first run do it) so that no analysis
pays seconds of compilation the first time it runs; ``docs/cluster.md`` says where the cache
lives and how to share it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .text import plural, to_json

__all__ = ["add_parser", "run", "as_text"]


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "compile", parents=[common], help="compile the analyses' numba kernels into the cache",
        description="Compile every numba kernel of spikelab's analyses into numba's on-disk "
                    "cache (NUMBA_CACHE_DIR, or next to the package, or ~/.cache/numba), "
                    "or find it already there. Progress goes to stderr.")
    parser.add_argument("--module", action="append", dest="modules", metavar="MODULE",
                        help="only this kernel module (repeatable), e.g. "
                             "spikelab.spikedata._sttc_kernels")
    parser.set_defaults(run=run)


def as_text(report: dict) -> list[str]:
    """One summary line, then where the cache is."""
    compiled, loaded = len(report["compiled"]), len(report["loaded"])
    return [f"compiled {plural(compiled, 'kernel')}, found {loaded} in the cache, in "
            f"{report['seconds']:.1f} s (numba {report['numba']})",
            *(f"cache: {path}" for path in report["cache_dirs"])]


def run(args: argparse.Namespace) -> int:
    from ..spikedata.kernel_cache import compile_kernels  # numba: only this command pays

    report = compile_kernels(args.modules, progress=lambda what: print(
        f"compile: {what}", file=sys.stderr, flush=True))
    print(to_json(report) if args.json else "\n".join(as_text(report)))
    return 0
