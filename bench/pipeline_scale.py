"""Helpers of ``bench/pipeline_scale.sh``: the workflow with many simulated recordings.

Run from a scratch copy of the workflow (the shell script makes one per size)::

    python bench/pipeline_scale.py config N        # config/config.yaml with N recordings
    python bench/pipeline_scale.py build [--draw-figures]  # every output of a full run
    python bench/pipeline_scale.py reference SHAPE # a bare Snakefile with the same DAG
    python bench/pipeline_scale.py merge           # merge_files of every part, timed
    python bench/pipeline_scale.py profile FILE    # where a profiled snakemake run went

``build`` produces what a first run produces (NWB files, part workspaces, figures, the
merged workspace) by calling, in this process and a worker pool, the same functions the
jobs call (``simulate_recording``, ``import_recording``, ``run_spec``, the figure
builders, ``merge_files``) with the job descriptions of the same step graph: starting
7,000 Python processes would take an hour on two cores and tells nothing about a no-op
rerun. Only the first recording's figures are drawn unless ``--draw-figures``: the others
are copies of them. ``snakemake --touch`` then records the jobs as done, so that the timed
rerun does all of Snakemake's checks (file times, parameters, code, inputs) and finds
nothing to do.

``reference`` writes a Snakefile of trivial rules with the shape of the real DAG (a chain
of per-recording jobs, then the jobs across recordings and the merge): Snakemake's own cost
for that many jobs, measured in the same run. ``before`` is the shape the workflow had
before plots were drawn by one job per recording and simulated recordings were imported by
the job simulating them (10 jobs per recording, 7 across), ``after`` the current one (7 and
5). Analyses wait for ``compile_kernels`` (one job); the shapes keep one such edge.
"""

from __future__ import annotations

import argparse
import os
import pstats
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import yaml

#: The job graph of each shape (see ``reference``): per-recording rules and the rules they
#: read (of the same recording), then rules across recordings and what they read ("@rule":
#: a rule across recordings, else that rule of every recording). ``all`` asks for the merge
#: and every figure.
SHAPES: dict[str, tuple[dict[str, list[str]], dict[str, list[str]]]] = {
    "before": ({"simulate": [], "recording": ["simulate"], "bursts": ["recording"],
                "burst_alignment": ["bursts"], "burst_corr": ["burst_alignment"],
                "sttc": ["recording", "@compile_kernels"], "fr_corr": ["recording"],
                "plot_raster": ["recording", "bursts"], "plot_aligned_rate": ["burst_alignment"],
                "plot_sttc": ["sttc"]},
               {"compile_kernels": [],
                "summary": ["bursts", "sttc", "burst_corr"], "plot_sttc_distribution": ["sttc"],
                "plot_burst_corr_distribution": ["burst_corr"], "plot_summary": ["@summary"],
                "merge": ["recording", "bursts", "burst_alignment", "burst_corr", "sttc",
                          "fr_corr", "@summary"]}),
    "after": ({"simulate_recording": [], "bursts": ["simulate_recording"],
               "burst_alignment": ["bursts"], "burst_corr": ["burst_alignment"],
               "sttc": ["simulate_recording", "@compile_kernels"],
               "fr_corr": ["simulate_recording"],
               "plot_recording": ["simulate_recording", "bursts", "burst_alignment", "sttc"]},
              {"compile_kernels": [], "summary": ["bursts", "sttc", "burst_corr"],
               "plot_conditions": ["sttc", "burst_corr", "@summary"],
               "merge": ["simulate_recording", "bursts", "burst_alignment", "burst_corr", "sttc",
                         "fr_corr", "@summary"]}),
}


def recording_names(n: int) -> list[str]:
    return [f"R{i:04d}" for i in range(n)]


def write_config(n: int) -> None:
    """The demo config with ``n`` short simulated recordings of few units."""
    with open("config/config.yaml") as fh:
        config = yaml.safe_load(fh)
    config["recordings"] = {name: {"simulate": {"seed": i, "dose": 0.25 * (i % 4)}}
                            for i, name in enumerate(recording_names(n))}
    config["simulation"] = {"n_units": 8, "duration_s": 30, "burst_rate_hz": 0.33}
    with open("config/config.yaml", "w") as fh:
        yaml.safe_dump(config, fh, sort_keys=False)


# --------------------------------------------------------------------- build
def _graph():
    from spikelab.pipeline.graph import StepGraph

    with open("config/config.yaml") as fh:
        config = yaml.safe_load(fh)
    return config, StepGraph(config, project_dir=os.getcwd(),
                             code_cache=".snakemake/spikelab-codehash.json")


def _spec(graph, step: str, namespace: str) -> dict:
    return {**graph.job(step, namespace), "params": graph.params(step),
            "version": graph.versions[step]}


def _save(fig, path: str) -> None:
    from spikelab.pipeline.plots import save_figure

    save_figure(fig, path)
    fig.clear()


