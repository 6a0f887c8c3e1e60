"""Surrogate recordings: spike shuffles that keep every unit's and every bin's spike count
(Okun et al. 2012), and random subsets of units.

Shuffles use degree-preserving double-edge swaps on the binary (unit x bin) raster: two
spikes ``(u1, t1)``, ``(u2, t2)`` of different units in different bins move to ``(u1, t2)``
and ``(u2, t1)`` when both are free.  Each unit's rate and each bin's population count are
kept; which units fire together is randomised.  The swaps run on the list of spikes with a
one-bit-per-cell occupancy map, never on a dense raster.

Reference: M. Okun et al., "Population rate dynamics and multineuron firing patterns in
sensory cortex", J. Neurosci. 32(48):17108-17119, 2012.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..errors import AnalysisError
from ._binning import bin_indices, check_bin_size, n_bins
from ._shuffle_kernels import occupancy, swap_batch
from .spikedata import SpikeData
from .spikeslicestack import SpikeSliceStack

__all__ = ["randomize", "spike_shuffle", "spike_shuffle_stack", "subset_stack"]

_BATCH = 1 << 20  # proposals drawn per call of the compiled loop (16 MB of indices)
_ATTEMPTS_PER_SWAP = 10  # give up (with a warning) after this many proposals per wanted swap


def _swap_count(n_spikes: int, swap_per_spike: float) -> int:
    per = float(swap_per_spike)
    if not (math.isfinite(per) and per >= 0):
        raise AnalysisError(f"swap_per_spike must be >= 0, got {swap_per_spike}")
    return int(round(n_spikes * per))


def _shuffle_cells(rows: np.ndarray, cols: np.ndarray, n_cols: int, swaps: int,
                   rng: np.random.Generator) -> np.ndarray:
    """New columns of the cells after ``swaps`` successful double-edge swaps (rows unchanged)."""
    cols = cols.astype(np.int64).copy()
    if swaps == 0 or rows.size < 2:
        if swaps:
            warnings.warn(f"no swap is possible with {rows.size} spike(s); the raster is unchanged",
                          RuntimeWarning, stacklevel=3)
        return cols
    rows = rows.astype(np.int64)
    bits = occupancy(rows, cols, n_cols)
    done = tried = 0
    budget = _ATTEMPTS_PER_SWAP * swaps + 100
    while done < swaps and tried < budget:
        picks = rng.integers(0, rows.size, size=(min(_BATCH, budget - tried), 2))
        got, used = swap_batch(rows, cols, n_cols, bits, picks, swaps - done)
        done += got
        tried += used
    if done < swaps:
        warnings.warn(f"only {done} of the {swaps} swaps wanted succeeded in {tried} attempts "
                      "(too few free cells: dense or tiny raster)", RuntimeWarning, stacklevel=3)
    return cols


def randomize(
    raster: np.ndarray, swap_per_spike: float = 5, seed: int | np.random.SeedSequence | None = None
) -> np.ndarray:
    """Shuffle a binary raster by double-edge swaps, keeping every row and column sum.

    Parameters
    ----------
    raster : array-like, 2-D
        0/1 values, (units, bins) or (bins, units) alike.
    swap_per_spike : float
        Successful swaps wanted per spike (each swap moves two spikes).
    seed : int, numpy.random.SeedSequence or None
        For a reproducible shuffle.

    Returns
    -------
    ndarray
        Same shape and dtype, same row and column sums.  A RuntimeWarning tells when fewer
        swaps than wanted were possible.

    Examples
    --------
    >>> r = np.array([[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0]])
    >>> s = randomize(r, seed=0)
    >>> (s.sum(axis=0) == r.sum(axis=0)).all(), (s.sum(axis=1) == r.sum(axis=1)).all()
    (np.True_, np.True_)
    """
    ar = np.asarray(raster)
    if ar.ndim != 2:
        raise AnalysisError(f"randomize needs a 2-D raster, got shape {ar.shape}")
    values = np.unique(ar)
    if not np.isin(values, [0, 1]).all():
        raise AnalysisError(
            f"randomize needs a binary (0/1) raster; found values {values[:5].tolist()}"
        )
    rows, cols = np.nonzero(ar)
    swaps = _swap_count(rows.size, swap_per_spike)
    new_cols = _shuffle_cells(rows, cols, ar.shape[1], swaps, np.random.default_rng(seed))
    out = np.zeros_like(ar)
    out[rows, new_cols] = 1
    return out


def spike_shuffle(
    sd: SpikeData,
    swap_per_spike: float = 5,
    seed: int | np.random.SeedSequence | None = None,
    bin_size: float = 1,
) -> SpikeData:
    """A surrogate of ``sd`` with each unit's and each bin's spike count kept (see the module).

    Spikes are binned as :func:`spikelab.spikedata.rates.raster` does (``bin_size`` ms);
    several spikes of a unit in one bin count once (RuntimeWarning).  Each shuffled spike
    sits at the centre of its bin (of the part inside the recording, for a last partial
    bin).  Length, start time, neuron attributes and metadata are kept; raw data are not
    (they no longer match the spikes).

    Examples
    --------
    >>> sd = SpikeData([[1.5, 8.5], [3.5], [5.5, 6.5]], length=10)
    >>> out = spike_shuffle(sd, seed=1)
    >>> [t.size for t in out.train], np.sort(np.concatenate(out.train)).tolist()
    ([2, 1, 2], [1.5, 3.5, 5.5, 6.5, 8.5])
    """
    b = check_bin_size(bin_size)
    nb = n_bins(sd.length, b)
    units, times = sd.idces_times()
    cells = np.unique(
        units.astype(np.int64) * max(nb, 1) + bin_indices(times, sd.start_time, b, nb)
    )
    if cells.size < times.size:
        warnings.warn(
            f"{times.size - cells.size} spike(s) share a {b} ms bin with another spike of their "
            "unit "
            "and are dropped: the shuffle works on the binary raster",
            RuntimeWarning,
            stacklevel=2,
        )
    rows, cols = np.divmod(cells, max(nb, 1))
    swaps = _swap_count(cells.size, swap_per_spike)
    cols = _shuffle_cells(rows, cols, nb, swaps, np.random.default_rng(seed))
    lo = sd.start_time + cols * b
    centres = (lo + np.minimum(lo + b, sd.start_time + sd.length)) / 2
    order = np.lexsort((centres, rows))
    bounds = np.searchsorted(rows[order], np.arange(sd.N + 1))
    trains = [centres[order][bounds[u]:bounds[u + 1]] for u in range(sd.N)]
    return SpikeData(trains, length=sd.length, start_time=sd.start_time,
                     neuron_attributes=sd.neuron_attributes, metadata=sd.metadata)


def _same_window_stack(
    sd: SpikeData, slices: list[SpikeData], *, per_slice_attributes: bool
) -> SpikeSliceStack:
    """Slices that all span the recording; the stack holds ``sd``'s neuron attributes, or
    (``per_slice_attributes``) none while each slice keeps its own."""
    window = (sd.start_time, sd.start_time + sd.length)
    return SpikeSliceStack(spike_stack=slices, times_start_to_end=[window] * len(slices),
                           neuron_attributes=None if per_slice_attributes else sd.neuron_attributes,
                           drop_slice_attributes=not per_slice_attributes)


def _check_count(n: int, what: str) -> int:
    if isinstance(n, bool) or not float(n).is_integer() or n < 1:
        raise AnalysisError(f"{what} must be a whole number >= 1, got {n}")
    return int(n)


def spike_shuffle_stack(
    sd: SpikeData,
    n_shuffles: int,
    seed: int | None = None,
    swap_per_spike: float = 5,
    bin_size: float = 1,
) -> SpikeSliceStack:
    """``n_shuffles`` independent :func:`spike_shuffle` surrogates as a SpikeSliceStack.

    With a ``seed``, surrogate ``k`` uses the ``k``-th child of
    ``np.random.SeedSequence(seed).spawn(n_shuffles)``: reproducible and independent.
    Every slice spans the recording's window; the stack keeps the neuron attributes.

    Examples
    --------
    >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
    >>> stack = spike_shuffle_stack(sd, 3, seed=0)
    >>> [[t.size for t in s.train] for s in stack.spike_stack]
    [[3, 3, 1], [3, 3, 1], [3, 3, 1]]
    """
    n = _check_count(n_shuffles, "n_shuffles")
    seeds = np.random.SeedSequence(seed).spawn(n) if seed is not None else [None] * n
    with warnings.catch_warnings():
        warnings.simplefilter("once", RuntimeWarning)  # one binarisation warning, not n
        slices = [spike_shuffle(sd, swap_per_spike, s, bin_size) for s in seeds]
    return _same_window_stack(sd, slices, per_slice_attributes=False)


def subset_stack(
    sd: SpikeData, n_subsets: int, units_per_subset: int, seed: int | None = None
) -> SpikeSliceStack:
    """``n_subsets`` random sets of ``units_per_subset`` units as a SpikeSliceStack.

    Each set is drawn without replacement (``np.random.default_rng(seed).choice``), sets
    independently of each other, and kept in recording order.  Each slice carries its own
    units' attributes; the stack has none (its slices hold different units).

    Examples
    --------
    >>> sd = SpikeData([[1.0], [2.0], [3.0], [4.0]], length=5)
    >>> [[float(t[0]) for t in s.train] for s in subset_stack(sd, 3, 2, seed=0).spike_stack]
    [[3.0, 4.0], [1.0, 2.0], [1.0, 4.0]]
    """
    n = _check_count(n_subsets, "n_subsets")
    k = _check_count(units_per_subset, "units_per_subset")
    if k > sd.N:
        raise AnalysisError(f"units_per_subset ({k}) exceeds the number of units ({sd.N})")
    rng = np.random.default_rng(seed)
    slices = [sd.subset(rng.choice(sd.N, k, replace=False)) for _ in range(n)]
    return _same_window_stack(sd, slices, per_slice_attributes=True)
