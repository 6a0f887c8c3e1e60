# Network bursts per recording: burst peaks and edges (ms), peak amplitudes, burst stats.


rule bursts:
    input:
        recording=part("{recording}", "recording"),
    output:
        part("{recording}", "bursts"),
    log:
        "logs/{recording}/bursts.log",
    conda:
        "../envs/spikelab.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        settings=lambda wildcards: step_params("bursts"),
    script:
        "../scripts/run_step.py"
