"""The Snakemake glue, importable and testable without running Snakemake.

- :mod:`.graph`: the step graph the Snakefile builds its rules from (every analysis, built-in
  or the lab's own, as declared by :mod:`.registry` and :mod:`.builtins`), with each
  analysis's code hash (:mod:`.codehash`).
- :mod:`.analyses`: the built-in analyses, ``(SpikeData, params, upstream) -> {key: result}``.
- :mod:`.runner`: the one wrapper every analysis job goes through (fingerprint, restore or
  compute; results checked by :mod:`.results`).
- :mod:`.config`, :mod:`.recording`, :mod:`.merge_job`, :mod:`.plots`: the other jobs' parts.
- :mod:`.entry`: adapters from the ``snakemake`` object of ``script:`` shims.

Submodules are imported on use, so that the Snakefile pays only for the graph and the config.
"""
