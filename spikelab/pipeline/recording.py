"""Recordings into the workflow: simulate the demo cultures, import any recording file."""

from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import RecordingError
from ..io import load_recording, save_nwb
from ..ondisk import item_file
from ..simulate import culture
from ..spikedata import SpikeData
from ..workspace.provenance import canonical_json
from ..workspace.workspace import AnalysisWorkspace

__all__ = ["RECORDING_VERSION", "spikedata_digest", "import_recording", "simulate_recording"]

log = logging.getLogger("spikelab.pipeline")

RECORDING_VERSION = "1"


def spikedata_digest(sd: SpikeData) -> str:
    """sha256 of the spike content (times, unit boundaries, window): what analyses depend on.

    Not the file's bytes, path or mtime: rewriting the same spikes (a re-simulated NWB file
    with a new creation date, a copy on another machine) keeps the digest.
    """
    h = hashlib.sha256()
    h.update(np.array([sd.N], dtype=np.int64).tobytes())
    h.update(np.array([sd.start_time, sd.length], dtype=np.float64).tobytes())
    h.update(np.cumsum([t.size for t in sd.train], dtype=np.int64).tobytes())
    for train in sd.train:
        h.update(np.ascontiguousarray(train, dtype=np.float64).tobytes())
    return h.hexdigest()


def import_recording(path: str, fmt: str | None, options: Mapping[str, Any], namespace: str,
                     output: str) -> SpikeData:
    """Load ``path`` and store it as ``namespace/spikedata`` in the part workspace ``output``."""
    if not os.path.exists(item_file(path)):
        raise RecordingError(f"recording {namespace!r}: file not found: {path}")
    started = time.perf_counter()
    sd = load_recording(path, format=fmt, **dict(options))
    log.info("%s: loaded %s (%d units, %.1f s, %d spikes) in %.2f s", namespace, path, sd.N,
             sd.length / 1000.0, sum(t.size for t in sd.train), time.perf_counter() - started)
    provenance = {"step": "recording", "params": {"format": fmt or "", "options": dict(options)},
                  "inputs": spikedata_digest(sd), "version": RECORDING_VERSION}
    ws = AnalysisWorkspace(name=f"{namespace}/recording")
    ws.store(namespace, "spikedata", sd, note=f"recording {os.path.basename(path)}",
             provenance=provenance)
    ws.save(output)
    return sd


def simulate_recording(params: Mapping[str, Any], output: str) -> SpikeData:
    """Simulate one culture (:func:`spikelab.simulate.culture`) and write it as NWB."""
    started = time.perf_counter()
    sd = culture(**dict(params))
    # Same parameters, same file content: a deterministic identifier and session start, so
    # a re-simulated recording has the same content hash and nothing downstream reruns.
    identity = canonical_json(dict(params))
    save_nwb(sd, output, identifier=str(uuid.uuid5(uuid.NAMESPACE_URL, "spikelab-sim:" + identity)),
             session_start_time="2000-01-01T00:00:00+00:00",
             session_description=f"spikelab simulated culture {identity}")  # atomic write
    log.info("simulated %d units x %.0f s -> %s in %.2f s", sd.N, sd.length / 1000.0, output,
             time.perf_counter() - started)
    return sd
