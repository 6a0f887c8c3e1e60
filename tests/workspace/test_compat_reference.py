"""Files move both ways between us and the real spikelab 0.1.2 (run in its own venv).

Skipped when the reference venv (``/work/refvenv`` or ``$SPIKELAB_REF_PYTHON``) is absent,
as on a fresh CI machine; ``test_compat_layout.py`` carries the guarantee there.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap

import numpy as np
import pytest
from ws_equality import assert_same

from spikelab import (AnalysisWorkspace, PairwiseCompMatrix, PairwiseCompMatrixStack, RateData,
                      RateSliceStack, SpikeData, SpikeSliceStack)

REF_PYTHON = os.environ.get("SPIKELAB_REF_PYTHON", "/work/refvenv/bin/python")
pytestmark = pytest.mark.skipif(not os.path.exists(REF_PYTHON),
                                reason=f"reference spikelab 0.1.2 venv not found at {REF_PYTHON}")

_COMMON = """
import json, sys
import numpy as np
from spikelab.workspace.workspace import AnalysisWorkspace
from spikelab.spikedata.spikedata import SpikeData
from spikelab.spikedata.ratedata import RateData
from spikelab.spikedata.rateslicestack import RateSliceStack
from spikelab.spikedata.spikeslicestack import SpikeSliceStack
from spikelab.spikedata.pairwise import PairwiseCompMatrix, PairwiseCompMatrixStack
"""

_REF_WRITES = _COMMON + """
sd = SpikeData([[1.0, 2.5], [], [0.5, 9.0]], length=10.0, start_time=0.0,
               metadata={"fs": 20000.0, "chan": np.array([1, 2, 3])},
               neuron_attributes=[{"unit_id": 0, "x": 1.5, "label": "a"},
                                  {"unit_id": 1, "x": 2.5, "label": "b"},
                                  {"unit_id": 2, "x": 3.5, "label": "c"}])
ws = AnalysisWorkspace(name="from-ref")
ws.store("D0", "sd", sd, note="baseline")
ws.store("D0", "arr", np.arange(6, dtype=np.int16).reshape(2, 3))
ws.store("D0", "text", np.array(["x", "yz"]))
ws.store("D0", "rd", RateData(np.ones((3, 4)), np.arange(4.0)))
ws.store("D0", "rss", RateSliceStack(None, event_matrix=np.arange(24.0).reshape(3, 4, 2),
                                     times_start_to_end=[(0.0, 4.0), (4.0, 8.0)], step_size=1.0))
ws.store("D0", "sss", SpikeSliceStack(sd, times_start_to_end=[(0.0, 5.0), (5.0, 10.0)]))
ws.store("D0", "pcm", PairwiseCompMatrix(np.eye(3), labels=["u0", "u1", "u2"],
                                         metadata={"delt": 20.0}))
ws.store("D0", "pcms", PairwiseCompMatrixStack(np.zeros((3, 3, 2)), labels=[0, 1, 2],
                                               times=[(0.0, 5.0), (5.0, 10.0)]))
ws.store("all", "d", {"n": 3, "x": 0.25, "ok": True, "s": "hi", "none": None, "tup": (1, 2),
                      "st": {3, 1}, "fs": frozenset({"a"}), "arr": np.array([1.5]),
                      "nested": {"k": 1}})
ws.save(sys.argv[1])
"""


def _run_ref(code: str, *args: str) -> str:
    # -I: isolated, so our checkout (the cwd, PYTHONPATH) cannot shadow the reference package
    done = subprocess.run([REF_PYTHON, "-I", "-c", textwrap.dedent(code), *args],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_files_written_by_the_reference_load_here(tmp_path):
    _run_ref(_REF_WRITES, str(tmp_path / "ref"))
    ws = AnalysisWorkspace.load(tmp_path / "ref")
    assert ws.name == "from-ref"
    assert ws.list_keys() == {"D0": ["sd", "arr", "text", "rd", "rss", "sss", "pcm", "pcms"],
                              "all": ["d"]}  # order from the matching sidecar
    sd = SpikeData([[1.0, 2.5], [], [0.5, 9.0]], length=10.0,
                   metadata={"fs": 20000.0, "chan": np.array([1, 2, 3])},
                   neuron_attributes=[{"label": "a", "unit_id": 0, "x": 1.5},
                                      {"label": "b", "unit_id": 1, "x": 2.5},
                                      {"label": "c", "unit_id": 2, "x": 3.5}])
    assert_same(ws.get("D0", "sd"), sd)
    assert ws.get_info("D0", "sd")["note"] == "baseline"
    assert_same(ws.get("D0", "arr"), np.arange(6, dtype=np.int16).reshape(2, 3))
    assert_same(ws.get("D0", "text"), np.array(["x", "yz"]))
    assert_same(ws.get("D0", "rd"), RateData(np.ones((3, 4)), np.arange(4.0)))
    assert_same(ws.get("D0", "rss"), RateSliceStack(
        event_matrix=np.arange(24.0).reshape(3, 4, 2), times_start_to_end=[(0, 4), (4, 8)]))
    sss = ws.get("D0", "sss")
    assert (sss.N, sss.times, len(sss.spike_stack)) == (3, [(0.0, 5.0), (5.0, 10.0)], 2)
    assert [t.tolist() for t in sss.spike_stack[1].train] == [[], [], [4.0]]
    assert_same(ws.get("D0", "pcm"), PairwiseCompMatrix(np.eye(3), ["u0", "u1", "u2"],
                                                        {"delt": 20.0}))
    assert_same(ws.get("D0", "pcms"), PairwiseCompMatrixStack(
        np.zeros((3, 3, 2)), [0, 1, 2], [(0.0, 5.0), (5.0, 10.0)], {}))
    d = ws.get("all", "d")
    assert_same(d, {"arr": np.array([1.5]), "fs": frozenset({"a"}), "n": 3, "nested": {"k": 1},
                    "none": None, "ok": True, "s": "hi", "st": {1, 3}, "tup": (1, 2), "x": 0.25})


_REF_READS = _COMMON + """
def plain(o):
    if isinstance(o, np.ndarray):
        return {"ndarray": o.tolist() if o.dtype.kind != "U" else [str(v) for v in o.ravel()],
                "dtype": str(o.dtype), "shape": list(o.shape)}
    if isinstance(o, (set, frozenset)):
        return {type(o).__name__: sorted(o)}
    if isinstance(o, tuple):
        return {"tuple": [plain(v) for v in o]}
    if isinstance(o, dict):
        return {k: plain(v) for k, v in o.items()}
    if isinstance(o, list):
        return [plain(v) for v in o]
    if isinstance(o, (np.generic,)):
        return o.item()
    if hasattr(o, "__dict__"):
        out = {"class": type(o).__name__}
        for k, v in vars(o).items():
            if k in ("train", "spike_stack") or not k.startswith("_"):
                out[k] = plain(v)
        return out
    return o

