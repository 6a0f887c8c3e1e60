"""Phy / Kilosort output folders -> SpikeData.

Files read (names and dtypes as documented by Phy's template-gui and written by
Kilosort 2-4):

- ``params.py``: ``sample_rate`` (Hz) is required; ``n_samples`` (a spikelab extension)
  or ``dat_path`` + ``n_channels_dat`` + ``dtype`` + ``offset`` give the recording length.
  Read as data only (see :mod:`spikelab.io._phy_files`).
- ``spike_times.npy``: sample index of every spike, integer, shape ``(n,)`` or ``(n, 1)``,
  non-negative and non-decreasing.
- ``spike_clusters.npy`` (int32, after curation) or, without it, ``spike_templates.npy``.
- ``cluster_group.tsv`` / ``cluster_KSLabel.tsv``: labels (``good``, ``mua``, ``noise``; a
  cluster without a label is ``unsorted``). Manual labels override Kilosort's.
- ``templates.npy`` (templates x samples x channels), ``channel_positions.npy``
  (channels x 2, um), optional ``channel_map.npy``: each unit's position is that of the peak
  channel (largest peak-to-peak) of the mean template of its spikes.

:func:`save_phy` writes the same layout (for demos and tests), with the documented dtypes:
``spike_times`` uint64, ``spike_clusters`` int32, ``spike_templates`` uint32,
``amplitudes`` float64, ``templates`` float32, ``channel_positions`` float64,
``channel_map`` int32.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse

from ..errors import RecordingError
from ..spikedata import SpikeData
from ._common import PathLike, build_spikedata, existing_path, recording_error, unit_ids
from ._phy_files import LABEL_FILES, check_include, read_labels, read_params, sample_rate_hz

__all__ = ["load_phy", "save_phy"]

_DENSE_IDS = 1 << 24  # cluster ids below this are indexed through dense tables


def load_phy(folder: PathLike, include: str | Sequence[str] = "good") -> SpikeData:
    """Load the units of a Phy/Kilosort output folder.

    Parameters
    ----------
    folder : str or PathLike
        The folder holding ``params.py``, ``spike_times.npy``, ...
    include : str or sequence of str
        Cluster labels to keep: ``"good"`` (default), another label, a list of labels, or
        ``"all"`` for every cluster whatever its label.

    Returns
    -------
    SpikeData
        One unit per kept cluster, in ascending cluster id; spike times in ms
        (``sample * 1000 / sample_rate``), ``start_time`` 0. ``neuron_attributes``:
        ``unit_id`` (cluster id), ``label``, and ``channel``, ``x``, ``y`` (um) when
        templates and channel positions exist. ``metadata``: ``sample_rate_hz``,
        ``labels_included`` (no path: a moved folder loads the same recording).

    Raises
    ------
    FileNotFoundError
        The folder does not exist.
    RecordingError
        Missing ``params.py`` / ``spike_times.npy``, arrays of different lengths, negative or
        decreasing sample times, templates or channel files that do not fit together, an
        ``include`` that is not a label or list of labels, no label file while filtering by
        label, or no cluster with any of the ``include`` labels (the message lists the labels
        present). A label of the list that no cluster has only warns.
    """
    root = existing_path(folder)
    wanted = check_include(include, root)
    params_path = root / "params.py"
    if not params_path.is_file():
        raise recording_error(root, "is not a Phy folder: params.py is missing")
    params = read_params(params_path)
    fs = sample_rate_hz(params, params_path)
    samples = _spike_samples(root)
    clusters, templates = _cluster_and_template_ids(root, samples.size)
    ids, labels = _selected_clusters(root, clusters, wanted)
    unit = _unit_of_spike(clusters, ids)
    trains = _split_by_unit(samples * 1000.0 / fs, unit, ids.size)
    attrs = [{"unit_id": int(c), "label": lab} for c, lab in zip(ids, labels, strict=True)]
    _add_positions(root, attrs, unit, templates)
    length = _length_ms(root, params, fs, samples)
    metadata = {"sample_rate_hz": fs, "labels_included": sorted(set(labels))}
    return build_spikedata(root, trains, length=length, neuron_attributes=attrs,
                           metadata=metadata)


def _unit_of_spike(clusters: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Index into ``ids`` (sorted) of each spike's cluster; -1 for clusters not selected."""
    if not ids.size:
        return np.full(clusters.size, -1, dtype=np.int64)
    top = int(clusters.max())
    if top < _DENSE_IDS:  # a lookup table beats a binary search per spike
        lut = np.full(top + 1, -1, dtype=np.int64)
        lut[ids] = np.arange(ids.size)
        return lut[clusters]
    unit = np.searchsorted(ids, clusters).clip(max=ids.size - 1)
    unit[ids[unit] != clusters] = -1
    return unit


