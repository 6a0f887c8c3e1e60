# Every analysis, built-in or the lab's own: one rule each, generated from the step graph
# (spikelab.pipeline.graph), which alone says what each one reads, writes and needs. A job's
# whole description is in its params: `job` (inputs, keys, namespace), `settings` (the
# parameters) and `code` (the code hash). When any of it changes, Snakemake reruns the job,
# and the job restores its results from the merged workspace when their fingerprints match,
# or computes them. Each job is a shell command (workflow/scripts/run_job.py, see
# spikelab.pipeline.job): a script: job would import part of Snakemake first. Analyses using
# compiled kernels wait for the compile_kernels job (kernels.smk).
from functools import partial


def analysis_namespace(wildcards):
    """The namespace a job writes: its recording, its comparison, or the shared one."""
    for name in ("recording", "comparison"):
        if name in wildcards.keys():
            return wildcards[name]
    return SHARED_NAMESPACE


def analysis_inputs(step, wildcards):
    return GRAPH.input_files(step, analysis_namespace(wildcards))


def analysis_job(step, wildcards):
    return GRAPH.job_json(step, analysis_namespace(wildcards))


def analysis_target(step):
    """The namespace part of a step's paths: a wildcard, or the shared namespace."""
    if GRAPH.analysis(step).scope == "recording":
        return "{recording}"
    return "{comparison}" if GRAPH.pairs(step) else SHARED_NAMESPACE


for _step in GRAPH.steps:

    rule:
        name:
            _step.name
        input:
            partial(analysis_inputs, _step.name),
            kernels_input(_step.name),
        output:
            part(analysis_target(_step.name), _step.name),
        log:
            f"logs/{analysis_target(_step.name)}/{_step.name}.log",
        wildcard_constraints:
            comparison=name_pattern(GRAPH.pairs(_step.name)),
        localrule: _step.local
        conda:
            "../envs/spikelab.yaml"
        threads: _step.threads
        resources:
            mem_mb=_step.mem_mb,
            runtime=_step.runtime,
        params:
            job=partial(analysis_job, _step.name),
            settings=GRAPH.params_json(_step.name),
            code=CODE_VERSIONS[_step.name],
            python=JOB_PYTHON,
            script=JOB_SCRIPT,
            cache=CACHE_SOURCES,
        shell:
            "{params.python} {params.script:q} --job {params.job:q} --settings {params.settings:q} "
            "--code {params.code:q} --cache {params.cache:q} --log {log:q}"
