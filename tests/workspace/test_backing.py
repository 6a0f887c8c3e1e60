"""Private files of lazy workspaces are not left behind by SIGTERM, SIGKILL or forks."""

from __future__ import annotations

import glob
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from spikelab import LazyAnalysisWorkspace
from spikelab.workspace import backing

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="uses /proc and signals")


def _private_files(directory) -> list[str]:
    return sorted(glob.glob(os.path.join(directory, backing.PREFIX + "*.h5")))


def _start(directory, before: str = "", after: str = "") -> subprocess.Popen:
    """A Python process with a lazy workspace holding one item in ``directory``; it prints
    ``ready`` and then waits for input (a line, or end of file) before ``after``."""
    code = textwrap.dedent("""
        import signal, sys
        import numpy as np
        from spikelab import LazyAnalysisWorkspace
        {before}
        ws = LazyAnalysisWorkspace(dir=sys.argv[1])
        ws.store("D0", "x", np.arange(5.0))
        print("ready", flush=True)
        sys.stdin.readline()
        {after}
    """).format(before=textwrap.dedent(before), after=textwrap.dedent(after))
    proc = subprocess.Popen([sys.executable, "-c", code, str(directory)], text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout.readline() == "ready\n", proc.stderr.read()
    return proc


def test_sigterm_deletes_the_file_and_still_kills(tmp_path):
    proc = _start(tmp_path)
    assert len(_private_files(tmp_path)) == 1
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == -signal.SIGTERM  # died of the signal, as without spikelab
    assert _private_files(tmp_path) == []


def test_sigterm_goes_to_the_host_programs_handler(tmp_path):
    """The host handles SIGTERM and carries on: its workspace must still work."""
    proc = _start(tmp_path, before="""
        seen = []
        signal.signal(signal.SIGTERM, lambda signum, frame: seen.append(signum))
    """, after="""
        print(seen == [signal.SIGTERM], ws.get("D0", "x").tolist(), flush=True)
        ws.close()
    """)
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)  # let the handler run before the process reads its next line
    assert len(_private_files(tmp_path)) == 1  # still in use
    out, err = proc.communicate("go\n", timeout=30)
    assert (proc.returncode, out) == (0, "True [0.0, 1.0, 2.0, 3.0, 4.0]\n"), err
    assert _private_files(tmp_path) == []


def test_an_ignored_sigterm_stays_ignored(tmp_path):
    proc = _start(tmp_path, before="signal.signal(signal.SIGTERM, signal.SIG_IGN)",
                  after='print(ws.get("D0", "x").sum(), flush=True)')
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    out, _ = proc.communicate("go\n", timeout=30)
    assert (proc.returncode, out) == (0, "10.0\n")
    assert _private_files(tmp_path) == []  # deleted at exit as usual


def test_files_of_dead_processes_go_when_the_next_one_is_made(tmp_path):
    killed, alive = _start(tmp_path), _start(tmp_path)
    killed.kill()
    killed.wait(30)
    assert len(_private_files(tmp_path)) == 2  # SIGKILL: no chance to clean up
    with LazyAnalysisWorkspace(dir=tmp_path) as ws:
        assert len(_private_files(tmp_path)) == 2  # nothing made yet: nothing swept
        ws.store("D0", "y", np.ones(2))
        mine = ws._backing.path
        assert len(_private_files(tmp_path)) == 2 and mine in _private_files(tmp_path)
        assert any(f"-{alive.pid}-" in os.path.basename(p) for p in _private_files(tmp_path))
    alive.communicate("go\n", timeout=30)


def _name(host: str, boot: str, pid: int, start: int) -> str:
    return f"{backing.PREFIX}{host}-{boot}-{pid}-{start}-0123abcd.h5"


def test_only_files_provably_dead_are_removed(tmp_path):
    me = backing._me()
    other_host = "f" * 8 if me.host != "f" * 8 else "e" * 8
    other_boot = "1" * 8 if me.boot != "1" * 8 else "2" * 8
    files = {
        _name(me.host, other_boot, me.pid, me.start): False,  # made before a reboot
        _name(me.host, me.boot, me.pid, me.start + 1): False,  # our pid, reused
        _name(me.host, me.boot, 2**22 + 7, 1): False,  # no such process
        _name(me.host, me.boot, me.pid, me.start): True,  # this very process
        _name(other_host, other_boot, 1, 1): True,  # another machine sharing the folder
        "spikelab-lazy-q8zu3x1m.h5": True,  # an older spikelab's name: owner unknown
    }
    for name in files:
        (tmp_path / name).write_bytes(b"")
    path = backing.new_backing_path(str(tmp_path))
    kept = {name: (tmp_path / name).exists() for name in files}
    assert kept == files
    assert backing.forget(path)
    os.remove(path)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_leaves_its_parents_file_alone(tmp_path):
    ws = LazyAnalysisWorkspace(dir=tmp_path)
    ws.store("D0", "x", np.arange(3))
    pid = os.fork()
    if pid == 0:  # the child closes its copy of the workspace, as its exit would
        try:
            ws.close()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert len(_private_files(tmp_path)) == 1
    np.testing.assert_array_equal(ws.get("D0", "x"), np.arange(3))
    ws.close()
    assert _private_files(tmp_path) == []
