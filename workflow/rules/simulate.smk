# The demo's recordings: simulated MEA cultures, written as NWB files and imported from them
# in the same job, so the demo goes through the same loading path as real recordings and, like
# a real recording, costs one job to get into the workflow. (The recording rule imports the
# other recordings: a recording name belongs to one rule or the other.)


rule simulate_recording:
    output:
        part=part("{recording}", "recording"),
        nwb=f"{config['simulated_dir']}/{{recording}}.nwb",
    log:
        "logs/{recording}/recording.log",
    wildcard_constraints:
        recording=name_pattern(SIMULATED_RECORDINGS),
    conda:
        "../envs/spikelab.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        settings=lambda wildcards: canonical_json(
            simulation_params(config, wildcards.recording)
        ),
    script:
        "../scripts/run_simulate.py"
