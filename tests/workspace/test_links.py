"""Links out of a workspace file are refused by every reader, without being followed.

Each hostile file below is a sound workspace file edited with h5py to reach outside
itself, then sealed again (a hostile writer can forge any checksum) and stripped of its
index: only the link checks stand between the reader and the outside file, whose values
(``SECRET``) must never come back nor end up in a merged workspace.
"""

from __future__ import annotations

import os
import warnings
from unittest import mock

import h5py
import numpy as np
import pytest

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace
from spikelab.cli.main import main as cli_main
from spikelab.errors import CorruptWorkspaceError
from spikelab.workspace import merge_files, verify
from spikelab.ondisk import INDEX
from spikelab.workspace.seals import seal_item

SECRET = np.array([7.0, 7.0, 7.0, 7.0])


def _outside_files(directory) -> tuple[str, str]:
    """An HDF5 file and a raw file the user can read, outside any workspace."""
    secret_h5 = os.path.join(directory, "secret.h5")
    with h5py.File(secret_h5, "w") as f:
        f.create_group("g").create_dataset("data", data=SECRET)
        f["arr"] = SECRET
    raw = os.path.join(directory, "secret.bin")
    with open(raw, "wb") as fh:
        fh.write(SECRET.tobytes())
    return secret_h5, raw


def _item_is_external_link(f, secret_h5, raw):
    del f["D0/b"]
    f["D0/b"] = h5py.ExternalLink(secret_h5, "/g")


def _item_is_soft_link(f, secret_h5, raw):
    del f["D0/b"]
    f["D0/b"] = h5py.SoftLink("/D0/a")


def _dataset_is_external_link(f, secret_h5, raw):
    del f["D0/b/data"]
    f["D0/b/data"] = h5py.ExternalLink("secret.h5", "/arr")


def _dataset_is_soft_link(f, secret_h5, raw):
    del f["D0/b/data"]
    f["D0/b/data"] = h5py.SoftLink("/D0/a/data")


def _virtual_dataset(f, secret_h5, raw):
    del f["D0/b/data"]
    layout = h5py.VirtualLayout(shape=(4,), dtype="f8")
    layout[:] = h5py.VirtualSource(secret_h5, "arr", shape=(4,))
    f["D0/b"].create_virtual_dataset("data", layout)


def _external_storage(f, secret_h5, raw):
    del f["D0/b/data"]
    f["D0/b"].create_dataset("data", shape=(4,), dtype="f8", external=[(raw, 0, 32)])


HOSTILE = {
    "item is an external link": _item_is_external_link,
    "item is a soft link to another item": _item_is_soft_link,
    "dataset is an external link": _dataset_is_external_link,
    "dataset is a soft link into another item": _dataset_is_soft_link,
    "virtual dataset": _virtual_dataset,
    "external raw storage": _external_storage,
}


@pytest.fixture(params=list(HOSTILE))
def hostile(request, tmp_path):
    """(path of a hostile workspace whose item ('D0', 'b') reaches outside, what it does)."""
    secret_h5, raw = _outside_files(tmp_path)
    ws = AnalysisWorkspace()
    ws.store("D0", "a", np.arange(4.0))
    ws.store("D0", "b", np.zeros(4))
    path = str(tmp_path / "hostile.h5")
    ws.save(path)
    with h5py.File(path, "r+") as f:
        del f[INDEX]
        HOSTILE[request.param](f, secret_h5, raw)
        if isinstance(f["D0"].get("b", getlink=True), h5py.HardLink):
            with mock.patch("spikelab.workspace.checksums.check_dataset_storage"):
                seal_item(f["D0/b"])  # forged: the link checks alone must refuse it
    return path


def _refused(exc_info, path) -> None:
    message = str(exc_info.value)
    assert path in message and "'D0', 'b'" in message and "refused" in message


def test_load_keeps_the_others_and_names_the_item(hostile):
    with pytest.warns(Warning, match="D0/b"):
        ws = AnalysisWorkspace.load(hostile)
    assert np.array_equal(ws.get("D0", "a"), np.arange(4.0))
    assert list(ws.damaged) == [("D0", "b")]
    with pytest.raises(CorruptWorkspaceError) as exc_info:
        ws.get("D0", "b")
    _refused(exc_info, hostile)


def test_load_item_refuses(hostile):
    with pytest.raises(CorruptWorkspaceError) as exc_info:
        AnalysisWorkspace.load_item(hostile, "D0", "b")
    _refused(exc_info, hostile)


def test_lazy_get_refuses(hostile):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = LazyAnalysisWorkspace.load(hostile)
    with ws, pytest.raises(CorruptWorkspaceError) as exc_info:
        ws.get("D0", "b")
    _refused(exc_info, hostile)


def test_merge_refuses_and_copies_nothing(hostile, tmp_path):
    target = str(tmp_path / "merged.h5")
    with pytest.raises(CorruptWorkspaceError) as exc_info:
        merge_files(target, [hostile])
    _refused(exc_info, hostile)
    assert not os.path.exists(target)


def test_merge_from_refuses(hostile):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = LazyAnalysisWorkspace.load(hostile)
    with source, LazyAnalysisWorkspace() as ws, pytest.raises(CorruptWorkspaceError) as exc:
        ws.merge_from(source)
    _refused(exc, hostile)


def test_verify_reports_the_item(hostile):
    report = verify(hostile)
    assert [(p.namespace, p.key) for p in report.problems] == [("D0", "b")]
    assert "refused" in report.problems[0].problem


def test_cli_verify_exits_1(hostile, capsys):
    assert cli_main(["verify", hostile]) == 1
    assert "D0" in capsys.readouterr().out


@pytest.mark.parametrize("link", [
    h5py.ExternalLink("secret.h5", "/g"),
    h5py.ExternalLink("hostile.shards/../secret.h5", "/D1"),
    h5py.ExternalLink("/etc/hostile.shards/x.0123456789abcdef.h5", "/D1"),
    h5py.ExternalLink("hostile.shards/x.0123456789abcdef.h5", "/D0"),
    h5py.ExternalLink("hostile.shards/x.0123456789abcdef.h5", "/D1"),  # dangling
    h5py.SoftLink("/D0"),
], ids=["other file", "dot-dot", "absolute", "other namespace", "dangling", "soft"])
def test_namespace_links_outside_the_shard_folder_are_refused(tmp_path, link):
    _outside_files(tmp_path)
    ws = AnalysisWorkspace()
    ws.store("D0", "a", np.arange(4.0))
    path = str(tmp_path / "hostile.h5")
    ws.save(path)
    with h5py.File(path, "r+") as f:
        del f[INDEX]
        f["D1"] = link
    for read in (lambda: AnalysisWorkspace.load(path),
                 lambda: AnalysisWorkspace.load_item(path, "D1", "b"),
                 lambda: merge_files(str(tmp_path / "m"), [path]),
                 lambda: verify(path)):
        with pytest.raises(CorruptWorkspaceError, match="'D1'") as exc_info:
            read()
        assert path in str(exc_info.value)
