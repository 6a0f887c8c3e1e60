# The cross-condition summary, and the merge of every part into the merged workspace.
# The merged workspace is an update() output: Snakemake must not delete it before the
# merge runs, because it is also the cache every analysis job consults.


rule summary:
    input:
        **{
            step: expand(part("{recording}", step), recording=RECORDINGS)
            for step in summary_steps(config)
        },
    output:
        part(SUMMARY_NAMESPACE, "summary"),
    log:
        "logs/all/summary.log",
    conda:
        "../envs/spikelab.yaml"
    params:
        settings=lambda wildcards: step_params("summary"),
        namespace=SUMMARY_NAMESPACE,
        recordings=RECORDINGS,
    script:
        "../scripts/run_summary.py"


rule merge:
    input:
        all_parts(),
    output:
        update(merged_workspace_files()[0]),
    log:
        "logs/merge.log",
    conda:
        "../envs/spikelab.yaml"
    params:
        prune=config["prune"],
        expected=expected_items(config),
    script:
        "../scripts/run_merge.py"
