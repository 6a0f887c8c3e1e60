# The merge of every part into the merged workspace. The merged workspace is an update()
# output: Snakemake must not delete it before the merge runs, because it is also the cache
# every analysis job consults.


rule merge:
    input:
        GRAPH.parts(),
    output:
        update(merged_workspace_files()[0]),
    log:
        "logs/merge.log",
    localrule: True
    conda:
        "../envs/spikelab.yaml"
    params:
        prune=config["prune"],
        expected=GRAPH.expected_items(),
    script:
        "../scripts/run_merge.py"
