"""Combining recordings: one after the other (:func:`append`), side by side
(:func:`concatenate_spike_data`), and splitting a concatenation back into its epochs
(:func:`split_epochs`).  All times in ms.
"""

from __future__ import annotations

import copy
import math
import warnings
from typing import Any

import numpy as np

from .spikedata import SpikeData

__all__ = ["append", "concatenate_spike_data", "split_epochs"]


def _check_spikedata(other: Any, what: str) -> None:
    if not isinstance(other, SpikeData):
        raise TypeError(f"{what} needs a SpikeData, got {type(other).__name__}")


def _salvaged_attributes(first: list | None, second: list | None, what: str) -> list | None:
    """Both: the first's.  One: that one, with a RuntimeWarning (0.1.2's rule)."""
    if (first is None) != (second is None):
        side = "the first" if second is None else "the appended"
        warnings.warn(
            f"{what}: only {side} SpikeData has neuron_attributes; the result uses them "
            "(pass drop_neuron_attributes=True to drop them)",
            RuntimeWarning,
            stacklevel=3,
        )
    chosen = first if first is not None else second
    return copy.deepcopy(chosen)


def _joined_raw(sd: SpikeData, other: SpikeData, shift: float) -> dict[str, Any]:
    """Raw data of both recordings one after the other (``other``'s times moved by ``shift``)."""
    parts = [
        (r.raw_data, r.raw_time + s) for r, s in ((sd, 0.0), (other, shift)) if r.raw_time.size
    ]
    if not parts:
        return {}
    channels = {data.shape[:-1] for data, _ in parts}
    if len(channels) > 1:
        raise ValueError(f"cannot append raw data of different channel layouts {sorted(channels)}")
    return dict(raw_data=np.concatenate([d for d, _ in parts], axis=-1),
                raw_time=np.concatenate([t for _, t in parts]))


def append(sd: SpikeData, other: SpikeData, offset: float = 0.0,
           drop_neuron_attributes: bool = False) -> SpikeData:
    """The recording ``other`` placed ``offset`` ms after the end of ``sd``, same units.

    ``other``'s spike at ``t`` lands at ``sd.start_time + sd.length + offset + (t -
    other.start_time)``; the result starts where ``sd`` does and lasts ``sd.length + offset
    + other.length``.  Metadata are merged (``sd``'s win on collisions); neuron attributes
    are ``sd``'s, or ``other``'s with a RuntimeWarning when only it has some, or None with
    ``drop_neuron_attributes``.  Raw data are joined in time.

    Raises
    ------
    ValueError
        For different numbers of units, a negative or non-finite offset, or raw data of
        different channel layouts.

    Examples
    --------
    >>> a = SpikeData([[1.0, 2.0], [3.0]], length=10)
    >>> b = SpikeData([[0.5], [4.0]], length=5)
    >>> both = append(a, b, offset=2)
    >>> both.train, both.length
    ([array([ 1. ,  2. , 12.5]), array([ 3., 16.])], 17.0)
    """
    _check_spikedata(other, "append")
    if other.N != sd.N:
        raise ValueError(
            f"append needs the same units: {sd.N} units here, {other.N} in the appended SpikeData"
        )
    offset = float(offset)
    if not (math.isfinite(offset) and offset >= 0):
        raise ValueError(f"offset must be >= 0 ms, got {offset}")
    shift = sd.start_time + sd.length + offset - other.start_time
    trains = [np.concatenate([a, b + shift]) for a, b in zip(sd.train, other.train, strict=True)]
    attrs = None if drop_neuron_attributes else _salvaged_attributes(
        sd.neuron_attributes, other.neuron_attributes, "append")
    metadata = {**copy.deepcopy(other.metadata), **copy.deepcopy(sd.metadata)}
    return SpikeData(trains, length=sd.length + offset + other.length, start_time=sd.start_time,
                     neuron_attributes=attrs, metadata=metadata, **_joined_raw(sd, other, shift))


