"""The session-wide SLURM cluster fixture.

Safe under pytest-xdist: every worker calls :func:`tests.cluster.slurm.acquire`, which
starts the daemons only if no other process has, under a cross-process file lock, and the
last worker to :func:`~tests.cluster.slurm.release` stops them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ci import unavailable
from tests.cluster import slurm


@pytest.fixture(scope="session")
def slurm_cluster() -> Iterator[slurm.Cluster]:
    """A running one-node SLURM cluster (installed and started on first use).

    Skips where SLURM cannot be had at all (not root, no apt-get), except in CI
    (``CI=true``), where that and every install or start failure fail the tests.
    """
    try:
        cluster = slurm.acquire()
    except slurm.SlurmUnavailable as exc:
        unavailable(f"SLURM unavailable: {exc}")
    try:
        yield cluster
    finally:
        slurm.release()
