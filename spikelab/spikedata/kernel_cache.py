"""Compiling spikelab's numba kernels ahead of use: once per installation, not in a first job.

The inner loops of the analyses are numba kernels, in the modules named ``_kernels.py`` and
``_<topic>_kernels.py`` of this package, cached on disk: the first process to call a kernel
compiles it (seconds), every later process loads it (milliseconds).  :func:`compile_kernels`
runs each analysis that uses a kernel on a small made-up recording, so that all of them are
compiled, or found in the cache, in one go.  The workflow does this in a job of its own before any
analysis job runs (so no analysis job compiles, and parallel jobs never compile the same
kernel at once); ``spikelab compile`` does it by hand, after an install or to fill a shared
cache.

Where numba keeps its cache: the folder named by ``NUMBA_CACHE_DIR`` when it is set,
otherwise ``__pycache__`` next to the kernel modules when that is writable, otherwise a
folder in the user's cache directory (``~/.cache/numba``).  A cached kernel is reused only
by the same numba version, the same kernel source and the same CPU model (the CPU's name
and features are part of the key); ``docs/cluster.md`` says what that means on a cluster.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ..errors import AnalysisError

# Imported by the Snakefile (which analyses need compiled kernels): numpy and numba are
# imported inside the functions.

__all__ = ["KERNEL_MODULES", "kernel_dispatchers", "compile_kernels"]

#: The modules holding compiled kernels (each takes numba from ``._jit``), by full name:
#: those named ``_kernels.py`` or ``_<topic>_kernels.py`` (a test checks that no kernel
#: lives anywhere else).
KERNEL_MODULES = tuple(sorted(f"{__package__}.{path.stem}"
                              for path in Path(__file__).parent.glob("_*kernels.py")))


def _checked(modules: Iterable[str] | None) -> list[str]:
    if modules is None:
        return list(KERNEL_MODULES)
    modules = list(modules)
    unknown = sorted(set(modules) - set(KERNEL_MODULES))
    if unknown:
        raise AnalysisError(
            f"not kernel modules: {unknown}; kernel modules are {list(KERNEL_MODULES)}"
        )
    return modules


def kernel_dispatchers(modules: Iterable[str] | None = None) -> dict[str, Any]:
    """Every compiled kernel of ``modules`` (default: all), ``module.function`` -> dispatcher.

    Helpers are left out: those declared ``inline="always"`` and those named with a leading
    underscore, which only other kernels call; numba compiles them into their callers (and
    caches them there), never on their own.
    """
    from importlib import import_module

    from numba.core.dispatcher import Dispatcher

    found = {}
    for name in _checked(modules):
        module = import_module(name)
        for attr, value in vars(module).items():
            if (isinstance(value, Dispatcher) and not attr.startswith("_")
                    and value.targetoptions.get("inline") != "always"):
                found[f"{name.rpartition('.')[2]}.{attr}"] = value
    return found


def _recording():
    """Six units over 3 s with three network bursts: every analysis has something to do."""
    import numpy as np

    from .spikedata import SpikeData

    rng = np.random.default_rng(0)
    trains = []
    for _ in range(6):
        background = rng.uniform(0, 3000, 40)
        bursts = np.concatenate([rng.normal(peak, 15, 8) for peak in (700, 1500, 2300)])
        trains.append(np.sort(np.clip(np.concatenate([background, bursts]), 0, 3000)))
    return SpikeData(trains, length=3000.0)


def _events():
    import numpy as np

    return np.array([700.0, 1500.0, 2300.0])


def _uses_kernels(sd) -> list[tuple[str, Callable[[], Any]]]:
    import numpy as np

    from .alignment import align_to_events
    from .population_coupling import compute_spike_trig_pop_rate
    from .rate_correlations import (get_pairwise_fr_corr,
                                    get_slice_to_slice_time_corr_from_stack,
                                    get_slice_to_slice_unit_corr_from_stack,
                                    unit_to_unit_correlation)
    from .rates import resampled_isi

    grid = np.arange(0, 3000, 10.0)

    def slice_correlations():
        rates = align_to_events(sd, _events(), 250, 500, kind="rate")
        get_slice_to_slice_unit_corr_from_stack(rates, 0.1, 0.3, 10)
        get_slice_to_slice_time_corr_from_stack(rates, max_lag=10)
        unit_to_unit_correlation(rates, max_lag=10)

    return [("burst-aligned rates", lambda: align_to_events(sd, _events(), 250, 500, kind="rate")),
            ("smoothed inverse-ISI rates", lambda: resampled_isi(sd, grid, 50)),
            ("pairwise rate correlation",
             lambda: get_pairwise_fr_corr(resampled_isi(sd, grid, 50), max_lag=10)),
            ("slice-to-slice correlations", slice_correlations),
            ("spike-triggered population rate", lambda: compute_spike_trig_pop_rate(sd))]


def _uses_sttc(sd) -> list[tuple[str, Callable[[], Any]]]:
    from .sttc import spike_time_tiling, sttc_matrix_of

    return [("STTC (sweep)", lambda: sttc_matrix_of(sd.train, sd.start_time, sd.length, 20.0)),
            ("STTC (pair merges)", lambda: sttc_matrix_of(sd.train, sd.start_time, sd.length,
                                                          20.0, method="merge")),
            ("STTC of one pair", lambda: spike_time_tiling(sd, 0, 1, 20.0))]


def _uses_timing(sd) -> list[tuple[str, Callable[[], Any]]]:
    from .alignment import align_to_events
    from .slice_timing import rank_order_correlation, spike_unit_timing

    spikes = align_to_events(sd, _events(), 250, 500, kind="spike")
    return [("spike timing per slice", lambda: spike_unit_timing(spikes)),
            ("rank-order correlation", lambda: rank_order_correlation(
                spike_unit_timing(spikes), min_overlap=2, n_shuffles=5))]


def _uses_ccg(sd) -> list[tuple[str, Callable[[], Any]]]:
    from .spike_comparisons import get_pairwise_ccg

    return [("spike-count cross-correlograms", lambda: get_pairwise_ccg(sd, max_lag=50))]


def _uses_latency(sd) -> list[tuple[str, Callable[[], Any]]]:
    from .latencies import get_pairwise_latencies

    return [("pairwise latencies", lambda: get_pairwise_latencies(sd, window_ms=100.0))]


def _uses_shuffle(sd) -> list[tuple[str, Callable[[], Any]]]:
    from .resampling import spike_shuffle

    return [("spike shuffles", lambda: spike_shuffle(sd, seed=0))]


def _uses_sorter(sd) -> list[tuple[str, Callable[[], Any]]]:
    from .sorter_comparison import compare_sorter

    return [("sorter comparison", lambda: compare_sorter(sd, sd, "spike_times"))]


#: Per kernel module: what calls each of its kernels, as the analyses call them.
_USES: dict[str, Callable[[Any], list[tuple[str, Callable[[], Any]]]]] = {
    "_kernels": _uses_kernels, "_sttc_kernels": _uses_sttc, "_timing_kernels": _uses_timing,
    "_ccg_kernels": _uses_ccg, "_latency_kernels": _uses_latency,
    "_shuffle_kernels": _uses_shuffle, "_sorter_kernels": _uses_sorter,
}


def _uses(module: str) -> list[tuple[str, Callable[[], Any]]]:
    """(what, call) pairs that, between them, call every kernel of ``module`` as analyses do."""
    return _USES[module.rpartition(".")[2]](_recording())


def compile_kernels(modules: Sequence[str] | None = None,
                    progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Compile every kernel into numba's on-disk cache (or find it there) and say which.

    Parameters
    ----------
    modules : sequence of str, optional
        Kernel modules to compile (names from :data:`KERNEL_MODULES`); default all.
    progress : callable, optional
        Called with a short message before each group of kernels (e.g. to log it).

    Returns
    -------
    dict
        ``numba`` (its version), ``modules`` (those compiled), ``cache_dirs`` (where the kernels
        are cached),
        ``seconds`` (the whole run), ``compiled`` and ``loaded`` (kernel names compiled in
        this call, and found in the cache) and ``kernels``: per kernel, its
        ``signatures`` and how many were ``compiled`` or ``loaded``.

    Examples
    --------
    >>> report = compile_kernels()                       # doctest: +SKIP
    >>> sorted(report)                                   # doctest: +SKIP
    ['cache_dirs', 'compiled', 'kernels', 'loaded', 'modules', 'numba', 'seconds']
    """
    import numba

    started = time.perf_counter()
    modules = _checked(modules)
    dispatchers = kernel_dispatchers(modules)
    for module in modules:
        for what, call in _uses(module):
            if progress is not None:
                progress(what)
            with warnings.catch_warnings():  # about the made-up recording: nobody's concern
                warnings.simplefilter("ignore")
                call()
    kernels = {
        name: {"signatures": len(d.signatures), "compiled": sum(d.stats.cache_misses.values()),
               "loaded": sum(d.stats.cache_hits.values())}
        for name, d in sorted(dispatchers.items())
    }
    return {
        "numba": numba.__version__,
        "modules": modules,
        "cache_dirs": sorted({d.stats.cache_path for d in dispatchers.values()}),
        "seconds": round(time.perf_counter() - started, 3),
        "compiled": [name for name, k in kernels.items() if k["compiled"]],
        "loaded": [name for name, k in kernels.items() if k["loaded"] and not k["compiled"]],
        "kernels": kernels,
    }
