"""Progress: the library counts, its caller decides what is shown.

Long library calls (:func:`~spikelab.workspace.verify`,
:func:`~spikelab.workspace.merge_files`, :func:`~spikelab.workspace.pack`) take a
``progress=`` callback (:data:`ProgressCallback`) and never write to the terminal
themselves: the command line draws one line from it (``spikelab.cli.ticker``), the
workflow logs. :class:`Progress` is such a line, for your own scripts and loops: it is
written to ``stderr`` (or ``stream``) only when that stream is a terminal (``isatty()``),
so the same code prints a live counter at a prompt and nothing in a job's log or a CI run.
No dependency.

Examples
--------
Wrap an iterable (``total`` is taken from ``len()`` when it has one):

>>> from spikelab.progress import Progress, progress
>>> total = 0
>>> for unit in progress(range(3), desc="STTC rows"):
...     total += unit
>>> total
3

Or count work done by hand:

>>> with Progress(total=2, desc="merging items") as bar:
...     for item in ["a", "b"]:
...         bar.update()

Or show what a library call reports:

>>> import numpy as np, os, tempfile
>>> from spikelab import AnalysisWorkspace
>>> from spikelab.workspace import verify
>>> path = os.path.join(tempfile.mkdtemp(), "ws")
>>> ws = AnalysisWorkspace(); ws.store("D0", "rates", np.zeros(3)); ws.save(path)
>>> with Progress(desc="verifying") as bar:
...     report = verify(path, progress=bar.report)
>>> bar.done, bar.total
(1, 1)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO, TypeVar

__all__ = ["ProgressCallback", "ProgressCount", "Progress", "progress"]

T = TypeVar("T")

#: ``progress(done, total)``: what a long library call reports, units of work done so far
#: and in all (items, for the workspace calls). Called once with ``done == 0`` when the
#: total is known, then as work is done, ending with ``done == total``; never from another
#: thread than the caller's.
ProgressCallback = Callable[[int, int], None]


class ProgressCount:
    """The library's side of a :data:`ProgressCallback`: counts work and tells the callback,
    if there is one (nothing is drawn here).

    Parameters
    ----------
    progress : ProgressCallback or None
        Told ``(0, total)`` at once, then ``(done, total)`` on every :meth:`add`.
    total : int
        Units of work in all.

    Examples
    --------
    >>> seen = []
    >>> count = ProgressCount(lambda done, total: seen.append((done, total)), 3)
    >>> count.add(); count.add(2)
    >>> seen
    [(0, 3), (1, 3), (3, 3)]
    """

    def __init__(self, progress: ProgressCallback | None, total: int) -> None:
        self._progress = progress
        self.total = total
        self.done = 0
        if progress is not None:
            progress(0, total)

    def add(self, n: int = 1) -> None:
        """Count ``n`` more units of work done."""
        self.done += n
        if self._progress is not None:
            self._progress(self.done, self.total)


class Progress:
    """A ``done/total`` counter redrawn in place on a terminal, silent otherwise.

    Parameters
    ----------
    total : int, optional
        Units of work expected; ``None`` shows a bare count.
    desc : str
        What is being done (start of the line).
    stream : text stream, optional
        Where to write; ``sys.stderr`` at construction time by default.
    min_interval_s : float
        Minimum time between redraws, s (the final state is always drawn).

    Attributes
    ----------
    enabled : bool
        Whether anything is written: ``stream.isatty()``.
    done : int
        Units of work counted so far.
    """

    def __init__(self, total: int | None = None, desc: str = "", *,
                 stream: TextIO | None = None, min_interval_s: float = 0.2) -> None:
        self.total = total
        self.desc = desc
        self.stream = sys.stderr if stream is None else stream
        isatty = getattr(self.stream, "isatty", None)
        self.enabled: bool = bool(isatty and isatty())
        self.min_interval_s = min_interval_s
        self.done = 0
        self._started = time.monotonic()
        self._last_draw = -float("inf")
        self._closed = False

    def update(self, n: int = 1) -> None:
        """Count ``n`` more units of work done and redraw if it is time to."""
        self.done += n
        now = time.monotonic()
        if now - self._last_draw >= self.min_interval_s or self.done == self.total:
            self._draw(now)

    def report(self, done: int, total: int) -> None:
        """A :data:`ProgressCallback`: set the counts to what a library call reports."""
        self.total = total
        self.update(done - self.done)

    def close(self) -> None:
        """Draw the final state and end the line (idempotent)."""
        if self._closed:
            return
        self._closed = True
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()

    def elapsed_s(self, now: float | None = None) -> float:
        """Seconds since the line was made (until ``now``, a ``time.monotonic()``)."""
        return (time.monotonic() if now is None else now) - self._started

    def line(self, now: float | None = None) -> str:
        """The text of the progress line (without the carriage return)."""
        elapsed = self.elapsed_s(now)
        head = f"{self.desc}: " if self.desc else ""
        if not self.total:
            return f"{head}{self.done} done, {elapsed:.1f} s"
        frac = self.done / self.total
        eta = f", ~{elapsed * (1 - frac) / frac:.0f} s left" if 0 < frac < 1 else ""
        return f"{head}{self.done}/{self.total} ({100 * frac:.0f}%) {elapsed:.1f} s{eta}"

    def _draw(self, now: float) -> None:
        self._last_draw = now
        if self.enabled:
            # \r redraws in place; the trailing spaces wipe a longer previous line.
            self.stream.write("\r" + self.line(now).ljust(60))
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def progress(iterable: Iterable[T], desc: str = "", total: int | None = None, *,
             stream: TextIO | None = None, min_interval_s: float = 0.2) -> Iterator[T]:
    """Yield from ``iterable``, counting each item on a :class:`Progress` line.

    ``total`` defaults to ``len(iterable)`` when it has a length. The line is closed when
    the loop ends, also on ``break`` or an exception (generator close).
    """
    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)  # type: ignore[arg-type]
    with Progress(total, desc, stream=stream, min_interval_s=min_interval_s) as bar:
        for item in iterable:
            yield item
            bar.update()
