"""The `spikelab` command as a whole: console script, --version, exit status, error lines."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

from spikelab import AnalysisWorkspace, __version__
from spikelab.cli import main

SCRIPT = os.path.join(os.path.dirname(sys.executable), "spikelab")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([SCRIPT, *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def test_console_script_lists_a_workspace_as_json(workspace_file):
    path, ws = workspace_file
    done = _run("ls", path, "--json")
    assert done.returncode == 0 and done.stderr == ""  # stderr is a pipe: no progress line
    doc = json.loads(done.stdout)
    assert [(i["namespace"], i["key"]) for i in doc["items"]] == list(ws)
    assert doc["items"][0]["info"]["note"] == ws.get_info("rec1", "array")["note"]


def test_console_script_verify_and_error_without_traceback(workspace_file, tmp_path):
    path, _ = workspace_file
    done = _run("verify", path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"ok: {path}: 11 items decoded")
    missing = tmp_path / "missing.h5"
    done = _run("info", missing, "ns", "key")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"spikelab info: error: workspace file not found: {missing}\n"


def test_module_entry_point_and_version():
    done = subprocess.run([sys.executable, "-m", "spikelab.cli", "--version"],
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, f"spikelab {__version__}\n")


def test_version_and_help_in_process(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"spikelab {__version__}\n"
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(command in out for command in ("ls", "describe", "info", "merge", "verify"))


@pytest.mark.parametrize("argv", [[], ["nope"], ["ls"], ["info", "x.h5", "ns"]])
def test_usage_errors_exit_2(capsys, argv):
    assert main(argv) == 2
    assert "usage: spikelab" in capsys.readouterr().err


def _newer_format(path: str) -> None:
    with h5py.File(path, "r+") as f:
        f.attrs["__format_version__"] = 99


def _truncate(path: str) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(3000)


def _bad_format_version(path: str) -> None:
    with h5py.File(path, "r+") as f:
        f.attrs["__format_version__"] = "one"


def _flip_in_item(path: str) -> None:
    """One flipped byte in the data of rec1/array (caught by its checksum)."""
    with h5py.File(path, "r") as f:
        offset = f["rec1/array/data"].id.get_offset()
    with open(path, "r+b") as fh:
        fh.seek(offset + 3)
        byte = fh.read(1)[0]
        fh.seek(offset + 3)
        fh.write(bytes([byte ^ 0x10]))


def _edit_note(path: str) -> None:
    """The note of rec1/array, edited behind its checksum (as a flip in it would)."""
    with h5py.File(path, "r+") as f:
        f["rec1/array"].attrs["__note__"] = "note of arraY"


def _flip_in_name(path: str) -> None:
    """The workspace name, edited behind the file's checksum (as a flip would change it)."""
    with h5py.File(path, "r+") as f:
        f.attrs["__workspace_name__"] = "cli tesT"


