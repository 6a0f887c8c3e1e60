"""The job wrapper: fingerprint from inputs and params, restore from a cache or compute."""

from __future__ import annotations

import re

import h5py
import numpy as np
import pytest

from spikelab import AnalysisWorkspace, SpikeData
from spikelab.errors import AnalysisRunError, ItemNotFoundError
from spikelab.pipeline.merge_job import merge_parts
from spikelab.pipeline.recording import spikedata_digest
from spikelab.pipeline.runner import ItemRef, Job, run_job, run_spec
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
    assert (
        run_job(job(recording_part, tmp_path, 2), step, [str(tmp_path / "nowhere")]) == "computed"
    )
    bad = Job("count", "1", "R", ["count"], {"factor": 1},
              {"spikedata": ItemRef(recording_part, "R", "nope")}, str(tmp_path / "x.h5"))
    with pytest.raises(ItemNotFoundError, match=r"input 'spikedata', item \('R', 'nope'\): "
                       r"not found; keys in 'R': \['spikedata'\]") as raised:
        run_job(bad, step, [])
    assert isinstance(raised.value, KeyError)  # what callers caught before
    assert recording_part in str(raised.value)


def test_an_input_without_content_hash_is_named(tmp_path):
    plain = str(tmp_path / "plain.h5")
    ws = AnalysisWorkspace()
    ws.store("R", "spikedata", SpikeData([[1.0]], length=2.0))  # no provenance: no hash
    ws.save(plain)
    bad = Job("count", "1", "R", ["count"], {}, {"spikedata": ItemRef(plain, "R", "spikedata")},
              str(tmp_path / "x.h5"))
    with pytest.raises(ItemNotFoundError, match=r"\('R', 'spikedata'\): stored without a "
                                                r"content hash"):
        run_job(bad, CountingStep(), [])


def _open_files():
    return sorted(h5py.h5f.FileID(fid).name.decode()
                  for fid in h5py.h5f.get_obj_ids(types=h5py.h5f.OBJ_FILE))


def test_a_job_leaves_no_workspace_open(recording_part, tmp_path):
    """Inputs, the cache looked up and the cache restored from are all closed again."""
    step = CountingStep()
    before = _open_files()
    run_job(job(recording_part, tmp_path, 2), step, [])
    merged = str(tmp_path / "merged")
    merge_parts(merged, [str(tmp_path / "parts" / "R" / "out.h5")])
    assert run_job(job(recording_part, tmp_path, 2, "again"), step, [merged]) == "restored"
    assert _open_files() == before




# ------------------------------------------------------------------ results checked where made
BAD_RESULTS = [
    (lambda: [1, 2], r"returned list, not a dict of its keys \(count\)"),
    (lambda: {"count": np.ones(1), "extra": np.ones(1)},
     r"key 'extra': returned but not declared \(declared keys: count\)"),
    (lambda: {}, r"key 'count': declared but not returned \(returned: nothing\)"),
    (lambda: {"count": {1, 2}}, r"key 'count': cannot store an object of type builtins\.set"),
    (lambda: {"count": {"a/b": 1.0}}, r"key 'count': .*'/'"),
    (lambda: 1 / 0, r"raised ZeroDivisionError: division by zero \(while computing count\)"),
]


@pytest.mark.parametrize("make, message", BAD_RESULTS)
def test_a_bad_result_fails_naming_analysis_function_recording_and_key(
        recording_part, tmp_path, make, message):
    bad = Job(
        "count",
        "1",
        "R",
        ["count"],
        {},
        {"spikedata": ItemRef(recording_part, "R", "spikedata")},
        str(tmp_path / "parts" / "R" / "count.h5"),
        function="lab.py:count",
        about="recording R",
    )
    with pytest.raises(AnalysisRunError) as error:
        run_job(bad, lambda loaded, params: make(), [])
    text = str(error.value)
    assert text.startswith("analysis count (lab.py:count), recording R")
    assert re.search(message, text), text
    assert not (tmp_path / "parts" / "R" / "count.h5").exists()  # nothing written


