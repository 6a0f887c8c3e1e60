"""The analysis workspace: HDF5-backed store of results addressed by ``(namespace, key)``.

Public API
----------
AnalysisWorkspace, LazyAnalysisWorkspace
    The in-memory and the on-disk workspace (same methods).
merge_files(target, sources, ...)
    Merge workspace files into a target file at the HDF5 level (the pipeline's merge).
pack(source, dest)
    Write a sharded workspace (or any) as one self-contained file.
verify(path)
    Check that every item of a file decodes and matches its stored content hash.
canonical_json, fingerprint, content_hash
    Provenance helpers (see :mod:`spikelab.workspace.provenance`).
"""

from .merge.files import merge_files
from .packing import pack
from .provenance import canonical_json, content_hash, fingerprint
from .verification import ItemProblem, VerifyReport, verify
from .workspace import AnalysisWorkspace, LazyAnalysisWorkspace

__all__ = ["AnalysisWorkspace", "LazyAnalysisWorkspace", "merge_files", "pack", "verify",
           "VerifyReport", "ItemProblem", "canonical_json", "fingerprint", "content_hash"]
