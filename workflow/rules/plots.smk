# Figures: per condition (raster, burst-aligned rate, STTC heatmap) and across conditions
# (STTC and burst-correlation distributions, summary), read from the part workspaces and
# included in `snakemake --report report.html`.
#
# One job per recording draws all of its figures, and one job draws the figures across
# conditions: a figure takes a fraction of a second, while every job costs Snakemake
# bookkeeping (with 1,000 recordings, two jobs per recording more meant 2,000 more jobs to
# plan on every run). Changing one analysis redraws its recording's figures together.
# Drawing is quick: the plot rules are localrules (not worth a cluster submission each).
from functools import partial

from spikelab.pipeline.plot_targets import (
    condition_plot_inputs,
    enabled_figures,
    figure_report,
    plot_path,
    plot_targets,
    recording_plot_inputs,
    sttc_plot_key,
)


report: "../report/workflow.rst"


# plot_files(): every figure the config asks for (none when plots.enabled is false), for
# the Snakefile's `rule all`.
plot_files = partial(plot_targets, GRAPH, SHARED_NAMESPACE)

RECORDING_KINDS, CONDITION_KINDS = enabled_figures(GRAPH)


# The raster shades the bursts when the bursts step runs.
rule plot_recording:
    input:
        **recording_plot_inputs(GRAPH, RECORDING_KINDS),
    output:
        **{
            kind: report(
                plot_path("{recording}", kind),
                **figure_report("{recording}", kind, SHARED_NAMESPACE),
            )
            for kind in RECORDING_KINDS
        },
    log:
        "logs/plots/{recording}/figures.log",
    localrule: True
    conda:
        "../envs/spikelab.yaml"
    params:
        kinds=RECORDING_KINDS,
        pre_ms=(
            GRAPH.params("burst_alignment")["pre_ms"]
            if "aligned_rate" in RECORDING_KINDS
            else None
        ),
        key=sttc_plot_key(GRAPH) if "sttc" in RECORDING_KINDS else None,
    script:
        "../scripts/run_plots.py"


if CONDITION_KINDS:

    rule plot_conditions:
        input:
            **condition_plot_inputs(GRAPH, CONDITION_KINDS, SHARED_NAMESPACE),
        output:
            **{
                kind: report(
                    plot_path(SHARED_NAMESPACE, kind),
                    **figure_report(SHARED_NAMESPACE, kind, SHARED_NAMESPACE),
                )
                for kind in CONDITION_KINDS
            },
        log:
            f"logs/plots/{SHARED_NAMESPACE}/figures.log",
        localrule: True
        conda:
            "../envs/spikelab.yaml"
        params:
            kinds=CONDITION_KINDS,
            recordings=RECORDINGS,
            namespace=SHARED_NAMESPACE,
            key=sttc_plot_key(GRAPH) if "sttc_distribution" in CONDITION_KINDS else None,
        script:
            "../scripts/run_plots.py"
