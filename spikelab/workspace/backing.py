"""The private files of lazy workspaces: named after their process, never left behind.

A :class:`~spikelab.workspace.LazyAnalysisWorkspace` keeps its data in a private HDF5 file
that :meth:`close` (or garbage collection, or interpreter exit) deletes. A process that is
killed gets no chance to: SLURM sends SIGTERM at a job's time limit and SIGKILL 30 s later.
So:

- **SIGTERM.** When the process has no handler of its own (the default action, dying), the
  first private file installs one that deletes this process's private files and then dies
  of SIGTERM as before (same exit status). A handler the host program installed earlier is
  called instead (chained): if it ends the program, interpreter exit deletes the files;
  if it lets the program go on, the files are still in use and stay. An ignored SIGTERM
  stays ignored. Handlers can only be installed from the main thread; elsewhere nothing
  is installed and the next point covers it.
- **SIGKILL** (and SIGTERM in the cases above). Each file's name says which process made
  it: ``spikelab-lazy-<host>-<boot>-<pid>-<start>-<random>.h5`` (a hash of the host name,
  the kernel's boot id, the process id and its start time in clock ticks). Creating a
  private file in a directory first deletes the files there of processes that are dead:
  made on this host in an earlier boot, or whose pid no longer runs with the same start
  time (pids are reused). Files of other hosts (a shared directory) and of live processes
  are never touched.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import signal
import socket
import tempfile
import threading
from dataclasses import dataclass

from ..ondisk import SUFFIX

__all__ = ["new_backing_path", "forget", "PREFIX"]

PREFIX = "spikelab-lazy-"
_NAME = re.compile(rf"^{PREFIX}([0-9a-f]{{8}})-([0-9a-f]{{8}})-(\d+)-(\d+)-[0-9a-f]{{8}}"
                   + re.escape(SUFFIX) + "$")
_UNKNOWN_BOOT = "0" * 8


@dataclass(frozen=True)
class _Identity:
    host: str
    boot: str
    pid: int
    start: int


def _boot_id() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as fh:
            return fh.read().strip().replace("-", "")[:8]
    except OSError:
        return _UNKNOWN_BOOT


def _start_ticks(pid: int) -> int | None:
    """Start time of process ``pid`` (clock ticks after boot), None if it does not exist
    or cannot be known (no ``/proc``)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may hold spaces or ')'
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[19])  # field 22 of proc(5)


def _host() -> str:
    return hashlib.sha1(socket.gethostname().encode("utf-8")).hexdigest()[:8]


def _me() -> _Identity:
    pid = os.getpid()
    return _Identity(_host(), _boot_id(), pid, _start_ticks(pid) or 0)


def _alive(other: _Identity, me: _Identity) -> bool:
    """Is the process that made a file of this host still running?"""
    if other.boot != me.boot and _UNKNOWN_BOOT not in (other.boot, me.boot):
        return False  # made before the last reboot
    if me.start:  # /proc is there: the pid must run with the same start time
        return _start_ticks(other.pid) == other.start
    try:
        os.kill(other.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_orphans(directory: str, me: _Identity) -> None:
    """Delete private files in ``directory`` whose process on this host is dead."""
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            match = _NAME.match(entry.name) if entry.name.startswith(PREFIX) else None
            if match is None or match[1] != me.host:
                continue
            other = _Identity(match[1], match[2], int(match[3]), int(match[4]))
            if not _alive(other, me):
                with contextlib.suppress(OSError):  # gone already, or not ours to delete
                    os.remove(entry.path)


# --------------------------------------------------------------------- SIGTERM
_files: dict[str, int] = {}  # live private files -> pid that made them (forks inherit this)
_lock = threading.Lock()
_installed = False


def _remove_my_files() -> None:
    pid = os.getpid()
    for path, owner in list(_files.items()):
        if owner == pid:
            with contextlib.suppress(OSError):
                os.remove(path)


def _install_sigterm_handler() -> None:
    global _installed
    if _installed or threading.current_thread() is not threading.main_thread():
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous is signal.SIG_IGN or previous is None:  # ignored, or set outside Python
        _installed = True
        return

    def on_sigterm(signum, frame):
        if callable(previous):
            previous(signum, frame)  # the host decides; its exit (if any) cleans up
            return
        _remove_my_files()  # the default action kills without cleanup: clean, then die
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, on_sigterm)
    _installed = True


# --------------------------------------------------------------------- public
def new_backing_path(directory: str | None) -> str:
    """A fresh private file name in ``directory`` (default: the temp directory), created
    empty with mode 0600, after deleting orphans there; registered for SIGTERM cleanup."""
    directory = tempfile.gettempdir() if directory is None else directory
    me = _me()
    _remove_orphans(directory, me)
    with _lock:
        _install_sigterm_handler()
        while True:
            path = os.path.join(directory, f"{PREFIX}{me.host}-{me.boot}-{me.pid}-{me.start}-"
                                           f"{secrets.token_hex(4)}{SUFFIX}")
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC,
                                 0o600))
            except FileExistsError:
                continue
            _files[path] = me.pid
            return path


def forget(path: str) -> bool:
    """Unregister ``path``; True if this process made it (and so may delete it)."""
    with _lock:
        return _files.pop(path, None) == os.getpid()
