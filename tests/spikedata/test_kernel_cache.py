"""Compiling the kernels ahead of use: every kernel covered, found again in the cache, and
the analyses' jobs loading (never compiling) what the compile step left there."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
import textwrap

import pytest
from numba.core.dispatcher import Dispatcher

import spikelab
from spikelab.spikedata import kernel_cache
from tests.ci import unavailable
from spikelab.spikedata.kernel_cache import KERNEL_MODULES, compile_kernels, kernel_dispatchers


def every_spikelab_module():
    for info in pkgutil.walk_packages(spikelab.__path__, "spikelab."):
        if not info.name.endswith("__main__"):  # running it is what it does
            yield importlib.import_module(info.name)


def test_every_compiled_kernel_lives_in_a_kernel_module():
    homes = {value.py_func.__module__
             for module in every_spikelab_module()
             for value in vars(module).values() if isinstance(value, Dispatcher)}
    assert homes and homes <= set(KERNEL_MODULES), sorted(homes - set(KERNEL_MODULES))


def test_every_kernel_module_has_calls_that_compile_it():
    assert set(kernel_cache._USES) == {name.rpartition(".")[2] for name in KERNEL_MODULES}


def test_compile_reaches_every_kernel_and_reports_where_the_cache_is():
    report = compile_kernels()
    assert set(report["kernels"]) == set(kernel_dispatchers())
    assert all(k["signatures"] >= 1 for k in report["kernels"].values()), report["kernels"]
    assert sorted(report["compiled"] + report["loaded"]) == sorted(report["kernels"])
    assert report["modules"] == list(KERNEL_MODULES) and report["cache_dirs"]


def test_unknown_modules_are_named():
    with pytest.raises(ValueError, match="not kernel modules.*nope.*_sttc_kernels"):
        compile_kernels(["nope"])


def run_python(code: str, env: dict | None = None) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env={**os.environ, **(env or {})})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_a_fresh_cache_is_filled_once_then_only_read(tmp_path):
    cache = tmp_path / "numba-cache"
    code = """
        import json
        from spikelab.spikedata.kernel_cache import compile_kernels
        print(json.dumps(compile_kernels(["spikelab.spikedata._shuffle_kernels"])))
    """
    env = {"NUMBA_CACHE_DIR": str(cache)}
    first = json.loads(run_python(code, env))
    second = json.loads(run_python(code, env))
    kernels = ["_shuffle_kernels.occupancy", "_shuffle_kernels.swap_batch"]
    assert first["compiled"] == kernels and first["loaded"] == []
    assert second["compiled"] == [] and second["loaded"] == kernels
    assert all(d.startswith(str(cache)) for d in first["cache_dirs"])


def test_after_compiling_the_builtin_analyses_compile_nothing():
    """Other sizes than the compile step's recording: the same signatures, all cached."""
    compile_kernels()
    out = run_python("""
        import warnings
        from spikelab.pipeline.builtins import BUILTINS
        from spikelab.pipeline.job import compiled_kernels
        from spikelab.simulate import culture

        warnings.simplefilter("ignore")
        sd = culture(40, 60, burst_rate_hz=0.5, seed=3)
        upstream = {}
        for name in ["bursts", "burst_alignment", "burst_corr", "sttc", "fr_corr"]:
            analysis = BUILTINS[name]
            params = {"thr_burst": 2.0, "min_burst_diff": 500, "burst_edge_mult_thresh": 0.2,
                      "square_width": 20, "gauss_sigma": 100, "acc_square_width": 8,
                      "acc_gauss_sigma": 8, "raster_bin_size_ms": 1.0, "peak_to_trough": True,
                      "min_spikes": 2, "backbone_threshold": 0.8, "pre_ms": 250, "post_ms": 500,
                      "bin_size_ms": 1.0 if name == "burst_alignment" else 10.0,
                      "sigma_ms": 10 if name == "burst_alignment" else 50, "max_lag": 10,
                      "MIN_RATE_THRESHOLD": 0.1, "MIN_FRAC": 0.3, "delt": [10, 20]}
            upstream.update(analysis.function.load()(sd, params, upstream))
        print(compiled_kernels())
    """)
    assert out.strip() == "[]"


