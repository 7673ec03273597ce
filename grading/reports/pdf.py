"""PDF printing with one long-lived headless Chromium per report worker.

Starting Chromium is most of the cost of ``chromium --headless --print-to-pdf=...``: about
1.0 s per page on a 2-core machine, against about 0.4 s to print a page in a browser that is
already running. A worker therefore starts Chromium once, with the same flags as the one-shot
command (`grading.reports.render.CHROMIUM_FLAGS`), and prints every page it renders through the
DevTools protocol over ``--remote-debugging-pipe`` (file descriptors 3 and 4, JSON messages ending
in NUL): ``Page.navigate`` to the ``file://`` page, wait for ``Page.loadEventFired``, then
``Page.printToPDF``. Anything unexpected closes the browser and raises `RenderError`; the
caller then prints with the one-shot command instead.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import subprocess
import time
from pathlib import Path
from typing import Any, Final

from grading.reports.errors import RenderError
from grading.reports.render import CHROMIUM_FLAGS, PDF_TIMEOUT, write_bytes

STARTUP_TIMEOUT: Final = 20.0
CLOSE_TIMEOUT: Final = 5.0
#: The pipe file descriptors Chromium reads commands from and writes replies to.
COMMAND_FD: Final = 3
REPLY_FD: Final = 4


class ChromiumPrinter:
    """A headless Chromium that prints pages to PDF on request (one per worker process)."""

    def __init__(self, chromium: str, profile_dir: Path) -> None:
        self.chromium = chromium
        self.profile_dir = profile_dir
        self._process: subprocess.Popen[bytes] | None = None
        self._write = self._read = -1
        self._buffer = b""
        self._pending: list[dict[str, Any]] = []
        self._next_id = 0
        self._session = ""

    def launch(self) -> None:
        """Start the browser without waiting for it (`print_pdf` then finds it booted or booting).

        Raises:
            RenderError: Chromium cannot be started.
        """
        if self._process is not None:
            return
        to_browser, commands = os.pipe()  # we write `commands`; Chromium reads fd 3
        replies, from_browser = os.pipe()  # Chromium writes fd 4; we read `replies`

        def give_pipes() -> None:  # in the child, before exec: the ends go to fds 3 and 4
            a, b = os.dup(to_browser), os.dup(from_browser)
            os.dup2(a, COMMAND_FD)
            os.dup2(b, REPLY_FD)

        argv = [
            self.chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self.profile_dir}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        try:
            self._process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                close_fds=False,
                preexec_fn=give_pipes,  # safe: report workers are single-threaded
            )
        except OSError as exc:
            os.close(commands)
            os.close(replies)
            raise RenderError(f"{self.chromium}: cannot start Chromium ({exc}).") from None
        finally:
            os.close(to_browser)
            os.close(from_browser)
        self._write, self._read = commands, replies

    def _attach(self) -> None:
        """Open the tab pages are printed in (waiting for the browser to boot)."""
        target = self._call("Target.createTarget", {"url": "about:blank"}, timeout=STARTUP_TIMEOUT)
        attached = self._call(
            "Target.attachToTarget",
            {"targetId": target["targetId"], "flatten": True},
            timeout=STARTUP_TIMEOUT,
        )
        self._session = str(attached["sessionId"])
        self._call("Page.enable", {}, session=True, timeout=STARTUP_TIMEOUT)

    def _send(self, method: str, params: dict[str, Any], session: bool) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        data = json.dumps(message).encode() + b"\0"
        while data:
            written = os.write(self._write, data)
            data = data[written:]
        return self._next_id

    def _wait(self, wanted: Any, timeout: float) -> dict[str, Any]:
        """The first message ``wanted(message)`` accepts; others are kept for later waits."""
        for index, message in enumerate(self._pending):
            if wanted(message):
                return self._pending.pop(index)
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if wanted(message):
                    return dict(message)
                self._pending.append(message)
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._read], [], [], max(left, 0))
            if not ready:
                raise RenderError(f"Chromium did not answer within {timeout:.0f} s.")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise RenderError("Chromium closed the DevTools pipe.")
            self._buffer += chunk

    def _call(
        self, method: str, params: dict[str, Any], session: bool = False, timeout: float = PDF_TIMEOUT
    ) -> dict[str, Any]:
        ident = self._send(method, params, session)
        reply = self._wait(lambda m: m.get("id") == ident, timeout)
        if "error" in reply:
            raise RenderError(f"Chromium {method}: {reply['error'].get('message', reply['error'])}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def print_pdf(self, html: Path, pdf: Path) -> Path:
        """Print ``html`` to ``pdf`` (written whole: a temporary file, then renamed).

        Raises:
            RenderError: Chromium failed (or could not start); the browser is closed (the next call
                starts a new one).
            ReportError: the PDF cannot be written (read-only or full folder); the browser stays.
        """
        try:
            self.launch()
            if not self._session:
                self._attach()
            self._pending.clear()
            navigated = self._call("Page.navigate", {"url": html.resolve().as_uri()}, session=True)
            if navigated.get("errorText"):
                raise RenderError(f"{html}: Chromium cannot open the page ({navigated['errorText']}).")
            self._wait(
                lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == self._session,
                PDF_TIMEOUT,
            )
            printed = self._call(
                "Page.printToPDF",
                {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False},
                session=True,
            )
        except (RenderError, OSError, ValueError, KeyError) as exc:
            self.close()
            raise RenderError(f"{html}: printing in the running Chromium failed ({exc}).") from None
        write_bytes(pdf, base64.b64decode(printed["data"]))
        return pdf

    def close(self) -> None:
        """Close the browser (ask, then insist); safe to call more than once."""
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(OSError):
                self._send("Browser.close", {}, session=False)
            try:
                process.wait(CLOSE_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(CLOSE_TIMEOUT)
        for fd in (self._write, self._read):
            if fd >= 0:
                os.close(fd)
        self._write = self._read = -1
        self._buffer, self._pending, self._session = b"", [], ""
