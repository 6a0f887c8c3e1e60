"""Per-unit attributes of a SpikeData: reading and writing them, channels and positions.

Attribute names recognised without being asked for (spikelab 0.1.2's conventions):

- channel of a unit: ``channel``, ``channel_id``, ``channel_index``, ``ch``, ``channel_idx``
  (:func:`neuron_to_channel_map`, :func:`channel_raster`);
- electrode: ``electrode``, then ``channel``, then ``ch`` (:func:`electrodes`);
- position (µm): ``location``, else ``x``/``y`` (and ``z``), else ``position``
  (:func:`unit_locations`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from scipy import sparse

from ._selection import unit_indices
from .rates import sparse_raster
from .spikedata import SpikeData

__all__ = [
    "CHANNEL_KEYS",
    "get_neuron_attribute",
    "set_neuron_attribute",
    "neuron_to_channel_map",
    "electrodes",
    "unit_locations",
    "channel_raster",
]

CHANNEL_KEYS = ("channel", "channel_id", "channel_index", "ch", "channel_idx")
ELECTRODE_KEYS = ("electrode", "channel", "ch")


def get_neuron_attribute(sd: SpikeData, key: str, default: Any = None) -> list[Any]:
    """The attribute ``key`` of every unit (``default`` where a unit lacks it).

    Examples
    --------
    >>> sd = SpikeData([[1.0], [2.0]], length=5, neuron_attributes=[{"x": 1.5}, {}])
    >>> get_neuron_attribute(sd, "x", default=0.0)
    [1.5, 0.0]
    """
    if sd.neuron_attributes is None:
        return [default] * sd.N
    return [attrs.get(key, default) for attrs in sd.neuron_attributes]


def _per_unit_values(values: Any, count: int) -> list[Any]:
    """One value per unit: sequences (lists, tuples, arrays, iterators) are spread over the
    units, anything else (numbers, strings, dicts, 0-d arrays) is given to each of them."""
    if isinstance(values, np.ndarray):
        spread = list(values) if values.ndim else None
    elif isinstance(values, (list, tuple)) or (isinstance(values, Iterator)):
        spread = list(values)
    else:
        spread = None
    if spread is None:
        return [values] * count
    if len(spread) != count:
        raise ValueError(
            f"got {len(spread)} values for {count} units; give one per unit or a single value"
        )
    return spread


def set_neuron_attribute(sd: SpikeData, key: str, values: Any,
                         neuron_indices: Iterable[int] | int | None = None) -> None:
    """Set the attribute ``key`` of some units in place (creating ``neuron_attributes``).

    Parameters
    ----------
    key : str
    values : scalar or sequence
        One value per selected unit (list, tuple, array, iterator) or a single value for
        all of them (number, string, dict, 0-d array).
    neuron_indices : int or iterable of int, optional
        Units to set (whole numbers in ``[0, N)``); default all.

    Examples
    --------
    >>> sd = SpikeData([[1.0], [2.0], [3.0]], length=5)
    >>> set_neuron_attribute(sd, "region", ["CA1", "CA3"], neuron_indices=[2, 0])
    >>> sd.neuron_attributes
    [{'region': 'CA3'}, {}, {'region': 'CA1'}]
    """
    if not isinstance(key, str):
        raise TypeError(f"attribute names are strings, got {key!r}")
    units = (
        range(sd.N)
        if neuron_indices is None
        else unit_indices(neuron_indices, sd.N, preserve_order=True)
    )
    spread = _per_unit_values(values, len(units))
    if sd.neuron_attributes is None:
        sd.neuron_attributes = [{} for _ in range(sd.N)]
    for unit, value in zip(units, spread, strict=True):
        sd.neuron_attributes[unit][key] = value


def _channel_key(sd: SpikeData, channel_attr: str | None) -> str | None:
    """The attribute holding each unit's channel: ``channel_attr``, or the first of
    :data:`CHANNEL_KEYS` that some unit carries."""
    attrs = sd.neuron_attributes or []
    if channel_attr is not None:
        if attrs and not any(channel_attr in a for a in attrs):
            known = sorted({k for a in attrs for k in a})
            raise ValueError(
                f"no unit has the neuron attribute {channel_attr!r}; attributes present: {known}"
            )
        return channel_attr
    return next((k for k in CHANNEL_KEYS if any(k in a for a in attrs)), None)


def _as_channel(value: Any, unit: int, key: str) -> int:
    number = float(value)
    if not number.is_integer():
        raise ValueError(f"unit {unit}: channel attribute {key!r} is {value!r}, not a whole number")
    return int(number)


def neuron_to_channel_map(sd: SpikeData, channel_attr: str | None = None) -> dict[int, int]:
    """``{unit index: channel}`` for every unit whose channel is known.

    Parameters
    ----------
    channel_attr : str, optional
        Attribute holding the channel; default the first of ``channel``, ``channel_id``,
        ``channel_index``, ``ch``, ``channel_idx`` that some unit has. Units without it (or
        with ``None``) are left out; no ``neuron_attributes`` gives ``{}``.

    Examples
    --------
    >>> sd = SpikeData([[1.0], [2.0]], length=5, neuron_attributes=[{"ch": 7}, {"ch": 2}])
    >>> neuron_to_channel_map(sd)
    {0: 7, 1: 2}
    """
    key = _channel_key(sd, channel_attr)
    if key is None:
        return {}
    channels = {}
    for unit, attrs in enumerate(sd.neuron_attributes or []):
        value = attrs.get(key)
        if value is not None:
            channels[unit] = value if type(value) is int else _as_channel(value, unit, key)
    return channels


def _first_present(attrs: dict, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in attrs:
            return attrs[key]
    return None


def electrodes(sd: SpikeData) -> np.ndarray | None:
    """Electrode of each unit (``electrode``, else ``channel``, else ``ch``), or None when a
    unit has none of them, or there are no units or no ``neuron_attributes``.

    A unit whose value is None keeps it (an object array), as in spikelab 0.1.2.

    Examples
    --------
    >>> sd = SpikeData([[1.0], [2.0]], length=10,
    ...                neuron_attributes=[{"electrode": 3}, {"channel": 5}])
    >>> electrodes(sd)
    array([3, 5])
    """
    units = sd.neuron_attributes
    if not units:  # None, or no units at all
        return None
    values = _electrodes_by_first_units_key(units)
    if values is not None:
        return np.array(values)
    first, second, third = ELECTRODE_KEYS
    values = []
    append = values.append
    for attrs in units:  # unrolled lookup: this runs once per unit
        if first in attrs:
            value = attrs[first]
        elif second in attrs:
            value = attrs[second]
        elif third in attrs:
            value = attrs[third]
        else:
            return None
        append(value)
    return np.array(values)


def _electrodes_by_first_units_key(units: list[dict]) -> list[Any] | None:
    """The common case in one comprehension: every unit names its electrode with the key the
    first unit uses, and none with a key that comes before it. None when that does not hold
    (the caller then looks unit by unit)."""
    first, second, third = ELECTRODE_KEYS
    head = units[0]
    try:
        if first in head:
            return [attrs[first] for attrs in units]
        if second in head:
            values = [attrs[second] for attrs in units if first not in attrs]
        elif third in head:
            values = [attrs[third] for attrs in units if first not in attrs and second not in attrs]
        else:
            return None
    except KeyError:
        return None
    return values if len(values) == len(units) else None


def _location(attrs: dict) -> Any:
    if "location" in attrs:
        return attrs["location"]
    if "x" in attrs and "y" in attrs:
        return [attrs["x"], attrs["y"]] + ([attrs["z"]] if "z" in attrs else [])
    return attrs.get("position")


def unit_locations(sd: SpikeData) -> np.ndarray | None:
    """Position of each unit, shape (N, D): ``location``, else ``x``, ``y`` (and ``z``), else
    ``position``. None when a unit has none of them.

    Raises
    ------
    ValueError
        When units have positions of different dimensions.

    Examples
    --------
    >>> sd = SpikeData([[1.0], [2.0]], length=5.0,
    ...                neuron_attributes=[{"x": 0.0, "y": 17.5}, {"x": 35.0, "y": 0.0}])
    >>> unit_locations(sd)
    array([[ 0. , 17.5],
           [35. ,  0. ]])
    """
    if sd.neuron_attributes is None:
        return None
    points = []
    for attrs in sd.neuron_attributes:
        point = _location(attrs)
        if point is None:
            return None
        points.append(point)
    try:
        out = np.array(points, dtype=np.float64)
    except ValueError:  # ragged: positions of different lengths
        out = None
    if out is not None and out.ndim == 1:  # one coordinate per unit
        out = out[:, None]
    if out is None or out.ndim != 2:
        dims = sorted({int(np.size(p)) for p in points})
        raise ValueError(f"unit positions have different dimensions {dims}; "
                         "give every unit the same number of coordinates")
    return out


def channel_raster(
    sd: SpikeData, bin_size: float = 1.0, channel_attr: str | None = None
) -> np.ndarray:
    """Spike counts per channel and bin: the unit raster summed over the units of each channel.

    Row ``k`` is the ``k``-th smallest channel that has a unit (``sorted(set(
    neuron_to_channel_map(sd).values()))``); units without a channel are left out. Bins
    are those of :func:`spikelab.spikedata.rates.raster`.

    Raises
    ------
    ValueError
        When no unit has a channel.

    Examples
    --------
    >>> sd = SpikeData([[1.0, 2.0], [3.0], [4.5]], length=10,
    ...                neuron_attributes=[{"channel": 3}, {"channel": 1}, {"channel": 3}])
    >>> channel_raster(sd, 2.0)
    array([[0, 1, 0, 0, 0],
           [2, 0, 1, 0, 0]])
    """
    mapping = neuron_to_channel_map(sd, channel_attr)
    if not mapping:
        raise ValueError(f"no unit has a channel; name the attribute with channel_attr= "
                         f"(recognised without it: {list(CHANNEL_KEYS)})")
    channels = np.array(sorted(set(mapping.values())))
    units = np.array(sorted(mapping))
    rows = np.searchsorted(channels, [mapping[u] for u in units])
    raster = sparse_raster(sd, bin_size)[units]
    # one sparse product sums each channel's units: (channels x units) @ (units x bins)
    assign = sparse.csr_matrix((np.ones(units.size, dtype=np.int64), (rows, np.arange(units.size))),
                               shape=(channels.size, units.size))
    return (assign @ raster).toarray()
