"""Every byte of a small workspace file flipped in turn: each reader gives back the right
values or one clear spikelab error (never a raw h5py/KeyError/OSError, never a traceback,
never wrong values), and the command line exits 0, 1 (damage) or 2 (error).

Readers: ``AnalysisWorkspace.load`` and ``load_item``, and the command's ``ls``, ``info``,
``verify`` and ``merge`` run in-process through ``main(argv)``. The library functions the
command calls (``verify``, ``merge_files``, the listing functions) are wrapped so that an
exception they let through that is not a spikelab error fails the test instead of being
reported by the command; so ``verify`` and ``merge_files`` are checked at every offset too.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import struct
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from ws_equality import assert_same

import spikelab.atomicfile
import spikelab.workspace.merge.files
import spikelab.cli.info
import spikelab.cli.ls
import spikelab.cli.merge
import spikelab.cli.verify
from spikelab import AnalysisWorkspace, SpikeData
from spikelab.cli import main
from spikelab.errors import SpikelabError
from spikelab.workspace import merge_files
from spikelab.workspace.h5file import open_workspace

SCRIPT = os.path.join(os.path.dirname(sys.executable), "spikelab")
CHUNKS = 8  # the offsets are scanned in this many tests, for pytest-xdist to share out


def _workspace() -> AnalysisWorkspace:
    """One item, small, but with every kind of storage: datasets, nested groups, numeric
    and text attributes (a note, JSON metadata, provenance), a text dataset. (That other
    items load when one cannot is tested in ``test_invariants``.)"""
    ws = AnalysisWorkspace(name="flip")
    sd = SpikeData([[0.5, 1.2], [2.0]], length=3.0, metadata={"fs": 20000},
                   neuron_attributes=[{"id": 1, "label": "good"}, {"id": 2, "label": "mua"}])
    ws.store("D0", "sd", sd, note="n", provenance={"step": "load"})
    return ws


def _unused_heap_bytes(data: bytes) -> set[int]:
    """Offsets of the free space inside HDF5 global heap collections ("GCOL").

    A collection (at least 4 KiB, where variable-length strings live) ends with a free
    space object, index 0, whose bytes HDF5 never interprets: flipping one cannot change
    what any reader does, so the scan skips them (``test_unused_heap_bytes_are_inert``
    flips a sample to show it).
    """
    unused: set[int] = set()
    start = data.find(b"GCOL")
    while start >= 0:
        size = struct.unpack_from("<Q", data, start + 8)[0]
        pos = start + 16
        while pos + 16 <= start + size:
            index, _, _, obj_size = struct.unpack_from("<HHIQ", data, pos)
            if index == 0:
                unused.update(range(pos + 16, start + size))
                break
            pos += 16 + (obj_size + 7) // 8 * 8
        start = data.find(b"GCOL", start + 4)
    return unused


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """(bytes of the saved file, the workspace as loaded from it)."""
    path = tmp_path_factory.mktemp("pristine") / "ws"
    _workspace().save(path)
    return (path.parent / "ws.h5").read_bytes(), AnalysisWorkspace.load(path)


class _Raw(BaseException):
    """A raw exception from a library function the command calls (not caught by it)."""


@pytest.fixture
def strict_command(monkeypatch):
    """The command's library calls re-raise non-spikelab exceptions as :class:`_Raw`; and
    files are not flushed to disk (thousands of merges: durability is not tested here)."""
    for module in (spikelab.atomicfile, spikelab.workspace.merge.files):
        monkeypatch.setattr(module, "fsync_path", lambda path, directory=False: None)
    def strict(fn):
        def call(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except (SpikelabError, FileNotFoundError):
                raise
            except Exception as exc:  # noqa: BLE001
                raise _Raw(f"{fn.__name__}: {type(exc).__name__}: {exc}") from exc
        return call

    for module, name in [(spikelab.cli.ls, "read_inventory"), (spikelab.cli.info, "read_item"),
                         (spikelab.cli.verify, "verify"), (spikelab.cli.merge, "merge_files"),
                         (spikelab.cli.merge, "item_keys")]:
        monkeypatch.setattr(module, name, strict(getattr(module, name)))


def _same(a, b) -> bool:
    try:
        assert_same(a, b)
    except AssertionError:
        return False
    return True


def _wrong_items(ws: AnalysisWorkspace, original: AnalysisWorkspace, root: bool = True
                 ) -> list:
    """Items ``ws`` gives back (not reported damaged) that differ from the original, and
    ``"root"`` if its name or id do (unless ``root`` is False: a merge target has its own)."""
    wrong = [] if not root or (ws.name, ws.workspace_id) == (original.name,
                                                             original.workspace_id) \
        else ["root"]
    for ns, key in ws:
        if (ns, key) not in ws.damaged and (
                (ns, key) not in original or not _same(ws.get(ns, key), original.get(ns, key))
                or ws.get_info(ns, key) != original.get_info(ns, key)):
            wrong.append((ns, key))
    return wrong


def _command(*argv: str) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(list(argv))


def _scan(path, original) -> list[str]:
    """Every reader on the file ``path``; what went wrong (empty when all is well).

    Every reader opens the file with ``open_workspace`` before anything else: when that
    refuses the file with a spikelab error, so does each of them, at the same call, and
    they are not run.
    """
    found: list[str] = []
    try:
        open_workspace(str(path)).close()
    except SpikelabError:
        return found
    except Exception as exc:  # noqa: BLE001
        return [f"open_workspace: raw {type(exc).__name__}: {exc}"]

    def attempt(name, run):
        try:
            return run()
        except (SpikelabError, FileNotFoundError):
            return None
        except (Exception, _Raw) as exc:  # noqa: BLE001 (a raw exception is looked for)
            found.append(f"{name}: raw {type(exc).__name__}: {exc}")
            return None

    loaded = attempt("load", lambda: AnalysisWorkspace.load(path))
    wrong = _wrong_items(loaded, original) if loaded is not None else []
    if wrong:
        found.append(f"load: wrong values {wrong}")
    intact = loaded is not None and not loaded.damaged and not wrong
    item = attempt("load_item", lambda: AnalysisWorkspace.load_item(path, "D0", "sd"))
    if item is not None and not _same(item, original.get("D0", "sd")):
        found.append("load_item: wrong values")
    merged = f"{path}-merged"
    codes = {argv[0]: attempt(argv[0], lambda argv=argv: _command(*argv)) for argv in (
        ["ls", str(path)], ["info", str(path), "D0", "sd"], ["verify", str(path)],
        ["merge", merged, str(path)])}
    found += [f"{name}: exit {code}" for name, code in codes.items() if code not in (0, 1, 2)]
    if codes["verify"] == 0 and not intact:
        found.append("verify: ok, but load does not give back every item intact")
    if codes["merge"] == 0:
        wrong = attempt("load merged", lambda: _wrong_items(
            AnalysisWorkspace.load(merged), original, root=False))
        if wrong:
            found.append(f"merge: wrong values in the target {wrong}")
    return found


def _flip(path, data: bytes, offset: int) -> None:
    flipped = bytearray(data)
    flipped[offset] ^= 0xFF
    path.write_bytes(flipped)
    for leftover in path.parent.glob(path.name + "-*"):  # merge targets of the last run
        if leftover.is_dir():  # the target's shard folder
            shutil.rmtree(leftover)
        else:
            leftover.unlink()


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_every_flipped_byte_gives_the_right_values_or_one_clear_error(
        pristine, tmp_path, strict_command, chunk):
    data, original = pristine
    path = tmp_path / "flipped.h5"
    offsets = sorted(set(range(len(data))) - _unused_heap_bytes(data))[chunk::CHUNKS]
    failures = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DamagedItemWarning: damage is the point here
        for offset in offsets:
            _flip(path, data, offset)
            found = _scan(path, original)
            if found:
                failures[offset] = found
    assert failures == {}, f"{len(failures)} of {len(offsets)} offsets"


def test_unused_heap_bytes_are_inert(pristine, tmp_path, strict_command):
    data, original = pristine
    path = tmp_path / "flipped.h5"
    unused = sorted(_unused_heap_bytes(data))
    assert 1000 < len(unused) < len(data) / 2  # most of one 4 KiB collection
    for offset in unused[::len(unused) // 16]:
        _flip(path, data, offset)
        assert _scan(path, original) == []
        assert verify_is_ok(path) and _same(AnalysisWorkspace.load(path).get("D0", "sd"),
                                            original.get("D0", "sd"))


def verify_is_ok(path) -> bool:
    return _command("verify", str(path)) == 0


def test_the_command_prints_no_traceback_on_damaged_files(pristine, tmp_path):
    """A few real runs of the console script (the scan runs the command in-process)."""
    data, _ = pristine
    path = tmp_path / "flipped.h5"
    for offset in np.linspace(0, len(data) - 1, 6).astype(int):
        _flip(path, data, offset)
        for command in (["verify", str(path)], ["ls", str(path)]):
            done = subprocess.run([SCRIPT, *command], capture_output=True, text=True,
                                  timeout=120)
            assert done.returncode in (0, 1, 2), done.stderr
            assert "Traceback" not in done.stderr, (offset, done.stderr)


def test_flipped_bytes_in_a_shard_give_the_right_values_or_one_clear_error(
        pristine, tmp_path, strict_command):
    """The same readers on a sharded workspace whose shard has one byte flipped (a sample
    of offsets: every byte of a shard is read by the code paths scanned above)."""
    data, _ = pristine
    root = tmp_path / "sharded.h5"
    root.write_bytes(data)  # the same workspace id; the merge makes it sharded
    extra = AnalysisWorkspace()
    extra.store("D1", "x", np.arange(3.0))
    extra.save(tmp_path / "extra")
    merge_files(root, [tmp_path / "extra"])
    original = AnalysisWorkspace.load(root)
    with open_workspace(str(root)) as f:
        shard = Path(f.shard_files["D0"])
    shard_data = shard.read_bytes()
    offsets = sorted(set(range(len(shard_data))) - _unused_heap_bytes(shard_data))
    failures = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for offset in offsets[::max(1, len(offsets) // 150)]:
            flipped = bytearray(shard_data)
            flipped[offset] ^= 0xFF
            shard.write_bytes(flipped)
            for leftover in tmp_path.glob(root.name + "-*"):
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
            found = _scan(root, original)
            if found:
                failures[offset] = found
    assert failures == {}
