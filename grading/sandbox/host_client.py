"""The grader's side of the kernel host's protocol: ask for a kernel, then stand for it.

Both the sandbox launcher (`grading.sandbox.launcher.launch_forked`, a process per kernel) and a
grading worker's provisioner (`grading.sandbox.provisioner`, no such process) ask the kernel
host (`grading.sandbox.kernel_host`) for a kernel the same way: one Unix-socket connection, a
JSON request line, ``{"pid": N}`` (or ``{"error": ...}``) once it is forked, ``{"exit": CODE}``
when it ends. Standard library only, as the launcher starts once per kernel.
"""

from __future__ import annotations

import json
import select
import signal
import socket
from pathlib import Path
from typing import Any, Final

from grading.sandbox.launcher import SandboxUnavailable

#: Seconds to wait for the host to answer that it forked the kernel.
FORK_TIMEOUT: Final = 30.0


class HostKernel:
    """A kernel forked by the host, seen as a process: alive while its connection to the host is."""

    stdin = stdout = stderr = None

    def __init__(self, conn: socket.socket, pid: int) -> None:
        """Wrap the connection a kernel was asked for on (``pid`` is the host's, in its namespace)."""
        self._conn: socket.socket | None = conn
        self._buffer = b""
        self.pid = pid
        self.returncode: int | None = None

    @classmethod
    def ask(cls, host: Path, request: dict[str, object]) -> HostKernel:
        """Ask the host at ``host`` for a kernel; returns once it is forked.

        Raises:
            SandboxUnavailable: the host cannot be reached or refused the request (with its reason).
        """
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.settimeout(FORK_TIMEOUT)
            conn.connect(str(host))
            conn.sendall(json.dumps(request).encode() + b"\n")
            kernel = cls(conn, 0)
            started = kernel._read_line()
        except OSError as exc:
            conn.close()
            raise SandboxUnavailable(f"cannot reach the kernel host at {host}: {exc}") from None
        if started is None or "pid" not in started:
            conn.close()
            reason = (started or {}).get("error", "it closed the connection")
            raise SandboxUnavailable(f"the kernel host could not start the kernel: {reason}")
        kernel.pid = int(started["pid"])
        conn.settimeout(None)
        return kernel

    def _read_line(self) -> dict[str, Any] | None:
        """The host's next message, or None once the connection is closed."""
        assert self._conn is not None
        while b"\n" not in self._buffer:
            data = self._conn.recv(4096)
            if not data:
                return None
            self._buffer += data
        line, self._buffer = self._buffer.split(b"\n", 1)
        message: dict[str, Any] = json.loads(line)
        return message

    def _ended(self, code: int) -> int:
        self.returncode = code
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        return code

    def poll(self) -> int | None:
        """The kernel's exit code once it ended, else None (never blocks)."""
        if self.returncode is not None or self._conn is None:
            return self.returncode
        readable, _, _ = select.select([self._conn], [], [], 0)
        if not readable:
            return None
        return self.wait()

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the kernel to end; its exit code (1 when the host went away first)."""
        if self.returncode is not None or self._conn is None:
            return self.returncode if self.returncode is not None else 1
        self._conn.settimeout(timeout)
        try:
            ended = self._read_line()
        except OSError:
            ended = None
        return self._ended(int((ended or {}).get("exit", 1)))

    def kill(self) -> None:
        """End the kernel: closing the connection has the host kill it."""
        if self.returncode is None:
            self._ended(-signal.SIGKILL)

    terminate = kill

    def send_signal(self, signum: int) -> None:
        """SIGKILL and SIGTERM end the kernel; grading kernels are interrupted by message, not signal."""
        if signum in (signal.SIGKILL, signal.SIGTERM):
            self.kill()
