"""`RateData`: firing rates of U units sampled on a common time axis (ms)."""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np

from .pairwise import PairwiseCompMatrix

__all__ = ["RateData"]


class RateData:
    """Instantaneous firing rates, one row per unit.

    Parameters
    ----------
    inst_Frate_data : array-like, shape (U, T)
        Rates (Hz unless ``rate_unit`` says otherwise), one row per unit.
    times : array-like, shape (T,)
        Sample times in ms.
    neuron_attributes : list of dict, optional
        One dict per unit.
    rate_unit : str, optional
        Unit of the rates, e.g. ``"Hz"``; kept through save/load.
    """

    def __init__(
        self,
        inst_Frate_data: np.ndarray,
        times: np.ndarray,
        neuron_attributes: Sequence[dict] | None = None,
        rate_unit: str | None = None,
    ) -> None:
        data = np.array(inst_Frate_data, dtype=np.float64)
        if data.ndim == 1:
            data = data[None, :]
        times = np.array(times, dtype=np.float64).ravel()
        if data.ndim != 2:
            raise ValueError(f"inst_Frate_data must be 2-D (units x time), got {data.shape}")
        if data.shape[1] != times.shape[0]:
            raise ValueError(
                f"inst_Frate_data has {data.shape[1]} time points but times has {times.shape[0]}"
            )
        if neuron_attributes is not None:
            neuron_attributes = [dict(a) for a in neuron_attributes]
            if len(neuron_attributes) != data.shape[0]:
                raise ValueError(
                    f"neuron_attributes has {len(neuron_attributes)} entries but there are "
                    f"{data.shape[0]} units"
                )
        self.inst_Frate_data: np.ndarray = data
        self.times: np.ndarray = times
        self.neuron_attributes: list[dict] | None = neuron_attributes
        self.rate_unit: str | None = rate_unit

    @property
    def N(self) -> int:
        """Number of units."""
        return self.inst_Frate_data.shape[0]

    def subset(self, units: Sequence[int]) -> RateData:
        """Keep only the given unit indices, in that order."""
        idx = [int(u) for u in units]
        attrs = None
        if self.neuron_attributes is not None:
            attrs = [copy.deepcopy(self.neuron_attributes[i]) for i in idx]
        return RateData(self.inst_Frate_data[idx], self.times, attrs, self.rate_unit)

    def subtime(self, start: float, end: float) -> RateData:
        """Samples with ``start <= t < end`` (ms), times unchanged."""
        keep = (self.times >= start) & (self.times < end)
        return RateData(
            self.inst_Frate_data[:, keep],
            self.times[keep],
            copy.deepcopy(self.neuron_attributes),
            self.rate_unit,
        )

    def get_pairwise_fr_corr(
        self, max_lag: int | None = 10, *, centered: bool = False
    ) -> tuple[PairwiseCompMatrix, PairwiseCompMatrix]:
        """(corr, lag) PairwiseCompMatrix of all unit pairs; see :func:`spikelab.spikedata.rate_correlations.get_pairwise_fr_corr`."""
        from .rate_correlations import get_pairwise_fr_corr
        return get_pairwise_fr_corr(self, max_lag, centered=centered)

    def __repr__(self) -> str:
        return f"RateData(shape={self.inst_Frate_data.shape}, rate_unit={self.rate_unit!r})"
