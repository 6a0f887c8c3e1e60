# Figures: per condition (raster, burst-aligned rate, STTC heatmap) and across conditions
# (STTC and burst-correlation distributions, summary), read from the part workspaces and
# included in `snakemake --report report.html`.
from spikelab.pipeline.plot_targets import plot_path, plot_targets, sttc_plot_key


report: "../report/workflow.rst"


# Drawing a figure takes a second: not worth a cluster submission each.
localrules:
    plot_raster,
    plot_aligned_rate,
    plot_sttc,
    plot_sttc_distribution,
    plot_burst_corr_distribution,
    plot_summary,


def plot_files():
    """Every figure the config asks for (empty when plots.enabled is false)."""
    return plot_targets(config, SUMMARY_NAMESPACE)


def raster_inputs(wildcards):
    inputs = {"recording": part(wildcards.recording, "recording")}
    if "bursts" in STEPS:
        inputs["bursts"] = part(wildcards.recording, "bursts")
    return inputs


def condition_report(kind):
    return report(
        plot_path("{recording}", kind),
        caption=f"../report/{kind}.rst",
        category="Per condition",
        subcategory="{recording}",
        labels={"condition": "{recording}", "figure": kind},
    )


def across_report(kind):
    return report(
        plot_path(SUMMARY_NAMESPACE, kind),
        caption=f"../report/{kind}.rst",
        category="Across conditions",
        labels={"figure": kind},
    )


rule plot_raster:
    input:
        unpack(raster_inputs),
    output:
        condition_report("raster"),
    log:
        "logs/plots/{recording}/raster.log",
    params:
        kind="raster",
    script:
        "../scripts/run_plots.py"


rule plot_aligned_rate:
    input:
        burst_alignment=part("{recording}", "burst_alignment"),
    output:
        condition_report("aligned_rate"),
    log:
        "logs/plots/{recording}/aligned_rate.log",
    params:
        kind="aligned_rate",
        pre_ms=lambda wildcards: config["analyses"]["burst_alignment"]["pre_ms"],
    script:
        "../scripts/run_plots.py"


rule plot_sttc:
    input:
        sttc=part("{recording}", "sttc"),
    output:
        condition_report("sttc"),
    log:
        "logs/plots/{recording}/sttc.log",
    params:
        kind="sttc",
        key=lambda wildcards: sttc_plot_key(config),
    script:
        "../scripts/run_plots.py"


rule plot_sttc_distribution:
    input:
        expand(part("{recording}", "sttc"), recording=RECORDINGS),
    output:
        across_report("sttc_distribution"),
    log:
        "logs/plots/all/sttc_distribution.log",
    params:
        kind="sttc_distribution",
        recordings=RECORDINGS,
        key=lambda wildcards: sttc_plot_key(config),
    script:
        "../scripts/run_plots.py"


rule plot_burst_corr_distribution:
    input:
        expand(part("{recording}", "burst_corr"), recording=RECORDINGS),
    output:
        across_report("burst_corr_distribution"),
    log:
        "logs/plots/all/burst_corr_distribution.log",
    params:
        kind="burst_corr_distribution",
        recordings=RECORDINGS,
    script:
        "../scripts/run_plots.py"


rule plot_summary:
    input:
        part(SUMMARY_NAMESPACE, "summary"),
    output:
        across_report("summary"),
    log:
        "logs/plots/all/summary.log",
    params:
        kind="summary",
        namespace=SUMMARY_NAMESPACE,
    script:
        "../scripts/run_plots.py"
