# Burst-aligned rate and spike stacks (windows of pre_ms + post_ms around each burst peak).


rule burst_alignment:
    input:
        recording=part("{recording}", "recording"),
        bursts=part("{recording}", "bursts"),
    output:
        part("{recording}", "burst_alignment"),
    log:
        "logs/{recording}/burst_alignment.log",
    conda:
        "../envs/spikelab.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        settings=lambda wildcards: step_params("burst_alignment"),
    script:
        "../scripts/run_step.py"
