"""numba for the compiled kernels: kernels read from numba's cache load without its compiler.

Every kernel module takes ``njit`` and ``prange`` from here.  ``njit`` is numba's, with one
change to how a kernel found in numba's on-disk cache is loaded.  numba's own cache first
loads the whole compiler (its typing and lowering registries for every Python and numpy
feature it supports: 0.2 s of CPU, a third of what starting a workflow job that uses
kernels costs) although a cached kernel is machine code that only needs linking, plus
numba's runtime (NRT) for the arrays it allocates.  A spikelab kernel's cache does just
that, and numba compiles (loading its compiler then, as always) only on a cache miss.  The
kernels themselves, their cache files and their results are numba's, unchanged.

Before compiling a kernel missing from the cache, :func:`load_compiler` loads the
registries with one difference: while loading them numba checks whether scipy's BLAS
is there by importing ``scipy.linalg`` (0.2-0.4 s).  No spikelab kernel uses BLAS, so when
``scipy.linalg`` is not loaded yet the check is made to fail.  The only effect: numba code
compiled later in the same process computes ``np.convolve`` and ``np.correlate`` with its
own loops instead of BLAS calls; ``np.dot`` and ``np.linalg`` import scipy themselves when
they compile and are unaffected.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any, Iterator

import numba
from numba import prange

__all__ = ["njit", "prange", "get_num_threads", "set_num_threads", "load_compiler"]

get_num_threads = numba.get_num_threads
set_num_threads = numba.set_num_threads

_BLAS_MODULE = "scipy.linalg.cython_blas"  # what numba's BLAS check imports


def _kernel_cache_class() -> type | None:
    """numba's function cache, loading a cached kernel without the compiler's registries.

    None when this numba's cache is not laid out as expected (then kernels use numba's own
    cache class: correct, only slower to load).
    """
    try:
        from numba.core.caching import FunctionCache
        from numba.core.runtime import nrt
    except ImportError:
        return None
    needed = ("load_overload", "_load_overload", "_guard_against_spurious_io_errors")
    if not all(hasattr(FunctionCache, name) for name in needed) or not hasattr(nrt, "rtsys"):
        return None

    class KernelCache(FunctionCache):
        """Loads a cached kernel with numba's runtime (NRT) only; compiling is unchanged."""

        def load_overload(self, sig: Any, target_context: Any) -> Any:
            # numba's version refreshes the whole target context first; linking a cached
            # library needs only the runtime its code calls (what that refresh starts too).
            nrt.rtsys.initialize(target_context)
            # Loading imports the numba modules whose code the kernel uses (numba.np.arraymath
            # for np.searchsorted, say), and with them numba's BLAS check.
            with _scipy_blas_hidden(), self._guard_against_spurious_io_errors():
                loaded = self._load_overload(sig, target_context)
            if loaded is None:  # not cached: numba compiles it next, with its compiler
                load_compiler()
            return loaded

    return KernelCache


_KERNEL_CACHE = _kernel_cache_class()


def njit(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit(**options)``; with ``cache=True`` the kernel uses the light-loading cache.

    Examples
    --------
    >>> @njit()  # a kernel module's functions add cache=True (a doctest has no file to cache for)
    ... def twice(x):
    ...     return 2 * x
    >>> twice(21)
    42
    """
    cached = options.get("cache", False)

    def decorate(function: Callable[..., Any]) -> Any:
        if not cached or _KERNEL_CACHE is None:
            return numba.njit(**options)(function)
        dispatcher = numba.njit(**{**options, "cache": False})(function)
        dispatcher._cache = _KERNEL_CACHE(function)  # what enable_caching() sets, our class
        return dispatcher

    return decorate


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


def load_compiler() -> None:
    """Load numba's compiler registries now, without importing scipy (before compiling)."""
    try:
        from numba.core.registry import cpu_target
    except ImportError:  # a numba without this layout: the first compilation loads them
        return
    with _scipy_blas_hidden():
        cpu_target.target_context.refresh()
