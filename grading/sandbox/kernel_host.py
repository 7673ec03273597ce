"""The kernel host: runs *inside* the sandbox and forks warm kernels for the grader.

Starting a kernel costs about a second of CPU (the interpreter, ipykernel, pandas and the case
bank) before a trainee's first line runs. The host pays that once per grading run: it imports
the kernel stack, reads and indexes the case bank, and then forks a kernel per submission from
that warm state, put back into the isolation a fresh sandboxed kernel has:

- a **mount namespace** of its own: a fresh ``/tmp``; of the host's work directory only its own
  runtime directory (connection file, sockets, scratch) is left;
- a **PID namespace** of its own, in which the kernel is process 1, so it sees and can signal
  only its own processes, and all of them end when it ends;
- a **uid of its own** (no capabilities, no new privileges), so that the process limit holds and
  it can reach no other kernel's files;
- a **cleared environment** with only what the grader passes, fresh random seeds, and the
  rlimits of the course's kernelspec.

The host itself never runs trainee code; the sandbox around it (bubblewrap: no network, no
course, gradebook, key or ``grading`` package) is the same as for a fresh kernel. This file is
bind-mounted read-only into the sandbox and run as a script: it imports only the standard
library at module level and must not import ``grading``.

Protocol (one Unix-socket connection per kernel, JSON lines): the launcher sends a request
``{"argv", "connection_file", "scratch", "uid", "env", "rlimits"}``; the host answers
``{"pid": N}`` when the kernel is forked (or ``{"error": "..."}``), then ``{"exit": CODE}`` when
it ends. When the launcher's connection closes first (the grader killed the kernel), the host
kills the kernel.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import resource
import selectors
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Any, Final

CLONE_NEWNS: Final = 0x00020000
CLONE_NEWPID: Final = 0x20000000
MS_RDONLY: Final = 1
MS_NOSUID: Final = 2
MS_NODEV: Final = 4
MS_REMOUNT: Final = 32
MS_BIND: Final = 4096
MS_MOVE: Final = 8192
MS_REC: Final = 16384
MS_PRIVATE: Final = 1 << 18
PR_SET_PDEATHSIG: Final = 1
PR_SET_NO_NEW_PRIVS: Final = 38
#: The resource limits a kernel request must set, each as [soft, hard].
RLIMITS: Final = ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_NPROC")
READY: Final = "ready"
FAILED: Final = "failed:"
TMP: Final = Path("/tmp")
#: Where a kernel's new /tmp is assembled before it is moved into place.
STAGE: Final = ".cma-stage"

_libc = ctypes.CDLL(None, use_errno=True)


class HostError(Exception):
    """A kernel could not be set up; the message goes back to the grader."""


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise HostError(f"{what}: {os.strerror(errno)}")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(
        _libc.mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def warm(bank_dirs: list[str]) -> None:
    """Import the kernel stack and read the case bank once, before any fork."""
    import ipykernel.debugger
    import ipykernel.ipkernel
    import ipykernel.kernelapp
    import ipykernel.zmqshell  # noqa: F401
    import IPython.core.interactiveshell  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    import casebank.answers
    import casebank.exam  # noqa: F401
    from casebank.load import preload

    preload()
    for directory in bank_dirs:
        preload(directory)
    warm_kernel_start()
    warm_tracebacks()
    if threading.active_count() > 1:
        raise HostError("a warm-up import started a thread; forking would copy it half-done")


#: Modules every grading kernel imported after the fork (IPython's debugger, completer, inspector;
#: tornado's asyncio loop); pandas' display formatters come with `warm_kernel_start`'s sample.
KERNEL_START_MODULES: Final = (
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.logger",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "IPython.utils.wildcard",
    "faulthandler",
    "pygments.formatters.terminal256",
    "pygments.styles",
    "sqlite3",
    "tornado.platform.asyncio",
)


def warm_kernel_start() -> None:
    """Import what each kernel's start-up and first DataFrame display would import after the fork."""
    import importlib

    import pandas

    for name in KERNEL_START_MODULES:
        importlib.import_module(name)
    sample = pandas.DataFrame({"client_id": ["C0001"], "revenue_wan": [1.5]})
    _shown = (repr(sample), sample._repr_html_())  # type: ignore[operator]  # (pandas-stubs: a column)


#: Failing code the host formats once, so that forked kernels find IPython's traceback machinery warm.
TRACEBACK_SAMPLES: Final = (
    "import pandas\npandas.DataFrame({'a': [1]})['missing']",
    "import pandas\npandas.DataFrame({'a': [1]}).loc[5]",
    "raise NotImplementedError()",
    "undefined_name",
)