ws = AnalysisWorkspace.load(sys.argv[1])
print(json.dumps({ns: {k: plain(ws.get(ns, k)) for k in ws.list_keys(ns)}
                  for ns in ws.list_namespaces()}))
"""


def test_files_written_here_load_in_the_reference(tmp_path):
    sd = SpikeData([[1.0, 2.0], [3.0]], length=5.0, metadata={"fs": 1000, "t": (1, 2)},
                   neuron_attributes=[{"id": 1, "q": None}, {"id": 2, "q": 0.5}])
    ws = AnalysisWorkspace(name="ours")
    ws.store("D0", "sd", sd)
    ws.store("D0", "f32", np.arange(3, dtype=np.float32))
    ws.store("D0", "text", np.array(["ab", "c"], dtype="<U6"))
    ws.store("D0", "rd", RateData(np.ones((2, 2)), [0.0, 1.0], rate_unit="Hz"))
    ws.store("D0", "rss", RateSliceStack(event_matrix=np.ones((2, 2, 1)), step_size=2.0))
    ws.store("D0", "sss", SpikeSliceStack(sd, times_start_to_end=[(0.0, 2.5)]))
    ws.store("D0", "pcm", PairwiseCompMatrix(np.eye(2), [1, "a"], {"delt": 5, 0: {1: "x"}}))
    ws.store("D0", "pcms", PairwiseCompMatrixStack(np.ones((2, 2, 2)), None, [(0, 1), (1, 2)]))
    ws.store("all", "d", {"l": [1, 2], "mixed": [1, "a", None], "t": (1.5, 2.5), "n": np.int32(4),
                          "s": {"x"}, "deep": {"sd": sd}})
    ws.save(tmp_path / "ours")
    seen = json.loads(_run_ref(_REF_READS, str(tmp_path / "ours")))
    d0 = seen["D0"]
    assert list(d0) == ["sd", "f32", "text", "rd", "rss", "sss", "pcm", "pcms"]
    assert d0["sd"]["train"] == [{"ndarray": [1.0, 2.0], "dtype": "float64", "shape": [2]},
                                 {"ndarray": [3.0], "dtype": "float64", "shape": [1]}]
    assert d0["sd"]["metadata"] == {"fs": 1000, "t": [1, 2]}  # 0.1.2's JSON has no tuples
    assert d0["sd"]["neuron_attributes"] == [{"id": 1}, {"id": 2, "q": 0.5}]
    assert d0["f32"] == {"ndarray": [0.0, 1.0, 2.0], "dtype": "float32", "shape": [3]}
    assert d0["text"]["ndarray"] == ["ab", "c"]
    assert d0["rd"]["inst_Frate_data"]["shape"] == [2, 2]
    assert d0["rss"]["step_size"] == 2.0 and d0["rss"]["event_stack"]["shape"] == [2, 2, 1]
    assert d0["sss"]["N"] == 2 and d0["sss"]["times"] == [{"tuple": [0.0, 2.5]}]
    assert d0["pcm"]["labels"] == ["1", "a"]
    assert d0["pcm"]["metadata"] == {"delt": 5, "0": {"1": "x"}}  # as 0.1.2's own JSON
    assert d0["pcms"]["stack"]["shape"] == [2, 2, 2]
    d = seen["all"]["d"]
    assert d["l"] == {"ndarray": [1, 2], "dtype": "int64", "shape": [2]}
    assert d["mixed"] == {"0": 1, "1": "a", "2": None}  # a dict to 0.1.2, a list to us
    assert d["t"] == {"tuple": [1.5, 2.5]} and d["n"] == 4 and d["s"] == {"set": ["x"]}
    assert d["deep"]["sd"]["class"] == "SpikeData"
