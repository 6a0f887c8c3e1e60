# The demo's recordings: simulated MEA cultures written as NWB files, so the demo goes
# through the same loading path as real recordings.


rule simulate_recording:
    output:
        f"{config['simulated_dir']}/{{recording}}.nwb",
    log:
        "logs/{recording}/simulate.log",
    conda:
        "../envs/spikelab.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        settings=lambda wildcards: canonical_json(
            simulation_params(config, wildcards.recording)
        ),
    script:
        "../scripts/run_simulate.py"
