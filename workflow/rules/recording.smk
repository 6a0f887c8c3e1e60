# Each recording, loaded once (NWB, Phy, npz, workspace item) into its own part workspace;
# every analysis reads the spikes from there.


rule recording:
    input:
        recording_source,
    output:
        part("{recording}", "recording"),
    log:
        "logs/{recording}/recording.log",
    conda:
        "../envs/spikelab.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        path=lambda wildcards: recording_path(wildcards.recording),
        format=lambda wildcards: recording_format(wildcards.recording),
    script:
        "../scripts/run_recording.py"
