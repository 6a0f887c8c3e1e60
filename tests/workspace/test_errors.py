"""Every bad input raises its one clear exception, naming the file / item / type involved."""

from __future__ import annotations

import dataclasses
import io
import re

import h5py
import numpy as np
import pytest
from ws_files import rewritten

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace, SpikeData
from spikelab.atomicfile import locked
from spikelab.errors import (CorruptWorkspaceError, DamagedItemWarning, FormatVersionError,
                             InvalidNameError, NotAWorkspaceError, ProvenanceError,
                             UnknownItemTypeError, UnsupportedTypeError, WorkspaceFileError,
                             WorkspaceLockedError)
from spikelab.workspace import merge_files, pack, verify
from spikelab.workspace.codecs import registry

LOADERS = {
    "load": AnalysisWorkspace.load,
    "lazy": LazyAnalysisWorkspace.load,
    "load_item": lambda p: AnalysisWorkspace.load_item(p, "D0", "a"),
    "verify": verify,
    "merge_source": lambda p: merge_files(str(p) + "-target", [p]),
}


@pytest.fixture
def saved(tmp_path):
    ws = AnalysisWorkspace()
    ws.store("D0", "a", np.arange(4.0))
    ws.store("D0", "sd", SpikeData([[1.0, 2.0]], length=3.0))
    ws.save(tmp_path / "ws")
    return tmp_path / "ws.h5"


# --------------------------------------------------------------------- files
@pytest.mark.parametrize("how", list(LOADERS))
def test_missing_file(tmp_path, how):
    with pytest.raises(FileNotFoundError, match="not found") as err:
        LOADERS[how](tmp_path / "absent")
    assert err.value.filename.endswith("absent.h5")


@pytest.mark.parametrize("how", list(LOADERS))
def test_not_hdf5(tmp_path, how):
    (tmp_path / "text.h5").write_text("just text, no HDF5 here\n" * 20)
    with pytest.raises(NotAWorkspaceError, match=r"text\.h5 is not an HDF5 file"):
        LOADERS[how](tmp_path / "text")


@pytest.mark.parametrize("how", list(LOADERS))
def test_a_directory_is_not_read_as_a_workspace(tmp_path, how):
    (tmp_path / "folder.h5").mkdir()
    with pytest.raises(NotAWorkspaceError, match=r"folder\.h5 is a directory, not a workspace"):
        LOADERS[how](tmp_path / "folder")


WRITERS = {
    "save": lambda src, dest: AnalysisWorkspace.load(src).save(dest),
    "merge_target": lambda src, dest: merge_files(dest, [src]),
    "pack": lambda src, dest: pack(src, dest),
}


@pytest.mark.parametrize("how", list(WRITERS))
def test_a_directory_is_not_written_over(saved, tmp_path, how):
    """Refused before anything is written (os.replace would refuse it only at the end)."""
    folder = tmp_path / "folder.h5"
    folder.mkdir()
    with pytest.raises(WorkspaceFileError, match=r"folder\.h5 is a directory"):
        WRITERS[how](saved, folder)
    assert folder.is_dir() and not any(folder.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.h5", "ws.h5", "ws.json"]


@pytest.mark.parametrize("how", list(LOADERS))
def test_hdf5_but_not_a_workspace(tmp_path, how):
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(NotAWorkspaceError, match=r"other\.h5 is an HDF5 file but not a spikelab"):
        LOADERS[how](tmp_path / "other")


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95])
@pytest.mark.parametrize("how", ["load", "lazy", "verify"])
def test_truncated_workspace(saved, how, fraction):
    data = saved.read_bytes()
    saved.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(CorruptWorkspaceError, match=r"ws\.h5"):
        LOADERS[how](saved)


@pytest.mark.parametrize("how", ["load", "lazy_get", "load_item", "verify"])
def test_unknown_item_type(saved, how):
    """An in-place edit behind the file's index: the lazy load trusts the index, so the
    error comes with the first read of the item."""
    with rewritten(saved) as f:  # e.g. a type added by a newer version
        f["D0/a"].attrs["__type__"] = "Banana"
    check = pytest.raises(UnknownItemTypeError,
                          match=r"ws\.h5: item \('D0', 'a'\).*'Banana'.*known types: ndarray")
    if how == "verify":
        report = verify(saved)
        assert not report.ok and report.problems[0].key == "a"
        assert "Banana" in report.problems[0].problem
        return
    with check:
        if how == "lazy_get":
            LazyAnalysisWorkspace.load(saved).get("D0", "a")
        elif how == "load":  # the other items load; the bad one raises when used
            with pytest.warns(DamagedItemWarning, match=r"D0/a"):
                ws = AnalysisWorkspace.load(saved)
            ws.get("D0", "a")
        else:
            LOADERS[how](saved)


