"""The command line's one progress line for long library calls.

The library counts and never draws: :func:`~spikelab.workspace.verify`,
:func:`~spikelab.workspace.merge_files` and :func:`~spikelab.workspace.pack` report
``(done, total)`` through their ``progress=`` callback (:data:`spikelab.progress.ProgressCallback`).
The command decides what is shown: one line on stderr, only when stderr is a terminal and
the call outlasts :data:`DELAY_S`, redrawn in place by :class:`spikelab.progress.Progress`.
Until the call reports a count (while it opens and plans) the line shows the time spent;
a background thread keeps it ticking between reports. Both write under one lock, whole
lines at a time, so the count and the clock never interleave.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import TextIO

from ..progress import Progress, ProgressCallback

__all__ = ["DELAY_S", "progress_line"]

DELAY_S = 0.5  # s: a call that ends sooner draws nothing


class _Line(Progress):
    """A :class:`Progress` line fed from two threads: counts from the call, ticks from a
    timer; it draws only once ``shown`` is set (the delay has passed)."""

    def __init__(self, desc: str, stream: TextIO | None) -> None:
        super().__init__(None, desc, stream=stream, min_interval_s=0.1)
        self.lock = threading.Lock()
        self.shown = False
        self.counted = False

    def report(self, done: int, total: int) -> None:
        with self.lock:
            self.counted = True
            super().report(done, total)

    def tick(self) -> None:
        with self.lock:
            self.shown = True
            self._draw(time.monotonic())

    def line(self, now: float | None = None) -> str:
        if self.counted:
            return super().line(now)
        return f"{self.desc}: {self.elapsed_s(now):.1f} s"

    def _draw(self, now: float) -> None:
        if self.shown:
            super()._draw(now)


@contextlib.contextmanager
def progress_line(desc: str, *, stream: TextIO | None = None, delay_s: float | None = None,
                  interval_s: float = 0.25) -> Iterator[ProgressCallback]:
    """Show ``desc: done/total (%) <elapsed> s`` on ``stream`` while the ``with`` body runs;
    yields the callback to hand to the call as ``progress=``.

    Parameters
    ----------
    desc : str
        What is being done, e.g. ``"verifying results.h5"``.
    stream : text stream, optional
        Default ``sys.stderr``; nothing is written unless it is a terminal.
    delay_s : float, optional
        Seconds before anything is drawn (default :data:`DELAY_S`).
    interval_s : float
        Seconds between redraws of the time spent.

    Examples
    --------
    >>> import io
    >>> with progress_line("counting", stream=io.StringIO()) as report:
    ...     for done in range(3):
    ...         report(done + 1, 3)
    """
    line = _Line(desc, stream)
    delay_s = DELAY_S if delay_s is None else delay_s
    if not line.enabled:
        yield lambda done, total: None
        return
    stop = threading.Event()

    def ticking() -> None:
        if stop.wait(delay_s):
            return
        while not stop.is_set():
            line.tick()
            stop.wait(interval_s)

    thread = threading.Thread(target=ticking, name="spikelab-progress", daemon=True)
    thread.start()
    try:
        yield line.report
    finally:
        stop.set()
        thread.join()
        with line.lock:
            if line.shown or line.elapsed_s() >= delay_s:
                line.shown = True
                line.close()  # final state, then end the line so later output starts clean
