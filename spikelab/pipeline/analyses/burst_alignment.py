"""Burst-aligned rate and spike stacks: windows of ``pre_ms + post_ms`` around each burst peak."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...spikedata._binning import guarded_floor
from ...spikedata.alignment import align_to_events
from ...spikedata.rateslicestack import RateSliceStack
from ...spikedata.spikedata import SpikeData
from ...spikedata.spikeslicestack import SpikeSliceStack

__all__ = ["burst_alignment"]


def burst_alignment(sd: SpikeData, params: Mapping[str, Any],
                    upstream: Mapping[str, Any]) -> dict[str, Any]:
    """``burst_rss`` (RateSliceStack, Hz) and ``burst_sss`` (SpikeSliceStack) around ``tburst``.

    When no burst fits a whole window, both stacks have no slice rather than the recording
    failing; they keep the recording's units (count and attributes), and the rate stack has
    as many bins as ``align_to_events`` would give.
    """
    events = np.asarray(upstream["tburst"], dtype=np.float64)
    pre, post = params["pre_ms"], params["post_ms"]
    stop = sd.start_time + sd.length
    if not np.any((events - pre >= sd.start_time) & (events + post <= stop)):
        n_bins = int(guarded_floor((pre + post) / params["bin_size_ms"]))  # as align_to_events
        return {"burst_rss": RateSliceStack.empty(sd.N, n_bins, params["bin_size_ms"],
                                                  sd.neuron_attributes),
                "burst_sss": SpikeSliceStack.empty(sd.N, sd.neuron_attributes)}
    common = dict(bin_size_ms=params["bin_size_ms"], sigma_ms=params["sigma_ms"])
    rss = align_to_events(sd, events, pre, post, kind="rate", **common)
    sss = align_to_events(sd, events, pre, post, kind="spike", **common)
    return {"burst_rss": rss, "burst_sss": sss}
