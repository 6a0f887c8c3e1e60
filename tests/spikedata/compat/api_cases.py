"""Outputs of the SpikeData API on random inputs, written to an .npz file.

Run by ``test_compat_api.py`` twice, under this package and under spikelab 0.1.2 (its own
venv): the same calls give the same keys, and the test compares the values.  Inputs avoid
the documented differences (``docs/analyses.md``): recordings start at 0, every unit fires,
no unit has two spikes in one stPR bin, ties are measure-zero.

Usage: python api_cases.py SEED OUT.npz
"""

import sys
import warnings

import numpy as np
from spikelab.spikedata.pairwise import PairwiseCompMatrix
from spikelab.spikedata.ratedata import RateData
from spikelab.spikedata.spikedata import SpikeData

warnings.simplefilter("ignore")
seed, out_path = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(seed)
results = {}


def put(name, value):
    """Flatten a result into numeric arrays under ``name`` (no pickling on either side)."""
    if isinstance(value, SpikeData):
        put(name + ".length", value.length)
        put(name + ".start_time", value.start_time)
        put(name + ".train", value.train)
        put(
            name + ".metadata",
            {k: v for k, v in value.metadata.items() if np.asarray(v).dtype.kind in "biuf"},
        )
        put(name + ".raw_data", value.raw_data)
    elif isinstance(value, PairwiseCompMatrix):
        put(name, value.matrix)
    elif isinstance(value, RateData):
        put(name + ".rates", value.inst_Frate_data)
        put(name + ".times", value.times)
    elif isinstance(value, dict):
        for k, v in value.items():
            put(f"{name}.{k}", v)
    elif isinstance(value, (list, tuple)):
        put(name + ".len", len(value))
        for k, v in enumerate(value):
            put(f"{name}#{k}", v)
    elif value is None:
        results[name + ".none"] = np.zeros(0)
    else:
        arr = np.asarray(value)
        if arr.dtype == object:
            put(name, list(arr.ravel()))
        elif arr.dtype.kind in "biufU":
            results[name] = arr


def trains(n_units, length, rate_per_ms, min_spikes=3):
    return [np.sort(rng.uniform(0, length, max(min_spikes, rng.poisson(rate_per_ms * length))))
            for _ in range(n_units)]


length = float(rng.uniform(400, 900))
sd = SpikeData(trains(int(rng.integers(4, 9)), length, 0.04), length=length,
               neuron_attributes=None, metadata={"fs": 20000.0})
n = sd.N

# ---------------------------------------------------------------- intervals and rates
put("isi", sd.interspike_intervals())
put("cv", sd.cv_isi())
put("cv2", sd.cv2_isi())
for unit in ("kHz", "Hz"):
    put(f"binned_meanrate.{unit}", sd.binned_meanrate(float(rng.uniform(5, 50)), unit=unit))
for k, kwargs in enumerate(
    [
        dict(window_size=20, step_size=1.0),
        dict(window_size=7.3, step_size=0.7, gauss_sigma=3.0),
        dict(window_size=15, sampling_rate=0.5, apply_square=False, gauss_sigma=2.0),
        dict(window_size=10, step_size=2.5, t_start=50.0, t_end=300.0),
    ]
):
    put(f"sliding_rate{k}", sd.sliding_rate(**kwargs))

# ---------------------------------------------------------------- latencies and CCG
queries = rng.uniform(0, length, 25)
put("latencies", sd.latencies(queries, window_ms=float(rng.uniform(5, 50))))
put("latencies_to_index", sd.latencies_to_index(int(rng.integers(0, n)), window_ms=30.0))
for window in (None, 25.0):
    mean, std, dist = sd.get_pairwise_latencies(window_ms=window, return_distributions=True)
    put(f"pairwise_latencies.{window}.mean", mean)
    put(f"pairwise_latencies.{window}.std", std)
    put(
        f"pairwise_latencies.{window}.dist",
        [dist[i, j] for i in range(n) for j in range(n) if i != j],
    )
for bin_size, max_lag in ((1.0, 20), (2.5, 40), (0.5, 3.3)):
    corr, lag = sd.get_pairwise_ccg(bin_size=bin_size, max_lag=max_lag)
    put(f"ccg.{bin_size}.corr", corr)
    put(f"ccg.{bin_size}.lag", lag)

# ------------------------------------------ population coupling (one spike per unit and bin)
cells = [
    np.sort(rng.choice(int(length) - 1, 30, replace=False)) + rng.uniform(0.05, 0.95, 30)
    for _ in range(5)
]
coupled = SpikeData(cells, length=float(int(length)))
put("stpr", coupled.compute_spike_trig_pop_rate(window_ms=25, cutoff_hz=30, cut_outer=3))