# ------------------------------------------------------------------ numba's runtime, no scipy
SMOOTH_ONCE = """
    import sys
    import numpy as np
    from spikelab.spikedata.kernel_cache import kernel_dispatchers
    from spikelab.spikedata.rates import gaussian_smooth

    out = gaussian_smooth(np.sin(np.arange(100.0)).reshape(2, 50), 2.0)
    stats = kernel_dispatchers(["spikelab.spikedata._kernels"])["_kernels.gaussian_rows"].stats
    print(sum(stats.cache_misses.values()), sum(stats.cache_hits.values()),
          "scipy.linalg" in sys.modules, "numba.np.polynomial" in sys.modules, out.tobytes().hex())
"""


def test_a_cached_kernel_loads_without_numbas_compiler_and_computes_the_same(tmp_path):
    """The first process compiles (numba's compiler loaded, scipy.linalg not); the second
    only links the cached kernel: neither the compiler's registries (numba.np.polynomial is
    one of the modules only they import) nor scipy; the same bytes out."""
    env = {"NUMBA_CACHE_DIR": str(tmp_path)}
    compiled = run_python(SMOOTH_ONCE, env).split()
    loaded = run_python(SMOOTH_ONCE, env).split()
    assert compiled[:4] == ["1", "0", "False", "True"]
    assert loaded[:4] == ["0", "1", "False", "False"]
    assert loaded[4] == compiled[4]


def test_loading_kernels_skips_scipy_linalg_and_leaves_it_usable(tmp_path):
    out = run_python(
        """
        import sys
        import numpy as np
        from spikelab.spikedata.rates import gaussian_smooth

        gaussian_smooth(np.ones((2, 50)), 2.0)
        print("scipy.linalg" in sys.modules)
        import scipy.linalg
        from numba import njit

        @njit
        def dot(a, b):
            return np.dot(a, b)

        a = np.arange(6.0).reshape(2, 3)
        print(np.array_equal(dot(a, a.T), a @ a.T),
              np.allclose(scipy.linalg.inv(np.eye(2)), np.eye(2)))
    """,
        {"NUMBA_CACHE_DIR": str(tmp_path)},
    )
    assert out.split() == ["False", "True", "True"]


def test_a_read_only_install_caches_its_kernels_in_the_users_cache(tmp_path):
    """The package on a read-only mount (a private mount namespace), NUMBA_CACHE_DIR unset:
    numba cannot write next to the kernels, so it compiles into ~/.cache/numba, once."""
    package = os.path.dirname(spikelab.__file__)
    probe = subprocess.run(["unshare", "-m", "mount", "--bind", "-o", "ro", package, package],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        unavailable(
            f"a read-only bind mount needs unshare and mount (root): {probe.stderr.strip()}"
        )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["HOME"] = str(tmp_path)
    code = ("import json; from spikelab.spikedata.kernel_cache import compile_kernels; "
            "print(json.dumps(compile_kernels(['spikelab.spikedata._shuffle_kernels'])))")
    script = (f"mount --bind -o ro {package} {package} && "
              f"mount -o remount,bind,ro {package} && "
              f"! touch {package}/spikedata/__pycache__/probe 2>/dev/null && "
              f"{sys.executable} -c \"{code}\" && {sys.executable} -c \"{code}\"")
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                          env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    first, second = (json.loads(line) for line in proc.stdout.splitlines())
    assert first["compiled"] and not second["compiled"] and second["loaded"] == first["compiled"]
    assert all(d.startswith(str(tmp_path / ".cache" / "numba")) for d in first["cache_dirs"])
