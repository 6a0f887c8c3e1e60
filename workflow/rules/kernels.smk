# The analyses' numba kernels, compiled into numba's cache once, before the analysis jobs
# that use them (only those wait for it): no analysis job compiles, and parallel jobs never
# compile the same kernel at once. With the cache already filled (a second project, or
# `spikelab compile` after installing) it only checks, in about a second. It reruns when
# the kernels' code, numba or Python change; the analyses read its record as ancient(),
# so a rerun of it alone never reruns them.


rule compile_kernels:
    output:
        GRAPH.kernels_record,
    log:
        "logs/compile_kernels.log",
    conda:
        "../envs/spikelab.yaml"
    resources:
        mem_mb=1000,
        runtime=20,
    params:
        modules=" ".join(f"--module {m}" for m in GRAPH.kernel_modules()),
        version=GRAPH.kernels_version,
        python=JOB_PYTHON,
        script=COMPILE_SCRIPT,
    # The record appears only once complete (written beside it, then renamed): a record cut
    # short by a kill, still present and marked incomplete, made the next run's Snakemake
    # plan this job alone and leave the rest of the run undone.
    shell:
        "{params.python} {params.script:q} --json {params.modules} > {output:q}.partial "
        "2> {log:q} && mv {output:q}.partial {output:q}"
