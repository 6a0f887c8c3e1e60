"""The analysis methods of :class:`~spikelab.SpikeData`: thin forwards to the topic modules.

Each method reaches its topic module late-bound (see :mod:`._topics`: imported on first use,
and not part of the class's code hash) and documents only what it returns; the numbers,
units and traps are documented on the function it calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._topics import topic

if TYPE_CHECKING:
    from scipy import sparse

    from .pairwise import PairwiseCompMatrix
    from .spikedata import SpikeData
    from .ratedata import RateData
    from .rateslicestack import RateSliceStack
    from .spikeslicestack import SpikeSliceStack

_alignment = topic(".alignment")
_bursts = topic(".bursts")
_intervals = topic(".intervals")
_latencies = topic(".latencies")
_coupling = topic(".population_coupling")
_gplvm = topic(".gplvm")
_rates = topic(".rates")
_resampling = topic(".resampling")
_sliding = topic(".sliding_rate")
_sorters = topic(".sorter_comparison")
_spike_comparisons = topic(".spike_comparisons")
_sttc = topic(".sttc")


class SpikeDataAnalyses:
    """Mixin of :class:`~spikelab.SpikeData`: every analysis of one recording."""

    def sparse_raster(self, bin_size: float = 1.0, time_offset: float = 0.0) -> sparse.csr_matrix:
        """Sparse (N, bins) spike counts; see :func:`spikelab.spikedata.rates.sparse_raster`."""
        return _rates.sparse_raster(self, bin_size, time_offset)

    def raster(self, bin_size: float = 1.0, time_offset: float = 0.0) -> np.ndarray:
        """Dense (N, bins) spike counts; see :func:`spikelab.spikedata.rates.raster`."""
        return _rates.raster(self, bin_size, time_offset)

    def binned(self, bin_size: float = 40.0) -> np.ndarray:
        """Population spike count per bin; see :func:`spikelab.spikedata.rates.binned`."""
        return _rates.binned(self, bin_size)

    def binned_meanrate(self, bin_size: float = 40, unit: str = "kHz") -> np.ndarray:
        """Mean rate per unit in each bin; see :func:`spikelab.spikedata.rates.binned_meanrate`."""
        return _rates.binned_meanrate(self, bin_size, unit)

    def sliding_rate(self, window_size: float, step_size: float | None = None, sampling_rate: float | None = None,
                     t_start: float | None = None, t_end: float | None = None, gauss_sigma: float = 0.0,
                     apply_square: bool = True) -> RateData:
        """Sliding-window rates (kHz) as a RateData; see :func:`spikelab.spikedata.sliding_rate.sliding_rate`."""
        return _sliding.sliding_rate(self, window_size, step_size, sampling_rate, t_start, t_end,
                                     gauss_sigma, apply_square)

    def interspike_intervals(self) -> list[np.ndarray]:
        """Each unit's intervals (ms); see :func:`spikelab.spikedata.intervals.interspike_intervals`."""
        return _intervals.interspike_intervals(self)

    def cv_isi(self) -> np.ndarray:
        """ISI coefficient of variation per unit; see :func:`spikelab.spikedata.intervals.cv_isi`."""
        return _intervals.cv_isi(self)

    def cv2_isi(self) -> np.ndarray:
        """Mean CV2 of consecutive intervals per unit; see :func:`spikelab.spikedata.intervals.cv2_isi`."""
        return _intervals.cv2_isi(self)

    def rates(self, unit: str = "kHz") -> np.ndarray:
        """Mean rate per unit ('kHz' or 'Hz'); see :func:`spikelab.spikedata.rates.rates`."""
        return _rates.rates(self, unit)

    def resampled_isi(self, times: np.ndarray, sigma_ms: float = 10.0) -> RateData:
        """Smoothed inverse-ISI rates (Hz) on ``times``; see :func:`spikelab.spikedata.rates.resampled_isi`."""
        return _rates.resampled_isi(self, times, sigma_ms)

    def get_pop_rate(self, square_width: float = 20, gauss_sigma: float = 100,
                     raster_bin_size_ms: float = 1.0) -> np.ndarray:
        """Smoothed population count; see :func:`spikelab.spikedata.rates.get_pop_rate`."""
        return _rates.get_pop_rate(self, square_width, gauss_sigma, raster_bin_size_ms)

    def align_to_events(self, events: np.ndarray | str, pre_ms: float, post_ms: float, *, kind: str = "spike",
                        bin_size_ms: float = 1.0, sigma_ms: float = 10) -> SpikeSliceStack | RateSliceStack:
        """Event-aligned SpikeSliceStack or RateSliceStack; see :func:`spikelab.spikedata.alignment.align_to_events`."""
        return _alignment.align_to_events(self, events, pre_ms, post_ms, kind=kind, bin_size_ms=bin_size_ms,
                                          sigma_ms=sigma_ms)

    def get_bursts(self, thr_burst: float, min_burst_diff: int, burst_edge_mult_thresh: float,
                   square_width: float = 20, gauss_sigma: float = 100, acc_square_width: float = 8,
                   acc_gauss_sigma: float = 8, raster_bin_size_ms: float = 1.0, peak_to_trough: bool = True,
                   pop_rate: np.ndarray | None = None, pop_rate_acc: np.ndarray | None = None,
                   pop_rms_override: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Network bursts ``(tburst ms, edges ms, peak_amp)``; see :func:`spikelab.spikedata.bursts.get_bursts`."""
        return _bursts.get_bursts(self, thr_burst, min_burst_diff, burst_edge_mult_thresh, square_width,
                                  gauss_sigma, acc_square_width, acc_gauss_sigma, raster_bin_size_ms,
                                  peak_to_trough, pop_rate, pop_rate_acc, pop_rms_override)

    def burst_sensitivity(self, thr_values: np.ndarray, dist_values: np.ndarray, burst_edge_mult_thresh: float,
                          square_width: float = 20, gauss_sigma: float = 100, acc_square_width: float = 8,
                          acc_gauss_sigma: float = 8, raster_bin_size_ms: float = 1.0,
                          peak_to_trough: bool = True, pop_rate: np.ndarray | None = None,
                          pop_rate_acc: np.ndarray | None = None,
                          pop_rms_override: float | None = None) -> np.ndarray:
        """Burst counts over a (threshold, distance) grid; see :func:`spikelab.spikedata.bursts.burst_sensitivity`."""
        return _bursts.burst_sensitivity(self, thr_values, dist_values, burst_edge_mult_thresh, square_width,
                                         gauss_sigma, acc_square_width, acc_gauss_sigma, raster_bin_size_ms,
                                         peak_to_trough, pop_rate, pop_rate_acc, pop_rms_override)

    def get_frac_active(self, edges: np.ndarray, MIN_SPIKES: int, backbone_threshold: float,
                        bin_size: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Burst participation per unit and per burst; see :func:`spikelab.spikedata.bursts.get_frac_active`."""
        return _bursts.get_frac_active(self, edges, MIN_SPIKES, backbone_threshold, bin_size)

    def get_frac_spikes_in_burst(self, edges: np.ndarray, bin_size: float = 1.0, *, per_spike: bool = False) -> np.ndarray:
        """Fraction of each unit's spikes in bursts; see :func:`spikelab.spikedata.bursts.get_frac_spikes_in_burst`."""
        return _bursts.get_frac_spikes_in_burst(self, edges, bin_size, per_spike=per_spike)

    def spike_time_tiling(self, i: int, j: int, delt: float = 20.0) -> float:
        """STTC of units i and j; see :func:`spikelab.spikedata.sttc.spike_time_tiling`."""
        return _sttc.spike_time_tiling(self, i, j, delt)

    def spike_time_tilings(self, delt: float = 20.0) -> PairwiseCompMatrix:
        """STTC matrix (PairwiseCompMatrix); see :func:`spikelab.spikedata.sttc.spike_time_tilings`."""
        return _sttc.spike_time_tilings(self, delt)

    def latencies(self, times: np.ndarray, window_ms: float = 100.0) -> np.ndarray:
        """Latency (ms) from each time to each unit's nearest spike, (N, Q); see :func:`spikelab.spikedata.latencies.latencies`."""
        return _latencies.latencies(self, times, window_ms)

    def latencies_to_index(self, i: int, window_ms: float = 100.0) -> np.ndarray:
        """:meth:`latencies` from every spike of unit ``i``; see :func:`spikelab.spikedata.latencies.latencies_to_index`."""
        return _latencies.latencies_to_index(self, i, window_ms)

    def get_pairwise_latencies(self, window_ms: float | None = None, return_distributions: bool = False):
        """(mean, std[, distributions]) of nearest-spike latencies per unit pair; see :func:`spikelab.spikedata.latencies.get_pairwise_latencies`."""
        return _latencies.get_pairwise_latencies(self, window_ms, return_distributions)

    def get_pairwise_ccg(self, bin_size: float = 1.0, max_lag: float = 350) -> tuple[PairwiseCompMatrix, PairwiseCompMatrix]:
        """(corr, lag in bins) of every unit pair's count raster; see :func:`spikelab.spikedata.spike_comparisons.get_pairwise_ccg`."""
        return _spike_comparisons.get_pairwise_ccg(self, bin_size, max_lag)

    def spike_shuffle(self, swap_per_spike: float = 5, seed: int | None = None, bin_size: float = 1) -> SpikeData:
        """Surrogate keeping unit and bin spike counts; see :func:`spikelab.spikedata.resampling.spike_shuffle`."""
        return _resampling.spike_shuffle(self, swap_per_spike, seed, bin_size)

    def spike_shuffle_stack(self, n_shuffles: int, seed: int | None = None, swap_per_spike: float = 5,
                            bin_size: float = 1) -> SpikeSliceStack:
        """``n_shuffles`` surrogates as a SpikeSliceStack; see :func:`spikelab.spikedata.resampling.spike_shuffle_stack`."""
        return _resampling.spike_shuffle_stack(self, n_shuffles, seed, swap_per_spike, bin_size)

    def compute_spike_trig_pop_rate(self, window_ms: float = 80, cutoff_hz: float = 20, fs: float | None = None,
                                    bin_size: float = 1, cut_outer: int = 10):
        """(curves, zero_lag, peak, delays ms, lags ms) of each unit's coupling to the population; see :func:`spikelab.spikedata.population_coupling.compute_spike_trig_pop_rate`."""
        return _coupling.compute_spike_trig_pop_rate(self, window_ms, cutoff_hz, fs, bin_size, cut_outer)

    def compare_sorter(self, other: SpikeData, comparison_type: str = "spike_times", delta_ms: float = 0.4,
                       f_rel_to_trough: tuple[int, int] = (20, 40), max_lag: int = 5) -> dict:
        """Agreement or footprint similarity with another sorting; see :func:`spikelab.spikedata.sorter_comparison.compare_sorter`."""
        return _sorters.compare_sorter(self, other, comparison_type, delta_ms, f_rel_to_trough, max_lag)

    @staticmethod
    def best_match_assignment(score_matrix: np.ndarray, minimize: bool = False) -> dict:
        """Hungarian one-to-one unit assignment; see :func:`spikelab.spikedata.sorter_comparison.best_match_assignment`."""
        return _sorters.best_match_assignment(score_matrix, minimize)

    def fit_gplvm(self, bin_size_ms: float = 50.0, **kwargs) -> dict:
        """Not available: raises ImportError saying why; see :mod:`spikelab.spikedata.gplvm`."""
        return _gplvm.fit_gplvm(self, bin_size_ms, **kwargs)