def build_recording(recording: str, figures_of: str | None = None) -> None:
    """Every output of one recording's jobs that does not exist yet; with ``figures_of``,
    its figures are copies of that recording's (see :func:`build`)."""
    from spikelab.pipeline import plots
    from spikelab.pipeline.config import simulation_params
    from spikelab.pipeline.plot_targets import enabled_figures, plot_path, sttc_plot_key
    from spikelab.pipeline.recording import import_recording, simulate_recording
    from spikelab.pipeline.runner import run_spec

    config, graph = _graph()
    nwb = f"{config['simulated_dir']}/{recording}.nwb"
    part = graph.part(recording, "recording")
    if not os.path.exists(part):
        simulate_recording(simulation_params(config, recording), nwb)
        import_recording(nwb, "nwb", {}, recording, part)
    for step in graph.names:
        if graph.analysis(step).scope == "recording" and not os.path.exists(
                graph.part(recording, step)):
            run_spec(_spec(graph, step, recording), [config["workspace"]])
    if not config["plots"]["enabled"]:
        return
    kinds, _ = enabled_figures(graph)
    draw = {
        "raster": lambda: plots.raster_figure(part, recording,
                                              graph.part(recording, "bursts")),
        "aligned_rate": lambda: plots.aligned_rate_figure(
            graph.part(recording, "burst_alignment"), recording,
            graph.params("burst_alignment")["pre_ms"]),
        "sttc": lambda: plots.sttc_figure(graph.part(recording, "sttc"), recording,
                                          sttc_plot_key(graph)),
    }
    for kind in kinds:
        if os.path.exists(plot_path(recording, kind)):
            continue
        if figures_of is None:
            _save(draw[kind](), plot_path(recording, kind))
        else:
            os.makedirs(os.path.dirname(plot_path(recording, kind)), exist_ok=True)
            shutil.copyfile(plot_path(figures_of, kind), plot_path(recording, kind))


def build(workers: int, draw_figures: bool = False) -> None:
    """Every output of a full run that does not exist yet (see the module docstring)."""
    import logging

    from spikelab.pipeline import plots
    from spikelab.pipeline.graph import SHARED_NAMESPACE
    from spikelab.pipeline.plot_targets import enabled_figures, plot_path, sttc_plot_key
    from spikelab.pipeline.runner import run_spec
    from spikelab.workspace import merge_files

    logging.disable(logging.INFO)
    config, graph = _graph()
    started = time.perf_counter()
    # The first recording's figures are drawn, the others' are copies of them: Snakemake
    # looks only at the files' times, and drawing thousands of figures would take most of
    # the build on a busy machine (--draw-figures draws every one).
    first, *others = graph.recordings
    copies = partial(build_recording, figures_of=None if draw_figures else first)
    with ProcessPoolExecutor(workers) as pool:  # (this process forks: it computes nothing yet)
        pool.submit(build_recording, first).result()
        for done, _ in enumerate(pool.map(copies, others, chunksize=8), 2):
            if done % 100 == 0:
                print(f"  built {done} recordings in {time.perf_counter() - started:.0f} s",
                      file=sys.stderr)
    for step in graph.names:
        if graph.analysis(step).scope == "all":
            for ns in graph.namespaces(step):
                if not os.path.exists(graph.part(ns, step)):
                    run_spec(_spec(graph, step, ns), [config["workspace"]])
    if config["plots"]["enabled"]:
        _, kinds = enabled_figures(graph)
        per_rec = {rec: graph.part(rec, "sttc") for rec in graph.recordings}
        draw = {
            "sttc_distribution": lambda: plots.sttc_distribution_figure(
                per_rec, sttc_plot_key(graph)),
            "burst_corr_distribution": lambda: plots.burst_corr_distribution_figure(
                {rec: graph.part(rec, "burst_corr") for rec in graph.recordings}),
            "summary": lambda: plots.summary_figure(graph.part(SHARED_NAMESPACE, "summary")),
        }
        for kind in kinds:
            _save(draw[kind](), plot_path(SHARED_NAMESPACE, kind))
    merge_files(config["workspace"], graph.parts(), replace_stale=True,
                prune_to=graph.expected_items() if config["prune"] else None)
    print(f"  built every output in {time.perf_counter() - started:.0f} s", file=sys.stderr)


