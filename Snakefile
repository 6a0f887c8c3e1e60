# spikelab workflow: per-recording analyses cached in an AnalysisWorkspace.
# See config/README.md for the options and docs/pipeline.md for how the cache works.
from snakemake.logging import logger
from snakemake.utils import min_version

from spikelab.pipeline.configfile import check_config_files
from spikelab.pipeline.runlock import claim_run_directory, note_executor

min_version("9.0")

# A killed run leaves Snakemake's directory lock behind; clear it when no run is alive here,
# so that the plain command starts again (see spikelab/pipeline/runlock.py).
if workflow.is_main_process and (cleared := claim_run_directory()):
    logger.warning(cleared)

CONFIG_FILE = "config/config.yaml"
# Snakemake keeps the last of two equal YAML keys and names no line on a syntax error: read
# the config files strictly first (this one and any --configfile) to stop on either.
check_config_files([CONFIG_FILE, *workflow.configfiles])


configfile: CONFIG_FILE


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/recording.smk"
include: "workflow/rules/kernels.smk"
include: "workflow/rules/analyses.smk"
include: "workflow/rules/merge.smk"
include: "workflow/rules/plots.smk"


rule all:
    default_target: True
    input:
        merged_workspace_files(),
        plot_files(),
    localrule: True


onstart:
    # Whether jobs run here or on a cluster decides whether a killed run's lock may be
    # cleared by the next run (a cluster's jobs outlive it).
    note_executor(local=workflow.local_exec)


onerror:
    # A failed job (e.g. a corrupt recording under --keep-going) must not cost the results
    # that did complete: fold every finished part into the merged workspace anyway. Snakemake
    # runs only the main Snakefile's handler: a project using this workflow as a module
    # repeats it (docs/pipeline.md).
    merge_finished_parts()
