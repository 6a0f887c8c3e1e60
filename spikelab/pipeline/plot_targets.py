"""Which figures the workflow draws, and where: read by ``workflow/rules/plots.smk`` at
parse time, so it stays light (no matplotlib, numpy or h5py imports here)."""

from __future__ import annotations

from .graph import RECORDING_STEP, StepGraph

__all__ = ["PLOTS_DIR", "RECORDING_FIGURES", "CONDITION_FIGURES", "plot_path",
           "enabled_figures", "figure_inputs", "recording_plot_inputs",
           "condition_plot_inputs", "figure_report", "plot_targets", "sttc_plot_key"]

#: Folder of the figures: ``{PLOTS_DIR}/{recording}/{kind}.png`` and ``{PLOTS_DIR}/all/...``.
PLOTS_DIR = "results/plots"

#: Per-recording figure kind -> the steps it needs (the raster uses burst edges if present).
RECORDING_FIGURES: dict[str, tuple[str, ...]] = {
    "raster": ("recording",),
    "aligned_rate": ("burst_alignment",),
    "sttc": ("sttc",),
}
#: Cross-condition figure kind -> the steps it needs (``summary``: the summary job).
CONDITION_FIGURES: dict[str, tuple[str, ...]] = {
    "sttc_distribution": ("sttc",),
    "burst_corr_distribution": ("burst_corr",),
    "summary": ("summary",),
}


def plot_path(target: str, kind: str) -> str:
    """PNG path of one figure; ``target`` is a recording name or ``all``."""
    return f"{PLOTS_DIR}/{target}/{kind}.png"


def enabled_figures(graph: StepGraph) -> tuple[list[str], list[str]]:
    """(per-recording kinds, cross-condition kinds) whose analyses are enabled."""
    on = {RECORDING_STEP, *graph.names}
    return ([k for k, needs in RECORDING_FIGURES.items() if on.issuperset(needs)],
            [k for k, needs in CONDITION_FIGURES.items() if on.issuperset(needs)])


def figure_inputs(graph: StepGraph, kinds: list[str], figures: dict[str, tuple[str, ...]]
                  ) -> list[str]:
    """The steps whose parts one plot job drawing ``kinds`` reads, in step order: what the
    kinds need, plus ``bursts`` for the raster's shading when that step runs."""
    needed = {step for kind in kinds for step in figures[kind]}
    if "raster" in kinds and "bursts" in graph.names:
        needed.add("bursts")
    return [step for step in (RECORDING_STEP, *graph.names) if step in needed]


def recording_plot_inputs(graph: StepGraph, kinds: list[str]) -> dict[str, str]:
    """Named inputs of the job drawing ``kinds`` of one recording: step -> its part, with
    the ``{recording}`` wildcard."""
    return {step: graph.part("{recording}", step)
            for step in figure_inputs(graph, kinds, RECORDING_FIGURES)}


def condition_plot_inputs(graph: StepGraph, kinds: list[str], summary_namespace: str = "all"
                          ) -> dict[str, list[str] | str]:
    """Named inputs of the job drawing ``kinds`` across recordings: step -> every
    recording's part of it, or the one part of a step over all recordings."""
    return {step: ([graph.part(rec, step) for rec in graph.recordings]
                   if graph.analysis(step).scope == "recording"
                   else graph.part(summary_namespace, step))
            for step in figure_inputs(graph, kinds, CONDITION_FIGURES)}


def figure_report(target: str, kind: str, summary_namespace: str = "all") -> dict[str, object]:
    """Snakemake ``report()`` arguments of one figure: its caption (relative to the rule
    files), its place in the report and its labels."""
    if target == summary_namespace:
        where: dict[str, object] = {"category": "Across conditions", "labels": {"figure": kind}}
    else:
        where = {"category": "Per condition", "subcategory": target,
                 "labels": {"condition": target, "figure": kind}}
    return {"caption": f"../report/{kind}.rst", **where}


def plot_targets(graph: StepGraph, summary_namespace: str = "all") -> list[str]:
    """Every figure path the config asks for (none when ``plots.enabled`` is false)."""
    if not graph.config.get("plots", {}).get("enabled", False):
        return []
    per_recording, across = enabled_figures(graph)
    paths = [plot_path(rec, kind) for rec in graph.recordings for kind in per_recording]
    return paths + [plot_path(summary_namespace, kind) for kind in across]


def sttc_plot_key(graph: StepGraph) -> str:
    """The STTC key the figures show: the (first) one the sttc analysis writes."""
    return graph.keys("sttc")[0]
