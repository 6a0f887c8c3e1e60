"""Long workspace calls count their work through ``progress=`` and never draw."""

import io

import numpy as np
import pytest

from spikelab import AnalysisWorkspace
from spikelab.workspace import merge_files, pack, verify


class Terminal(io.StringIO):
    def isatty(self):
        return True


def _saved(path, items):
    """A workspace file holding ``items`` ({namespace: number of keys})."""
    ws = AnalysisWorkspace()
    for ns, n in items.items():
        for i in range(n):
            ws.store(ns, f"a{i}", np.arange(10.0) * i)
    ws.save(path)
    return path


class Calls(list):
    def __call__(self, done, total):
        self.append((done, total))


def _well_formed(calls, total):
    """(0, total) first, (total, total) last, counts rising, total never changing."""
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert all(t == total for _, t in calls)
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:], strict=False))


def test_verify_counts_items_not_index_fields(tmp_path):
    # the total was once the sum of every index entry's fields: 5 items gave 35
    path = _saved(tmp_path / "ws", {"D0": 5, "D1": 2})
    calls = Calls()
    assert verify(path, progress=calls).ok
    assert calls == [(done, 7) for done in range(8)]  # one report per item checked


def test_merge_counts_the_items_it_writes(tmp_path):
    first = _saved(tmp_path / "first", {"D0": 5, "D1": 2})
    calls = Calls()
    merge_files(tmp_path / "merged", [first], progress=calls)
    _well_formed(calls, 7)
    # a later merge rewrites only the namespaces that change: D1's 2 + 1 items, not D0's
    second = _saved(tmp_path / "second", {"D1": 3})
    calls = Calls()
    merge_files(tmp_path / "merged", [second], progress=calls)
    _well_formed(calls, 3)
    # nothing to merge: nothing written, nothing reported
    calls = Calls()
    assert not merge_files(tmp_path / "merged", [second], progress=calls)["written"]
    assert calls == []


def test_pack_counts_items(tmp_path):
    part = _saved(tmp_path / "part", {"D0": 4, "D1": 3})
    merge_files(tmp_path / "merged", [part])
    calls = Calls()
    assert pack(tmp_path / "merged", tmp_path / "packed", progress=calls)["items"] == 7
    _well_formed(calls, 7)
    assert len(calls) == 3  # (0, 7), then one report per namespace copied


def test_the_library_never_draws_even_on_a_terminal(tmp_path, monkeypatch):
    err, out = Terminal(), Terminal()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setattr("sys.stdout", out)
    part = _saved(tmp_path / "part", {"D0": 5})
    merge_files(tmp_path / "merged", [part])
    assert verify(tmp_path / "merged").ok
    pack(tmp_path / "merged", tmp_path / "packed")
    assert err.getvalue() == "" and out.getvalue() == ""


@pytest.mark.parametrize("call", ["verify", "merge", "pack"])
def test_a_failing_callback_stops_the_call(tmp_path, call):
    """The callback runs in the caller's thread: what it raises reaches the caller."""
    part = _saved(tmp_path / "part", {"D0": 2})
    merge_files(tmp_path / "merged", [part])

    def stop(done, total):
        if done:
            raise KeyboardInterrupt

    run = {"verify": lambda: verify(tmp_path / "merged", progress=stop),
           "merge": lambda: merge_files(tmp_path / "other", [part], progress=stop),
           "pack": lambda: pack(tmp_path / "merged", tmp_path / "packed", progress=stop)}
    with pytest.raises(KeyboardInterrupt):
        run[call]()