@pytest.mark.parametrize("how", list(LOADERS))
def test_newer_format_version(saved, how):
    with h5py.File(saved, "r+") as f:
        f.attrs["__format_version__"] = 99
    with pytest.raises(FormatVersionError, match=r"ws\.h5 uses workspace format version 99"):
        LOADERS[how](saved)


@pytest.mark.parametrize("how", ["load", "load_item"])
def test_item_missing_its_data(saved, how):
    with rewritten(saved) as f:
        del f["D0/a/data"]
    with pytest.raises(CorruptWorkspaceError, match=r"ws\.h5: item \('D0', 'a'\) cannot be read"):
        if how == "load":
            with pytest.warns(DamagedItemWarning):
                ws = AnalysisWorkspace.load(saved)
            ws.get("D0", "a")
        else:
            LOADERS[how](saved)


def test_lazy_item_damaged_after_load_names_the_item(saved, tmp_path):
    with h5py.File(saved, "r+") as f:
        del f["D0/sd/spike_times"]
    ws = LazyAnalysisWorkspace.load(saved)  # the index does not need spike_times
    with pytest.raises(CorruptWorkspaceError, match=r"item \('D0', 'sd'\)"):
        ws.get("D0", "sd")


# --------------------------------------------------------------------- store
OBJECT_ARRAY = np.array([1, "a", None], dtype=object)


@pytest.mark.parametrize("obj, path, what", [
    (OBJECT_ARRAY, r"\('ns', 'k'\)", "object array"),
    (lambda x: x, r"\('ns', 'k'\)", "function"),
    (io.StringIO("open"), r"\('ns', 'k'\)", "StringIO"),
    ({"a": {"b": OBJECT_ARRAY}}, r"\('ns', 'k'\)\['a'\]\['b'\]", "object array"),
    ({"cb": [1, print]}, r"\('ns', 'k'\)\['cb'\]\[1\]", "builtin_function_or_method"),
    ({"big": 2**70}, r"\['big'\]", "64 bits"),
    ([1, 2], r"\('ns', 'k'\)", "list"),
    (None, r"\('ns', 'k'\)", "NoneType"),
    (3.5, r"\('ns', 'k'\)", "float"),
    (SpikeData([[1.0]], length=2.0, metadata={"f": open}), r"metadata", "builtin_function"),
])
@pytest.mark.parametrize("kind", [AnalysisWorkspace, LazyAnalysisWorkspace])
def test_unsupported_objects_are_rejected_and_change_nothing(kind, obj, path, what):
    ws = kind()
    ws.store("ns", "k", np.arange(2))
    with pytest.raises(UnsupportedTypeError, match=f"(?s){what}.*{path}|{path}.*{what}"):
        ws.store("ns", "k", obj)
    with pytest.raises(TypeError):  # still a TypeError for callers expecting the built-in
        ws.store("ns", "other", obj)
    np.testing.assert_array_equal(ws.get("ns", "k"), np.arange(2))
    assert ws.list_keys() == {"ns": ["k"]}
    ws.close()


def test_self_containing_dict_is_rejected():
    d: dict = {}
    d["me"] = d
    with pytest.raises(UnsupportedTypeError, match="contains itself"):
        AnalysisWorkspace().store("ns", "k", d)


@pytest.mark.parametrize("namespace, key, match", [
    ("", "k", "non-empty"),
    ("a/b", "k", "'/'"),
    (".", "k", "reserved"),
    ("ns", "..", "reserved"),
    ("__meta", "k", "reserved for workspace metadata"),
    (3, "k", "must be a str"),
    ("ns", None, "must be a str"),
    ("ns", "a\x00b", "NUL"),
    ("ns", "\ud800", "UTF-8"),
])
@pytest.mark.parametrize("kind", [AnalysisWorkspace, LazyAnalysisWorkspace])
def test_invalid_names(kind, namespace, key, match):
    ws = kind()
    with pytest.raises(InvalidNameError, match=match):
        ws.store(namespace, key, np.zeros(1))
    assert len(ws) == 0
    ws.close()


@pytest.mark.parametrize("value, match", [
    ({"a/b": 1}, "'/'"), ({1: "x"}, "must be a str"), ({"": 1}, "non-empty"),
    ({"s": "nul\x00"}, "NUL"),
])
def test_invalid_dict_contents(value, match):
    with pytest.raises(InvalidNameError, match=match):
        AnalysisWorkspace().store("ns", "k", value)


def test_invalid_note_and_rename_target():
    ws = AnalysisWorkspace()
    with pytest.raises(TypeError, match="note"):
        ws.store("ns", "k", np.zeros(1), note=5)
    ws.store("ns", "k", np.zeros(1))
    with pytest.raises(InvalidNameError):
        ws.rename("ns", "k", "a/b")
    assert ws.list_keys("ns") == ["k"]