# --------------------------------------------------------------------- reference DAG
def write_reference(shape: str, n: int) -> None:
    """``Snakefile`` of rules touching their output, with the job graph of ``shape`` for
    ``n`` recordings."""
    per_recording, across = SHAPES[shape]

    def inputs(reads: list[str], of_recording: bool) -> str:
        files = [f"'out/{r[1:]}'" if r.startswith("@") else
                 (f"'out/{{recording}}/{r}'" if of_recording else
                  f"expand('out/{{recording}}/{r}', recording=RECORDINGS)") for r in reads]
        return ", ".join(files) or "[]"

    plots = [r for r in per_recording if r.startswith("plot")]
    rules = [f"RECORDINGS = [f'R{{i:04d}}' for i in range({n})]",
             "wildcard_constraints:\n    recording='|'.join(RECORDINGS)",
             "rule all:\n    input: " + inputs(["@merge", *plots] + [
                 f"@{r}" for r in across if r.startswith("plot")], False)]
    for rule, reads in per_recording.items():
        rules.append(f"rule {rule}:\n    input: {inputs(reads, True)}\n"
                     f"    output: 'out/{{recording}}/{rule}'\n    shell: 'touch {{output}}'")
    for rule, reads in across.items():
        rules.append(f"rule {rule}:\n    input: {inputs(reads, False)}\n"
                     f"    output: 'out/{rule}'\n    shell: 'touch {{output}}'")
    with open("Snakefile", "w") as fh:
        fh.write("\n\n".join(rules) + "\n")


# --------------------------------------------------------------------- merge of the parts
def time_merge(repeat: int) -> None:
    """``merge_files`` of every part into a new merged workspace, and again with nothing to
    do, next to copying the parts' bytes (with fsync, as the merge's writes have)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _timing import interleaved

    from spikelab.atomicfile import fsync_path
    from spikelab.workspace import merge_files

    _, graph = _graph()
    parts = graph.parts()
    scratch = "bench-merge"
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    rounds = iter(range(10**6))
    nbytes = sum(os.path.getsize(p) for p in parts)
    cpu: dict[str, float] = {}  # least CPU time (s) of each case: a busy machine's wall
    # time is mostly waiting

    def cpu_of(name, fn):
        def timed():
            started = time.process_time()
            fn()
            cpu[name] = min(cpu.get(name, float("inf")), time.process_time() - started)
        return timed

    def fresh_merge():
        merge_files(f"{scratch}/merged{next(rounds)}", parts, replace_stale=True)

    def plain_copy():
        folder = f"{scratch}/copy{next(rounds)}"
        os.makedirs(folder)
        for i, src in enumerate(parts):
            dst = f"{folder}/{i}.h5"
            shutil.copyfile(src, dst)
            fsync_path(dst)

    try:
        t = interleaved({"merge": cpu_of("merge", fresh_merge),
                         "copy": cpu_of("copy", plain_copy)}, repeat)
        t.update(interleaved({"noop": cpu_of("noop", lambda: merge_files(
            f"{scratch}/merged0", parts, replace_stale=True))}, repeat))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows = {"merge": f"merge_files of {len(parts)} parts ({nbytes / 2**20:.0f} MB), new file",
            "copy": "  plain copy (+fsync) of the parts' files",
            "noop": "  the same merge again, nothing to do"}
    for case, label in rows.items():
        print(f"{label:<52} {t[case]:8.2f} s (cpu {cpu[case]:.2f} s)")


# --------------------------------------------------------------------- profile
def summarize_profile(path: str, top: int) -> None:
    """Where a profiled ``snakemake`` run spent its time: by package, then the top calls."""
    stats = pstats.Stats(path)
    total = max(entry[3] for entry in stats.stats.values())  # cumulative of the entry point
    by_package: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        if "/snakemake/" in filename or "/snakemake_" in filename:
            package = "snakemake"
        elif "/spikelab/" in filename or filename.endswith(".smk") or "Snakefile" in filename:
            package = "spikelab (Snakefile, step graph)"
        elif filename.startswith("~") or "/lib/python3" in filename and "site-packages" \
                not in filename:
            package = "python standard library and builtins"
        else:
            package = "other packages"
        by_package[package] = by_package.get(package, 0.0) + tottime
    print(f"profile of the run ({total:.1f} s under the profiler), own time by package:")
    for package, seconds in sorted(by_package.items(), key=lambda kv: -kv[1]):
        print(f"  {package:<40} {seconds:7.1f} s  {100 * seconds / total:5.1f} %")
    print(f"top {top} calls by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("config").add_argument("n", type=int)
    builder = sub.add_parser("build")
    builder.add_argument("--workers", type=int, default=2)
    builder.add_argument("--draw-figures", action="store_true")
    ref = sub.add_parser("reference")
    ref.add_argument("shape", choices=sorted(SHAPES))
    ref.add_argument("n", type=int)
    sub.add_parser("merge").add_argument("--repeat", type=int, default=2)
    prof = sub.add_parser("profile")
    prof.add_argument("path")
    prof.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    if args.command == "config":
        write_config(args.n)
    elif args.command == "build":
        build(args.workers, args.draw_figures)
    elif args.command == "reference":
        write_reference(args.shape, args.n)
    elif args.command == "merge":
        time_merge(args.repeat)
    else:
        summarize_profile(args.path, args.top)


if __name__ == "__main__":
    main()