def concatenate_spike_data(sd: SpikeData, other: SpikeData) -> SpikeData:
    """The units of ``sd`` followed by those of ``other``, over ``sd``'s time window.

    ``other``'s spikes in ``[sd.start_time, sd.start_time + sd.length)`` are kept at their
    times; ``other`` must cover that window.  Metadata are merged (``other``'s win on
    collisions, as in 0.1.2); neuron attributes are concatenated when both have them and
    dropped with a RuntimeWarning when only one does; raw data are ``sd``'s.

    Raises
    ------
    ValueError
        When ``other``'s recording does not cover ``sd``'s window.

    Examples
    --------
    >>> a = SpikeData([[1.0, 2.0]], length=10)
    >>> b = SpikeData([[0.5, 11.0], [4.0]], length=20)
    >>> concatenate_spike_data(a, b).train
    [array([1., 2.]), array([0.5]), array([4.])]
    """
    _check_spikedata(other, "concatenate_spike_data")
    lo, hi = sd.start_time, sd.start_time + sd.length
    if other.start_time > lo or other.start_time + other.length < hi:
        raise ValueError(
            f"the added SpikeData covers [{other.start_time}, "
            f"{other.start_time + other.length}] ms, "
            f"not this recording's [{lo}, {hi}] ms"
        )
    added = [t[np.searchsorted(t, lo, "left"):np.searchsorted(t, hi, "left")] for t in other.train]
    attrs = None
    if sd.neuron_attributes is not None and other.neuron_attributes is not None:
        attrs = copy.deepcopy(sd.neuron_attributes + other.neuron_attributes)
    elif (sd.neuron_attributes is None) != (other.neuron_attributes is None):
        warnings.warn(
            "concatenate_spike_data: only one SpikeData has neuron_attributes; the result has none",
            RuntimeWarning,
            stacklevel=2,
        )
    metadata = {**copy.deepcopy(sd.metadata), **copy.deepcopy(other.metadata)}
    return sd._clone(
        [t.copy() for t in sd.train] + added, neuron_attributes=attrs, metadata=metadata
    )


def split_epochs(sd: SpikeData) -> list[SpikeData]:
    """Cut a concatenated recording back into its epochs, each shifted to start at 0.

    Epochs are ``metadata["rec_chunks_ms"]`` (``(start, end)`` ms pairs), cut with
    :meth:`~spikelab.SpikeData.subtime`.  Epoch ``k`` gets ``metadata["epoch_index"] = k``
    and, when ``metadata["rec_chunk_names"]`` names it, ``metadata["source_file"]``; a unit
    with ``epoch_templates`` gets the ``k``-th as its ``template``.

    Raises
    ------
    ValueError
        Without ``metadata["rec_chunks_ms"]``.

    Examples
    --------
    >>> sd = SpikeData([[1.0, 12.0], [19.5]], length=20,
    ...                metadata={"rec_chunks_ms": [(0, 10), (10, 20)],
    ...                          "rec_chunk_names": ["a", "b"]})
    >>> for epoch in split_epochs(sd):
    ...     print(epoch.train, epoch.metadata)
    [array([1.]), array([], dtype=float64)] {'source_file': 'a', 'epoch_index': 0}
    [array([2.]), array([9.5])] {'source_file': 'b', 'epoch_index': 1}
    """
    chunks = sd.metadata.get("rec_chunks_ms")
    if chunks is None or len(chunks) == 0:
        raise ValueError(
            "split_epochs needs metadata['rec_chunks_ms'] ((start, end) ms of each epoch); "
            f"metadata keys: {sorted(sd.metadata)}"
        )
    names = list(sd.metadata.get("rec_chunk_names", []))
    base = {k: v for k, v in sd.metadata.items() if k not in ("rec_chunks_ms", "rec_chunk_names")}
    epochs = []
    for k, (start, end) in enumerate(np.asarray(chunks, dtype=np.float64).reshape(-1, 2)):
        epoch = sd.subtime(start, end)
        epoch.metadata = {
            **copy.deepcopy(base),
            **({"source_file": names[k]} if k < len(names) else {}),
            "epoch_index": k,
        }
        if sd.neuron_attributes is not None:
            epoch.neuron_attributes = [_epoch_attributes(a, k) for a in sd.neuron_attributes]
        epochs.append(epoch)
    return epochs


def _epoch_attributes(attrs: dict, k: int) -> dict:
    out = {key: copy.deepcopy(v) for key, v in attrs.items() if key != "epoch_templates"}
    templates = attrs.get("epoch_templates")
    if templates is not None and k < len(templates):
        out["template"] = copy.deepcopy(templates[k])
    return out