# (argv template, damage to the workspace, text the message must contain, exit status);
# {ws} is the workspace file, {tmp} the test directory. Damage found exits 1, errors 2.
ERRORS = {
    "missing file": (["ls", "{tmp}/absent"], None, "workspace file not found: {tmp}/absent.h5",
                     2),
    "not hdf5": (["ls", "{tmp}/text.h5"], None, "{tmp}/text.h5 is not an HDF5 file", 2),
    "plain hdf5": (["info", "{tmp}/plain.h5", "a", "b"], None,
                   "{tmp}/plain.h5 is an HDF5 file but not a spikelab workspace", 2),
    "unknown namespace (ls)": (["ls", "{ws}", "rec9"], None,
                               "{ws}: namespace 'rec9' not found; namespaces: 'rec1', 'rec2'", 2),
    "unknown namespace (info)": (["info", "{ws}", "rec9", "x"], None,
                                 "{ws}: namespace 'rec9' not found", 2),
    "unknown key": (["info", "{ws}", "rec2", "nope"], None,
                    "{ws}: item ('rec2', 'nope') not found; keys in 'rec2': 'plain'", 2),
    "reserved namespace": (["info", "{ws}", "__meta__", "x"], None,
                           "namespace '__meta__' not found", 2),
    "the index as namespace": (["info", "{ws}", "__index__", "x"], None,
                               "namespace '__index__' not found; namespaces: 'rec1', 'rec2'", 2),
    "path-like key": (["info", "{ws}", "rec1", "spikes/spike_times"], None,
                      "item ('rec1', 'spikes/spike_times') not found", 2),
    "truncated (ls)": (["ls", "{ws}"], _truncate, "{ws} has an HDF5 signature but cannot be", 1),
    "newer format (verify)": (["verify", "{ws}"], _newer_format,
                              "{ws} uses workspace format version 99", 2),
    "format version not a number": (["ls", "{ws}"], _bad_format_version,
                                    "{ws}: the root attribute __format_version__ is 'one', not "
                                    "an integer", 1),
    "damaged name": (["ls", "{ws}"], _flip_in_name, "{ws} is damaged: the workspace's root "
                                                    "attributes", 1),
    "damaged item (info)": (["info", "{ws}", "rec1", "array"], _edit_note,
                            "{ws}: item ('rec1', 'array') is damaged", 1),
    "merge: missing source": (["merge", "{tmp}/out", "{ws}", "{tmp}/absent.h5"], None,
                              "workspace file not found: {tmp}/absent.h5", 2),
    "merge: target is a source": (["merge", "{ws}", "{ws}"], None,
                                  "{ws} is both the merge target and a source", 2),
    "merge: target not a workspace": (["merge", "{tmp}/plain", "{ws}"], None,
                                      "{tmp}/plain.h5 is an HDF5 file but not a spikelab", 2),
    "merge: damaged source": (["merge", "{tmp}/out", "{ws}"], _flip_in_item,
                              "error: {ws}: item ('rec1', 'array') is damaged", 1),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_give_one_line_naming_the_file(workspace_file, tmp_path, cli, case):
    path, _ = workspace_file
    (tmp_path / "text.h5").write_text("not hdf5")
    h5py.File(tmp_path / "plain.h5", "w").close()
    argv, damage, expected, status = ERRORS[case]
    if damage is not None:
        damage(path)
    fill = {"ws": path, "tmp": str(tmp_path)}
    code, out, err = cli(*[a.format(**fill) for a in argv])
    assert code == status and out == ""
    assert err.startswith(f"spikelab {argv[0]}: error: ") and err.count("\n") == 1
    assert expected.format(**fill) in err
    assert not os.path.exists(tmp_path / "out.h5")


def test_an_error_without_a_file_name_gets_one(workspace_file, cli, monkeypatch):
    path, _ = workspace_file

    def locked(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("spikelab.cli.merge.merge_files", locked)
    code, _, err = cli("merge", path[:-3] + "_out", path)
    assert code == 2
    assert err == f"spikelab merge: error: {path[:-3]}_out.h5: [Errno 13] Permission denied\n"


@pytest.mark.parametrize("raised", [OSError("Unable to synchronously open object"),
                                    KeyError("Unable to open object"), RuntimeError("boom")])
def test_a_raw_library_error_is_a_bug_not_a_message(workspace_file, monkeypatch, raised):
    """Damaged input raises spikelab's own errors: an h5py exception reaching the command
    (an OSError without errno, a KeyError...) is a bug and keeps its traceback."""
    def leak(path, **options):
        raise raised

    monkeypatch.setattr("spikelab.cli.verify.verify", leak)
    with pytest.raises(type(raised)):
        main(["verify", workspace_file[0]])


def test_interrupt_exits_130(workspace_file, cli, monkeypatch):
    def interrupted(path, **options):
        raise KeyboardInterrupt

    monkeypatch.setattr("spikelab.cli.verify.verify", interrupted)
    code, out, err = cli("verify", workspace_file[0])
    assert (code, out, err) == (130, "", "spikelab verify: interrupted\n")


def test_bugs_are_not_hidden(workspace_file, monkeypatch):
    """Only input errors become one-line messages; a bug keeps its traceback."""
    def broken(path, **options):
        raise AttributeError("a bug")

    monkeypatch.setattr("spikelab.cli.verify.verify", broken)
    with pytest.raises(AttributeError, match="a bug"):
        main(["verify", workspace_file[0]])


def test_closed_pipe_is_silent(tmp_path):
    """`spikelab ls big.h5 | head -1`: no error message, the shell's SIGPIPE status."""
    ws = AnalysisWorkspace()
    for i in range(100):  # --json shows whole notes: more than a pipe buffer (64 KiB)
        ws.store("n", f"key_{i}", np.zeros(1), note="n" * 2000)
    ws.save(tmp_path / "big")
    proc = subprocess.Popen([SCRIPT, "ls", str(tmp_path / "big"), "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "{\n"
    proc.stdout.close()
    assert proc.wait(timeout=120) == 141
    assert proc.stderr.read() == ""
