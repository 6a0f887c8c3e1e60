# Snakemake script shim: hands the injected `snakemake` object to spikelab.pipeline.
from spikelab.pipeline.entry import run_recording

run_recording(snakemake)  # noqa: F821 (injected by Snakemake)
