"""Figures of one recording: spike raster with bursts, burst-aligned population rate, STTC."""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..spikedata import PairwiseCompMatrix, RateSliceStack, SpikeData
from ._axes import new_axes, show_empty

__all__ = ["plot_raster", "plot_aligned_rate", "plot_sttc"]

_BURST_SHADE = "tab:orange"
_STTC_CMAP = colormaps["RdBu_r"].with_extremes(bad="0.75")  # NaN = undefined pair


def plot_raster(sd: SpikeData, burst_edges: np.ndarray | None = None, *,
                ax: Axes | None = None, title: str | None = None) -> Figure:
    """Spike raster (one row per unit, time in s) with network bursts shaded.

    Parameters
    ----------
    sd : SpikeData
        The recording (spike times in ms).
    burst_edges : ndarray, shape (B, 2), optional
        Start and end (ms) of each burst, as ``SpikeData.get_bursts`` returns them; each is
        shaded from start to end. ``None`` draws no bursts.
    ax : Axes, optional
        Where to draw; a new figure when omitted.
    title : str, optional

    Returns
    -------
    Figure
    """
    ax = new_axes(ax, (10.0, 4.5))
    t0, t1 = sd.start_time / 1000.0, (sd.start_time + sd.length) / 1000.0
    n_spikes = sum(t.size for t in sd.train)
    if n_spikes == 0:
        show_empty(ax, f"no spikes in this recording ({sd.N} units)")
    else:
        # eventplot draws one LineCollection per unit: far cheaper than a marker per spike.
        ax.eventplot([t / 1000.0 for t in sd.train], lineoffsets=np.arange(sd.N),
                     linelengths=0.8, linewidths=0.4, colors="0.15")
        ax.set_ylim(-0.5, sd.N - 0.5)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # units are whole numbers
    if burst_edges is not None:
        _shade_bursts(ax, np.asarray(burst_edges, dtype=np.float64).reshape(-1, 2))
    if t1 > t0:
        ax.set_xlim(t0, t1)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("unit")
    # Title on the left, burst legend on the right above the axes: neither hides spikes.
    ax.set_title(title or f"Spike raster: {sd.N} units, {n_spikes} spikes", loc="left")
    return ax.figure


def _shade_bursts(ax: Axes, edges_ms: np.ndarray) -> None:
    if edges_ms.shape[0] == 0:
        ax.text(1.0, 1.01, "no bursts detected", transform=ax.transAxes, ha="right",
                va="bottom", color="0.3", fontsize="small")
        return
    # One vspan per burst spans the full height whatever the y limits end up being. Drawn
    # over the spikes (translucent): behind a dense raster, short bursts would not show.
    for i, (start, end) in enumerate(edges_ms / 1000.0):
        ax.axvspan(start, end, color=_BURST_SHADE, alpha=0.35, lw=0, zorder=3,
                   label=f"burst (edge to edge, n = {edges_ms.shape[0]})" if i == 0 else None)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), borderaxespad=0.1,
              fontsize="small", frameon=False)


def plot_aligned_rate(rss: RateSliceStack, pre_ms: float, *, ax: Axes | None = None,
                      color: str | tuple | None = None, title: str | None = None) -> Figure:
    """Burst-aligned population rate: each burst as a thin line, their mean as a thick one.

    The population rate of a burst is the mean over units of the burst's rate slice, so the
    y axis is the mean firing rate of a unit (Hz).

    Parameters
    ----------
    rss : RateSliceStack
        Rates (Hz) of shape ``(U, T, S)``, one slice per burst, windows of
        ``pre_ms + post_ms`` starting ``pre_ms`` before each burst peak.
    pre_ms : float
        Window length before the peak (ms): sample ``k`` is at ``k * step_size - pre_ms`` ms
        from the peak.
    ax : Axes, optional
    color : matplotlib colour, optional
        Colour of the mean (e.g. the condition's colour); thin lines are grey.
    title : str, optional

    Returns
    -------
    Figure
    """
    ax = new_axes(ax, (7.0, 4.5))
    n_units, n_samples, n_slices = rss.event_stack.shape
    lag_ms = np.arange(n_samples) * rss.step_size - float(pre_ms)
    ax.set_xlabel("time from burst peak (ms)")
    ax.set_ylabel("population rate (Hz, mean over units)")
    ax.set_title(title or f"Burst-aligned population rate ({n_units} units)")
    if n_units == 0 or n_slices == 0 or n_samples == 0:
        show_empty(ax, "no burst fits a whole window" if n_units else "no units")
        return ax.figure
    population = rss.event_stack.mean(axis=0)  # (T, S): one trace per burst
    ax.plot(lag_ms, population, color="0.55", lw=0.6, alpha=0.5)
    ax.plot(lag_ms, population.mean(axis=1), color=color or "tab:blue", lw=2.5,
            label=f"mean of {n_slices} bursts")
    ax.plot([], [], color="0.55", lw=0.6, label="single bursts")  # legend entry only
    ax.axvline(0.0, color="black", ls="--", lw=0.8, label="burst peak")
    ax.set_xlim(lag_ms[0], lag_ms[-1])
    ax.legend(loc="upper right", fontsize="small")
    return ax.figure


def plot_sttc(sttc: PairwiseCompMatrix | np.ndarray, *, ax: Axes | None = None,
              title: str | None = None) -> Figure:
    """Heatmap of an STTC matrix on the fixed scale [-1, 1]; undefined pairs in grey.

    Parameters
    ----------
    sttc : PairwiseCompMatrix or ndarray, shape (U, U)
        STTC of every unit pair; the coincidence window is read from
        ``metadata["delt"]`` (ms) when present and shown on the colour bar.
    ax : Axes, optional
    title : str, optional

    Returns
    -------
    Figure
    """
    matrix = sttc.matrix if isinstance(sttc, PairwiseCompMatrix) else np.asarray(sttc, float)
    delt = sttc.metadata.get("delt") if isinstance(sttc, PairwiseCompMatrix) else None
    ax = new_axes(ax, (6.0, 5.0))
    n = matrix.shape[0]
    ax.set_title(title or f"STTC matrix ({n} units)")
    ax.set_xlabel("unit")
    ax.set_ylabel("unit")
    if n == 0 or not np.isfinite(matrix).any():
        show_empty(ax, "no units" if n == 0 else "STTC undefined for every pair")
        return ax.figure
    # A diverging map centred on 0: STTC < 0 (anti-coincident) must look unlike STTC > 0.
    image = ax.imshow(matrix, cmap=_STTC_CMAP, vmin=-1.0, vmax=1.0, interpolation="nearest")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(MaxNLocator(integer=True))  # unit indices
    label = "STTC" if delt is None else f"STTC (Δt = {float(delt):g} ms)"
    ax.figure.colorbar(image, ax=ax, label=label + ", grey: undefined")
    return ax.figure