def write_analysis_file(tmp_path):
    (tmp_path / "lab.py").write_text(
        "import numpy as np\n\n"
        "def per_recording(sd, params, upstream):\n"
        "    return {'n': np.array([sd.N * params['factor']])}\n\n"
        "def across(recordings, params, upstream):\n"
        "    return {'ns': np.array([len(upstream[r]) for r in recordings])}\n")


def spec(tmp_path, recording_part, **fields):
    base = {"step": "lab", "function": "lab.py:per_recording", "scope": "recording",
            "namespace": "R", "about": "recording R", "recordings": ["R"], "keys": ["n"],
            "params": {"factor": 3}, "version": "code:x",
            "inputs": [["spikedata", recording_part, "R", "spikedata"]],
            "output": str(tmp_path / "out.h5")}
    return {**base, **fields}


def test_a_job_spec_runs_the_function_of_a_file_with_its_signature(recording_part, tmp_path,
                                                                    monkeypatch):
    write_analysis_file(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run_spec(spec(tmp_path, recording_part), []) == "computed"
    ws = AnalysisWorkspace.load(str(tmp_path / "out.h5"))
    assert ws.get("R", "n").tolist() == [6]
    assert ws.get_info("R", "n")["provenance"]["version"] == "code:x"

    across = spec(tmp_path, recording_part, function="lab.py:across", scope="all",
                  namespace="all", keys=["ns"], output=str(tmp_path / "all.h5"),
                  inputs=[["R/spikedata", recording_part, "R", "spikedata"]], recordings=["R"])
    run_spec(across, [])
    assert AnalysisWorkspace.load_item(str(tmp_path / "all.h5"), "all", "ns").tolist() == [1]


def test_a_step_that_forgets_a_key_fails_loudly(recording_part, tmp_path):
    j = Job("count", "1", "R", ["count", "other"], {"factor": 1},
            {"spikedata": ItemRef(recording_part, "R", "spikedata")}, str(tmp_path / "x.h5"))
    with pytest.raises(RuntimeError, match="other"):
        run_job(j, CountingStep(), [])


def damage(path: str) -> None:
    """Overwrite the middle of a workspace file: its HDF5 structure no longer reads."""
    data = bytearray(open(path, "rb").read())
    data[len(data) // 4:] = b"\xff" * (len(data) - len(data) // 4)
    open(path, "wb").write(bytes(data))


@pytest.mark.parametrize("content", ["garbage", "truncated"])
def test_an_unreadable_cache_is_a_miss_with_one_warning(recording_part, tmp_path, caplog,
                                                         content):
    step = CountingStep()
    run_job(job(recording_part, tmp_path, 2), step, [])
    merged = str(tmp_path / "merged")
    merge_parts(merged, [str(tmp_path / "parts" / "R" / "out.h5")])
    if content == "garbage":
        damage(merged + ".h5")
    else:
        open(merged + ".h5", "r+b").truncate(600)
    caplog.set_level("INFO", logger="spikelab.pipeline")
    assert run_job(job(recording_part, tmp_path, 2, "again"), step, [merged]) == "computed"
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"R/count: cache {merged}.h5 cannot be read, so it is not used")
    again = AnalysisWorkspace.load(str(tmp_path / "parts" / "R" / "again.h5"))
    assert again.get("R", "count").tolist() == [10.0]


def test_a_cache_whose_items_cannot_be_copied_is_computed_instead(recording_part, tmp_path,
                                                                  caplog, monkeypatch):
    from spikelab.errors import CorruptWorkspaceError
    from spikelab.pipeline import runner

    step = CountingStep()
    run_job(job(recording_part, tmp_path, 2), step, [])
    merged = str(tmp_path / "merged")
    merge_parts(merged, [str(tmp_path / "parts" / "R" / "out.h5")])

    def broken_restore(job, source):
        raise CorruptWorkspaceError(f"{source}.h5: item R/count cannot be read")

    monkeypatch.setattr(runner, "restore", broken_restore)
    caplog.set_level("INFO", logger="spikelab.pipeline")
    assert run_job(job(recording_part, tmp_path, 2, "again"), step, [merged]) == "computed"
    assert step.calls == 2
    assert any("cannot restore from" in r.getMessage() and "computing instead" in r.getMessage()
               for r in caplog.records if r.levelname == "WARNING")