def warm_tracebacks() -> None:
    """Format a few typical tracebacks as grading kernels do (IPython's plain mode).

    Forked kernels inherit the ``linecache`` (pandas' source, read for a first KeyError). The
    default mode's formatter (stack_data, 0.8 s of CPU) is not warmed: kernels use plain mode.
    """
    from ipykernel.zmqshell import ZMQInteractiveShell
    from IPython.core import ultratb

    formatter = ultratb.AutoFormattedTB(mode="Plain", theme_name=ZMQInteractiveShell.colors.default_value)
    for code in TRACEBACK_SAMPLES:
        try:
            exec(compile(code, "<cm-academy warm-up>", "exec"), {})
        except Exception:
            formatter.structured_traceback(*sys.exc_info())


def validate(request: dict[str, Any], base: Path, uid_floor: int) -> tuple[Path, Path]:
    """Check a request before anything is forked; returns (runtime, scratch) directories.

    Raises:
        HostError: the request is malformed or points outside this host's work directory.
    """
    try:
        connection = Path(request["connection_file"])
        scratch = Path(request["scratch"])
        uid = int(request["uid"])
        argv = [str(a) for a in request["argv"]]
        env = {str(k): str(v) for k, v in dict(request["env"]).items()}
        limits = {str(k): [int(n) for n in v] for k, v in dict(request["rlimits"]).items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise HostError(f"malformed kernel request ({exc})") from None
    runtime = connection.parent
    if runtime.parent != base or not scratch.is_relative_to(runtime):
        raise HostError(f"the kernel's runtime directory {runtime} is not this host's")
    if uid < uid_floor:
        raise HostError(f"uid {uid} is below the sandbox range ({uid_floor}+)")
    if (
        "-f" not in argv
        or not env
        or set(limits) != set(RLIMITS)
        or any(len(pair) != 2 for pair in limits.values())
    ):
        raise HostError("the kernel request lacks -f, an environment or the limits")
    return runtime, scratch


def mount_points() -> list[Path]:
    """This mount namespace's mount points, parents before children."""
    points = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        field = line.split()[4]
        # mountinfo escapes space, tab, newline and backslash as octal.
        points.append(Path(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)))
    return points


def _make_dirs(root: Path, relative: Path) -> Path:
    """Create ``root/relative`` (directories 0755, owned by root) and return it."""
    target = root
    for part in relative.parts:
        target = target / part
        if not target.exists():
            target.mkdir()
            target.chmod(0o755)
    return target


def stage_dir(base: Path, runtime: Path) -> Path:
    """Where a kernel's new /tmp is assembled (removed by the host when the kernel ends)."""
    return base / f"{STAGE}-{runtime.name}"


