"""The elapsed-time line: drawn on a terminal for slow calls only, never into a pipe."""

from __future__ import annotations

import io
import threading
import time

from spikelab.cli.ticker import elapsed_line


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _wait_for_text(stream: io.StringIO, timeout_s: float = 10.0) -> None:
    """Block until the ticker thread has drawn something (the body of a slow call)."""
    deadline = time.monotonic() + timeout_s
    while not stream.getvalue():
        assert time.monotonic() < deadline, "nothing drawn"
        time.sleep(0.01)


def test_slow_call_on_a_terminal_shows_elapsed_time():
    stream = Tty()
    with elapsed_line("verifying x.h5", stream=stream, delay_s=0.0, interval_s=0.01):
        _wait_for_text(stream)
    text = stream.getvalue()
    assert text.startswith("\rverifying x.h5: ") and " s" in text
    assert text.endswith("\n")  # the line is ended, so later output starts clean


def test_fast_call_draws_nothing():
    stream = Tty()
    with elapsed_line("merging", stream=stream, delay_s=60.0):
        pass
    assert stream.getvalue() == ""


def test_not_a_terminal_draws_nothing_and_starts_no_thread():
    stream = io.StringIO()
    before = threading.active_count()
    with elapsed_line("verifying", stream=stream, delay_s=0.0, interval_s=0.01):
        assert threading.active_count() == before
    assert stream.getvalue() == ""


def test_exception_stops_the_line():
    stream = Tty()
    try:
        with elapsed_line("merging", stream=stream, delay_s=0.0, interval_s=0.01):
            _wait_for_text(stream)
            raise ValueError("boom")
    except ValueError:
        pass
    assert not any(t.name == "spikelab-elapsed" for t in threading.enumerate())
    assert stream.getvalue().endswith("\n")