# ---------------------------------------------------------------- sorter comparison
noisy = SpikeData(
    [np.sort(np.clip(t + rng.normal(0, 0.2, t.size), 0, length)) for t in sd.train[::-1]],
    length=length,
)  # the same units, jittered, in reverse order
r = sd.compare_sorter(noisy, delta_ms=0.4)
put("compare.agreement", r["agreement"])
put("compare.frac_1", r["frac_1"])
put("compare.frac_2", r["frac_2"])
put("best_match", SpikeData.best_match_assignment(r["agreement"]))
put("best_match.min", SpikeData.best_match_assignment(rng.random((4, 6)), minimize=True))


def footprint_attrs(count):
    attrs = []
    for _ in range(count):
        chans = [int(c) for c in rng.choice(8, int(rng.integers(1, 4)), replace=False)]
        rows = rng.normal(size=(len(chans), 80))
        attrs.append({"template": rows[0].copy(), "neighbor_templates": rows, "channel": chans[0],
                      "neighbor_channels": chans})
    return attrs


wf1 = SpikeData([[1.0]] * 3, length=5, neuron_attributes=footprint_attrs(3))
wf2 = SpikeData([[1.0]] * 4, length=5, neuron_attributes=footprint_attrs(4))
put(
    "compare.waveforms",
    wf1.compare_sorter(wf2, comparison_type="waveforms", f_rel_to_trough=(10, 20), max_lag=4)[
        "similarity"
    ],
)

# ---------------------------------------------------------------- combining
other = SpikeData(trains(n, 300.0, 0.03), length=300.0, metadata={"fs": 1.0, "extra": 2.0})
put("append", sd.append(other, offset=float(rng.uniform(0, 20))))
wide = SpikeData(trains(3, length + 50, 0.03), length=length + 50, metadata={"extra": 2.0})
put("concatenate", sd.concatenate_spike_data(wide))
joined = sd.append(other)
joined.metadata["rec_chunks_ms"] = [(0.0, length), (length, length + 300.0)]
put("split_epochs", joined.split_epochs())
put("subset_stack", [s.train for s in sd.subset_stack(5, 2, seed=seed).spike_stack])

# ---------------------------------------------------------------- selection and attributes
picks = rng.integers(0, n, 6)
put("subset", sd.subset(picks))
put("subset.ordered", sd.subset(picks, preserve_order=True))
attrs = [
    {"unit_id": int(u % 3), "channel": int(rng.integers(0, 4)), "x": float(u), "y": 2.0 * u}
    for u in range(n)
]
named = SpikeData(sd.train, length=length, neuron_attributes=attrs)
put("subset.by", named.subset([2, 0], by="unit_id"))
a, b = sorted(rng.uniform(0, length, 2))
put("getitem.slice", sd[a:b])
put("getitem.units", sd[list(picks[:3])])
put("times", np.array(list(sd.times)))
put("channel_raster", named.channel_raster(float(rng.uniform(2, 20))))
put("channel_map", np.array(sorted(named.neuron_to_channel_map().items()), dtype=float))
put("electrodes", named.electrodes)
put("unit_locations", named.unit_locations)
put("get_neuron_attribute", np.array(named.get_neuron_attribute("x")))
named.set_neuron_attribute("depth", list(range(3)), neuron_indices=[2, 0, 1])
put("set_neuron_attribute", np.array(named.get_neuron_attribute("depth", -1)))

# ---------------------------------------------------------------- constructors
raster = rng.integers(0, 3, (3, 40))
put("from_raster", SpikeData.from_raster(raster, 2.5, start_time=-20.0))
put(
    "from_idces_times",
    SpikeData.from_idces_times(np.array([0.0, 2.0, 1.0, 2.0]), [1.0, 2.0, 3.0, 4.0]),
)
put("raw_time_khz", SpikeData([[1.0]], length=5, raw_data=np.zeros((2, 9)), raw_time=4.0).raw_time)
traces = rng.normal(size=(3, 40000))
traces[:, rng.choice(40000, 60, replace=False)] += rng.choice([-9.0, 9.0], 60)
for k, kwargs in enumerate(
    [
        dict(),
        dict(filter=False, hysteresis=False),
        dict(filter={"lowcut": 500, "highcut": 4000}, direction="down", threshold_sigma=4.0),
    ]
):
    put(f"from_thresholding{k}", SpikeData.from_thresholding(traces, fs_Hz=20000.0, **kwargs))
raw_sd = SpikeData(
    sd.train,
    length=length,
    raw_data=rng.normal(size=(4, int(length * 10))),
    raw_time=10.0,
    neuron_attributes=[{"channel": int(u % 4)} for u in range(n)],
)
put("waveforms", raw_sd.get_waveform_traces(None, ms_before=0.5, ms_after=1.2, store=False,
                                            return_channel_waveforms=False))

# ---------------------------------------------------------------- NaN correlations
rates = rng.random((4, 60))
rates[1, 7] = np.nan
rates[3] = 0.0
corr, lag = RateData(rates, np.arange(60.0)).get_pairwise_fr_corr(max_lag=5)
put("fr_corr.nan", corr)
put("fr_corr.nan.lag", lag)

np.savez(out_path, **results)
