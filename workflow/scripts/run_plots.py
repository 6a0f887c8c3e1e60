# Snakemake script shim: hands the injected `snakemake` object to spikelab.pipeline.
# The repository is a fallback import path, for environments (conda) without spikelab.
import sys; sys.path.append(f"{snakemake.scriptdir}/../..")  # noqa: E702, F821
from spikelab.pipeline.plots import run_plots  # noqa: E402

run_plots(snakemake)  # noqa: F821 (injected by Snakemake)
