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
        """Sparse (N, bins) spike counts; see :func:`spikelab.spikedata.rates.sparse_raster`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.sparse_raster(bin_size=5.0).toarray()
        array([[2, 1],
               [1, 2],
               [1, 0]])
        """
        return _rates.sparse_raster(self, bin_size, time_offset)

    def raster(self, bin_size: float = 1.0, time_offset: float = 0.0) -> np.ndarray:
        """Dense (N, bins) spike counts; see :func:`spikelab.spikedata.rates.raster`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.raster(bin_size=5.0)
        array([[2, 1],
               [1, 2],
               [1, 0]])
        """
        return _rates.raster(self, bin_size, time_offset)

    def binned(self, bin_size: float = 40.0) -> np.ndarray:
        """Population spike count per bin; see :func:`spikelab.spikedata.rates.binned`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.binned(bin_size=5.0)
        array([4, 3])
        """
        return _rates.binned(self, bin_size)

    def binned_meanrate(self, bin_size: float = 40, unit: str = "kHz") -> np.ndarray:
        """Mean rate per unit in each bin; see :func:`spikelab.spikedata.rates.binned_meanrate`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.binned_meanrate(bin_size=5.0, unit="Hz")
        array([266.66666667, 200.        ])
        """
        return _rates.binned_meanrate(self, bin_size, unit)

    def sliding_rate(
        self,
        window_size: float,
        step_size: float | None = None,
        sampling_rate: float | None = None,
        t_start: float | None = None,
        t_end: float | None = None,
        gauss_sigma: float = 0.0,
        apply_square: bool = True,
    ) -> RateData:
        """Sliding-window rates (kHz) as a RateData.

        See :func:`spikelab.spikedata.sliding_rate.sliding_rate`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> rd = sd.sliding_rate(window_size=4.0, step_size=2.0)
        >>> rd.times
        array([-1.,  1.,  3.,  5.,  7.,  9., 11., 13.])
        >>> rd.inst_Frate_data[0]
        array([0.  , 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.  ])
        """
        return _sliding.sliding_rate(self, window_size, step_size, sampling_rate, t_start, t_end,
                                     gauss_sigma, apply_square)

    def interspike_intervals(self) -> list[np.ndarray]:
        """Each unit's intervals (ms).

        See :func:`spikelab.spikedata.intervals.interspike_intervals`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.interspike_intervals()
        [array([4., 4.]), array([4. , 3.5]), array([], dtype=float64)]
        """
        return _intervals.interspike_intervals(self)

    def cv_isi(self) -> np.ndarray:
        """ISI coefficient of variation per unit; see :func:`spikelab.spikedata.intervals.cv_isi`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.cv_isi()
        array([0.        , 0.06666667,        nan])
        """
        return _intervals.cv_isi(self)

    def cv2_isi(self) -> np.ndarray:
        """Mean CV2 of consecutive intervals per unit.

        See :func:`spikelab.spikedata.intervals.cv2_isi`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.cv2_isi()
        array([0.        , 0.13333333,        nan])
        """
        return _intervals.cv2_isi(self)

    def rates(self, unit: str = "kHz") -> np.ndarray:
        """Mean rate per unit ('kHz' or 'Hz'); see :func:`spikelab.spikedata.rates.rates`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.rates(unit="Hz")
        array([300., 300., 100.])
        """
        return _rates.rates(self, unit)

    def resampled_isi(self, times: np.ndarray, sigma_ms: float = 10.0) -> RateData:
        """Smoothed inverse-ISI rates (Hz) on ``times``.

        See :func:`spikelab.spikedata.rates.resampled_isi`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> rd = sd.resampled_isi(np.arange(0.0, 10.0, 2.0), sigma_ms=0.0)
        >>> rd.inst_Frate_data
        array([[250.        , 250.        , 250.        , 250.        ,
                  0.        ],
               [  0.        , 250.        , 250.        , 285.71428571,
                285.71428571],
               [  0.        ,   0.        ,   0.        ,   0.        ,
                  0.        ]])
        """
        return _rates.resampled_isi(self, times, sigma_ms)

    def get_pop_rate(self, square_width: float = 20, gauss_sigma: float = 100,
                     raster_bin_size_ms: float = 1.0) -> np.ndarray:
        """Smoothed population count; see :func:`spikelab.spikedata.rates.get_pop_rate`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.get_pop_rate(square_width=2, gauss_sigma=0).round(2)
        array([0.5, 1. , 0.5, 0.5, 1. , 1. , 0.5, 0. , 0.5, 1. ])
        """
        return _rates.get_pop_rate(self, square_width, gauss_sigma, raster_bin_size_ms)

    def align_to_events(
        self,
        events: np.ndarray | str,
        pre_ms: float,
        post_ms: float,
        *,
        kind: str = "spike",
        bin_size_ms: float = 1.0,
        sigma_ms: float = 10,
    ) -> SpikeSliceStack | RateSliceStack:
        """Event-aligned SpikeSliceStack or RateSliceStack.

        See :func:`spikelab.spikedata.alignment.align_to_events`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> stack = sd.align_to_events([3.0, 7.0], pre_ms=2.0, post_ms=2.0)
        >>> stack.times
        [(1.0, 5.0), (5.0, 9.0)]
        >>> stack.spike_stack[0].train
        [array([-2.]), array([-1.]), array([1.])]
        """
        return _alignment.align_to_events(
            self, events, pre_ms, post_ms, kind=kind, bin_size_ms=bin_size_ms, sigma_ms=sigma_ms
        )

    def get_bursts(
        self,
        thr_burst: float,
        min_burst_diff: int,
        burst_edge_mult_thresh: float,
        square_width: float = 20,
        gauss_sigma: float = 100,
        acc_square_width: float = 8,
        acc_gauss_sigma: float = 8,
        raster_bin_size_ms: float = 1.0,
        peak_to_trough: bool = True,
        pop_rate: np.ndarray | None = None,
        pop_rate_acc: np.ndarray | None = None,
        pop_rms_override: float | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Network bursts ``(tburst ms, edges ms, peak_amp)``.

        See :func:`spikelab.spikedata.bursts.get_bursts`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData
        >>> rng = np.random.default_rng(0)
        >>> trains = [np.r_[rng.uniform(0, 2000, 5), rng.normal(500, 5, 20),
        ...                 rng.normal(1500, 5, 20)] for _ in range(10)]
        >>> sd = SpikeData(trains, length=2000.0)
        >>> tburst, edges, peak = sd.get_bursts(thr_burst=2, min_burst_diff=200,
        ...                                   burst_edge_mult_thresh=0.3)
        >>> tburst.round(-1)  # the two bursts at 500 and 1500 ms
        array([ 500., 1500.])
        """
        return _bursts.get_bursts(
            self,
            thr_burst,
            min_burst_diff,
            burst_edge_mult_thresh,
            square_width,
            gauss_sigma,
            acc_square_width,
            acc_gauss_sigma,
            raster_bin_size_ms,
            peak_to_trough,
            pop_rate,
            pop_rate_acc,
            pop_rms_override,
        )

    def burst_sensitivity(
        self,
        thr_values: np.ndarray,
        dist_values: np.ndarray,
        burst_edge_mult_thresh: float,
        square_width: float = 20,
        gauss_sigma: float = 100,
        acc_square_width: float = 8,
        acc_gauss_sigma: float = 8,
        raster_bin_size_ms: float = 1.0,
        peak_to_trough: bool = True,
        pop_rate: np.ndarray | None = None,
        pop_rate_acc: np.ndarray | None = None,
        pop_rms_override: float | None = None,
    ) -> np.ndarray:
        """Burst counts over a (threshold, distance) grid.

        See :func:`spikelab.spikedata.bursts.burst_sensitivity`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData
        >>> rng = np.random.default_rng(0)
        >>> trains = [np.r_[rng.uniform(0, 2000, 5), rng.normal(500, 5, 20),
        ...                 rng.normal(1500, 5, 20)] for _ in range(10)]
        >>> sd = SpikeData(trains, length=2000.0)
        >>> sd.burst_sensitivity(np.array([2.0, 50.0]), np.array([200]), burst_edge_mult_thresh=0.3)
        array([[2],
               [0]])
        """
        return _bursts.burst_sensitivity(
            self,
            thr_values,
            dist_values,
            burst_edge_mult_thresh,
            square_width,
            gauss_sigma,
            acc_square_width,
            acc_gauss_sigma,
            raster_bin_size_ms,
            peak_to_trough,
            pop_rate,
            pop_rate_acc,
            pop_rms_override,
        )

    def get_frac_active(self, edges: np.ndarray, MIN_SPIKES: int, backbone_threshold: float,
                        bin_size: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Burst participation per unit and per burst.

        See :func:`spikelab.spikedata.bursts.get_frac_active`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData
        >>> rng = np.random.default_rng(0)
        >>> trains = [np.r_[rng.uniform(0, 2000, 5), rng.normal(500, 5, 20),
        ...                 rng.normal(1500, 5, 20)] for _ in range(10)]
        >>> sd = SpikeData(trains, length=2000.0)
        >>> edges = np.array([[450.0, 550.0], [1450.0, 1550.0]])
        >>> per_unit, per_burst, backbone = sd.get_frac_active(edges, MIN_SPIKES=2,
        ...                                                backbone_threshold=0.9)
        >>> per_unit.tolist(), per_burst.tolist()
        ([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0])
        """
        return _bursts.get_frac_active(self, edges, MIN_SPIKES, backbone_threshold, bin_size)

    def get_frac_spikes_in_burst(
        self, edges: np.ndarray, bin_size: float = 1.0, *, per_spike: bool = False
    ) -> np.ndarray:
        """Fraction of each unit's spikes in bursts.

        See :func:`spikelab.spikedata.bursts.get_frac_spikes_in_burst`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData
        >>> rng = np.random.default_rng(0)
        >>> trains = [np.r_[rng.uniform(0, 2000, 5), rng.normal(500, 5, 20),
        ...                 rng.normal(1500, 5, 20)] for _ in range(10)]
        >>> sd = SpikeData(trains, length=2000.0)
        >>> edges = np.array([[450.0, 550.0], [1450.0, 1550.0]])
        >>> sd.get_frac_spikes_in_burst(edges).round(2)
        array([0.58, 0.6 , 0.56, 0.56, 0.58, 0.62, 0.6 , 0.51, 0.56, 0.53])
        """
        return _bursts.get_frac_spikes_in_burst(self, edges, bin_size, per_spike=per_spike)

    def spike_time_tiling(self, i: int, j: int, delt: float = 20.0) -> float:
        """STTC of units i and j; see :func:`spikelab.spikedata.sttc.spike_time_tiling`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.spike_time_tiling(0, 1, delt=1.0)
        1.0
        """
        return _sttc.spike_time_tiling(self, i, j, delt)

    def spike_time_tilings(self, delt: float = 20.0) -> PairwiseCompMatrix:
        """STTC matrix (PairwiseCompMatrix); see :func:`spikelab.spikedata.sttc.spike_time_tilings`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.spike_time_tilings(delt=1.0).matrix.round(3)
        array([[ 1.   ,  1.   ,  0.571],
               [ 1.   ,  1.   , -0.375],
               [ 0.571, -0.375,  1.   ]])
        """
        return _sttc.spike_time_tilings(self, delt)

    def latencies(self, times: np.ndarray, window_ms: float = 100.0) -> np.ndarray:
        """Latency (ms) from each time to each unit's nearest spike, (N, Q).

        See :func:`spikelab.spikedata.latencies.latencies`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.latencies([4.5], window_ms=3.0)
        array([[ 0.5],
               [ 1.5],
               [-0.5]])
        """
        return _latencies.latencies(self, times, window_ms)

    def latencies_to_index(self, i: int, window_ms: float = 100.0) -> np.ndarray:
        """:meth:`latencies` from every spike of unit ``i``.

        See :func:`spikelab.spikedata.latencies.latencies_to_index`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> sd.latencies_to_index(2, window_ms=3.0)
        array([[ 1.],
               [-2.],
               [ 0.]])
        """
        return _latencies.latencies_to_index(self, i, window_ms)

    def get_pairwise_latencies(
        self, window_ms: float | None = None, return_distributions: bool = False
    ):
        """(mean, std[, distributions]) of nearest-spike latencies per unit pair.

        See :func:`spikelab.spikedata.latencies.get_pairwise_latencies`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> mean, std = sd.get_pairwise_latencies(window_ms=3.0)
        >>> mean.matrix
        array([[ 0.        ,  0.83333333,  1.        ],
               [-0.83333333,  0.        ,  0.        ],
               [ 1.        ,  2.        ,  0.        ]])
        """
        return _latencies.get_pairwise_latencies(self, window_ms, return_distributions)

    def get_pairwise_ccg(
        self, bin_size: float = 1.0, max_lag: float = 350
    ) -> tuple[PairwiseCompMatrix, PairwiseCompMatrix]:
        """(corr, lag in bins) of every unit pair's count raster.

        See :func:`spikelab.spikedata.spike_comparisons.get_pairwise_ccg`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> corr, lag = sd.get_pairwise_ccg(bin_size=1.0, max_lag=2)
        >>> corr.matrix.round(3)
        array([[1.   , 1.   , 0.577],
               [1.   , 1.   , 0.577],
               [0.577, 0.577, 1.   ]])
        >>> lag.matrix
        array([[ 0., -1.,  1.],
               [ 1.,  0., -2.],
               [-1.,  2.,  0.]])
        """
        return _spike_comparisons.get_pairwise_ccg(self, bin_size, max_lag)

    def spike_shuffle(
        self, swap_per_spike: float = 5, seed: int | None = None, bin_size: float = 1
    ) -> SpikeData:
        """Surrogate keeping unit and bin spike counts.

        See :func:`spikelab.spikedata.resampling.spike_shuffle`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> shuffled = sd.spike_shuffle(seed=0)
        >>> [t.size for t in shuffled.train]
        [3, 3, 1]
        """
        return _resampling.spike_shuffle(self, swap_per_spike, seed, bin_size)

    def spike_shuffle_stack(
        self,
        n_shuffles: int,
        seed: int | None = None,
        swap_per_spike: float = 5,
        bin_size: float = 1,
    ) -> SpikeSliceStack:
        """``n_shuffles`` surrogates as a SpikeSliceStack.

        See :func:`spikelab.spikedata.resampling.spike_shuffle_stack`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> sd = SpikeData([[1.0, 5.0, 9.0], [2.0, 6.0, 9.5], [4.0]], length=10.0)
        >>> stack = sd.spike_shuffle_stack(3, seed=0)
        >>> len(stack.spike_stack), stack.spike_stack[0].N
        (3, 3)
        """
        return _resampling.spike_shuffle_stack(self, n_shuffles, seed, swap_per_spike, bin_size)

    def compute_spike_trig_pop_rate(
        self,
        window_ms: float = 80,
        cutoff_hz: float = 20,
        fs: float | None = None,
        bin_size: float = 1,
        cut_outer: int = 10,
    ):
        """(curves, zero_lag, peak, delays ms, lags ms) of each unit's coupling to the population.

        See :func:`spikelab.spikedata.population_coupling.compute_spike_trig_pop_rate`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData
        >>> rng = np.random.default_rng(0)
        >>> sd = SpikeData([rng.uniform(0, 2000, 40) for _ in range(4)], length=2000.0)
        >>> out = sd.compute_spike_trig_pop_rate(window_ms=10, cut_outer=2)
        >>> curves, lags = out[0], out[4]
        >>> curves.shape, lags[[0, -1]]
        ((4, 21), array([-10.,  10.]))
        """
        return _coupling.compute_spike_trig_pop_rate(
            self, window_ms, cutoff_hz, fs, bin_size, cut_outer
        )

    def compare_sorter(
        self,
        other: SpikeData,
        comparison_type: str = "spike_times",
        delta_ms: float = 0.4,
        f_rel_to_trough: tuple[int, int] = (20, 40),
        max_lag: int = 5,
    ) -> dict:
        """Agreement or footprint similarity with another sorting.

        See :func:`spikelab.spikedata.sorter_comparison.compare_sorter`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> a = SpikeData([[1.0, 2.0, 3.0, 10.0], [5.0, 6.0]], length=20.0)
        >>> b = SpikeData([[1.1, 2.5, 10.2], [5.3, 6.0, 7.0]], length=20.0)
        >>> a.compare_sorter(b)["agreement"].round(3)
        array([[0.4  , 0.   ],
               [0.   , 0.667]])
        """
        return _sorters.compare_sorter(
            self, other, comparison_type, delta_ms, f_rel_to_trough, max_lag
        )

    @staticmethod
    def best_match_assignment(score_matrix: np.ndarray, minimize: bool = False) -> dict:
        """Hungarian one-to-one unit assignment.

        See :func:`spikelab.spikedata.sorter_comparison.best_match_assignment`.

        Examples
        --------
        >>> import numpy as np
        >>> from spikelab import SpikeData
        >>> match = SpikeData.best_match_assignment(np.array([[0.1, 0.9], [0.8, 0.2]]))
        >>> match["row_indices"], match["col_indices"], match["scores"]
        (array([0, 1]), array([1, 0]), array([0.9, 0.8]))
        """
        return _sorters.best_match_assignment(score_matrix, minimize)

    def fit_gplvm(self, bin_size_ms: float = 50.0, **kwargs) -> dict:
        """Not available: raises ImportError saying why; see :mod:`spikelab.spikedata.gplvm`.

        Examples
        --------
        >>> from spikelab import SpikeData
        >>> SpikeData([[1.0, 2.0]], length=5.0).fit_gplvm()
        Traceback (most recent call last):
        ...
        ImportError: fit_gplvm is not available in spikelab: ...
        """
        return _gplvm.fit_gplvm(self, bin_size_ms, **kwargs)