def _split_by_unit(times_ms: np.ndarray, unit: np.ndarray, n_units: int) -> list[np.ndarray]:
    """Per-unit trains, each in time order; spikes with ``unit == -1`` are dropped."""
    keep = unit >= 0
    times_ms, unit = times_ms[keep], unit[keep]
    # a stable sort keeps time order inside each unit; on 16-bit keys NumPy uses radix sort
    key = unit.astype(np.uint16) if n_units <= np.iinfo(np.uint16).max else unit
    times_ms = times_ms[np.argsort(key, kind="stable")]
    ends = np.cumsum(np.bincount(unit, minlength=n_units))
    return np.split(times_ms, ends[:-1]) if n_units else []


def _load_array(path: Path) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise recording_error(path, f"is not a readable .npy array ({exc})") from None


def _spike_samples(root: Path) -> np.ndarray:
    path = root / "spike_times.npy"
    if not path.is_file():
        raise recording_error(root, "is not a Phy folder: spike_times.npy is missing")
    raw = _load_array(path)
    if raw.ndim == 2 and raw.shape[1] == 1:
        raw = raw[:, 0]
    if raw.ndim != 1:
        raise recording_error(path, f"must have shape (n,) or (n, 1), got {raw.shape}")
    if raw.dtype.kind == "f" and not np.all(np.isfinite(raw) & (raw == np.round(raw))):
        raise recording_error(path, "holds non-integer sample indices")
    if raw.dtype.kind not in "iuf":
        raise recording_error(path, f"must hold integer sample indices, got dtype {raw.dtype}")
    if raw.size and raw.min() < 0:
        raise recording_error(path, f"holds negative sample times (min {raw.min()})")
    samples = raw.astype(np.int64)
    if samples.size > 1 and np.any(np.diff(samples) < 0):
        first = int(np.flatnonzero(np.diff(samples) < 0)[0])
        raise recording_error(path, f"sample times are not monotonic: spike {first + 1} "
                                    f"({samples[first + 1]}) comes before spike {first} "
                                    f"({samples[first]})")
    return samples


def _ids_file(path: Path, n_spikes: int) -> np.ndarray | None:
    """Per-spike integer ids from ``path`` (None when the file does not exist)."""
    if not path.is_file():
        return None
    ids = _load_array(path).reshape(-1)
    if ids.dtype.kind not in "iu":
        raise recording_error(path, f"must hold integer ids, got dtype {ids.dtype}")
    if ids.size and ids.min() < 0:
        raise recording_error(path, f"holds a negative id ({ids.min()})")
    if ids.size != n_spikes:
        raise recording_error(path, f"has {ids.size} entries but spike_times.npy has "
                                    f"{n_spikes}: the arrays must have one entry per spike")
    return ids.astype(np.int64)


def _cluster_and_template_ids(root: Path, n_spikes: int) -> tuple[np.ndarray, np.ndarray | None]:
    templates = _ids_file(root / "spike_templates.npy", n_spikes)
    clusters = _ids_file(root / "spike_clusters.npy", n_spikes)
    if clusters is None:
        if templates is None:
            raise recording_error(root, "has neither spike_clusters.npy nor spike_templates.npy")
        clusters = templates  # before curation, clusters are Kilosort's templates
    return clusters, templates


def _present_ids(clusters: np.ndarray) -> np.ndarray:
    """Sorted distinct cluster ids (counting when ids are small, sorting otherwise)."""
    if clusters.size and clusters.max() < _DENSE_IDS:
        return np.flatnonzero(np.bincount(clusters))
    return np.unique(clusters)


