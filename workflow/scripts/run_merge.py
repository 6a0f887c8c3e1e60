# Snakemake script shim: hands the injected `snakemake` object to spikelab.pipeline.
from spikelab.pipeline.entry import run_merge

run_merge(snakemake)  # noqa: F821 (injected by Snakemake)
