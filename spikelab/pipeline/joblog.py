"""A workflow job's logging: its ``log:`` file and stderr, and how a failure is reported."""

from __future__ import annotations

import logging
import sys
import traceback
import warnings
from contextlib import contextmanager
from typing import Iterator

from ..errors import AnalysisRunError, SpikelabError

__all__ = ["job_logging"]


@contextmanager
def job_logging(log_file: str | None, label: str) -> Iterator[logging.Logger]:
    """Log to ``log_file`` (and stderr), and record a failure's message there.

    A spikelab error ends the job with its one message (exit status 1, no traceback of the
    workflow's code); an analysis that raised also gets its own traceback logged, which is
    what its author needs. Anything else is a bug: its traceback propagates. ``label``
    (``D0/sttc``, ``merge``) names the job in those messages.

    Python warnings raised while the job runs (``N event(s) dropped ...``, a numpy
    ``RuntimeWarning``) go to the same log, each once, prefixed with the label, instead of
    only to the shared console.
    """
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        handlers.append(logging.FileHandler(str(log_file), mode="w"))
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("spikelab.pipeline")

    def to_log(message, category, filename, lineno, file=None, line=None):
        log.warning("%s: %s: %s", label, category.__name__, message)

    with warnings.catch_warnings():
        warnings.simplefilter("default")  # each distinct warning once, as on a console
        warnings.showwarning = to_log
        try:
            yield log
        except SpikelabError as exc:
            cause = exc.__cause__
            if isinstance(exc, AnalysisRunError) and cause is not None:
                frames = traceback.extract_tb(cause.__traceback__)[1:]  # from the analysis down
                log.error("traceback of the analysis:\n%s%s",
                          "".join(traceback.format_list(frames)),
                          "".join(traceback.format_exception_only(cause)).rstrip())
            log.error("%s: %s: %s", label, type(exc).__name__, exc)
            raise SystemExit(1) from None
        except Exception as exc:
            log.error("%s: %s: %s", label, type(exc).__name__, exc)
            raise