def _selected_clusters(root: Path, clusters: np.ndarray, wanted: frozenset[str] | None
                       ) -> tuple[np.ndarray, list[str]]:
    """Sorted ids and labels of the clusters whose label is ``wanted`` (None: every one)."""
    present = _present_ids(clusters)
    labels = read_labels(root)
    if labels is None:
        if wanted is not None:
            raise recording_error(root, f"has no {' or '.join(LABEL_FILES)} to select "
                                        f"{_quoted(wanted)} clusters from; pass include='all'")
        return present, ["unsorted"] * present.size
    unit_labels = [labels.get(int(c), "unsorted") for c in present]
    if wanted is None:
        return present, unit_labels
    _check_labels_present(root, wanted, Counter(unit_labels))
    keep = [i for i, lab in enumerate(unit_labels) if lab in wanted]
    return present[keep], [unit_labels[i] for i in keep]


def _check_labels_present(root: Path, wanted: frozenset[str], counts: Counter) -> None:
    """No cluster with any wanted label is an error (a typo such as 'Good' would otherwise
    load 0 units); some wanted labels missing is a warning (a sorting may have no 'mua')."""
    absent = wanted - set(counts)
    if not absent:
        return
    listing = ", ".join(f"{lab!r} ({n})" for lab, n in sorted(counts.items())) or "none"
    folded = {lab.casefold() for lab in counts}
    hint = ("; labels are case-sensitive" if any(a.casefold() in folded for a in absent)
            else "")
    problem = (f"no cluster is labelled {_quoted(absent)}; labels present (clusters): "
               f"{listing}{hint}")
    if absent == wanted:
        raise recording_error(root, f"{problem}; fix include (e.g. include: good, or "
                                    "include: all)")
    warnings.warn(f"{root}: {problem}; loading the {_quoted(wanted - absent)} clusters",
                  stacklevel=4)


def _quoted(labels: frozenset[str]) -> str:
    return " or ".join(repr(lab) for lab in sorted(labels))


def _add_positions(root: Path, attrs: list[dict], unit: np.ndarray,
                   templates: np.ndarray | None) -> None:
    """Add ``channel``, ``x``, ``y`` to each unit's attributes from its mean template."""
    tpl_path, pos_path = root / "templates.npy", root / "channel_positions.npy"
    if templates is None or not (tpl_path.is_file() and pos_path.is_file()) or not attrs:
        return  # without per-spike template ids a unit's mean template is unknown
    if (root / "template_ind.npy").is_file():
        warnings.warn(f"{root}: sparse templates (template_ind.npy) are not supported; "
                      "units are loaded without positions", stacklevel=3)
        return
    tpl, pos = _load_array(tpl_path), _load_array(pos_path)
    _check_geometry(root, tpl, pos)
    if templates.size and (templates.min() < 0 or templates.max() >= tpl.shape[0]):
        raise recording_error(root / "spike_templates.npy",
                              f"refers to template {templates.max()} but templates.npy "
                              f"has {tpl.shape[0]}")
    channel_map = _channel_map(root, pos.shape[0])
    for attr, ch in zip(attrs, _peak_channels(tpl, unit, templates, len(attrs)), strict=True):
        attr.update(channel=int(channel_map[ch]), x=float(pos[ch, 0]), y=float(pos[ch, 1]))


def _check_geometry(root: Path, tpl: np.ndarray, pos: np.ndarray) -> None:
    """templates.npy (templates x samples x channels) and channel_positions.npy (channels x
    2, um) must be numeric and agree on the channels; a template needs at least one sample."""
    for name, array in (("templates.npy", tpl), ("channel_positions.npy", pos)):
        if array.dtype.kind not in "iuf":
            raise recording_error(root / name, f"must hold numbers, got dtype {array.dtype}")
    if tpl.ndim != 3 or pos.ndim != 2 or pos.shape[0] != tpl.shape[2]:
        raise recording_error(root, f"templates.npy {tpl.shape} (templates x samples x "
                                    f"channels) does not match channel_positions.npy {pos.shape}")
    if pos.shape[1] < 2:
        raise recording_error(root / "channel_positions.npy",
                              f"has shape {pos.shape}: expected (channels, 2), an x and a y "
                              "(um) per channel")
    if tpl.shape[1] == 0 or tpl.shape[2] == 0:
        raise recording_error(root / "templates.npy",
                              f"has shape {tpl.shape}: each template needs at least one sample "
                              "and one channel")


