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
        """Attribute ``key`` of every unit.

        See :func:`spikelab.spikedata.attributes.get_neuron_attribute`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0], [2.0]], length=5.0,
        ...                neuron_attributes=[{"region": "CA1"}, {"region": "CA3"}])
        >>> sd.get_neuron_attribute("region")
        ['CA1', 'CA3']
        """
        return _attributes.get_neuron_attribute(self, key, default)

    def set_neuron_attribute(
        self, key: str, values: Any, neuron_indices: Iterable[int] | int | None = None
    ) -> None:
        """Set attribute ``key`` in place.

        See :func:`spikelab.spikedata.attributes.set_neuron_attribute`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.set_neuron_attribute("region", ["CA1", "CA3", "CA1"])
        >>> sd.get_neuron_attribute("region")
        ['CA1', 'CA3', 'CA1']
        """
        _attributes.set_neuron_attribute(self, key, values, neuron_indices)

    def neuron_to_channel_map(self, channel_attr: str | None = None) -> dict[int, int]:
        """``{unit: channel}``; see :func:`spikelab.spikedata.attributes.neuron_to_channel_map`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0], [2.0]], length=5.0,
        ...                neuron_attributes=[{"channel": 7}, {"channel": 2}])
        >>> sd.neuron_to_channel_map()
        {0: 7, 1: 2}
        """
        return _attributes.neuron_to_channel_map(self, channel_attr)

    @property
    def electrodes(self) -> np.ndarray | None:
        """Electrode of each unit, or None; see :func:`spikelab.spikedata.attributes.electrodes`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0], [2.0]], length=5.0,
        ...                neuron_attributes=[{"electrode": 7}, {"electrode": 2}])
        >>> sd.electrodes
        array([7, 2])
        """
        return _attributes.electrodes(self)

    @property
    def unit_locations(self) -> np.ndarray | None:
        """Unit positions (N, D), or None; see :func:`spikelab.spikedata.attributes.unit_locations`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0], [2.0]], length=5.0,
        ...                neuron_attributes=[{"x": 0.0, "y": 17.5}, {"x": 35.0, "y": 0.0}])
        >>> sd.unit_locations
        array([[ 0. , 17.5],
               [35. ,  0. ]])
        """
        return _attributes.unit_locations(self)

    def channel_raster(self, bin_size: float = 1.0, channel_attr: str | None = None) -> np.ndarray:
        """Spike counts per channel and bin.

        See :func:`spikelab.spikedata.attributes.channel_raster`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 2.0], [3.0], [4.5]], length=10.0,
        ...                neuron_attributes=[{"channel": 0}, {"channel": 0}, {"channel": 1}])
        >>> sd.channel_raster(bin_size=5.0)
        array([[3, 0],
               [1, 0]])
        """
        return _attributes.channel_raster(self, bin_size, channel_attr)

    def get_waveform_traces(
        self,
        unit: int | slice | Sequence[int] | None = None,
        ms_before: float = 1.0,
        ms_after: float = 2.0,
        channels: int | Sequence[int] | None = None,
        bandpass: tuple[float, float] | None = None,
        filter_order: int = 3,
        store: bool = True,
        return_channel_waveforms: bool = False,
        return_avg_waveform: bool = True,
    ):
        """(waveforms, meta): raw snippets around each spike.

        See :func:`spikelab.spikedata.waveforms.get_waveform_traces`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData
        >>> raw = np.arange(40.0).reshape(2, 20)
        >>> sd = SpikeData([[1.0]], length=2.0, neuron_attributes=[{"channel": 1}],
        ...                raw_data=raw, raw_time=10.0)
        >>> waveforms, info = sd.get_waveform_traces(ms_before=0.2, ms_after=0.2)
        >>> info["avg_waveforms"]
        [array([[28., 29., 30., 31.]])]
        """
        return _waveforms.get_waveform_traces(
            self,
            unit,
            ms_before,
            ms_after,
            channels,
            bandpass,
            filter_order,
            store,
            return_channel_waveforms,
            return_avg_waveform,
        )

    def plot_spatial_network(
        self,
        ax: Axes,
        matrix: np.ndarray,
        edge_threshold: float | None = None,
        top_pct: float | None = None,
        node_size_range: tuple[float, float] = (2, 20),
        node_cmap: str = "viridis",
        node_linewidth: float = 0.2,
        edge_color: str = "red",
        edge_linewidth: float = 0.6,
        edge_alpha_range: tuple[float, float] = (0.15, 1.0),
        scale_bar_um: float | None = 500,
        font_size: float | None = None,
    ) -> PathCollection:
        """Draw the units at ``unit_locations`` joined by strong ``matrix`` values into ``ax``;
        returns the scatter. See :func:`spikelab.plotting.spatial.draw_spatial_network`."""
        positions = self.unit_locations
        if positions is None:
            raise ValueError(
                "plot_spatial_network needs unit positions: neuron attributes 'x' and 'y' "
                "(or 'location' / 'position') for every unit"
            )
        return _spatial.draw_spatial_network(
            ax,
            positions,
            getattr(matrix, "matrix", matrix),
            edge_threshold,
            top_pct,
            node_size_range,
            node_cmap,
            node_linewidth,
            edge_color,
            edge_linewidth,
            edge_alpha_range,
            scale_bar_um,
            font_size,
        )

    def append(
        self, spikeData: SpikeData, offset: float = 0, drop_neuron_attributes: bool = False
    ) -> SpikeData:
        """``spikeData`` placed ``offset`` ms after this recording.

        See :func:`spikelab.spikedata.combine.append`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> longer = sd.append(sd, offset=5.0)
        >>> longer.length, longer.train[2]
        (25.0, array([ 4., 19.]))
        """
        return _combine.append(self, spikeData, offset, drop_neuron_attributes)

    def concatenate_spike_data(self, sd: SpikeData) -> SpikeData:
        """These units plus ``sd``'s over this window.

        See :func:`spikelab.spikedata.combine.concatenate_spike_data`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> both = sd.concatenate_spike_data(SpikeData([[3.0]], length=10.0))
        >>> both.N, both.train[3]
        (4, array([3.]))
        """
        return _combine.concatenate_spike_data(self, sd)

    def split_epochs(self) -> list[SpikeData]:
        """One SpikeData per ``metadata["rec_chunks_ms"]`` epoch.

        See :func:`spikelab.spikedata.combine.split_epochs`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 12.0]], length=20.0,
        ...                metadata={"rec_chunks_ms": [(0, 10), (10, 20)]})
        >>> [epoch.train for epoch in sd.split_epochs()]
        [[array([1.])], [array([2.])]]
        """
        return _combine.split_epochs(self)

    def subset_stack(
        self, n_subsets: int, units_per_subset: int, seed: int | None = None
    ) -> SpikeSliceStack:
        """Random unit subsets as a SpikeSliceStack.

        See :func:`spikelab.spikedata.resampling.subset_stack`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> stack = sd.subset_stack(n_subsets=2, units_per_subset=2, seed=0)
        >>> [s.N for s in stack.spike_stack]
        [2, 2]
        """
        return _resampling.subset_stack(self, n_subsets, units_per_subset, seed)
