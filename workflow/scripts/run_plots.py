# Snakemake script shim: hands the injected `snakemake` object to spikelab.pipeline.
from spikelab.pipeline.plots import run_plots

run_plots(snakemake)  # noqa: F821 (injected by Snakemake)
