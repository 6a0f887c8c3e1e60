"""numba for the compiled kernels, its runtime loaded once per process and without scipy.

Every kernel module takes ``njit`` and ``prange`` from here.  Importing this module imports
numba and loads its compiler registries at once, which the first kernel call would do
anyway (even for a kernel read from the on-disk cache): the cost shows where the imports
are, not inside an analysis.

While loading those registries numba checks whether scipy's BLAS is there by importing
``scipy.linalg`` (0.2-0.4 s, more than the rest of a workflow job's start-up).  No spikelab
kernel uses BLAS, so when ``scipy.linalg`` is not loaded yet the check is made to fail.
The only effect: numba code compiled later in the same process computes ``np.convolve`` and
``np.correlate`` with its own loops instead of BLAS calls; ``np.dot`` and ``np.linalg``
import scipy themselves when they compile and are unaffected.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

import numba
from numba import njit, prange

__all__ = ["njit", "prange", "get_num_threads", "set_num_threads"]

get_num_threads = numba.get_num_threads
set_num_threads = numba.set_num_threads

_BLAS_MODULE = "scipy.linalg.cython_blas"  # what numba's BLAS check imports


@contextmanager
def _scipy_blas_hidden() -> Iterator[None]:
    """Make ``import scipy.linalg.cython_blas`` fail fast (None in sys.modules), then undo it."""
    if "scipy.linalg" in sys.modules or _BLAS_MODULE in sys.modules:
        yield  # already paid for: let numba find it
        return
    sys.modules[_BLAS_MODULE] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if sys.modules.get(_BLAS_MODULE, 0) is None:
            del sys.modules[_BLAS_MODULE]


def _load_runtime() -> None:
    """Load numba's CPU registries (what a cached kernel's first call loads)."""
    try:
        from numba.core.registry import cpu_target
    except ImportError:  # a numba without this layout: the first call loads them instead
        return
    with _scipy_blas_hidden():
        cpu_target.target_context.refresh()


_load_runtime()
