"""The job wrapper: fingerprint from inputs and params, restore from a cache or compute."""

from __future__ import annotations

import numpy as np
import pytest

from spikelab import AnalysisWorkspace, SpikeData
from spikelab.pipeline.merge import merge_parts
from spikelab.pipeline.recording import spikedata_digest
from spikelab.pipeline.runner import ItemRef, Job, run_job
from spikelab.workspace.workspace import LazyAnalysisWorkspace


@pytest.fixture
def recording_part(tmp_path):
    sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0]], length=10.0)
    ws = AnalysisWorkspace()
    ws.store("R", "spikedata", sd, provenance={"step": "recording", "params": {},
                                               "inputs": spikedata_digest(sd), "version": "1"})
    path = str(tmp_path / "parts" / "R" / "recording.h5")
    ws.save(path)
    return path


class CountingStep:
    """A step that counts its calls: total spike count times a factor."""

    def __init__(self):
        self.calls = 0

    def __call__(self, loaded, params):
        self.calls += 1
        total = sum(t.size for t in loaded["spikedata"].train)
        return {"count": np.array([total * params["factor"]], dtype=np.float64)}


def job(recording_part, tmp_path, factor, name="out"):
    return Job("count", "1", "R", ["count"], {"factor": factor},
               {"spikedata": ItemRef(recording_part, "R", "spikedata")},
               str(tmp_path / "parts" / "R" / f"{name}.h5"))


def test_compute_stores_results_with_provenance(recording_part, tmp_path):
    step = CountingStep()
    assert run_job(job(recording_part, tmp_path, 2), step, []) == "computed"
    ws = AnalysisWorkspace.load(str(tmp_path / "parts" / "R" / "out.h5"))
    assert ws.get("R", "count").tolist() == [10.0]
    info = ws.get_info("R", "count")
    assert info["provenance"]["params"] == {"factor": 2} and len(info["fingerprint"]) == 64


def test_same_fingerprint_in_a_cache_is_restored_not_recomputed(recording_part, tmp_path):
    step = CountingStep()
    run_job(job(recording_part, tmp_path, 2), step, [])
    merged = str(tmp_path / "merged")
    merge_parts(merged, [str(tmp_path / "parts" / "R" / "out.h5")])
    assert run_job(job(recording_part, tmp_path, 2.0, "again"), step, [merged]) == "restored"
    assert step.calls == 1  # 2 and 2.0 are the same parameter
    restored = AnalysisWorkspace.load(str(tmp_path / "parts" / "R" / "again.h5"))
    assert restored.get("R", "count").tolist() == [10.0]
    original = LazyAnalysisWorkspace.load(merged).get_info("R", "count")
    assert restored.get_info("R", "count")["created_at"] == original["created_at"]


@pytest.mark.parametrize("change", ["params", "inputs", "version"])
def test_any_fingerprint_change_recomputes(recording_part, tmp_path, change):
    step = CountingStep()
    run_job(job(recording_part, tmp_path, 2), step, [])
    merged = str(tmp_path / "merged")
    merge_parts(merged, [str(tmp_path / "parts" / "R" / "out.h5")])
    new = job(recording_part, tmp_path, 3 if change == "params" else 2, "again")
    if change == "version":
        new = Job(new.step, "2", new.namespace, new.keys, new.params, new.inputs, new.output)
    if change == "inputs":
        sd = SpikeData([[1.0]], length=10.0)
        ws = AnalysisWorkspace()
        ws.store("R", "spikedata", sd, provenance={"step": "recording", "params": {},
                                                   "inputs": spikedata_digest(sd), "version": "1"})
        ws.save(recording_part)
    assert run_job(new, step, [merged]) == "computed"
    assert step.calls == 2


def test_missing_cache_files_are_ignored_and_missing_inputs_named(recording_part, tmp_path):
    step = CountingStep()
    assert run_job(job(recording_part, tmp_path, 2), step, [str(tmp_path / "nowhere")]) == "computed"
    bad = Job("count", "1", "R", ["count"], {"factor": 1},
              {"spikedata": ItemRef(recording_part, "R", "nope")}, str(tmp_path / "x.h5"))
    with pytest.raises(KeyError, match="R/nope"):
        run_job(bad, step, [])


def test_a_step_that_forgets_a_key_fails_loudly(recording_part, tmp_path):
    j = Job("count", "1", "R", ["count", "other"], {"factor": 1},
            {"spikedata": ItemRef(recording_part, "R", "spikedata")}, str(tmp_path / "x.h5"))
    with pytest.raises(RuntimeError, match="other"):
        run_job(j, CountingStep(), [])
