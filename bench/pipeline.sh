#!/usr/bin/env bash
# Wall time of the workflow on the bundled demo config, in a scratch copy of the workflow:
#   1. the first run (simulate, analyse, merge);
#   2. a no-op rerun, next to `snakemake --version` (Snakemake's own start-up floor);
#   3. a rerun after deleting results/parts/ (nothing is needed: the merged workspace is
#      up to date), and the same with --forceall (every job restores from the merged
#      workspace instead of computing), next to the first run.
# Usage: bench/pipeline.sh [--cores N] [extra snakemake args]
# Run from anywhere, with the environment that has spikelab and snakemake active.
set -euo pipefail
command -v snakemake > /dev/null || { echo "snakemake not found: activate the venv" >&2; exit 1; }
repo=$(cd "$(dirname "$0")/.." && pwd)
cores=2
if [ "${1:-}" = "--cores" ]; then cores=$2; shift 2; fi
work=$(mktemp -d "${TMPDIR:-/tmp}/spikelab-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$repo/Snakefile" "$repo/workflow" "$repo/config" "$work/"
cd "$work"

seconds() {  # seconds CMD...: wall time of CMD in seconds (output to bench.log)
  local t0 t1
  t0=$(date +%s.%N)
  if ! "$@" >> bench.log 2>&1; then
    echo "failed: $*" >&2; tail -n 30 bench.log >&2; exit 1
  fi
  t1=$(date +%s.%N)
  python3 -c "print($t1 - $t0)"
}
ratio() { python3 -c "print($1 / $2)"; }
percent() { python3 -c "print(100 * $1 / $2)"; }

first=$(seconds snakemake --cores "$cores" "$@")
floor=$(seconds snakemake --version)
noop=$(seconds snakemake --cores "$cores" "$@")
rm -rf results/parts
parts=$(seconds snakemake --cores "$cores" "$@")
rm -rf results/parts
forced=$(seconds snakemake --cores "$cores" --forceall "$@")
recomputed=$(grep -l "computed" logs/*/*.log | grep -v -e simulate -e recording | wc -l || true)

printf '%-44s %8.2f s\n' "first run (demo, $cores cores)" "$first"
printf '%-44s %8.2f s   (%.2fx the floor)\n' "no-op rerun" "$noop" "$(ratio "$noop" "$floor")"
printf '%-44s %8.2f s\n' "snakemake --version (floor)" "$floor"
printf '%-44s %8.2f s   (%.0f%% of the first run)\n' "rerun after deleting results/parts" "$parts" "$(percent "$parts" "$first")"
printf '%-44s %8.2f s   (%.0f%% of the first run)\n' "--forceall after deleting parts (restores)" "$forced" "$(percent "$forced" "$first")"
printf '%-44s %8d\n' "analysis logs saying 'computed' after that" "$recomputed"
