#!/usr/bin/env bash
# Wall time of the workflow on the bundled demo config, in a scratch copy of the workflow:
#   1. the first run (simulate, analyse, merge), wall and CPU time (user + system of
#      Snakemake and every job), with the kernels already in numba's cache (compiled at
#      install time, or by an earlier project) unless --cold-kernels points NUMBA_CACHE_DIR
#      at an empty folder (a fresh install: the run compiles them);
#   2. a no-op rerun, next to `snakemake --version` (Snakemake's own start-up floor);
#   3. a rerun after deleting results/parts/ (nothing is needed: the merged workspace is
#      up to date), and the same with --forceall (every job restores from the merged
#      workspace instead of computing), next to the first run.
# Usage: bench/pipeline.sh [--cores N] [--cold-kernels] [--keep FILE] [extra snakemake args]
#   --keep FILE writes the first run's merged workspace to FILE (to compare two versions) as
#   one self-contained file (`spikelab pack`: the merged workspace is a root file and its
#   .shards folder, and a copy of the root alone would link to shards deleted on exit).
# Run from anywhere, with the environment that has spikelab and snakemake active.
# On a machine with SLURM's client installed but no controller answering, every snakemake
# start waits ~9 s (the SLURM executor plugin of the dev extra runs `scontrol show config`
# when it is imported, with a 10 s timeout): for timing, put a `scontrol` that fails at once
# first on PATH, e.g. `export PATH=/tmp/spikelab-no-slurm:$PATH` (the stub the workflow
# tests write, tests/workflow/harness.py).
set -euo pipefail
command -v snakemake > /dev/null || { echo "snakemake not found: activate the venv" >&2; exit 1; }
repo=$(cd "$(dirname "$0")/.." && pwd)
cores=2
kernels="in numba's cache"
keep=""
work=$(mktemp -d "${TMPDIR:-/tmp}/spikelab-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
while [ $# -gt 0 ]; do
  case "$1" in
    --cores) cores=$2; shift 2 ;;
    --cold-kernels) export NUMBA_CACHE_DIR="$work/numba-cache"; kernels="compiled in the run"; shift ;;
    --keep) keep=$(realpath "$2"); shift 2 ;;
    *) break ;;
  esac
done
cp -r "$repo/Snakefile" "$repo/workflow" "$repo/config" "$work/"
cd "$work"

seconds() {  # seconds CMD...: wall time of CMD in seconds (its output to bench.log); its
  # CPU time (user + system of CMD and every process it waited for) into $work/cpu
  python3 - "$work/cpu" "$@" >> bench.log 2>&1 <<'PY' || { echo "failed: $*" >&2; tail -n 30 bench.log >&2; exit 1; }
import resource, subprocess, sys, time
started = time.perf_counter()
status = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    f.write(f"{usage.ru_utime + usage.ru_stime} {wall}\n")
sys.exit(status)
PY
  cut -d' ' -f2 "$work/cpu"
}
ratio() { python3 -c "print($1 / $2)"; }
percent() { python3 -c "print(100 * $1 / $2)"; }

first=$(seconds snakemake --cores "$cores" "$@")
first_cpu=$(cut -d' ' -f1 "$work/cpu")
if [ -n "$keep" ]; then spikelab pack results/workspace "$keep" > /dev/null; fi
floor=$(seconds snakemake --version)
noop=$(seconds snakemake --cores "$cores" "$@")
rm -rf results/parts
parts=$(seconds snakemake --cores "$cores" "$@")
rm -rf results/parts
forced=$(seconds snakemake --cores "$cores" --forceall "$@")
recomputed=$(grep -l "computed" logs/*/*.log | grep -v -e simulate -e recording | wc -l || true)

printf '%-44s %8.2f s   (CPU %.1f s; kernels %s)\n' "first run (demo, $cores cores)" "$first" "$first_cpu" "$kernels"
printf '%-44s %8.2f s   (%.2fx the floor)\n' "no-op rerun" "$noop" "$(ratio "$noop" "$floor")"
printf '%-44s %8.2f s\n' "snakemake --version (floor)" "$floor"
printf '%-44s %8.2f s   (%.0f%% of the first run)\n' "rerun after deleting results/parts" "$parts" "$(percent "$parts" "$first")"
printf '%-44s %8.2f s   (%.0f%% of the first run)\n' "--forceall after deleting parts (restores)" "$forced" "$(percent "$forced" "$first")"
printf '%-44s %8d\n' "analysis logs saying 'computed' after that" "$recomputed"
