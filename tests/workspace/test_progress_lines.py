"""Long workspace operations draw a progress line on a terminal and nothing in a log."""

import io

import numpy as np
import pytest

from spikelab import AnalysisWorkspace
from spikelab.workspace import merge_files, verify


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def source(tmp_path):
    ws = AnalysisWorkspace()
    for i in range(5):
        ws.store("D0", f"a{i}", np.arange(10.0) * i)
    ws.save(tmp_path / "src")
    return tmp_path / "src"


@pytest.mark.parametrize("stream, shown", [(Terminal(), True), (io.StringIO(), False)])
def test_merge_and_verify_show_progress_only_on_a_terminal(source, tmp_path, monkeypatch,
                                                           stream, shown):
    monkeypatch.setattr("sys.stderr", stream)
    merge_files(tmp_path / "merged", [source])
    assert verify(tmp_path / "merged").ok
    text = stream.getvalue()
    assert ("merging into" in text and "5/5" in text and "verifying" in text) is shown
    assert (text == "") is not shown