def isolate_files(base: Path, runtime: Path) -> None:
    """In a new mount namespace: a fresh /tmp, and of ``base`` only ``runtime`` left visible.

    The new /tmp is built aside and moved into place. The read-only binds the sandbox has under
    /tmp (a Python installation or the case bank, when they live there) are bound into it again,
    read-only; the host's work directory is not, except the kernel's own runtime directory.
    """
    _mount("none", "/", None, MS_REC | MS_PRIVATE)
    stage = stage_dir(base, runtime)
    stage.mkdir()
    _mount("tmpfs", str(stage), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
    for point in mount_points():
        if point == TMP or not point.is_relative_to(TMP) or point.is_relative_to(base):
            continue
        rel = point.relative_to(TMP)
        if point.is_dir():
            target = _make_dirs(stage, rel)
        else:
            target = _make_dirs(stage, rel.parent) / rel.name
            target.touch()
        _mount(str(point), str(target), None, MS_BIND | MS_REC)
        _mount("none", str(target), None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    if base.is_relative_to(TMP):
        inside = _make_dirs(stage, runtime.relative_to(TMP))
        _mount(str(runtime), str(inside), None, MS_BIND | MS_REC)
        _mount(str(stage), str(TMP), None, MS_MOVE)
        return
    _mount(str(stage), str(TMP), None, MS_MOVE)
    keep = _make_dirs(TMP, Path(STAGE))
    _mount(str(runtime), str(keep), None, MS_BIND | MS_REC)
    _mount("tmpfs", str(base), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")
    runtime.mkdir()
    _mount(str(keep), str(runtime), None, MS_MOVE)
    keep.rmdir()


def become_trainee(uid: int, rlimits: dict[str, list[int]]) -> None:
    """Drop to the kernel's own uid without capabilities, then apply its limits."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "pdeathsig")
    for name in RLIMITS:
        soft, hard = rlimits[name]
        resource.setrlimit(getattr(resource, name), (soft, hard))


def run_kernel(request: dict[str, Any], scratch: Path) -> None:
    """Become the kernel (process 1 of its namespace) and serve until it shuts down."""
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV)
    os.setsid()
    become_trainee(int(request["uid"]), {str(k): [int(n) for n in v] for k, v in request["rlimits"].items()})
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in request["env"].items()})
    os.chdir(scratch)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    import random

    import numpy

    random.seed()
    numpy.random.seed()
    argv = [str(a) for a in request["argv"]]
    sys.argv = ["ipykernel_launcher", *argv[argv.index("-f") :]]
    sys.path[0] = str(scratch)
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


def keeper(request: dict[str, Any], base: Path, runtime: Path, scratch: Path) -> int:
    """The forked child: set up namespaces, fork the kernel, wait for it; returns its exit code."""
    _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID), "unshare")
    isolate_files(base, runtime)
    kernel = os.fork()
    if kernel == 0:
        code = 1
        try:
            run_kernel(request, scratch)
            code = 0
        except BaseException as exc:
            print(f"cm-academy kernel host: the kernel failed to start: {exc}", file=sys.stderr)
        finally:
            os._exit(code)
    signal.signal(signal.SIGTERM, lambda *_: os.kill(kernel, signal.SIGKILL))
    while True:
        try:
            _, status = os.waitpid(kernel, 0)
            return os.waitstatus_to_exitcode(status)
        except InterruptedError:
            continue
        except ChildProcessError:
            return 1


class Host:
    """The fork server: one listening socket, one connection and one keeper per kernel."""

    def __init__(self, listen: Path, uid_floor: int) -> None:
        self.base = listen.parent
        self.uid_floor = uid_floor
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(listen))
        os.chmod(listen, 0o600)
        self.server.listen(16)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.server, selectors.EVENT_READ)
        #: Keeper pid -> the launcher's connection and the kernel's runtime directory.
        self.kernels: dict[int, tuple[socket.socket, Path]] = {}
        self.buffers: dict[socket.socket, bytes] = {}
        # A kernel's end wakes the loop at once (SIGCHLD writes to this pipe).
        self.wakeup, wakeup_w = os.pipe()
        os.set_blocking(self.wakeup, False)
        os.set_blocking(wakeup_w, False)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(wakeup_w)
        self.selector.register(self.wakeup, selectors.EVENT_READ)

    def serve(self) -> None:
        """Answer requests until the grader goes away."""
        while True:
            for key, _ in self.selector.select(timeout=1.0):
                if key.fileobj == self.wakeup:
                    while True:
                        try:
                            if not os.read(self.wakeup, 512):
                                break
                        except BlockingIOError:
                            break
                elif key.fileobj is self.server:
                    conn, _ = self.server.accept()
                    self.selector.register(conn, selectors.EVENT_READ)
                    self.buffers[conn] = b""
                else:
                    self._readable(key.fileobj)  # type: ignore[arg-type]
            self._reap()

    def _readable(self, conn: socket.socket) -> None:
        data = conn.recv(65536)
        if not data:
            self._hang_up(conn)
            return
        if any(owner is conn for owner, _ in self.kernels.values()):
            return
        self.buffers[conn] += data
        if b"\n" in self.buffers[conn]:
            line = self.buffers[conn].split(b"\n", 1)[0]
            try:
                pid, runtime = self._fork(json.loads(line))
            except (HostError, ValueError) as exc:
                self._send(conn, {"error": str(exc)})
                self._close(conn)
                return
            self.kernels[pid] = (conn, runtime)
            self._send(conn, {"pid": pid})

    def _fork(self, request: dict[str, Any]) -> tuple[int, Path]:
        runtime, scratch = validate(request, self.base, self.uid_floor)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.closerange(3, 4096)
                code = keeper(request, self.base, runtime, scratch)
            except BaseException as exc:
                print(f"cm-academy kernel host: {exc}", file=sys.stderr)
            finally:
                os._exit(code)
        return pid, runtime

    def _hang_up(self, conn: socket.socket) -> None:
        for pid, (owner, _) in list(self.kernels.items()):
            if owner is conn:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
        self._close(conn)

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            kernel = self.kernels.pop(pid, None)
            if kernel is not None:
                conn, runtime = kernel
                with contextlib.suppress(OSError):
                    stage_dir(self.base, runtime).rmdir()
                self._send(conn, {"exit": os.waitstatus_to_exitcode(status)})
                self._close(conn)

    def _send(self, conn: socket.socket, message: dict[str, Any]) -> None:
        with contextlib.suppress(OSError):
            conn.sendall(json.dumps(message).encode() + b"\n")

    def _close(self, conn: socket.socket) -> None:
        self.buffers.pop(conn, None)
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(conn)
        conn.close()


def main(argv: list[str]) -> None:
    """``kernel_host.py SOCKET UID_FLOOR [BANK_DIR ...]``: warm up, say ready (or why not), serve."""
    listen, uid_floor = Path(argv[0]), int(argv[1])
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "pdeathsig")
    try:
        warm(argv[2:])
        host = Host(listen, uid_floor)
    except Exception as exc:  # every cause goes back to the grader, which then starts kernels fresh
        print(f"{FAILED} {type(exc).__name__}: {exc}", flush=True)
        raise SystemExit(1) from None
    print(READY, flush=True)
    host.serve()


if __name__ == "__main__":
    main(sys.argv[1:])
