"""Calls of the slice-stack, RateData and pairwise-matrix API, run by us *and* by spikelab 0.1.2.

Run as ``python compat_cases.py INPUTS.npz OUT.npz`` with either package installed: every
case's result is flattened to named float arrays (or the name of the built-in exception it
raised) and saved, and ``test_compat_stacks.py`` compares the two files. Only the public API
both versions share is used here, through the module paths both have.
"""

from __future__ import annotations

import json
import sys
import warnings

import numpy as np
from spikelab.spikedata.pairwise import PairwiseCompMatrix, PairwiseCompMatrixStack
from spikelab.spikedata.ratedata import RateData
from spikelab.spikedata.rateslicestack import RateSliceStack
from spikelab.spikedata.spikedata import SpikeData
from spikelab.spikedata.spikeslicestack import SpikeSliceStack


def flatten(obj, name, out):
    """Numbers of ``obj`` as float arrays under ``name/...``."""
    if obj is None:
        out[name + "#none"] = np.zeros(0)
    elif isinstance(obj, dict):
        for key, value in obj.items():
            flatten(value, f"{name}/{key}", out)
    elif isinstance(obj, (tuple, list)) and not (
        obj and isinstance(obj[0], (int, float, np.number, str))
    ):
        for i, value in enumerate(obj):
            flatten(value, f"{name}/{i}", out)
    elif isinstance(obj, PairwiseCompMatrix):
        flatten(obj.matrix, name + "/matrix", out)
    elif isinstance(obj, PairwiseCompMatrixStack):
        flatten(obj.stack, name + "/stack", out)
        flatten(obj.times, name + "/times", out)
    elif isinstance(obj, RateSliceStack):
        flatten(obj.event_stack, name + "/event_stack", out)
        flatten(obj.times, name + "/times", out)
        out[name + "/step_size"] = np.array([obj.step_size])
    elif isinstance(obj, RateData):
        flatten(obj.inst_Frate_data, name + "/rates", out)
        flatten(obj.times, name + "/t", out)
    elif isinstance(obj, SpikeSliceStack):
        out[name + "/N"] = np.array([obj.N])
        flatten(obj.times, name + "/times", out)
        for s, sd in enumerate(obj.spike_stack):
            for u, train in enumerate(sd.train):
                out[f"{name}/slice{s}/unit{u}"] = np.asarray(train, dtype=np.float64)
    else:
        arr = np.asarray(obj)
        if arr.dtype.kind == "O":  # e.g. 0.1.2's times of a sliced stack: object arrays
            try:
                arr = arr.astype(np.float64)
            except (TypeError, ValueError):
                pass
        if arr.dtype.kind in "biuf":
            out[name] = arr.astype(np.float64)
        else:
            out[name + "#str"] = np.array([json.dumps([str(v) for v in arr.ravel()])])


