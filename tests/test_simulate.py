"""The culture simulator: determinism, physiology it promises, ground truth, burst detection."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from spikelab.simulate import (RECOMMENDED_BURST_PARAMS, CultureParams, culture,
                               effective_burst_rate_hz, effective_recruit_frac)

# almost no tonic firing: every spike near a burst onset belongs to that burst
QUIET = CultureParams(rate_median_hz=1e-4, rate_sigma=0.0, latency_jitter_ms=0.0, n_origins=1)


def _spikes_in(sd, lo: float, hi: float) -> list[np.ndarray]:
    return [t[(t >= lo) & (t < hi)] for t in sd.train]


def test_same_seed_same_recording_other_seed_differs():
    a, b = culture(20, 30.0, 0.2, seed=4), culture(20, 30.0, 0.2, seed=4)
    c = culture(20, 30.0, 0.2, seed=5)
    assert all(np.array_equal(x, y) for x, y in zip(a.train, b.train, strict=True))
    assert a.neuron_attributes == b.neuron_attributes
    np.testing.assert_array_equal(a.metadata["burst_times_ms"], b.metadata["burst_times_ms"])
    assert not all(np.array_equal(x, y) for x, y in zip(a.train, c.train, strict=True))


def test_shape_attributes_and_grid():
    sd = culture(10, 12.5, 0.2, seed=0, params=CultureParams(grid_pitch_um=50.0))
    assert (sd.N, sd.length, sd.start_time) == (10, 12500.0, 0.0)
    attrs = sd.neuron_attributes
    assert [a["unit_id"] for a in attrs] == list(range(10))
    # 10 units on a ceil(sqrt(10)) = 4-column grid, row by row
    assert [(a["x"], a["y"]) for a in attrs[:5]] == [(0, 0), (50, 0), (100, 0), (150, 0), (0, 50)]
    assert sd.metadata["params"] == dataclasses.asdict(CultureParams(grid_pitch_um=50.0))


def test_refractory_period_holds_even_at_high_rates():
    params = CultureParams(rate_median_hz=30.0, max_rate_hz=45.0, refractory_ms=3.0)
    sd = culture(40, 20.0, 0.4, seed=2, params=params)
    isi = np.concatenate([np.diff(t) for t in sd.train])
    assert isi.min() >= 3.0 - 1e-9


def test_tonic_rates_are_lognormal_and_realised():
    params = CultureParams(rate_median_hz=2.0, rate_sigma=0.7)
    sd = culture(600, 60.0, 0.0, seed=3, params=params)
    rates = np.array([a["rate_hz"] for a in sd.neuron_attributes])
    logs = np.log(rates)
    assert np.median(logs) == pytest.approx(math.log(2.0), abs=0.1)
    assert np.std(logs) == pytest.approx(0.7, abs=0.06)
    counts = np.array([t.size for t in sd.train])
    # dead-time Poisson with mean ISI 1000/rate ms: expected count rate * 60 s per unit
    assert counts.sum() == pytest.approx(rates.sum() * 60.0, rel=0.03)
    assert np.corrcoef(counts, rates)[0, 1] > 0.95


def test_no_bursts_at_zero_rate():
    sd = culture(5, 10.0, 0.0, seed=1)
    assert sd.metadata["burst_times_ms"].size == 0 and sd.metadata["burst_onsets_ms"].size == 0


def test_burst_intervals_rate_and_margins():
    params = CultureParams()
    sd = culture(3, 2000.0, 0.2, seed=8, params=params)
    onsets = sd.metadata["burst_onsets_ms"]
    ibi = np.diff(onsets)
    assert ibi.min() >= params.min_ibi_ms
    assert ibi.mean() == pytest.approx(5000.0, rel=0.1)  # 1 / 0.2 Hz
    assert ibi.std() / ibi.mean() > 0.1  # jittered, not a metronome
    assert onsets[0] >= params.edge_margin_ms and onsets[-1] <= sd.length - params.edge_margin_ms


def test_latency_is_distance_over_propagation_speed():
    """Without jitter, a recruited unit's first burst spike is at onset + |xy - site| / v."""
    sd = culture(25, 60.0, 0.2, seed=6, params=QUIET)
    site = sd.metadata["origin_sites_um"][0]
    xy = np.array([[a["x"], a["y"]] for a in sd.neuron_attributes])
    latency = np.hypot(*(xy - site).T) / QUIET.propagation_um_per_ms
    checked = 0
    for onset in sd.metadata["burst_onsets_ms"]:
        for unit, spikes in enumerate(_spikes_in(sd, onset, onset + 1000.0)):
            if spikes.size:
                assert spikes[0] == pytest.approx(onset + latency[unit], abs=1e-9)
                checked += 1
    assert checked > 50


