"""What the code hash costs the Snakefile's parse, on the demo config (every built-in on).

Prints, best of several interleaved rounds:

- the code hashes of every enabled analysis with no parse cache (a first run, or after
  `.snakemake/` was deleted): locate, read, parse and normalise each module of each closure;
- the same with the parse cache warm (every rerun): locate, read and sha256 the files only;
- next to the reference a naive design would pay: importing the analysis modules to hash
  their source (numba, scipy), in a fresh interpreter that already has what the Snakefile
  imports, minus that interpreter's own start.

Usage: python bench/codehash.py [--repeat N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from _timing import interleaved

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from spikelab.pipeline.graph import StepGraph  # noqa: E402

CONFIG = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
SNAKEFILE_IMPORTS = "import spikelab.pipeline.graph, spikelab.pipeline.config"


def hash_all(cache: Path | None) -> dict[str, str]:
    return StepGraph(CONFIG, project_dir=REPO, code_cache=cache).versions


def interpreter(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    graph = StepGraph(CONFIG, project_dir=REPO)
    modules = sorted({m for name in graph.names for m in graph.code(name).modules})
    analyses = ", ".join(sorted({graph.analysis(n).function.module for n in graph.names}))
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "codehash.json"
        hash_all(cache)  # fill the cache
        best = interleaved({
            "cold": lambda: hash_all(None),
            "warm": lambda: hash_all(cache),
            "base": lambda: interpreter(SNAKEFILE_IMPORTS),
            "import": lambda: interpreter(f"{SNAKEFILE_IMPORTS}\nimport {analyses}"),
        }, repeat=args.repeat)

    print(f"{len(graph.names)} analyses, {len(modules)} modules hashed")
    print(f"{'code hashes, no parse cache (first run)':52s} {best['cold'] * 1000:8.1f} ms")
    print(f"{'code hashes, parse cache warm (every rerun)':52s} {best['warm'] * 1000:8.1f} ms")
    print(f"{'reference: importing the analysis modules':52s} "
          f"{(best['import'] - best['base']) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
