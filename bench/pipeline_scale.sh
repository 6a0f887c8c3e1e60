#!/usr/bin/env bash
# The workflow with many recordings (issue 12): for 100, 300 and 1,000 simulated recordings
# (30 s, 8 units each), in a scratch copy of the workflow per size:
#   1. the jobs of a full run, per recording and across recordings;
#   2. the dry run of a fresh project (Snakemake plans every job), next to the dry run of a
#      bare Snakefile of trivial rules with the same job graph (Snakemake's own cost);
#   3. the no-op rerun once everything is built (every check, nothing to do; goal <= 30 s
#      at 1,000 recordings);
#   4. merge_files of all the parts into a new merged workspace, the same merge again with
#      nothing to do, next to a plain copy of the parts (bench/pipeline_scale.py merge).
# With --before REPO, steps 1-3 also run on REPO's workflow and spikelab (e.g. /work/main
# before a change), in the same session, on the same built outputs. With --profile, the
# no-op rerun of the largest size is also run under cProfile and summarised: where
# Snakemake's time goes.
# The outputs are built in-process (bench/pipeline_scale.py build), not by thousands of
# jobs; `snakemake --touch` then records them, so the timed rerun finds them up to date.
# Usage: bench/pipeline_scale.sh [--before REPO] [--cores N] [--profile] [SIZES...]
# Run from anywhere, with the environment that has spikelab and snakemake active.
set -euo pipefail
command -v snakemake > /dev/null || { echo "snakemake not found: activate the venv" >&2; exit 1; }
repo=$(cd "$(dirname "$0")/.." && pwd)
helper="$repo/bench/pipeline_scale.py"
before="" cores=2 profile=0
while [ $# -gt 0 ]; do
  case "$1" in
    --before) before=$(cd "$2" && pwd); shift 2 ;;
    --cores) cores=$2; shift 2 ;;
    --profile) profile=1; shift ;;
    *) break ;;
  esac
done
sizes=("${@:-100 300 1000}")
read -r -a sizes <<< "${sizes[*]}"
work=$(mktemp -d "${TMPDIR:-/tmp}/spikelab-scale-XXXXXX")
trap 'rm -rf "$work"' EXIT

seconds() {  # seconds LOG CMD...: "WALL CPU" seconds of CMD (CPU: user + system of its
  # processes, which a busy machine inflates less than the wall time); output to LOG
  local log=$1
  shift
  python3 -c '
import resource, subprocess, sys, time
with open(sys.argv[1], "a") as log:
    start = time.perf_counter()
    code = subprocess.run(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT).returncode
wall = time.perf_counter() - start
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.2f} {used.ru_utime + used.ru_stime:.2f}")
sys.exit(code)' "$log" "$@" || { echo "failed: $*" >&2; tail -n 30 "$log" >&2; exit 1; }
}

jobs_of() {  # jobs_of LOG N: "per-recording across" job counts from a dry run's job stats
  python3 - "$1" "$2" <<'EOF'
import re, sys
text, n = open(sys.argv[1]).read(), int(sys.argv[2])
stats = text[text.rindex("Job stats:"):]
counts = {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)\s*$", stats, re.M)}
counts.pop("total", None)
per = sum(c for c in counts.values() if c == n)
print(per // n, sum(counts.values()) - per)
EOF
}

project() {  # project SRC DIR N: a scratch copy of SRC's workflow with N recordings
  mkdir -p "$2"
  cp -r "$1/Snakefile" "$1/workflow" "$1/config" "$2/"
  if [ -d "$1/profiles" ]; then cp -r "$1/profiles" "$2/"; fi  # the workflow's own settings
  (cd "$2" && python3 "$helper" config "$3")
}

# Each checkout's workflow runs with its own spikelab (ahead of the installed one).
smk_of() { smk=(env "PYTHONPATH=$1${PYTHONPATH:+:$PYTHONPATH}" snakemake); }

row() { printf '%-44s %8s %20s %20s\n' "$@"; }
both() { printf '%.1f s (cpu %.1f s)' $1; }  # both "WALL CPU"

for n in "${sizes[@]}"; do
  echo "== $n recordings (cores: $cores; the machine may be shared: see uptime below)"
  uptime
  labels=(after) srcs=("$repo")
  if [ -n "$before" ]; then labels=(before after) srcs=("$before" "$repo"); fi
  declare -A dry=() noop=() per=() across=() ref=()
  for i in "${!labels[@]}"; do
    label=${labels[$i]} src=${srcs[$i]} dir="$work/$n-${labels[$i]}"
    project "$src" "$dir" "$n"
    smk_of "$src"
    dry[$label]=$(cd "$dir" && seconds dry.log "${smk[@]}" --dry-run --cores "$cores")
    read -r per_recording across_recordings < <(jobs_of "$dir/dry.log" "$n")
    per[$label]=$per_recording across[$label]=$across_recordings
    # Snakemake alone, for a graph of the same shape: trivial rules touching files.
    mkdir -p "$dir-reference"
    (cd "$dir-reference" && python3 "$helper" reference "$label" "$n")
    ref[$label]=$(cd "$dir-reference" && seconds dry.log snakemake --dry-run --cores "$cores")
  done
  # Build once (the outputs are the same files in both checkouts), then let each
  # workflow record them as its own jobs' outputs and time its no-op rerun.
  built="$work/$n-after"
  (cd "$built" && seconds build.log python3 "$helper" build --workers "$cores" > /dev/null)
  for i in "${!labels[@]}"; do
    label=${labels[$i]} src=${srcs[$i]} dir="$work/$n-${labels[$i]}"
    if [ "$dir" != "$built" ]; then cp -al "$built/results" "$built/resources" "$dir/"; fi
    smk_of "$src"
    (cd "$dir" && seconds touch.log "${smk[@]}" --touch --cores "$cores" > /dev/null)
    noop[$label]=$(cd "$dir" && seconds noop.log "${smk[@]}" --cores "$cores")
    grep -q "Nothing to be done" "$dir/noop.log" || {
      echo "the no-op rerun ($label) ran jobs:" >&2; tail -n 30 "$dir/noop.log" >&2; exit 1; }
  done
  row "" "jobs" "dry run" "no-op rerun"
  for label in "${labels[@]}"; do
    row "$label: jobs per recording + across" "${per[$label]} + ${across[$label]}" \
        "$(both "${dry[$label]}")" "$(both "${noop[$label]}")"
    row "  bare Snakefile of that shape" "" "$(both "${ref[$label]}")" ""
  done
  (cd "$built" && python3 "$helper" merge)
  if [ "$profile" = 1 ] && [ "$n" = "${sizes[-1]}" ]; then
    (cd "$built" && python3 -m cProfile -o noop.prof "$(command -v snakemake)" \
        --cores "$cores" > profile.log 2>&1 && python3 "$helper" profile noop.prof)
  fi
  rm -rf "$work/$n-"*
  unset dry noop per across ref
done
