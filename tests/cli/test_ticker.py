"""The command's one progress line: counts from the call, time from a ticker, one line."""

from __future__ import annotations

import io
import re
import threading
import time

import numpy as np
import pytest

from spikelab import AnalysisWorkspace
from spikelab.cli import ticker
from spikelab.cli.main import main
from spikelab.cli.ticker import progress_line


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _wait_for_text(stream: io.StringIO, timeout_s: float = 10.0) -> None:
    """Block until the ticker thread has drawn something (the body of a slow call)."""
    deadline = time.monotonic() + timeout_s
    while not stream.getvalue():
        assert time.monotonic() < deadline, "nothing drawn"
        time.sleep(0.01)


def test_slow_call_without_counts_shows_elapsed_time():
    stream = Tty()
    with progress_line("verifying x.h5", stream=stream, delay_s=0.0, interval_s=0.01):
        _wait_for_text(stream)
    text = stream.getvalue()
    assert re.fullmatch(r"(\rverifying x\.h5: \d+\.\d s *)+\n", text)


def test_counts_replace_the_clock_on_the_same_line():
    stream = Tty()
    with progress_line("merging", stream=stream, delay_s=0.0, interval_s=0.01) as report:
        _wait_for_text(stream)
        for done in range(6):
            report(done, 5)
    text = stream.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    assert "merging: 5/5 (100%)" in text.rsplit("\r", 1)[-1]


def test_count_and_clock_never_interleave():
    """Reports from the call's thread and ticks from the timer: every redraw is whole."""
    stream = Tty()
    with progress_line("items", stream=stream, delay_s=0.0, interval_s=0.0) as report:
        _wait_for_text(stream)
        for done in range(2000):
            report(done, 2000)
    redraws = stream.getvalue().split("\r")[1:]
    line = re.compile(r"items: (\d+/2000 \(\d+%\) \d+\.\d s(, ~\d+ s left)?|\d+\.\d s) *\n?")
    assert redraws and all(line.fullmatch(r) for r in redraws)
    assert stream.getvalue().count("\n") == 1


def test_fast_call_draws_nothing():
    stream = Tty()
    with progress_line("merging", stream=stream, delay_s=60.0) as report:
        report(0, 3)
        report(3, 3)
    assert stream.getvalue() == ""


def test_not_a_terminal_draws_nothing_and_starts_no_thread():
    stream = io.StringIO()
    before = threading.active_count()
    with progress_line("verifying", stream=stream, delay_s=0.0, interval_s=0.01) as report:
        assert threading.active_count() == before
        report(1, 1)
    assert stream.getvalue() == ""


def test_exception_stops_the_line():
    stream = Tty()
    with pytest.raises(ValueError):
        with progress_line("merging", stream=stream, delay_s=0.0, interval_s=0.01):
            _wait_for_text(stream)
            raise ValueError("boom")
    assert not any(t.name == "spikelab-progress" for t in threading.enumerate())
    assert stream.getvalue().endswith("\n")


@pytest.mark.parametrize("command", ["verify", "merge", "pack"])
def test_commands_draw_the_library_count_on_one_line(tmp_path, monkeypatch, capsys, command):
    ws = AnalysisWorkspace()
    for i in range(5):
        ws.store("D0", f"a{i}", np.arange(3.0) * i)
    ws.save(tmp_path / "part")
    assert main(["merge", str(tmp_path / "merged"), str(tmp_path / "part")]) == 0
    capsys.readouterr()
    stream = Tty()
    monkeypatch.setattr("sys.stderr", stream)
    monkeypatch.setattr(ticker, "DELAY_S", 0.0)
    args = {"verify": ["verify", str(tmp_path / "merged")],
            "merge": ["merge", str(tmp_path / "again"), str(tmp_path / "part")],
            "pack": ["pack", str(tmp_path / "merged"), str(tmp_path / "packed")]}[command]
    assert main(args) == 0
    text = stream.getvalue()
    assert text.count("\n") == 1 and "5/5 (100%)" in text.rsplit("\r", 1)[-1]