def _channel_map(root: Path, n_channels: int) -> np.ndarray:
    """Probe channel of each template channel (channel_map.npy; the identity without it)."""
    path = root / "channel_map.npy"
    if not path.is_file():
        return np.arange(n_channels)
    channel_map = _load_array(path).reshape(-1)
    if channel_map.dtype.kind not in "iu" or channel_map.size != n_channels:
        raise recording_error(path, f"must hold one integer channel per template channel "
                                    f"({n_channels}, as channel_positions.npy), got "
                                    f"{channel_map.size} of dtype {channel_map.dtype}")
    return channel_map


def _peak_channels(tpl: np.ndarray, unit: np.ndarray, templates: np.ndarray, n_units: int,
                   batch: int = 64) -> np.ndarray:
    """Channel of largest peak-to-peak amplitude of each unit's spike-weighted mean template."""
    n_tpl = tpl.shape[0]
    mine = unit >= 0
    pair = unit[mine] * n_tpl + templates[mine]  # (unit, template) of each selected spike
    if n_units * n_tpl <= 1 << 26:
        counts = np.bincount(pair, minlength=n_units * n_tpl)
        pairs = np.flatnonzero(counts)
        counts = counts[pairs]
    else:  # too many combinations for a dense count: sort instead
        pairs, counts = np.unique(pair, return_counts=True)
    # (units x templates) spike counts; most units use one template, so keep it sparse
    weights = scipy.sparse.csr_matrix((counts.astype(np.float64), (pairs // n_tpl, pairs % n_tpl)),
                                      shape=(n_units, n_tpl))
    flat = tpl.reshape(n_tpl, -1).astype(np.float64)
    peaks = np.empty(n_units, dtype=np.int64)
    for lo in range(0, n_units, batch):  # bounded memory: batch x samples x channels
        summed = (weights[lo:lo + batch] @ flat).reshape(-1, tpl.shape[1], tpl.shape[2])
        peaks[lo:lo + batch] = np.argmax(np.ptp(summed, axis=1), axis=1)
    return peaks


def _length_ms(root: Path, params: dict, fs: float, samples: np.ndarray) -> float:
    """Recording length: params ``n_samples``, else the raw ``.dat`` size, else last spike."""
    n = params.get("n_samples")
    source = "params.py n_samples"
    if n is None:
        n, source = _dat_samples(root, params), "the size of the raw .dat file"
    last = int(samples[-1]) if samples.size else -1
    if n is None:
        return max(last, 0) * 1000.0 / fs
    if isinstance(n, bool) or not isinstance(n, int) or n <= last:
        raise recording_error(root, f"{source} gives {n!r} samples but spike_times.npy has a "
                                    f"spike at sample {last}")
    return n * 1000.0 / fs


def _dat_samples(root: Path, params: dict) -> int | None:
    """Samples in the raw binary file named by ``dat_path``, if it is there and described."""
    dat, n_channels = params.get("dat_path"), params.get("n_channels_dat")
    if isinstance(dat, (list, tuple)) and len(dat) == 1:
        dat = dat[0]
    if not isinstance(dat, str) or not isinstance(n_channels, int) or n_channels <= 0:
        return None
    path = root / dat
    try:
        itemsize = np.dtype(params.get("dtype", "int16")).itemsize
        size = path.stat().st_size - int(params.get("offset", 0))
    except (TypeError, ValueError, OSError):
        return None  # raw data moved or not described well enough: fall back to spikes
    return size // (itemsize * n_channels) if size >= 0 else None


def save_phy(sd: SpikeData, folder: PathLike, fs_hz: float, *,
             labels: Sequence[str] | None = None, template_samples: int = 21) -> None:
    """Write ``sd`` as a Phy/Kilosort output folder (created if missing).

    Spike times are rounded to the sample grid, ``round(t_ms * fs_hz / 1000)``, so a
    recording whose times are ``k * 1000 / fs_hz`` round-trips exactly. Cluster ids are the
    ``unit_id`` attributes when they are distinct non-negative integers, else ``0..N-1``.
    When every unit has ``x`` and ``y`` (um), one channel per distinct position is written
    with a synthetic template per unit (a negative peak on its channel), so that positions
    round-trip. ``params.py`` also records ``n_samples`` so that the length round-trips.

    Parameters
    ----------
    sd : SpikeData
        Spike times must be >= 0 ms (sample indices are unsigned).
    folder : str or PathLike
        Output folder.
    fs_hz : float
        Sampling rate (Hz).
    labels : sequence of str, optional
        One Phy label per unit for ``cluster_group.tsv``; default each unit's ``label``
        attribute if all have one, else ``"good"``.
    template_samples : int
        Samples per synthetic template.
    """
    fs = float(fs_hz)
    if not fs > 0:
        raise ValueError(f"fs_hz must be positive, got {fs_hz}")
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    ids = unit_ids(sd)
    samples = [np.round(t * (fs / 1000.0)) for t in sd.train]
    if any(s.size and s[0] < 0 for s in samples):
        raise RecordingError(f"{root}: Phy sample times cannot be negative; shift the "
                             f"recording (start_time {sd.start_time} ms) first")
    unit = np.repeat(np.arange(sd.N), [s.size for s in samples])
    flat = np.concatenate(samples).astype(np.uint64) if sd.N else np.empty(0, np.uint64)
    order = np.lexsort((unit, flat))
    np.save(root / "spike_times.npy", flat[order])
    np.save(root / "spike_clusters.npy", ids[unit[order]].astype(np.int32))
    np.save(root / "spike_templates.npy", unit[order].astype(np.uint32))
    np.save(root / "amplitudes.npy", np.ones(flat.size, dtype=np.float64))
    n_channels = _write_geometry(root, sd, template_samples)
    end = int(round((sd.start_time + sd.length) * fs / 1000.0))
    n_samples = max(end, int(flat.max()) + 1 if flat.size else 0)
    _write_params(root, fs, n_channels, n_samples)
    _write_labels(root, sd, ids, labels)


def _write_geometry(root: Path, sd: SpikeData, n_t: int) -> int:
    """channel_positions/channel_map/templates from unit x, y; returns the channel count."""
    attrs = sd.neuron_attributes or []
    if not sd.N or len(attrs) != sd.N or not all("x" in a and "y" in a for a in attrs):
        return 1
    xy = np.array([[a["x"], a["y"]] for a in attrs], dtype=np.float64)
    positions, channel = np.unique(xy, axis=0, return_inverse=True)
    templates = np.zeros((sd.N, n_t, positions.shape[0]), dtype=np.float32)
    templates[np.arange(sd.N), n_t // 2, channel.ravel()] = -1.0
    np.save(root / "channel_positions.npy", positions)
    np.save(root / "channel_map.npy", np.arange(positions.shape[0], dtype=np.int32))
    np.save(root / "templates.npy", templates)
    return int(positions.shape[0])


def _write_params(root: Path, fs: float, n_channels: int, n_samples: int) -> None:
    lines = [f"dat_path = {'recording.dat'!r}", f"n_channels_dat = {n_channels!r}",
             f"dtype = {'int16'!r}", "offset = 0", f"sample_rate = {fs!r}",
             "hp_filtered = False",
             "# spikelab extension: recording length in samples (no raw data is written)",
             f"n_samples = {n_samples!r}"]
    (root / "params.py").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_labels(root: Path, sd: SpikeData, ids: np.ndarray,
                  labels: Sequence[str] | None) -> None:
    attrs = sd.neuron_attributes or []
    if labels is None:
        have = len(attrs) == sd.N and all(isinstance(a.get("label"), str) for a in attrs)
        labels = [a["label"] for a in attrs] if have else ["good"] * sd.N
    if len(labels) != sd.N:
        raise ValueError(f"labels has {len(labels)} entries but there are {sd.N} units")
    rows = ["cluster_id\tgroup"] + [
        f"{c}\t{lab}" for c, lab in zip(ids.tolist(), labels, strict=True)
    ]
    (root / "cluster_group.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
