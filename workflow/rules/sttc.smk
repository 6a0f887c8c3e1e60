# Spike time tiling coefficient matrix per recording, one per configured delt.


rule sttc:
    input:
        recording=part("{recording}", "recording"),
    output:
        part("{recording}", "sttc"),
    log:
        "logs/{recording}/sttc.log",
    conda:
        "../envs/spikelab.yaml"
    threads: 2
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        settings=lambda wildcards: step_params("sttc"),
    script:
        "../scripts/run_step.py"
