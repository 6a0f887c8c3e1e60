"""Hypothesis strategies for everything a workspace stores (edge cases included)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from spikelab import (PairwiseCompMatrix, PairwiseCompMatrixStack, RateData, RateSliceStack,
                      SpikeData, SpikeSliceStack)

# text HDF5 stores verbatim: no NUL, no lone surrogates
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=8)
NAMES = TEXT.filter(lambda s: s and "/" not in s and s not in (".", ".."))
NAMESPACES = NAMES.filter(lambda s: not s.startswith("__"))
INT64 = st.integers(-(2**63), 2**63 - 1)
FLOATS = st.floats(allow_nan=True, allow_infinity=True)

NUMPY_SCALARS = st.one_of(
    st.floats(width=32).map(np.float32),
    st.integers(-(2**15), 2**15 - 1).map(np.int16),
    st.integers(0, 2**64 - 1).map(np.uint64),
    st.booleans().map(np.bool_),
    FLOATS.map(np.float64),
)
SCALARS = st.one_of(st.none(), st.booleans(), INT64, FLOATS, TEXT, NUMPY_SCALARS)
HASHABLE = st.one_of(st.booleans(), INT64, st.floats(allow_nan=False), TEXT)
# keys of dicts inside values and metadata: link names, or anything hashable (0-based
# channel maps, tuples, None); stored exactly either way
KEYS = st.one_of(NAMES, HASHABLE, st.none(), st.tuples(INT64, TEXT),
                 st.integers(-5, 5).map(np.int32))

_SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
_DTYPES = st.one_of(
    hnp.floating_dtypes(), hnp.integer_dtypes(), hnp.unsigned_integer_dtypes(),
    hnp.complex_number_dtypes(), st.just(np.dtype(bool)),
    st.sampled_from(["<U1", "<U5", "<M8[s]", "<m8[ms]", ">f8", "S4"]).map(np.dtype),
)


@st.composite
def arrays(draw, shape=None):
    """Any non-object array: numeric, complex, bool, text, bytes, datetimes; 0-d, empty."""
    dtype = draw(_DTYPES)
    shape = draw(_SHAPES) if shape is None else shape
    if dtype.kind == "U":
        elements = TEXT.map(lambda s: s[: dtype.itemsize // 4])
        return draw(hnp.arrays(dtype, shape, elements=elements))
    if dtype.kind == "S":  # no NUL: numpy strips trailing NULs of bytes itself
        elements = st.binary(max_size=4).filter(lambda b: b"\x00" not in b)
        return draw(hnp.arrays(dtype, shape, elements=elements))
    return draw(hnp.arrays(dtype, shape))


def values(max_leaves: int = 12):
    """Values inside dicts: scalars, arrays, lists, tuples, sets, nested dicts."""
    leaves = st.one_of(SCALARS, arrays())
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.lists(st.one_of(st.booleans(), INT64, FLOATS), max_size=4),
            st.lists(st.lists(st.floats(allow_nan=True), min_size=2, max_size=2), max_size=3),
            st.tuples(inner, inner) | st.lists(INT64, max_size=3).map(tuple),
            st.sets(HASHABLE, max_size=4),
            st.frozensets(st.one_of(HASHABLE, st.tuples(INT64, TEXT)), max_size=4),
            st.dictionaries(NAMES, inner, max_size=4),
            st.dictionaries(KEYS, inner, max_size=4),
        ),
        max_leaves=max_leaves,
    )


DICTS = st.dictionaries(NAMES, values(), max_size=5)
METADATA = st.dictionaries(KEYS, values(6), max_size=3)


@st.composite
def neuron_attributes(draw, n_units: int):
    if draw(st.booleans()):
        return None
    names = draw(st.lists(NAMES, max_size=3, unique=True))
    attr_values = st.one_of(SCALARS, arrays(shape=(2,)), st.lists(INT64, max_size=2))
    units = []
    for _ in range(n_units):
        present = [n for n in names if draw(st.booleans())]
        units.append({n: draw(attr_values) for n in present})
    return units


@st.composite
def spikedata(draw, n_units=None, with_attrs=True):
    n = draw(st.integers(0, 4)) if n_units is None else n_units
    start = draw(st.floats(-1e3, 1e3))
    length = draw(st.floats(0, 1e3))
    times = st.floats(0, 1).map(lambda f: start + f * length)
    trains = [draw(st.lists(times, max_size=5)) for _ in range(n)]
    raw = {}
    if draw(st.booleans()):
        samples = draw(st.integers(0, 4))
        raw = {"raw_data": draw(hnp.arrays(draw(st.sampled_from(["f4", "i2"])),
                                           (draw(st.integers(0, 2)), samples))),
               "raw_time": np.arange(samples, dtype=float)}
    return SpikeData(trains, length=length, start_time=start, metadata=draw(METADATA),
                     neuron_attributes=draw(neuron_attributes(n)) if with_attrs else None,
                     **raw)


@st.composite
def ratedata(draw):
    u, t = draw(st.integers(0, 3)), draw(st.integers(0, 4))
    times = np.sort(
        draw(hnp.arrays(float, (t,), elements=st.floats(-1e12, 1e12)))
    )  # sorted, finite
    return RateData(draw(hnp.arrays(float, (u, t))), times,
                    neuron_attributes=draw(neuron_attributes(u)),
                    rate_unit=draw(st.one_of(st.none(), TEXT)))


def _windows(n):
    return st.lists(st.tuples(FLOATS, FLOATS), min_size=n, max_size=n)


@st.composite
def rateslicestack(draw):
    u, t, s = (draw(st.integers(0, 3)) for _ in range(3))
    step, attrs = draw(st.floats(1e-3, 100)), draw(neuron_attributes(u))
    if s == 0:  # what the workflow stores when no burst fits a window
        return RateSliceStack.empty(u, t, step, attrs)
    return RateSliceStack(
        event_matrix=draw(hnp.arrays(float, (u, t, s))),
        times_start_to_end=draw(_windows(s)),
        step_size=step,
        neuron_attributes=attrs,
    )


@st.composite
def spikeslicestack(draw):
    n, s = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    slices = [draw(spikedata(n_units=n, with_attrs=False)) for _ in range(s)]
    # Any state a file may hold, including slices with different start times (older writers
    # stored them; the constructor now refuses them), so the codec is tested on all of them.
    return SpikeSliceStack._assemble(slices, draw(_windows(s)), draw(neuron_attributes(n)), n)


@st.composite
def labels(draw, n):
    kind = draw(st.sampled_from(["none", "int", "str", "mixed"]))
    if kind == "none":
        return None
    element = {"int": INT64, "str": TEXT, "mixed": SCALARS}[kind]
    return draw(st.lists(element, min_size=n, max_size=n))


@st.composite
def pairwise(draw):
    n = draw(st.integers(0, 4))
    return PairwiseCompMatrix(draw(hnp.arrays(float, (n, n))), draw(labels(n)), draw(METADATA))


@st.composite
def pairwise_stack(draw):
    n, s = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    times = draw(st.one_of(st.none(), _windows(s)))
    return PairwiseCompMatrixStack(draw(hnp.arrays(float, (n, n, s))), draw(labels(n)), times,
                                   draw(METADATA))


STORABLE = {
    "ndarray": arrays(),
    "SpikeData": spikedata(),
    "RateData": ratedata(),
    "RateSliceStack": rateslicestack(),
    "SpikeSliceStack": spikeslicestack(),
    "PairwiseCompMatrix": pairwise(),
    "PairwiseCompMatrixStack": pairwise_stack(),
    "dict": DICTS,
}
