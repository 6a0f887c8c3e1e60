"""The workflow's built-in analyses, declared like a lab's own (the package's defaults).

Each names its function (one module per analysis in :mod:`spikelab.pipeline.analyses`), the
keys it writes, what it reads and how it is scheduled. Their parameters and ``enabled``
defaults are in ``workflow/schemas/config.schema.yaml``; their blocks are
``analyses.<name>`` (the summary's is ``summary``). Imported at parse time: no numpy here.
"""

from __future__ import annotations

from .analyses.sttc_keys import sttc_keys
from .functions import FunctionRef
from .registry import EVERY_KEY, Analysis

__all__ = ["BUILTINS"]


def _function(module: str, name: str) -> FunctionRef:
    return FunctionRef.parse(f"spikelab.pipeline.analyses.{module}:{name}")


#: Built-in analyses by name, in the order they are listed everywhere.
BUILTINS: dict[str, Analysis] = {a.name: a for a in [
    Analysis("bursts", _function("bursts", "bursts"),
             keys=("tburst", "burst_edges", "burst_peak_amp", "burst_stats"),
             builtin=True, runtime=20),
    Analysis("burst_alignment", _function("burst_alignment", "burst_alignment"),
             keys=("burst_rss", "burst_sss"), reads={"bursts": ("tburst",)},
             builtin=True, runtime=20),
    Analysis("burst_corr", _function("burst_corr", "burst_corr"),
             keys=("burst_corr", "burst_corr_unit_avg"), reads={"burst_alignment": ("burst_rss",)},
             builtin=True, runtime=30),
    Analysis("sttc", _function("sttc", "sttc"), keys=sttc_keys,
             builtin=True, threads=2, runtime=30),
    Analysis("fr_corr", _function("fr_corr", "fr_corr"), keys=("fr_corr_matrix", "fr_corr_lag"),
             builtin=True, mem_mb=4000, runtime=60),
    Analysis("summary", _function("summary", "summary"), keys=("summary",),
             reads={"bursts": ("burst_stats",), "sttc": EVERY_KEY,
                    "burst_corr": ("burst_corr_unit_avg",)},
             optional=frozenset({"bursts", "sttc", "burst_corr"}),
             scope="all", block=("summary",), builtin=True, local=True),
]}
