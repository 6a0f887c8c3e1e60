"""The unit-level methods of :class:`~spikelab.SpikeData`: attributes, channels, waveforms,
and combining or splitting recordings.  Thin forwards to the topic modules
(:mod:`.attributes`, :mod:`.waveforms`, :mod:`.combine`, :mod:`.resampling`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._topics import topic

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import PathCollection

    from .spikedata import SpikeData
    from .spikeslicestack import SpikeSliceStack

_attributes = topic(".attributes")
_combine = topic(".combine")
_resampling = topic(".resampling")
_spatial = topic("..plotting.spatial")
_waveforms = topic(".waveforms")


class SpikeDataUnits:
    """Mixin of :class:`~spikelab.SpikeData`: per-unit attributes and recording bookkeeping."""

    def get_neuron_attribute(self, key: str, default: Any = None) -> list[Any]:
        """Attribute ``key`` of every unit; see :func:`spikelab.spikedata.attributes.get_neuron_attribute`."""
        return _attributes.get_neuron_attribute(self, key, default)

    def set_neuron_attribute(self, key: str, values: Any, neuron_indices: Iterable[int] | int | None = None) -> None:
        """Set attribute ``key`` in place; see :func:`spikelab.spikedata.attributes.set_neuron_attribute`."""
        _attributes.set_neuron_attribute(self, key, values, neuron_indices)

    def neuron_to_channel_map(self, channel_attr: str | None = None) -> dict[int, int]:
        """``{unit: channel}``; see :func:`spikelab.spikedata.attributes.neuron_to_channel_map`."""
        return _attributes.neuron_to_channel_map(self, channel_attr)

    @property
    def electrodes(self) -> np.ndarray | None:
        """Electrode of each unit, or None; see :func:`spikelab.spikedata.attributes.electrodes`."""
        return _attributes.electrodes(self)

    @property
    def unit_locations(self) -> np.ndarray | None:
        """Unit positions (N, D), or None; see :func:`spikelab.spikedata.attributes.unit_locations`."""
        return _attributes.unit_locations(self)

    def channel_raster(self, bin_size: float = 1.0, channel_attr: str | None = None) -> np.ndarray:
        """Spike counts per channel and bin; see :func:`spikelab.spikedata.attributes.channel_raster`."""
        return _attributes.channel_raster(self, bin_size, channel_attr)

    def get_waveform_traces(self, unit: int | slice | Sequence[int] | None = None, ms_before: float = 1.0,
                            ms_after: float = 2.0, channels: int | Sequence[int] | None = None,
                            bandpass: tuple[float, float] | None = None, filter_order: int = 3, store: bool = True,
                            return_channel_waveforms: bool = False, return_avg_waveform: bool = True):
        """(waveforms, meta): raw snippets around each spike; see :func:`spikelab.spikedata.waveforms.get_waveform_traces`."""
        return _waveforms.get_waveform_traces(self, unit, ms_before, ms_after, channels, bandpass, filter_order,
                                              store, return_channel_waveforms, return_avg_waveform)

    def plot_spatial_network(self, ax: Axes, matrix: np.ndarray, edge_threshold: float | None = None,
                             top_pct: float | None = None, node_size_range: tuple[float, float] = (2, 20),
                             node_cmap: str = "viridis", node_linewidth: float = 0.2, edge_color: str = "red",
                             edge_linewidth: float = 0.6, edge_alpha_range: tuple[float, float] = (0.15, 1.0),
                             scale_bar_um: float | None = 500, font_size: float | None = None) -> PathCollection:
        """Draw the units at ``unit_locations`` joined by strong ``matrix`` values into ``ax``; returns the
        scatter. See :func:`spikelab.plotting.spatial.draw_spatial_network`."""
        positions = self.unit_locations
        if positions is None:
            raise ValueError("plot_spatial_network needs unit positions: neuron attributes 'x' and 'y' "
                             "(or 'location' / 'position') for every unit")
        return _spatial.draw_spatial_network(ax, positions, getattr(matrix, "matrix", matrix), edge_threshold, top_pct,
                                    node_size_range, node_cmap, node_linewidth, edge_color, edge_linewidth,
                                    edge_alpha_range, scale_bar_um, font_size)

    def append(self, spikeData: SpikeData, offset: float = 0, drop_neuron_attributes: bool = False) -> SpikeData:
        """``spikeData`` placed ``offset`` ms after this recording; see :func:`spikelab.spikedata.combine.append`."""
        return _combine.append(self, spikeData, offset, drop_neuron_attributes)

    def concatenate_spike_data(self, sd: SpikeData) -> SpikeData:
        """These units plus ``sd``'s over this window; see :func:`spikelab.spikedata.combine.concatenate_spike_data`."""
        return _combine.concatenate_spike_data(self, sd)

    def split_epochs(self) -> list[SpikeData]:
        """One SpikeData per ``metadata["rec_chunks_ms"]`` epoch; see :func:`spikelab.spikedata.combine.split_epochs`."""
        return _combine.split_epochs(self)

    def subset_stack(self, n_subsets: int, units_per_subset: int, seed: int | None = None) -> SpikeSliceStack:
        """Random unit subsets as a SpikeSliceStack; see :func:`spikelab.spikedata.resampling.subset_stack`."""
        return _resampling.subset_stack(self, n_subsets, units_per_subset, seed)