@pytest.mark.parametrize("provenance, match", [
    ({"params": {}}, "'step' must be a non-empty str"),
    ({"step": "s", "params": {"x": float("nan")}}, "no canonical JSON form"),
    ({"step": "s", "colour": "red"}, r"unknown provenance fields \['colour'\]"),
    ({"step": "s", "inputs": 3}, "'inputs' must be a str"),
    ({"step": "s", "params": {"f": print}}, "no canonical JSON form"),
    ("step", "must be a mapping"),
])
def test_invalid_provenance(provenance, match):
    ws = AnalysisWorkspace()
    with pytest.raises(ProvenanceError, match=match):
        ws.store("ns", "k", np.zeros(1), provenance=provenance)
    assert len(ws) == 0


def test_lock_timeout(tmp_path):
    ws = AnalysisWorkspace()
    ws.store("n", "k", np.zeros(1))
    with locked(str(tmp_path / "w.h5")):  # another writer holds the lock
        with pytest.raises(WorkspaceLockedError, match=r"w\.h5 is being written"):
            ws.save(tmp_path / "w", lock_timeout=0.2)
        with pytest.raises(WorkspaceLockedError):
            merge_files(tmp_path / "w", [], lock_timeout=0.2)
    assert not (tmp_path / "w.h5").exists()
    ws.save(tmp_path / "w", lock_timeout=0.2)


def test_failed_save_leaves_previous_files_and_no_temp(tmp_path, monkeypatch):
    ws = AnalysisWorkspace()
    ws.store("n", "k", np.arange(3))
    ws.save(tmp_path / "w")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    ws.store("n", "k2", np.arange(5))

    def explode(*args, **kwargs):
        raise OSError("disk full")

    failing = dataclasses.replace(registry._BY_TYPE[np.ndarray], encode=explode)
    monkeypatch.setitem(registry._BY_TYPE, np.ndarray, failing)  # every ndarray write now fails
    with pytest.raises(OSError, match="disk full"):
        ws.save(tmp_path / "w")
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # same files, same bytes, no temp file


@pytest.mark.parametrize("kind", [AnalysisWorkspace, LazyAnalysisWorkspace])
@pytest.mark.parametrize("name, error", [(3, TypeError), ("nul\x00", InvalidNameError)])
def test_invalid_workspace_name(kind, name, error):
    with pytest.raises(error, match="workspace name"):
        kind(name=name)


@pytest.mark.parametrize("how", list(LOADERS))
@pytest.mark.parametrize("value", ["1", 1.5, np.array([1, 2])])
def test_a_format_version_that_is_not_an_integer(saved, how, value):
    with h5py.File(saved, "r+") as f:
        f.attrs["__format_version__"] = value
    with pytest.raises(CorruptWorkspaceError, match=r"ws\.h5: the root attribute "
                                                    r"__format_version__ is .*not an integer"):
        LOADERS[how](saved)


@pytest.mark.parametrize("shape, words", [
    ((10**13,), r"declares shape \(10000000000000,\) \(72\.8 TiB\), more than this "
                r"machine's memory"),
    ((2**27,), r"declares 1\.0 GiB but only 0 B are stored"),
])
@pytest.mark.parametrize("how", ["load", "load_item", "verify", "merge_source", "lazy_get"])
def test_a_dataset_declaring_more_than_is_there_is_refused_before_reading(saved, how, shape,
                                                                          words):
    """A hostile (or damaged) file declares 80 TB, or 1 GB of which nothing is stored:
    refused with the item named, before anything that size is allocated."""
    with h5py.File(saved, "r+") as f:
        item = f["D0/a"]
        del item["data"], item.attrs["__checksum__"]  # as a file without checksums
        item.create_dataset("data", shape=shape, dtype=np.float64, chunks=(1024,))
    check = pytest.raises(CorruptWorkspaceError, match=rf"ws\.h5: item \('D0', 'a'\).*{words}")
    if how == "load":
        with pytest.warns(DamagedItemWarning):
            ws = AnalysisWorkspace.load(saved)
        assert ws.get("D0", "sd").N == 1  # the other item is there
        with check:
            ws.get("D0", "a")
    elif how == "lazy_get":
        with check:
            LazyAnalysisWorkspace.load(saved).get("D0", "a")
    elif how == "verify":
        (problem,) = verify(saved).problems
        assert problem.key == "a" and re.search(words, problem.problem)
    else:
        with check:
            LOADERS[how](saved)


def test_an_undecodable_workspace_name_names_the_file(saved):
    """Written by another tool (no checksums): the name is not UTF-8."""
    with h5py.File(saved, "r+") as f:
        del f.attrs["__checksum__"]
        f.attrs["__workspace_name__"] = np.bytes_(b"caf\xe9")
    with pytest.raises(CorruptWorkspaceError, match=r"ws\.h5: its root attributes cannot be "
                                                    r"read \(UnicodeDecodeError"):
        AnalysisWorkspace.load(saved)
