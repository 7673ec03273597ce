"""Warm kernels for grading workers: one kernel host per run (or per worker), kernels forked from it.

The grading parent starts one `grading.sandbox.kernel_host` for its local workers (`SharedHost`);
a worker without one, or whose host is gone, starts its own. The host runs inside the sandbox
(bubblewrap as for any kernel, plus the capabilities the host needs to give each forked kernel
its own namespaces and uid; the kernels themselves have none). The host imports ipykernel and
pandas and reads the case bank once; each submission's kernel is then forked from it in
milliseconds instead of starting an interpreter and importing everything again.

The course's kernelspec is unchanged: its launcher (``python -m grading.sandbox``) sees
``CMACADEMY_KERNEL_HOST`` and asks the host for a kernel instead of starting bubblewrap. Plain
``nbgrader autograde`` does not set it and keeps starting a fresh sandboxed kernel per notebook.

Forking needs root (each kernel gets a uid of its own); otherwise, or with the sandbox off,
workers use fresh kernels.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from grading.sandbox.kernel_host import FAILED, READY
from grading.sandbox.launcher import SandboxUnavailable, bwrap_args, setpriv_path
from grading.settings import SANDBOX_UID_BASE

HOST_SCRIPT: Final = Path(__file__).resolve().parent / "kernel_host.py"
#: Where the host script appears inside the sandbox (read-only).
HOST_MOUNT: Final = Path("/opt/cmacademy/kernel_host.py")
#: What the host may do beyond a kernel: make namespaces and mounts, and hand out uids.
HOST_CAPABILITIES: Final = "CAP_SYS_ADMIN,CAP_SETUID,CAP_SETGID,CAP_KILL"
START_TIMEOUT: Final = 120.0
SOCKET_NAME: Final = "host.sock"


class KernelHost:
    """A running kernel host and its work directory (where kernels' runtime directories go)."""

    def __init__(
        self, bank_dirs: tuple[str, ...] = (), *, wait: bool = True, log: Path | None = None
    ) -> None:
        """Start the host in the sandbox and (unless ``wait`` is False) wait until it is warm.

        Args:
            bank_dirs: extra case-bank directories (a course's own bank) to bind and read ahead.
            wait: wait for the host here; otherwise `wait_ready` does, before the first kernel.
            log: where the host and its kernels write their errors (default: this process's stderr).

        Raises:
            SandboxUnavailable: the host could not start; the message has its last words.
        """
        self.base = Path(tempfile.mkdtemp(prefix="cma-host-"))
        self.base.chmod(0o711)
        self.socket = self.base / SOCKET_NAME
        env = {
            "PATH": "/usr/bin:/bin",
            "PYTHONDONTWRITEBYTECODE": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "HOME": str(self.base),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
        args = bwrap_args([Path(d) for d in bank_dirs], [self.base], self.base, env)
        args += ["--ro-bind", str(HOST_SCRIPT), str(HOST_MOUNT), "--cap-add", HOST_CAPABILITIES, "--"]
        # The host and its kernels write to the worker's stderr (the course's grading log), or to ``log``.
        with open(log, "ab") if log is not None else contextlib.nullcontext() as errors:
            self.process = subprocess.Popen(
                [*args, sys.executable, str(HOST_MOUNT), str(self.socket), str(SANDBOX_UID_BASE), *bank_dirs],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
            )
        self._ready = False
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        """Wait until the host is warm (at once when it already said so).

        Raises:
            SandboxUnavailable: the host could not start; it is closed.
        """
        if not self._ready:
            self._wait_ready()
            self._ready = True

    def _wait_ready(self) -> None:
        assert self.process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        detail = "it gave no answer in time"
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.5)
            if ready:
                line = self.process.stdout.readline().decode(errors="replace").strip()
                if line == READY:
                    return
                if line.startswith(FAILED):
                    detail = line.removeprefix(FAILED).strip()
                    break
                if not line:
                    detail = "bubblewrap or Python stopped before the host ran; see the grading log"
                    break
            elif self.process.poll() is not None:
                detail = "bubblewrap or Python stopped before the host ran; see the grading log"
                break
        self.close()
        raise SandboxUnavailable(
            f"the kernel host did not start in the sandbox ({detail}); kernels are started fresh, or "
            "pass --fresh-kernels to `cmacademy grade` to skip the host."
        )

    @property
    def address(self) -> HostAddress:
        """How another process (a worker) finds this host (`SharedHost`)."""
        return HostAddress(str(self.base), str(self.socket), self.process.pid)

    def alive(self) -> bool:
        """Whether the host still serves."""
        return self.process.poll() is None

    def close(self) -> None:
        """Stop the host (its kernels end with it) and remove its work directory."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.base, ignore_errors=True)


@dataclass(frozen=True)
class HostAddress:
    """How another process finds a running kernel host: its work directory, socket and process."""

    base: str
    socket: str
    pid: int


class SharedHost(KernelHost):
    """A kernel host started by another process (the grading parent), used by this worker.

    Both local workers of a run fork their kernels from one host: one warm-up (imports and
    case bank, about 0.7 s of CPU) instead of one per worker. Its owner stops it; a worker that
    finds it gone starts a host of its own (`shared_host`).
    """

    def __init__(self, address: HostAddress) -> None:
        """Use the host at ``address`` (no process of this worker's own is started)."""
        self.base = Path(address.base)
        self.socket = Path(address.socket)
        self.pid = address.pid
        self._ready = False

    def wait_ready(self) -> None:
        """Wait until the host listens (it binds its socket once warm).

        Raises:
            SandboxUnavailable: the host ended, or did not listen in time.
        """
        deadline = time.monotonic() + START_TIMEOUT
        while not self._ready:
            if self.socket.exists():
                self._ready = True
            elif not self.alive() or time.monotonic() > deadline:
                raise SandboxUnavailable("the grading run's kernel host stopped before it was warm")
            else:
                time.sleep(SHARED_POLL)

    def alive(self) -> bool:
        """Whether the owner's host process still runs."""
        try:
            os.kill(self.pid, 0)
        except OSError:
            return False
        return True

    def close(self) -> None:
        """Leave the host to its owner."""


#: How often a worker looks whether the run's shared kernel host listens yet (seconds).
SHARED_POLL: Final = 0.01

_hosts: dict[tuple[str, ...], KernelHost] = {}


def forking_possible(sandbox: bool) -> bool:
    """Whether kernels can be forked here: root (for per-kernel uids) and the sandbox on."""
    return sandbox and os.geteuid() == 0 and setpriv_path() is not None


def shared_host(bank_dirs: tuple[str, ...] = ()) -> KernelHost:
    """This process's kernel host for ``bank_dirs``, started on first use and restarted if it died.

    Raises:
        SandboxUnavailable: the host cannot start here.
    """
    host = _hosts.get(bank_dirs)
    if host is not None and host.alive():
        try:
            host.wait_ready()
            return host
        except SandboxUnavailable:
            if not isinstance(host, SharedHost):
                raise
    if host is not None:
        host.close()
    host = _hosts[bank_dirs] = KernelHost(bank_dirs)
    return host


def use_host(bank_dirs: tuple[str, ...], address: HostAddress) -> None:
    """Fork this process's kernels for ``bank_dirs`` from the host at ``address`` (see `SharedHost`)."""
    _hosts[bank_dirs] = SharedHost(address)


def start_host(bank_dirs: tuple[str, ...] = ()) -> None:
    """Start this process's kernel host for ``bank_dirs`` without waiting for it.

    A grading worker does this first, so that the host warms up while the worker imports the
    grading stack; `shared_host` then waits for it (or starts another, if this one failed).
    """
    if bank_dirs not in _hosts:
        try:
            _hosts[bank_dirs] = KernelHost(bank_dirs, wait=False)
        except (OSError, SandboxUnavailable):
            return  # shared_host tries again, and says why, when the first kernel is needed


def ro_paths(kernelspec: Path) -> tuple[str, ...]:
    """The extra read-only paths (``--ro``) a course's grading kernelspec gives its kernels."""
    argv = json.loads(kernelspec.read_text(encoding="utf-8"))["argv"]
    return tuple(argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--ro")


@atexit.register
def _close_all() -> None:
    for host in _hosts.values():
        host.close()
    _hosts.clear()
