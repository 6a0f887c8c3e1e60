# Figures: per condition (raster, burst-aligned rate, STTC heatmap) and across conditions
# (STTC and burst-correlation distributions, summary), read from the part workspaces and
# included in `snakemake --report report.html`.
from functools import partial

from spikelab.pipeline.plot_targets import plot_path, plot_targets, sttc_plot_key


report: "../report/workflow.rst"


# Drawing a figure takes a second: every plot rule is a localrule (not worth a cluster
# submission each).


# plot_files(): every figure the config asks for (none when plots.enabled is false), for
# the Snakefile's `rule all`.
plot_files = partial(plot_targets, GRAPH, SHARED_NAMESPACE)


# The raster shades the bursts when the bursts step runs.
rule plot_raster:
    input:
        **({"bursts": part("{recording}", "bursts")} if "bursts" in GRAPH.names else {}),
        recording=part("{recording}", "recording"),
    output:
        report(
            plot_path("{recording}", "raster"),
            caption="../report/raster.rst",
            category="Per condition",
            subcategory="{recording}",
            labels={"condition": "{recording}", "figure": "raster"},
        ),
    log:
        "logs/plots/{recording}/raster.log",
    localrule: True
    conda:
        "../envs/spikelab.yaml"
    params:
        kind="raster",
    script:
        "../scripts/run_plots.py"


rule plot_aligned_rate:
    input:
        burst_alignment=part("{recording}", "burst_alignment"),
    output:
        report(
            plot_path("{recording}", "aligned_rate"),
            caption="../report/aligned_rate.rst",
            category="Per condition",
            subcategory="{recording}",
            labels={"condition": "{recording}", "figure": "aligned_rate"},
        ),
    log:
        "logs/plots/{recording}/aligned_rate.log",
    localrule: True
    conda:
        "../envs/spikelab.yaml"
    params:
        kind="aligned_rate",
        pre_ms=lambda wildcards: GRAPH.params("burst_alignment")["pre_ms"],
    script:
        "../scripts/run_plots.py"


rule plot_sttc:
    input:
        sttc=part("{recording}", "sttc"),
    output:
        report(
            plot_path("{recording}", "sttc"),
            caption="../report/sttc.rst",
            category="Per condition",
            subcategory="{recording}",
            labels={"condition": "{recording}", "figure": "sttc"},
        ),
    log:
        "logs/plots/{recording}/sttc.log",
    localrule: True
    conda:
        "../envs/spikelab.yaml"
    params:
        kind="sttc",
        key=lambda wildcards: sttc_plot_key(GRAPH),
    script:
        "../scripts/run_plots.py"


rule plot_sttc_distribution:
    input:
        expand(part("{recording}", "sttc"), recording=RECORDINGS),
    output:
        report(
            plot_path(SHARED_NAMESPACE, "sttc_distribution"),
            caption="../report/sttc_distribution.rst",
            category="Across conditions",
            labels={"figure": "sttc_distribution"},
        ),
    log:
        "logs/plots/all/sttc_distribution.log",
    localrule: True
    conda:
        "../envs/spikelab.yaml"
    params:
        kind="sttc_distribution",
        recordings=RECORDINGS,
        key=lambda wildcards: sttc_plot_key(GRAPH),
    script:
        "../scripts/run_plots.py"


rule plot_burst_corr_distribution:
    input:
        expand(part("{recording}", "burst_corr"), recording=RECORDINGS),
    output:
        report(
            plot_path(SHARED_NAMESPACE, "burst_corr_distribution"),
            caption="../report/burst_corr_distribution.rst",
            category="Across conditions",
            labels={"figure": "burst_corr_distribution"},
        ),
    log:
        "logs/plots/all/burst_corr_distribution.log",
    localrule: True
    conda:
        "../envs/spikelab.yaml"
    params:
        kind="burst_corr_distribution",
        recordings=RECORDINGS,
    script:
        "../scripts/run_plots.py"


rule plot_summary:
    input:
        part(SHARED_NAMESPACE, "summary"),
    output:
        report(
            plot_path(SHARED_NAMESPACE, "summary"),
            caption="../report/summary.rst",
            category="Across conditions",
            labels={"figure": "summary"},
        ),
    log:
        "logs/plots/all/summary.log",
    localrule: True
    conda:
        "../envs/spikelab.yaml"
    params:
        kind="summary",
        namespace=SHARED_NAMESPACE,
    script:
        "../scripts/run_plots.py"
