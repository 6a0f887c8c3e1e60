"""spikelab.progress: drawn on a terminal only, counts right, closes on break/exception."""

from __future__ import annotations

import io

import pytest

from spikelab.progress import Progress, progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("stream_cls, drawn", [(Tty, True), (io.StringIO, False)])
def test_writes_only_to_a_terminal(stream_cls, drawn):
    stream = stream_cls()
    assert list(progress(range(4), "rows", stream=stream, min_interval_s=0)) == [0, 1, 2, 3]
    text = stream.getvalue()
    assert bool(text) is drawn
    if drawn:
        assert text.count("\r") == 5  # one redraw per item, one final on close
        assert text.endswith("\n")
        assert "rows: 4/4 (100%)" in text


def test_default_stream_is_stderr_and_quiet_when_captured(capsys):
    for _ in progress([1, 2, 3], "quiet"):
        pass
    assert capsys.readouterr().err == ""  # pytest's capture is not a terminal


def test_line_text_with_and_without_total():
    bar = Progress(total=4, desc="merge", stream=io.StringIO())
    bar.update(1)
    start = bar._started
    assert bar.line(now=start + 2.0) == "merge: 1/4 (25%) 2.0 s, ~6 s left"
    unknown = Progress(desc="items", stream=io.StringIO())
    unknown.update(3)
    assert unknown.line(now=unknown._started + 1.0) == "items: 3 done, 1.0 s"


def test_throttles_redraws_but_always_draws_the_last():
    stream = Tty()
    with Progress(total=1000, desc="x", stream=stream, min_interval_s=3600) as bar:
        for _ in range(1000):
            bar.update()
    # first update draws (nothing drawn before), the 1000th (done == total), then close
    assert stream.getvalue().count("\r") == 3
    assert "1000/1000" in stream.getvalue()


def test_total_from_len_and_close_on_break():
    stream = Tty()
    gen = progress(["a", "b", "c"], "letters", stream=stream, min_interval_s=0)
    for item in gen:
        if item == "b":
            break
    gen.close()
    assert stream.getvalue().endswith("\n")
    assert "letters: 1/3" in stream.getvalue()


def test_close_is_idempotent():
    stream = Tty()
    bar = Progress(total=1, stream=stream)
    bar.close()
    bar.close()
    assert stream.getvalue().count("\n") == 1