def test_recruitment_and_burst_centres_match_the_truth():
    sd = culture(200, 120.0, 0.25, seed=9, params=QUIET)
    onsets, centres = sd.metadata["burst_onsets_ms"], sd.metadata["burst_times_ms"]
    joined = []
    for onset, centre in zip(onsets, centres, strict=True):
        spikes = _spikes_in(sd, onset - 50.0, onset + 1000.0)
        joined.append(np.mean([s.size > 0 for s in spikes]))
        assert centre == pytest.approx(np.median(np.concatenate(spikes)))
    assert np.mean(joined) == pytest.approx(QUIET.recruit_frac, abs=0.05)


def test_dose_lowers_burst_rate_and_recruitment():
    p = CultureParams()
    assert effective_burst_rate_hz(0.3, 2.0, p) == pytest.approx(0.3 / 3.0)
    assert effective_recruit_frac(2.0, p) == pytest.approx(0.7 * (1 - 0.5 * 2.0 / 3.0))
    control = culture(100, 600.0, 0.3, seed=1)
    treated = culture(100, 600.0, 0.3, seed=1, dose=2.0)
    assert treated.metadata["effective_burst_rate_hz"] == pytest.approx(0.1)
    n_control = control.metadata["burst_onsets_ms"].size
    n_treated = treated.metadata["burst_onsets_ms"].size
    assert n_control == pytest.approx(0.3 * 598, rel=0.15)  # rate x (duration - margins)
    assert n_treated == pytest.approx(0.1 * 598, rel=0.2)
    recruit = [np.mean([a["recruitment"] for a in sd.neuron_attributes])
               for sd in (control, treated)]
    assert recruit[0] == pytest.approx(0.7, abs=0.06)
    assert recruit[1] == pytest.approx(0.7 * (1 - 0.5 * 2 / 3), abs=0.06)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_units": 0}, "n_units"),
    ({"duration_s": -1.0}, "duration_s"),
    ({"burst_rate_hz": -0.1}, "burst_rate_hz"),
    ({"dose": -1.0}, "dose"),
    ({"burst_rate_hz": 1.0}, "min_ibi_ms"),
])
def test_bad_arguments(kwargs, match):
    args = {"n_units": 5, "duration_s": 10.0, "burst_rate_hz": 0.2, "seed": 0} | kwargs
    with pytest.raises(ValueError, match=match):
        culture(**args)


@pytest.mark.parametrize("field, value", [
    ("refractory_ms", 0.0), ("recruit_frac", 1.5), ("spikes_per_burst", 0.5),
    ("max_rate_hz", 600.0), ("n_origins", 0), ("ibi_cv", -0.1),
])
def test_bad_params(field, value):
    with pytest.raises(ValueError, match=field if field != "ibi_cv" else "spreads"):
        CultureParams(**{field: value})


@pytest.mark.parametrize("dose, seed", [(0.0, 21), (2.0, 22)])
def test_get_bursts_finds_the_simulated_bursts(dose, seed):
    """The recommended parameters find every simulated burst (count within +-10%)."""
    sd = culture(100, 300.0, 0.2, seed=seed, dose=dose)
    tburst, edges, _ = sd.get_bursts(**RECOMMENDED_BURST_PARAMS)
    truth = sd.metadata["burst_times_ms"]
    assert len(tburst) == pytest.approx(truth.size, rel=0.1)
    nearest = np.abs(np.asarray(tburst)[:, None] - truth[None, :]).min(axis=1)
    assert np.all(nearest < 100.0)  # every detection is one of the simulated bursts
    assert np.all(edges[:, 0] <= tburst) and np.all(tburst <= edges[:, 1])
