"""The plot rules' jobs: read results from part workspaces, draw figures, save them as PNG.

Figure builders take paths of part workspaces (``results/parts/{recording}/{step}.h5``),
so they run without Snakemake; :func:`run_plots` adapts the ``snakemake`` object of
``workflow/scripts/run_plots.py`` to them, drawing each figure of ``params.kinds``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any

from matplotlib.figure import Figure

from ..atomicfile import atomic_target
from ..errors import ConfigError
from ..plotting import (
    plot_aligned_rate,
    plot_burst_corr_distribution,
    plot_raster,
    plot_sttc,
    plot_sttc_distribution,
    plot_summary,
)
from ..workspace import AnalysisWorkspace
from .entry import job_logging

__all__ = ["raster_figure",
           "aligned_rate_figure", "sttc_figure", "sttc_distribution_figure",
           "burst_corr_distribution_figure", "summary_figure", "save_figure", "run_plots"]

log = logging.getLogger("spikelab.pipeline")


def raster_figure(recording_part: str, namespace: str, bursts_part: str | None = None) -> Figure:
    """Spike raster of ``namespace/spikedata``, bursts shaded from ``namespace/burst_edges``."""
    sd = AnalysisWorkspace.load_item(recording_part, namespace, "spikedata")
    edges = None if bursts_part is None else AnalysisWorkspace.load_item(
        bursts_part, namespace, "burst_edges")
    return plot_raster(sd, edges, title=f"{namespace}: spike raster ({sd.N} units)")


def aligned_rate_figure(alignment_part: str, namespace: str, pre_ms: float) -> Figure:
    """Burst-aligned population rate from ``namespace/burst_rss``."""
    rss = AnalysisWorkspace.load_item(alignment_part, namespace, "burst_rss")
    return plot_aligned_rate(rss, pre_ms, title=f"{namespace}: burst-aligned population rate")


def sttc_figure(sttc_part: str, namespace: str, key: str) -> Figure:
    """Heatmap of the STTC matrix ``namespace/key``."""
    matrix = AnalysisWorkspace.load_item(sttc_part, namespace, key)
    return plot_sttc(matrix, title=f"{namespace}: STTC matrix ({matrix.shape[0]} units)")


def sttc_distribution_figure(parts: Mapping[str, str], key: str) -> Figure:
    """STTC distribution per condition; ``parts`` maps each recording to its sttc part."""
    return plot_sttc_distribution(
        {rec: AnalysisWorkspace.load_item(path, rec, key) for rec, path in parts.items()})


def burst_corr_distribution_figure(parts: Mapping[str, str]) -> Figure:
    """Distribution of ``burst_corr_unit_avg`` per condition (recording -> burst_corr part)."""
    return plot_burst_corr_distribution(
        {rec: AnalysisWorkspace.load_item(path, rec, "burst_corr_unit_avg")
         for rec, path in parts.items()})


def summary_figure(summary_part: str, namespace: str = "all") -> Figure:
    """Bar charts of the cross-condition summary ``namespace/summary``."""
    return plot_summary(AnalysisWorkspace.load_item(summary_part, namespace, "summary"))


def save_figure(fig: Figure, path: str | os.PathLike, dpi: int = 120) -> None:
    """Write ``fig`` as PNG (Agg), creating the folder.

    The file appears only once complete (temporary file beside it, then renamed): a figure
    cut short by a kill, present and marked incomplete, makes the next run's Snakemake plan
    that job alone and leave the rest of the run undone.
    """
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with atomic_target(os.fspath(path)) as tmp:
        fig.savefig(tmp, dpi=dpi, format="png")


def _per_recording(snakemake: Any, step: str) -> Mapping[str, str]:
    """Recording -> its part of ``step`` (the job's input list of that name)."""
    return dict(zip(snakemake.params.recordings, map(str, snakemake.input[step]), strict=True))


_ADAPTERS: dict[str, Callable[[Any], Figure]] = {
    "raster": lambda smk: raster_figure(
        smk.input.recording, smk.wildcards.recording,
        smk.input.bursts if "bursts" in smk.input.keys() else None),
    "aligned_rate": lambda smk: aligned_rate_figure(
        smk.input.burst_alignment, smk.wildcards.recording, smk.params.pre_ms),
    "sttc": lambda smk: sttc_figure(smk.input.sttc, smk.wildcards.recording, smk.params.key),
    "sttc_distribution": lambda smk: sttc_distribution_figure(_per_recording(smk, "sttc"),
                                                              smk.params.key),
    "burst_corr_distribution": lambda smk: burst_corr_distribution_figure(
        _per_recording(smk, "burst_corr")),
    "summary": lambda smk: summary_figure(smk.input.summary, smk.params.namespace),
}


def run_plots(snakemake: Any) -> None:
    """One plot job: draw each figure of ``params.kinds`` into the output of that name.

    A job draws every figure of one recording, or every figure across recordings.
    """
    with job_logging(snakemake):
        kinds = list(snakemake.params.kinds)
        unknown = [kind for kind in kinds if kind not in _ADAPTERS]
        if unknown:
            raise ConfigError(f"unknown figure kind {unknown[0]!r}; valid: {sorted(_ADAPTERS)}")
        for kind in kinds:
            started = time.perf_counter()
            path = str(snakemake.output[kind])
            save_figure(_ADAPTERS[kind](snakemake), path)
            log.info("%s: drew %s in %.2f s", kind, path, time.perf_counter() - started)
