# Rate correlations: slice-to-slice burst correlation per unit, optional pairwise
# firing-rate correlation over the whole recording.


rule burst_corr:
    input:
        recording=part("{recording}", "recording"),
        burst_alignment=part("{recording}", "burst_alignment"),
    output:
        part("{recording}", "burst_corr"),
    log:
        "logs/{recording}/burst_corr.log",
    conda:
        "../envs/spikelab.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        settings=lambda wildcards: step_params("burst_corr"),
    script:
        "../scripts/run_step.py"


rule fr_corr:
    input:
        recording=part("{recording}", "recording"),
    output:
        part("{recording}", "fr_corr"),
    log:
        "logs/{recording}/fr_corr.log",
    conda:
        "../envs/spikelab.yaml"
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        settings=lambda wildcards: step_params("fr_corr"),
    script:
        "../scripts/run_step.py"
