"""Which figures the workflow draws, and where: read by ``workflow/rules/plots.smk`` at
parse time, so it stays light (no matplotlib, numpy or h5py imports here)."""

from __future__ import annotations

from .graph import RECORDING_STEP, StepGraph

__all__ = ["PLOTS_DIR", "RECORDING_FIGURES", "CONDITION_FIGURES", "plot_path",
           "enabled_figures", "plot_targets", "sttc_plot_key"]

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
