"""Which built-in exception each bad call raises: printed as JSON {case: [class names]}.

Run by ``test_compat_api.py`` under this package and under spikelab 0.1.2; where 0.1.2
raises a TypeError, ValueError or IndexError, ours must raise the same built-in class (our error
classes subclass them).
"""

import json
import warnings

import numpy as np
from spikelab.spikedata.spikedata import SpikeData

warnings.simplefilter("ignore")
sd = SpikeData(
    [[1.0, 2.0], [3.0], [4.0, 5.0]], length=10, neuron_attributes=[{"unit_id": i} for i in range(3)]
)
CASES = {
    "subset negative": lambda: sd.subset([-1]),
    "subset out of range": lambda: sd.subset([3]),
    "subset by without attributes": lambda: SpikeData([[1.0]], length=2).subset([1], by="x"),
    "from_idces_times negative": lambda: SpikeData.from_idces_times([-1], [1.0]),
    "from_idces_times beyond N": lambda: SpikeData.from_idces_times([0, 3], [1.0, 2.0], N=2),
    "from_idces_times lengths": lambda: SpikeData.from_idces_times([0, 1], [1.0]),
    "from_idces_times strings": lambda: SpikeData.from_idces_times(["a"], [1.0]),
    "from_raster 1-D": lambda: SpikeData.from_raster(np.array([1, 0]), 1.0),
    "from_raster zero bin": lambda: SpikeData.from_raster(np.array([[1, 0]]), 0),
    "raw_time alone": lambda: SpikeData([[1.0]], length=5, raw_time=2.0),
    "raw lengths": lambda: SpikeData(
        [[1.0]], length=5, raw_data=np.zeros((1, 4)), raw_time=np.arange(3.0)
    ),
    "sliding_rate no step": lambda: sd.sliding_rate(2),
    "sliding_rate both steps": lambda: sd.sliding_rate(2, step_size=1, sampling_rate=1),
    "sliding_rate zero window": lambda: sd.sliding_rate(0, step_size=1),
    "sliding_rate negative sigma": lambda: sd.sliding_rate(2, step_size=1, gauss_sigma=-1),
    "sliding_rate empty range": lambda: sd.sliding_rate(2, step_size=1, t_start=5, t_end=4),
    "binned_meanrate unit": lambda: sd.binned_meanrate(4, unit="s"),
    "binned_meanrate zero bin": lambda: sd.binned_meanrate(0),
    "append other N": lambda: sd.append(SpikeData([[1.0]], length=3)),
    "concatenate shorter": lambda: sd.concatenate_spike_data(SpikeData([[1.0]], length=3)),
    "split_epochs without epochs": lambda: sd.split_epochs(),
    "subset_stack too many": lambda: sd.subset_stack(2, 5),
    "subset_stack none": lambda: sd.subset_stack(0, 2),
    "randomize non-binary": lambda: __import__(
        "spikelab.spikedata.spikedata", fromlist=["x"]
    ).randomize(np.array([[2, 0]])),
    "stPR one unit": lambda: SpikeData([[1.0]], length=200).compute_spike_trig_pop_rate(),
    "compare_sorter type": lambda: sd.compare_sorter(sd, comparison_type="x"),
    "compare_sorter waveforms": lambda: SpikeData([[1.0]], length=2).compare_sorter(
        SpikeData([[1.0]], length=2), comparison_type="waveforms"
    ),
    "channel_raster no channels": lambda: sd.channel_raster(),
    "set_neuron_attribute lengths": lambda: sd.set_neuron_attribute("x", [1, 2]),
    "set_neuron_attribute out of range": lambda: sd.set_neuron_attribute(
        "x", 1, neuron_indices=[5]
    ),
    "latencies_to_index out of range": lambda: sd.latencies_to_index(5),
    "from_thresholding direction": lambda: SpikeData.from_thresholding(
        np.zeros((1, 100)), direction="sideways"
    ),
    "get_waveform_traces no raw": lambda: sd.get_waveform_traces(0),
}
out = {}
for name, call in CASES.items():
    try:
        call()
        out[name] = []
    except Exception as exc:  # noqa: BLE001 - recording what is raised is the point
        out[name] = [c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"]
print(json.dumps(out))
