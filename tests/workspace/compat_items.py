"""The items of the 0.1.2 compatibility checks, built by the same code in both versions.

This module runs unchanged in this package's environment and in the spikelab 0.1.2
reference environment (``reference_side.py`` imports it there): it uses only numpy and the
six data classes, which both versions export from ``spikelab`` with the same constructors.
So each side builds, with its own classes, the object it must read from the other side's
file, and the comparison (``ws_equality.assert_same``) is exact on each side.

Each :class:`Case` says what is stored and what the *other* version reads back: the same
object, except for what 0.1.2 cannot represent (the guide lists it: lists inside dicts,
``RateData.rate_unit``, ``None``/``NaN`` neuron attributes, numpy scalar types, integer
dict keys, tuples in JSON metadata). 0.1.2 reads its own files as it reads ours, except
where a case is split by direction: its files keep no key order (it reads dict keys
sorted by name; ours keep the stored order, which it follows), it reads its own
byte-string arrays back as ``str`` arrays, and it cannot store a list of mixed types or a
dict keyed by numbers at all. Stacks without slices (what the workflow stores when no burst
fits a window) only this package can build; 0.1.2 reads a rate stack without slices or
time bins as its (U, T, S) array.

Numbers come from exact integer arithmetic, never from a random generator or a libm
function, so both numpy versions build bit-identical values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from spikelab import (PairwiseCompMatrix, PairwiseCompMatrixStack, RateData, RateSliceStack,
                      SpikeData, SpikeSliceStack)

NAME = "compat"
#: Directions: 0.1.2 writes and this package reads, or the reverse.
REFERENCE_WRITES = "reference-writes"
WRITTEN_HERE = "written-here"
BOTH = (REFERENCE_WRITES, WRITTEN_HERE)
_SAME = object()


@dataclass(frozen=True)
class Case:
    """One stored item: ``stored`` goes in; the other version reads ``seen``."""

    namespace: str
    key: str
    stored: object
    seen: object = _SAME
    directions: tuple[str, ...] = BOTH
    note: str | None = None

    @property
    def expected(self) -> object:
        return self.stored if self.seen is _SAME else self.seen


def exact_floats(n: int, scale: int = 7) -> np.ndarray:
    """``n`` float64 values in (-1, 1) with all 52 mantissa bits in use, built exactly."""
    ints = (np.arange(n, dtype=np.uint64) * np.uint64(2654435761)) % np.uint64(2**31 - 1)
    return (ints.astype(np.float64) - 2**30) / (2**30 * scale)


def _recording() -> SpikeData:
    return SpikeData(
        [[0.1, 2.5, 7.25], [], [0.5, 9.0, 9.875]], length=10.0, start_time=0.0,
        metadata={"chan": np.array([1, 2, 3]), "fs": 20000.0, "name": "culture 7",
                  "nested": {"a": 1, "b": [0.5, 1.5]}},
        neuron_attributes=[{"label": "a", "unit_id": 0, "wave": np.array([1.0, -2.0]), "x": 1.5},
                           {"label": "bé", "unit_id": 1, "wave": np.array([3.0, 4.0]), "x": 0.1},
                           {"label": "c", "unit_id": 2, "wave": np.array([0.0, -0.0]), "x": -3.5}])


def _spikedata() -> list[Case]:
    ns = "SpikeData"
    return [
        Case(ns, "recording", _recording(), note="units, metadata, neuron attributes"),
        Case(ns, "bare", SpikeData([[1.0], [2.0, 3.0]], length=5.0)),
        Case(ns, "negative_start", SpikeData([[-5.0, 1.0], [2.0]], length=10.0,
                                             start_time=-5.0)),
        Case(ns, "raw", SpikeData([[1.0]], length=2.0, raw_data=exact_floats(6).reshape(2, 3),
                                  raw_time=np.array([0.0, 1.0, 2.0]))),
        # 0.1.2 keeps metadata as JSON: no tuples, no numpy scalar types
        Case(ns, "tuple_metadata", SpikeData([[1.0]], length=2.0, metadata={"t": (1, 2)}),
             SpikeData([[1.0]], length=2.0, metadata={"t": [1, 2]})),
        # JSON keys are text: 0.1.2 reads a channel map's int keys as strings
        Case(ns, "int_key_metadata",
             SpikeData([[1.0]], length=2.0, metadata={"channel_map": {0: 12, 1: 15}}),
             SpikeData([[1.0]], length=2.0, metadata={"channel_map": {"0": 12, "1": 15}})),
        Case(ns, "numpy_scalar_metadata",
             SpikeData([[1.0]], length=2.0, metadata={"n": np.int32(3), "f": np.float32(0.5)}),
             SpikeData([[1.0]], length=2.0, metadata={"n": 3, "f": 0.5})),
        # 0.1.2 drops a None or NaN neuron attribute from that unit
        Case(ns, "none_attribute",
             SpikeData([[1.0], [2.0]], length=3.0, neuron_attributes=[{"q": None}, {"q": 0.5}]),
             SpikeData([[1.0], [2.0]], length=3.0, neuron_attributes=[{}, {"q": 0.5}])),
        Case(ns, "nan_attribute",
             SpikeData([[1.0], [2.0]], length=3.0,
                       neuron_attributes=[{"q": 2.0}, {"q": float("nan")}]),
             SpikeData([[1.0], [2.0]], length=3.0, neuron_attributes=[{"q": 2.0}, {}])),
        # an int and a float in one attribute: a float column (an "int" column would make
        # 0.1.2 fail on int(inf)); this package gives back the int from its exact copy
        Case(ns, "mixed_number_attribute",
             SpikeData([[1.0], [2.0]], length=3.0,
                       neuron_attributes=[{"q": 0}, {"q": float("inf")}]),
             SpikeData([[1.0], [2.0]], length=3.0,
                       neuron_attributes=[{"q": 0.0}, {"q": float("inf")}]),
             directions=(WRITTEN_HERE,)),
    ]


def _ratedata() -> list[Case]:
    ns = "RateData"
    # 64 units x 2100 bins: over 1 MiB, so a compressed save compresses it
    large = RateData(exact_floats(64 * 2100).reshape(64, 2100), np.arange(2100) * 0.5)
    return [
        Case(ns, "rates", RateData(exact_floats(12).reshape(3, 4), np.arange(4) * 0.25)),
        Case(ns, "attributes", RateData(np.ones((2, 3)), np.arange(3.0),
                                        neuron_attributes=[{"id": 1}, {"id": 2}])),
        Case(ns, "large", large),
        Case(ns, "rate_unit", RateData(np.ones((2, 3)), np.arange(3.0), rate_unit="Hz"),
             RateData(np.ones((2, 3)), np.arange(3.0))),
    ]


def _rateslicestack() -> list[Case]:
    ns = "RateSliceStack"
    return [
        Case(ns, "stack", RateSliceStack(None, event_matrix=exact_floats(24).reshape(3, 4, 2),
                                         times_start_to_end=[(0.0, 4.0), (4.0, 8.0)],
                                         step_size=1.0)),
        Case(ns, "attributes", RateSliceStack(None, event_matrix=np.ones((2, 2, 1)),
                                              times_start_to_end=[(-1.0, 1.0)], step_size=2.5,
                                              neuron_attributes=[{"id": 1}, {"id": 2}])),
    ]


def _spikeslicestack() -> list[Case]:
    ns = "SpikeSliceStack"
    return [
        Case(ns, "slices", SpikeSliceStack(_recording(),
                                           times_start_to_end=[(0.0, 5.0), (5.0, 10.0)])),
        Case(ns, "empty_slice", SpikeSliceStack(SpikeData([[1.0, 8.0], [9.0]], length=10.0),
                                                times_start_to_end=[(2.0, 4.0), (7.5, 9.5)])),
    ]


#: False under 0.1.2, which has no way to build a stack without slices: there the cases below
#: are only read (``seen``), never stored, so their ``stored`` is a placeholder.
_BUILDS_EMPTY_STACKS = hasattr(RateSliceStack, "empty")


def _empty_spike_stack(n_units: int, neuron_attributes: list | None = None) -> SpikeSliceStack:
    if _BUILDS_EMPTY_STACKS:
        return SpikeSliceStack.empty(n_units, neuron_attributes)
    # What 0.1.2's reader makes of one (it fills a bare instance; its constructor would raise).
    sss = SpikeSliceStack.__new__(SpikeSliceStack)
    sss.N, sss.times, sss.spike_stack, sss.neuron_attributes = n_units, [], [], neuron_attributes
    return sss


def _empty_rate_stack(*args) -> RateSliceStack | None:
    return RateSliceStack.empty(*args) if _BUILDS_EMPTY_STACKS else None


def _empty_stacks() -> list[Case]:
    """Stacks without slices (or time bins): written here, readable by 0.1.2."""
    attrs = [{"id": 1}, {"id": 2}, {"id": 3}]
    here = (WRITTEN_HERE,)
    return [
        Case(
            "RateSliceStack",
            "no_slices",
            _empty_rate_stack(3, 75, 10.0, attrs),
            np.zeros((3, 75, 0)),
            here,
            note="no burst fits a window",
        ),
        Case("RateSliceStack", "no_bins", _empty_rate_stack(2, 0, 1.0), np.zeros((2, 0, 0)), here),
        Case(
            "RateSliceStack",
            "no_units_no_slices",
            _empty_rate_stack(0, 5, 1.0),
            np.zeros((0, 5, 0)),
            here,
        ),
        Case("SpikeSliceStack", "no_slices", _empty_spike_stack(3, attrs), directions=here),
        Case("SpikeSliceStack", "no_slices_no_attributes", _empty_spike_stack(2), directions=here),
        Case(
            "dict",
            "empty_stacks",
            {"rss": _empty_rate_stack(2, 4, 1.0), "sss": _empty_spike_stack(2)},
            {"rss": np.zeros((2, 4, 0)), "sss": _empty_spike_stack(2)},
            here,
        ),
    ]


def _pairwise() -> list[Case]:
    nan_diagonal = np.array([[np.nan, 0.25], [0.25, np.nan]])
    return [
        Case("PairwiseCompMatrix", "labelled", PairwiseCompMatrix(
            exact_floats(9).reshape(3, 3), labels=["u0", "u1", "u2"],
            metadata={"delt": 20.0, "method": "sttc"})),
        Case("PairwiseCompMatrix", "int_key_metadata",
             PairwiseCompMatrix(np.eye(2), metadata={"delt": 5, 0: {1: "x"}}),
             PairwiseCompMatrix(np.eye(2), metadata={"delt": 5, "0": {"1": "x"}})),
        Case("PairwiseCompMatrix", "int_labels", PairwiseCompMatrix(np.eye(2), labels=[1, 2])),
        Case("PairwiseCompMatrix", "unlabelled_nan", PairwiseCompMatrix(nan_diagonal)),
        Case("PairwiseCompMatrix", "mixed_labels", PairwiseCompMatrix(np.eye(2), [1, "a"]),
             PairwiseCompMatrix(np.eye(2), ["1", "a"])),
        Case("PairwiseCompMatrixStack", "labelled", PairwiseCompMatrixStack(
            exact_floats(18).reshape(3, 3, 2), labels=[0, 1, 2],
            times=[(0.0, 5.0), (5.0, 10.0)])),
        Case("PairwiseCompMatrixStack", "no_times", PairwiseCompMatrixStack(
            np.ones((2, 2, 1)), labels=["a", "b"], times=None, metadata={"k": [1, 2]})),
    ]


_DTYPES = ("f8", "f4", "f2", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "?", "c16", "c8")


def _ndarray() -> list[Case]:
    ns = "ndarray"
    return [
        *(Case(ns, f"dtype_{np.dtype(d).name}", (np.arange(6) - 2).astype(d).reshape(2, 3))
          for d in _DTYPES),
        Case(ns, "zero_d", np.array(3.5)),
        Case(ns, "empty", np.zeros((0, 3))),
        Case(ns, "special_floats", np.array([np.nan, np.inf, -np.inf, -0.0, 5e-324,
                                             1.7976931348623157e308, 0.1])),
        Case(ns, "large", exact_floats(140_000)),
        Case(ns, "three_d", np.arange(24, dtype=np.int32).reshape(2, 3, 4)),
        Case(ns, "fortran_order", np.asfortranarray(exact_floats(6).reshape(2, 3))),
        Case(ns, "structured", np.array([(1, 2.0), (-3, 0.5)], dtype=[("a", "i4"), ("b", "f8")])),
        Case(ns, "text", np.array(["x", "yz", "héllo", ""])),
        Case(ns, "text_2d", np.array([["a", "b"], ["c", "d"]])),
        Case(ns, "bytes", np.array([b"ab", b"c"]), np.array(["ab", "c"]),
             directions=(REFERENCE_WRITES,)),
        Case(ns, "bytes", np.array([b"ab", b"c"]), directions=(WRITTEN_HERE,)),
    ]


def _dict() -> list[Case]:
    ns = "dict"
    return [
        Case(ns, "scalars", {"b": True, "big": 2**62, "f": 0.1, "i": 3, "n": None, "neg": -7,
                             "s": "héllo"}, note="leaf scalars"),
        Case(ns, "collections", {"fs": frozenset({"a", "b"}), "set": {3, 1, 2}, "st": {"x"},
                                 "tup": (1, 2), "tup_f": (1.5, 2.5), "tup_s": ("a", "b")}),
        Case(ns, "empty_collections", {"s": set(), "t": ()}),
        Case(ns, "nested", {"a": {"b": {"c": 1, "d": np.array([1.0, 2.0])}},
                            "sd": SpikeData([[1.0]], length=2.0)}),
        Case(ns, "data_classes", {
            "pcm": PairwiseCompMatrix(np.eye(2)),
            "pcms": PairwiseCompMatrixStack(np.ones((2, 2, 1)), labels=None, times=[(0.0, 1.0)]),
            "rd": RateData(np.ones((1, 2)), np.arange(2.0)),
            "rss": RateSliceStack(None, event_matrix=np.ones((1, 2, 1)),
                                  times_start_to_end=[(0.0, 2.0)], step_size=1.0),
            "sss": SpikeSliceStack(SpikeData([[0.5]], length=1.0),
                                   times_start_to_end=[(0.0, 1.0)])}),
        Case(ns, "empty", {}),
        # 0.1.2 reads numpy scalars as Python scalars
        Case(ns, "numpy_scalars",
             {"b": np.bool_(True), "f32": np.float32(0.5), "f64": np.float64(0.25),
              "i32": np.int32(-4), "u8": np.uint8(5)},
             {"b": True, "f32": 0.5, "f64": 0.25, "i32": -4, "u8": 5}),
        # 0.1.2 stores a list as an array
        Case(ns, "lists", {"empty": [], "floats": [1.5, 2.5], "ints": [1, 2], "strs": ["a", "b"]},
             {"empty": np.array([]), "floats": np.array([1.5, 2.5]), "ints": np.array([1, 2]),
              "strs": np.array(["a", "b"])}),
        # a mixed list 0.1.2 cannot store; it reads ours as a dict by position
        Case(ns, "mixed_list", {"m": [1, "a", None]}, {"m": {"0": 1, "1": "a", "2": None}},
             directions=(WRITTEN_HERE,)),
        # a dict keyed by numbers 0.1.2 cannot store; it reads ours as its keys and values
        Case(ns, "int_keys", {"chmap": {0: 12, 1: 15}},
             {"chmap": {"keys": np.array([0, 1]), "values": np.array([12, 15])}},
             directions=(WRITTEN_HERE,)),
        # 0.1.2's own files keep no key order (it reads keys by name); ours do, and it follows
        Case(ns, "key_order", {"z": 1, "a": 2}, {"a": 2, "z": 1},
             directions=(REFERENCE_WRITES,)),
        Case(ns, "key_order", {"z": 1, "a": 2}, directions=(WRITTEN_HERE,)),
    ]


def cases(direction: str) -> list[Case]:
    """Every case of one direction, in store order."""
    if direction not in BOTH:
        raise ValueError(f"direction {direction!r}; valid: {', '.join(BOTH)}")
    every = (_spikedata() + _ratedata() + _rateslicestack() + _spikeslicestack()
             + _empty_stacks() + _pairwise() + _ndarray() + _dict())
    return [c for c in every if direction in c.directions]


def store_cases(workspace, selected: list[Case]):
    """Store ``selected`` cases into ``workspace`` (either version's); return the workspace."""
    for case in selected:
        workspace.store(case.namespace, case.key, case.stored, note=case.note)
    return workspace
