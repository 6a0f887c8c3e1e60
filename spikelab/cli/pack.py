"""``spikelab pack SOURCE DEST``: one self-contained file from a sharded workspace.

A thin front end to :func:`spikelab.workspace.pack`.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..workspace import pack
from ..ondisk import SHARD_DIR_SUFFIX, SUFFIX, h5_path
from .text import plural, human_size, to_json
from .ticker import progress_line

__all__ = ["add_parser", "run"]


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "pack", parents=[common], help="write a workspace as one self-contained file",
        description="Write SOURCE (a sharded merged workspace: a root file and its "
                    f"{SHARD_DIR_SUFFIX} folder, or a single file) as the single file DEST, "
                    "holding the same items byte for byte, for sharing. DEST is replaced "
                    "atomically.")
    parser.add_argument("source", help=f"workspace to pack (with or without {SUFFIX})")
    parser.add_argument("dest", help=f"single-file workspace to write (with or without {SUFFIX})")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    name = os.path.basename(h5_path(args.dest))
    with progress_line(f"packing into {name}") as progress:
        report = pack(args.source, args.dest, progress=progress)
    if args.json:
        print(to_json(report))
        return 0
    print(f"packed {plural(report['items'], 'item')} in "
          f"{plural(report['namespaces'], 'namespace')} into {report['dest']} "
          f"({human_size(report['bytes'])})")
    return 0
