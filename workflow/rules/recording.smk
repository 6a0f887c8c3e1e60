# Each recording file (NWB, Phy, npz, workspace item), loaded once into its own part
# workspace; every analysis reads the spikes from there. Simulated recordings are written
# and imported by simulate_recording instead.


rule recording:
    input:
        recording_source,
    output:
        part("{recording}", "recording"),
    log:
        "logs/{recording}/recording.log",
    wildcard_constraints:
        recording=name_pattern(FILE_RECORDINGS),
    conda:
        "../envs/spikelab.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        path=lambda wildcards: config["recordings"][wildcards.recording]["path"],
        format=lambda wildcards: config["recordings"][wildcards.recording].get(
            "format", ""
        ),
    script:
        "../scripts/run_recording.py"
