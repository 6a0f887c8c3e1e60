"""The Snakemake glue, importable and testable without running Snakemake.

- :mod:`.config`: enabled steps and canonical parameters (imported by the Snakefile).
- :mod:`.steps`: the analyses as ``(SpikeData, params, upstream) -> {key: result}``.
- :mod:`.runner`: the one wrapper every job goes through (fingerprint, restore or compute).
- :mod:`.recording`, :mod:`.summary`, :mod:`.merge`: the other jobs.
- :mod:`.entry`: adapters from the ``snakemake`` object of ``script:`` shims.

Submodules are imported on use, so that the Snakefile pays only for :mod:`.config`.
"""
