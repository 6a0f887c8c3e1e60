"""Exit statuses of the ``spikelab`` command (see ``docs/cli.md``)."""

OK = 0
DAMAGED = 1  # damage found: verify's report, or a damaged file another command reads
ERROR = 2  # usage errors and every other expected failure
INTERRUPTED = 130  # Ctrl-C
SIGPIPE = 141  # 128 + SIGPIPE: stdout closed early (`spikelab ls big.h5 | head`)
