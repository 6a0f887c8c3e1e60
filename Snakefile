# spikelab workflow: per-recording analyses cached in an AnalysisWorkspace.
# See config/README.md for the options and docs/pipeline.md for how the cache works.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/recording.smk"
include: "workflow/rules/analyses.smk"
include: "workflow/rules/merge.smk"
include: "workflow/rules/plots.smk"


rule all:
    default_target: True
    input:
        merged_workspace_files(),
        plot_files(),
    localrule: True


onerror:
    # A failed job (e.g. a corrupt recording under --keep-going) must not cost the results
    # that did complete: fold every finished part into the merged workspace anyway. Snakemake
    # runs only the main Snakefile's handler: a project using this workflow as a module
    # repeats it (docs/pipeline.md).
    merge_finished_parts()
