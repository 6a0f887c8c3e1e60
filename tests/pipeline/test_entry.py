"""The job adapters' logging: warnings of a job land in its log, naming the job."""

from __future__ import annotations

import logging
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from snakemake.iocontainers import Namedlist

from spikelab import SpikeData
from spikelab.pipeline.entry import job_label, job_logging


def fake_job(log_path, rule="burst_alignment", recording="D0", **params):
    wildcards = Namedlist(fromdict={"recording": recording} if recording else {})
    return SimpleNamespace(log=[str(log_path)], rule=rule, wildcards=wildcards,
                           params=Namedlist(fromdict=params))


@pytest.fixture(autouse=True)
def restore_logging():
    yield
    logging.basicConfig(force=True, handlers=[logging.NullHandler()])


def test_a_jobs_warnings_go_to_its_log_once_each_naming_the_job(tmp_path):
    log = tmp_path / "burst_alignment.log"
    sd = SpikeData([[10.0, 500.0, 990.0]], length=1000.0)
    with job_logging(fake_job(log)):
        for _ in range(3):  # the same warning three times: logged once, as on a console
            sd.align_to_events(np.array([20.0, 500.0]), pre_ms=50, post_ms=50)
        np.log(np.zeros(1))  # a numpy RuntimeWarning
    text = log.read_text()
    assert text.count("D0/burst_alignment: UserWarning: 1 event(s) dropped because their") == 1
    assert "D0/burst_alignment: RuntimeWarning: divide by zero" in text
    assert warnings.showwarning is not None  # the job's handler is gone after the job
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("after the job", stacklevel=1)
    assert caught and "after the job" not in log.read_text()


def test_a_failure_is_logged_naming_the_job(tmp_path):
    log = tmp_path / "recording.log"
    with pytest.raises(ValueError), job_logging(fake_job(log, rule="recording", recording="D3")):
        raise ValueError("bad file")
    assert "D3/recording: ValueError: bad file" in log.read_text()


@pytest.mark.parametrize("rule, recording, params, label", [
    ("sttc", "D0", {}, "D0/sttc"),
    ("summary", None, {"namespace": "all"}, "all/summary"),
    ("merge", None, {"prune": False}, "merge"),
])
def test_job_label(tmp_path, rule, recording, params, label):
    assert job_label(fake_job(tmp_path / "x.log", rule, recording, **params)) == label
