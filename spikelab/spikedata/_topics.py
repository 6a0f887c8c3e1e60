"""Late-bound access from the data classes to the analysis topic modules.

The data classes (``SpikeData``, ``RateData``, the slice stacks) hold data; their analysis
methods only forward to functions of the topic modules (``rates``, ``bursts``, ``sttc``,
``alignment``, ``rate_correlations``, ``spike_comparisons``, ``slice_timing``, ...) or to
the figures (:mod:`spikelab.plotting`). They reach them through :func:`topic`, which imports
the module on first use, for two reasons:

- ``import spikelab`` stays cheap (no scipy.signal, no numba): the workflow's Snakefile
  imports spikelab on every run, and jobs that only move data never pay for kernels.
- A data class's code is its own module only. The workflow hashes each analysis's code by
  following *import statements* (:mod:`spikelab.pipeline.codehash`); a forward through
  :func:`topic` is deliberately not one, so a module that merely builds a ``SpikeSliceStack``
  does not depend on every analysis the stack offers as a method. An analysis reaches the
  topic functions it runs by importing them directly, which is what puts them in its hash.
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
