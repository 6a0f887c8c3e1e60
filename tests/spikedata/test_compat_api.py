"""SpikeData's 0.1.2 API gives 0.1.2's numbers (to 1e-9) on random inputs.

``compat/api_cases.py`` runs under this package and under the real spikelab 0.1.2 (its own
environment, fixture ``reference_python``: built on first use and cached, or
``$SPIKELAB_REF_PYTHON``); both write the same keys, compared here.  The inputs avoid the
differences listed in ``docs/analyses.md``; the one that remains on random data (a pair
without any latency: 0.1.2 says 0, we say NaN) is checked explicitly.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

CASES = Path(__file__).with_name("compat") / "api_cases.py"


def _run(python: str, seed: int, out: Path, *, isolated: bool) -> dict[str, np.ndarray]:
    # the reference runs isolated (-I) from a neutral cwd, so our checkout cannot shadow it
    args = [python, "-I", str(CASES)] if isolated else [python, str(CASES)]
    done = subprocess.run([*args, str(seed), str(out)], capture_output=True, text=True, timeout=600,
                          cwd=out.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    with np.load(out, allow_pickle=False) as data:
        return dict(data)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_outputs_equal_the_reference(tmp_path, reference_python, seed):
    ours = _run(sys.executable, seed, tmp_path / "ours.npz", isolated=False)
    ref = _run(str(reference_python), seed, tmp_path / "ref.npz", isolated=True)
    assert sorted(ours) == sorted(ref)
    for key in sorted(ref):
        a, b = ours[key], ref[key]
        if key.startswith("pairwise_latencies") and a.dtype.kind == "f":
            undefined = np.isnan(a) & ~np.isnan(b)
            assert (b[undefined] == 0).all(), key  # documented: NaN here, 0.0 in 0.1.2
            a = np.where(undefined, 0.0, a)
        assert a.shape == b.shape, f"{key}: shape {a.shape} vs 0.1.2 {b.shape}"
        if a.dtype.kind in "U" or b.dtype.kind in "U":
            assert a.tolist() == b.tolist(), key
        else:
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=key)


def test_bad_calls_raise_the_builtin_class_0_1_2_raises(tmp_path, reference_python):
    script = Path(__file__).with_name("compat") / "error_cases.py"

    def raised(python: str, isolated: bool) -> dict[str, list[str]]:
        args = [python, "-I", str(script)] if isolated else [python, str(script)]
        done = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout)

    ours, ref = raised(sys.executable, False), raised(str(reference_python), True)
    for case, classes in ref.items():
        assert ours[case], f"{case}: 0.1.2 raises {classes[0]}, we raise nothing"
        for builtin in ("TypeError", "ValueError", "IndexError"):
            if builtin in classes:
                assert builtin in ours[case], (
                    f"{case}: 0.1.2 raises a {builtin}, we raise {ours[case][0]}"
                )