def cases(d):
    """name -> zero-argument callable."""
    sd = SpikeData(list(d["trains"]), length=float(d["length"]))
    peaks = d["peaks"]
    sss = SpikeSliceStack(sd, time_peaks=peaks, time_bounds=(100, 200))
    sss0 = SpikeSliceStack(sd, times_start_to_end=[(p - 100, p + 200) for p in peaks])
    rss = RateSliceStack(sd, time_peaks=peaks, time_bounds=(100, 200))
    ev = d["event_matrix"]
    rss_arr = RateSliceStack(None, event_matrix=ev, step_size=2.0)
    rd = RateData(d["rates"], d["rate_times"])
    pcm = PairwiseCompMatrix(d["matrix"])
    pcms = PairwiseCompMatrixStack(
        d["mstack"], times=[(float(i), i + 1.0) for i in range(d["mstack"].shape[2])]
    )
    labels = d["slice_labels"]
    tm = d["timing"]
    c = {}
    # ---- SpikeSliceStack
    for timing in ("median", "mean", "first"):
        c[f"sss_timing_{timing}"] = lambda t=timing: sss.get_unit_timing_per_slice(t, 2)
    c["sss0_timing"] = lambda: sss0.get_unit_timing_per_slice("median", 1)
    c["sss_frac_active"] = lambda: sss.compute_frac_active(3)
    c["sss_rank_raw"] = lambda: sss.rank_order_correlation(n_shuffles=0)
    c["sss_rank_raw_frac"] = lambda: sss.rank_order_correlation(
        timing="first", min_spikes=1, n_shuffles=0, min_overlap_frac=0.5
    )
    c["tm_rank_raw"] = lambda: sss.rank_order_correlation(
        timing_matrix=tm, n_shuffles=0, min_overlap=4
    )
    c["tm_rank_shuffled"] = lambda: sss.rank_order_correlation(
        timing_matrix=tm[:, :5], n_shuffles=1000, seed=2
    )
    c["sss_order"] = lambda: sss.order_units_across_slices()[1:]
    c["sss_order_split"] = lambda: sss.order_units_across_slices("mean", "first", 1, 0.8)[1:]
    c["sss_order_tm"] = lambda: sss.order_units_across_slices(
        "median", min_frac_active=0.5, timing_matrix=tm
    )[1:]
    c["sss_order_stack"] = lambda: sss.order_units_across_slices("median", min_frac_active=0.6)[:2]
    c["sss_subset"] = lambda: sss.subset([5, 1, 3])
    c["sss_subset_po"] = lambda: sss.subset([5, 1, 5, 3], preserve_order=True)
    c["sss_subset_neg"] = lambda: sss.subset([-1])
    c["sss_subset_float"] = lambda: sss.subset([1.5])
    c["sss_subslice"] = lambda: sss.subslice([4, 0, -1, 4]).spike_stack[0].train
    c["sss_subslice_oob"] = lambda: sss.subslice([99])
    c["sss_subtime_by_index_0based"] = lambda: sss0.subtime_by_index(10, -20)
    c["sss_apply"] = lambda: sss.apply(lambda s: s.rates("Hz"))
    for mode in ("subtract", "ratio", "zscore"):
        c[f"sss_bnr_{mode}"] = lambda m=mode: sss.baseline_normalized_raster(
            10, (-100, -20), mode=m
        )
    c["sss_bnr_outside"] = lambda: sss.baseline_normalized_raster(10, (-150, -20))
    c["sss_responsive"] = lambda: sss.responsive_units(10, (-100, -20), z_threshold=1.0)
    c["sss_responsive_max"] = lambda: sss.responsive_units(
        10, (-100, -20), response_window_ms=(3, 47), z_threshold=2.0, aggregator="max"
    )
    c["sss_responsive_groups"] = lambda: sss.responsive_units_per_group(
        labels, 10, (-100, -20), z_threshold=1.0
    )
    c["sss_responsiveness_change"] = lambda: sss.responsiveness_change(
        labels, [0], [1, 2], 10, (-100, -20), z_threshold=1.0
    )
    c["sss_regression"] = lambda: sss.per_unit_response_regression(10, (0, 50))
    c["sss_regression_bl"] = lambda: sss.per_unit_response_regression(
        5, (0, 50), x_values=np.arange(len(peaks)) ** 1.5, baseline_window_ms=(-100, 0))
    for metric in ("cosine", "pearson", "euclidean", "cross_entropy"):
        c[f"sss_sim_{metric}"] = lambda m=metric: sss.slice_to_slice_similarity(m, bin_size=10)
        c[f"sss_group_sim_{metric}"] = lambda m=metric: sss.group_pair_similarity(
            labels, metric=m, bin_size=20
        )
        c[f"rss_sim_{metric}"] = lambda m=metric: rss_arr.slice_to_slice_similarity(m)
    c["sss_group_sim_subset"] = lambda: sss.group_pair_similarity(
        labels, slice_indices=[0, 1, 2, 3, 4, 5]
    )
    c["sss_decode"] = lambda: {k: v for k, v in sss.decode_slice_labels(
        labels, (0, 60), bin_size=10).items() if k != "classifier_name"}
    # ---- RateSliceStack
    c["rss_timing"] = lambda: rss.get_unit_timing_per_slice(5.0)
    c["rss_rank_raw"] = lambda: rss.rank_order_correlation(n_shuffles=0, MIN_RATE_THRESHOLD=5.0)
    c["rss_order"] = lambda: rss_arr.order_units_across_slices(
        "median", MIN_RATE_THRESHOLD=1.5, MIN_FRAC_ACTIVE=0.5
    )
    c["rss_order_mean"] = lambda: rss_arr.order_units_across_slices("mean", MIN_RATE_THRESHOLD=1.0)
    c["rss_subset"] = lambda: rss_arr.subset([3, 1])
    c["rss_subtime_by_index"] = lambda: rss_arr.subtime_by_index(2, -3)
    c["rss_subtime_by_index_bad"] = lambda: rss_arr.subtime_by_index(5, 5)
    c["rss_convert"] = lambda: rss_arr.convert_to_list_of_RateData()
    c["rss_from_rd"] = lambda: RateSliceStack(
        rd, times_start_to_end=[(100, 300), (1000, 1200), (50, 250)]
    )
    c["rss_from_rd_peaks"] = lambda: RateSliceStack(
        rd, time_peaks=[500, 900.5], time_bounds=(50, 75)
    )
    # ---- RateData
    c["rd_frames"] = lambda: rd.frames(200, 50)
    c["rd_frames_negative"] = lambda: rd.frames(200, -1)
    c["rd_subtime_by_index"] = lambda: rd.subtime_by_index(-30, -5)
    c["rd_subtime_none"] = lambda: rd.subtime(None, 140)
    c["rd_subtime_empty"] = lambda: rd.subtime(10_000, 20_000)
    c["rd_subtime_equal"] = lambda: rd.subtime(100, 100)
    c["rd_subset_po"] = lambda: rd.subset([2, 0, 2], preserve_order=True)
    c["rd_nan_times"] = lambda: RateData(np.ones((1, 2)), [0.0, np.nan])
    c["rd_unsorted_times"] = lambda: RateData(np.ones((1, 2)), [1.0, 0.0])
    c["rd_pca"] = lambda: rd.get_manifold("PCA", 3)
    # ---- PairwiseCompMatrix / Stack
    for method in ("min_max", "z_score", "row", "col"):
        c[f"pcm_norm_{method}"] = lambda m=method: pcm.normalize(m)
    c["pcm_norm_z_col"] = lambda: pcm.normalize("z_score", axis="col")
    c["pcm_threshold"] = lambda: pcm.threshold(0.3)
    c["pcm_threshold_nan"] = lambda: pcm.threshold(0.3, preserve_nan=True)
    for op in ("lt", "ge", "ne", "abs_gt", "abs_le"):
        c[f"pcm_remove_{op}"] = lambda o=op: pcm.remove_by_condition(
            PairwiseCompMatrix(d["matrix"].T), o, 0.2
        )
    c["pcm_pairs"] = lambda: {
        str(k): v for k, v in pcm.extract_pairs_by_group(d["unit_labels"]).items()
    }
    c["pcms_norm"] = lambda: pcms.normalize()
    c["pcms_norm_slice_row"] = lambda: pcms.normalize("z_score", axis="row", per_slice=True)
    c["pcms_threshold"] = lambda: pcms.threshold(0.5, preserve_nan=True)
    c["pcms_remove"] = lambda: pcms.remove_by_condition(pcms[0], "gt", 0.0)
    c["pcms_subslice"] = lambda: pcms.subslice([3, 1, 3])
    c["pcms_slice"] = lambda: pcms[1:4]
    c["pcms_mask"] = lambda: pcms[np.arange(pcms.stack.shape[2]) % 2 == 0]
    c["pcms_index_time"] = lambda: pcms[-2].metadata["time"]
    c["pcms_mean"] = lambda: pcms.mean()
    c["pcms_pca"] = lambda: pcms.dim_red_on_lower_diagonal_corr_matrix("PCA", 2)
    c["pcms_bad_labels"] = lambda: PairwiseCompMatrixStack(d["mstack"], labels=[1, 2])
    # ---- constructors (0.1.2's rules)
    c["sss_unequal"] = lambda: SpikeSliceStack(sd, times_start_to_end=[(0, 100), (200, 250)])
    c["sss_zero_length"] = lambda: SpikeSliceStack(sd, times_start_to_end=[(100, 100)])
    c["sss_unsorted"] = lambda: SpikeSliceStack(sd, times_start_to_end=[(500, 600), (100, 200)])
    c["sss_auto_times"] = lambda: SpikeSliceStack(spike_stack=sss0.spike_stack[:3]).times
    c["sss_mixed_start"] = lambda: SpikeSliceStack(
        spike_stack=[sss.spike_stack[0], sss0.spike_stack[0]]
    )
    c["sss_no_slice"] = lambda: SpikeSliceStack(spike_stack=[])
    c["rss_no_slice"] = lambda: RateSliceStack(None, event_matrix=np.zeros((2, 3, 0)))
    c["sd_subtime_beyond"] = lambda: sd.subtime(1000, float(d["length"]) + 50)
    c["sd_frames_negative"] = lambda: sd.frames(1000, -10)
    c["sd_from_raster_zero_bin"] = lambda: SpikeData.from_raster(np.ones((2, 3)), 0)
    c["sd_frac_active_inverted"] = lambda: sd.get_frac_active(np.array([[20.0, 10.0]]), 2, 0.5)
    c["sd_frac_active_1d"] = lambda: sd.get_frac_active(np.array([10.0, 20.0]), 2, 0.5)
    return c


def main(inputs: str, output: str) -> None:
    d = dict(np.load(inputs, allow_pickle=False))
    d["trains"] = [d[f"train{i}"] for i in range(int(d["n_units"]))]
    out = {}
    for name, call in cases(d).items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = call()
            except Exception as exc:  # the comparison is on the exception's built-in class
                kinds = [k.__name__ for k in type(exc).__mro__ if k.__module__ == "builtins"]
                out[f"{name}#raises"] = np.array([json.dumps(kinds)])
                continue
        flatten(result, name, out)
    np.savez(output, **out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
