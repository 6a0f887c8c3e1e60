"""A "still working" line on stderr for long calls that report no progress of their own.

``verify`` and ``merge_files`` run as one call without a progress callback, so the command
line cannot count items as they go. What it can do is show, on a terminal only, that the
call is alive and for how long: a line drawn with :class:`spikelab.progress.Progress`
(terminal detection, in-place redraw) by a background thread. Calls that finish within
``delay_s`` draw nothing, and nothing is drawn when stderr is not a terminal.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import TextIO

from ..progress import Progress

__all__ = ["elapsed_line"]


class _Elapsed(Progress):
    """A progress line showing the time spent (the work has no count to show)."""

    def __init__(self, desc: str, stream: TextIO | None, started: float) -> None:
        super().__init__(None, desc, stream=stream, min_interval_s=0.0)
        self.started = started

    def line(self, now: float | None = None) -> str:
        elapsed = (time.monotonic() if now is None else now) - self.started
        return f"{self.desc}: {elapsed:.1f} s"


@contextlib.contextmanager
def elapsed_line(desc: str, *, stream: TextIO | None = None, delay_s: float = 0.5,
                 interval_s: float = 0.25) -> Iterator[None]:
    """Show ``desc: <elapsed> s`` on ``stream`` (stderr) while the ``with`` body runs.

    Parameters
    ----------
    desc : str
        What is being done, e.g. ``"verifying results.h5"``.
    stream : text stream, optional
        Default ``sys.stderr``; nothing is written unless it is a terminal.
    delay_s, interval_s : float
        Seconds before the first draw, and between redraws.
    """
    started = time.monotonic()
    bar = _Elapsed(desc, stream, started)
    if not bar.enabled:
        yield
        return
    stop = threading.Event()
    drawn = threading.Event()

    def tick() -> None:
        if stop.wait(delay_s):
            return
        drawn.set()
        while not stop.is_set():
            bar.update(0)
            stop.wait(interval_s)

    thread = threading.Thread(target=tick, name="spikelab-elapsed", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        if drawn.is_set():
            bar.close()  # final time, then end the line so later output starts clean
