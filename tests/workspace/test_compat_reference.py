"""Files move both ways between this package and the real spikelab 0.1.2.

0.1.2 runs in its own environment (fixture ``reference_python``: built from the package
index on first use and cached; under CI a failure to build it fails these tests). Its side
of each check is ``reference_side.py``. Both sides build the expected objects from
``compat_items`` with their own classes and compare exactly (``ws_equality``):

- 0.1.2 writes the cases with each of its workspaces, reads them back itself (so the cases'
  claims about 0.1.2 are checked against it), and every reader here must get the same;
- every writer here (``WRITERS``) writes the cases, and 0.1.2 must read each file exactly
  as the cases say. A new way of writing a workspace file is one more line in ``WRITERS``.

``test_compat_layout.py`` checks the layout itself, without a reference install.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from compat_items import NAME, REFERENCE_WRITES, WRITTEN_HERE, cases, store_cases
from ws_equality import assert_same

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace
from spikelab.io import load_recording
from spikelab.workspace import merge_files, pack, verify
from spikelab.workspace.codecs import codec_for, known_tags
from spikelab.workspace.h5file import open_workspace
from tests.reference_env import VERSION, run_reference

SIDE = Path(__file__).with_name("reference_side.py")
CHECKOUT_PACKAGE = Path(__file__).resolve().parents[2] / "spikelab"


def run_side(python: Path, *args: str) -> dict:
    """Run ``reference_side.py`` under 0.1.2; its report (checked to come from 0.1.2)."""
    out = run_reference(python, [str(SIDE), *args])
    report = json.loads(out.strip().splitlines()[-1])
    assert report["version"] == VERSION, report["version"]
    assert not Path(report["module"]).resolve().is_relative_to(CHECKOUT_PACKAGE), \
        f"the reference imported this checkout's spikelab ({report['module']})"
    return report


def key_sets(keys: dict[str, list[str]]) -> dict[str, set[str]]:
    return {ns: set(names) for ns, names in keys.items()}


def store_order(direction: str) -> dict[str, list[str]]:
    order: dict[str, list[str]] = {}
    for case in cases(direction):
        order.setdefault(case.namespace, []).append(case.key)
    return order


def test_every_stored_type_is_covered_both_ways():
    for direction in (REFERENCE_WRITES, WRITTEN_HERE):
        covered = {codec_for(case.stored).tag for case in cases(direction)}
        assert covered == set(known_tags()), direction


# ------------------------------------------------------------ 0.1.2 writes, we read

@pytest.fixture(scope="module")
def written_by_reference(reference_python, tmp_path_factory) -> dict[str, dict]:
    """``{"eager"|"lazy": 0.1.2's own reading of the file}``, each with its ``path``."""
    out = tmp_path_factory.mktemp("written-by-0.1.2")
    files = run_side(reference_python, "write", str(out))["files"]
    return {Path(path).stem: dict(report, path=path) for path, report in files.items()}


@pytest.mark.parametrize("writer", ["eager", "lazy"])
def test_cases_hold_for_reference_reading_its_own_file(written_by_reference, writer):
    seen = written_by_reference[writer]
    assert seen["mismatches"] == {}, "compat_items is wrong about what 0.1.2 reads back"
    assert key_sets(seen["keys"]) == key_sets(store_order(REFERENCE_WRITES))


def _merged_copy(path: str, tmp: Path) -> AnalysisWorkspace:
    merge_files(tmp / "merged", [path])
    return AnalysisWorkspace.load(tmp / "merged")


READERS: dict[str, Callable[[str, Path], object]] = {
    "load": lambda path, tmp: AnalysisWorkspace.load(path),
    "lazy-load": lambda path, tmp: LazyAnalysisWorkspace.load(path, dir=tmp),
    "merge_files": _merged_copy,
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("writer", ["eager", "lazy"])
def test_files_written_by_reference_read_here(written_by_reference, writer, reader, tmp_path):
    ws = READERS[reader](written_by_reference[writer]["path"], tmp_path)
    try:
        assert ws.name == (NAME if reader != "merge_files" else None)
        assert key_sets(ws.list_keys()) == key_sets(written_by_reference[writer]["keys"])
        if reader != "merge_files":  # store order, from 0.1.2's sidecar
            assert ws.list_keys() == store_order(REFERENCE_WRITES)
        for case in cases(REFERENCE_WRITES):
            where = f"{case.namespace}/{case.key}"
            assert_same(ws.get(case.namespace, case.key), case.expected, where)
            assert ws.get_info(case.namespace, case.key).get("note") == case.note, where
    finally:
        ws.close()


@pytest.mark.parametrize("writer", ["eager", "lazy"])
def test_items_of_reference_files_load_one_by_one(written_by_reference, writer):
    path = written_by_reference[writer]["path"]
    for case in cases(REFERENCE_WRITES):
        where = f"{case.namespace}/{case.key}"
        assert_same(AnalysisWorkspace.load_item(path, case.namespace, case.key),
                    case.expected, where)
        if case.namespace == "SpikeData":  # a recording given as file.h5::ns/key
            assert_same(load_recording(f"{path}::{where}"), case.expected, where)


@pytest.mark.parametrize("writer", ["eager", "lazy"])
def test_reference_files_verify(written_by_reference, writer):
    report = verify(written_by_reference[writer]["path"])
    assert report.ok, report.problems
    assert report.checked == len(cases(REFERENCE_WRITES)) and report.hashed == 0


# ------------------------------------------------------------ we write, 0.1.2 reads

def _filled(**save_options) -> Callable[[Path, Path], None]:
    def write(path: Path, tmp: Path) -> None:
        store_cases(AnalysisWorkspace(NAME), cases(WRITTEN_HERE)).save(path, **save_options)
    return write


def _lazy(path: Path, tmp: Path) -> None:
    with LazyAnalysisWorkspace(NAME, dir=tmp, compression="gzip") as ws:
        store_cases(ws, cases(WRITTEN_HERE)).save(path)


def _halves(tmp: Path) -> list[Path]:
    """The cases saved in two part files (data classes, then arrays and dicts)."""
    first = {"SpikeData", "RateData", "RateSliceStack", "SpikeSliceStack"}
    parts = []
    for i, keep in enumerate((lambda ns: ns in first, lambda ns: ns not in first)):
        part = tmp / f"part{i}"
        selected = [case for case in cases(WRITTEN_HERE) if keep(case.namespace)]
        store_cases(AnalysisWorkspace(NAME), selected).save(part)
        parts.append(part)
    return parts


def _merged_new(path: Path, tmp: Path) -> None:
    merge_files(path, _halves(tmp))


def _merged_append(path: Path, tmp: Path) -> None:
    first, second = _halves(tmp)
    AnalysisWorkspace.load(first).save(path)
    merge_files(path, [second])


def _merged_then_packed(path: Path, tmp: Path) -> None:
    sharded = tmp / "sharded"
    _merged_new(sharded, tmp)
    pack(sharded, path)


#: Every way this package writes a workspace file; 0.1.2 must read each one.
WRITERS: dict[str, Callable[[Path, Path], None]] = {
    "save": _filled(),
    "save-gzip": _filled(compression="gzip"),
    "save-lzf": _filled(compression="lzf"),
    "lazy-gzip-save": _lazy,
    "merge_files-new": _merged_new,        # a sharded root: 0.1.2 follows its links
    "merge_files-append": _merged_append,  # a single file made sharded by the merge
    "pack": _merged_then_packed,           # the sharded workspace packed into one file
}


@pytest.fixture(scope="module")
def read_by_reference(reference_python, tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    """``{writer: (its file, 0.1.2's reading of it)}``, from one run of 0.1.2."""
    paths = {}
    for name, write in WRITERS.items():
        tmp = tmp_path_factory.mktemp(name)
        write(tmp / "ws", tmp)
        paths[name] = tmp / "ws.h5"
    files = run_side(reference_python, "read", *map(str, paths.values()))["files"]
    return {name: (path, files[str(path)]) for name, path in paths.items()}


@pytest.mark.parametrize("writer", WRITERS)
def test_files_written_here_read_in_reference(read_by_reference, writer):
    path, seen = read_by_reference[writer]
    ours = AnalysisWorkspace.load(path)
    assert seen["mismatches"] == {}
    assert seen["name"] == ours.name and seen["keys"] == ours.list_keys()
    assert key_sets(seen["keys"]) == key_sets(store_order(WRITTEN_HERE))
    assert seen["notes"] == {f"{c.namespace}/{c.key}": c.note
                             for c in cases(WRITTEN_HERE) if c.note is not None}


@pytest.mark.parametrize("writer, sharded", [("merge_files-new", True),
                                             ("merge_files-append", True), ("pack", False)])
def test_the_sharded_and_packed_forms_are_what_0_1_2_read(read_by_reference, writer, sharded):
    path, _ = read_by_reference[writer]
    with open_workspace(str(path)) as f:
        assert bool(f.shard_files) == sharded
