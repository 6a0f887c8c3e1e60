# Snakemake script shim: hands the injected `snakemake` object to spikelab.pipeline.
from spikelab.pipeline.entry import run_summary

run_summary(snakemake)  # noqa: F821 (injected by Snakemake)
