"""Late-bound access from the data classes to the analysis topic modules, and the import
rule of :mod:`spikelab.spikedata`.

The rule, one mechanism per need:

- **Code a module runs is imported with an import statement**, which the workflow's code
  hash follows (:mod:`spikelab.pipeline.codehash`). At the top of the module, including the
  data classes a topic module takes or returns (free: ``import spikelab`` loads them anyway,
  and no data class imports a topic module, so there is no cycle). An import is deferred in
  one way only: the statement moves into the function that needs it, when the module is
  heavy (scipy, the numba kernels, matplotlib, an optional extra) or the import would be
  circular (a data class building another that imports it). ``import spikelab`` and the
  jobs that only move data then never pay for scipy or numba.
- **Names needed in annotations alone**, whose import the rule above defers, sit under
  ``if TYPE_CHECKING:`` (``scipy.sparse``, matplotlib's types, a data class returned by
  another's method). They are never imported at run time; the code hash follows them like
  any import.
- **A data class's analysis method is a forward, not an import.** The data classes
  (``SpikeData``, ``RateData``, the slice stacks, the pairwise matrices) hold data; their
  analysis methods only forward to functions of the topic modules (``rates``, ``bursts``,
  ``sttc``, ``alignment``, ``rate_correlations``, ``slice_timing``, ...) or to the figures
  (:mod:`spikelab.plotting`), reached through :func:`topic`, which imports the module on
  first use. The code hash deliberately does not follow a forward: a module that merely
  builds a ``SpikeSliceStack`` does not depend on every analysis the stack offers as a
  method. An analysis reaches the topic functions it runs by importing them, which is what
  puts them, and only them, in its hash.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["topic"]


class _Topic:
    """A module, imported on first attribute access."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name, __package__)
        return getattr(self._module, attr)


def topic(name: str) -> Any:
    """The module ``name`` (relative to :mod:`spikelab.spikedata`, as in an import
    statement: ``".sttc"``, ``"..plotting.matrices"``), imported when first used.

    Examples
    --------
    >>> _sttc = topic(".sttc")
    >>> callable(_sttc.spike_time_tilings)
    True
    """
    return _Topic(name)
