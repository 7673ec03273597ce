"""Serve one folder alone over HTTP on loopback, and walk every link of a site in Chromium."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

START_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``folder`` served alone by ``python -m http.server`` on 127.0.0.1; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                urllib.request.urlopen(base, timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(10)


@dataclass
class Walk:
    """What walking a site found."""

    pages: list[str] = field(default_factory=list)
    """HTML pages visited in the browser."""
    files: dict[str, int] = field(default_factory=dict)
    """Every linked URL -> its HTTP status."""
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    text: dict[str, str] = field(default_factory=dict)
    """Page URL -> the text a person sees."""

    @property
    def broken(self) -> dict[str, int]:
        return {url: status for url, status in self.files.items() if status != 200}


def watch(page: Any, walk: Walk) -> None:
    """Collect the page's console errors and failed requests into ``walk``."""
    page.on("console", lambda m: walk.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: walk.console_errors.append(str(e)))
    page.on("requestfailed", lambda r: walk.failed_requests.append(r.url))
    page.on("response", lambda r: walk.failed_requests.append(r.url) if r.status >= 400 else None)


def walk_site(page: Any, base: str) -> Walk:
    """Visit every page reachable from ``base`` by links; fetch every other linked file."""
    walk = Walk()
    watch(page, walk)
    queue = [base]
    while queue:
        url = queue.pop(0)
        if url in walk.files:
            continue
        response = page.request.get(url)
        walk.files[url] = response.status
        is_page = response.ok and "text/html" in response.headers.get("content-type", "")
        if not is_page:
            continue
        page.goto(url)
        page.wait_for_load_state("load")
        walk.pages.append(url)
        walk.text[url] = page.locator("body").inner_text()
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            target = urldefrag(urljoin(url, href)).url
            assert urlsplit(target).netloc == urlsplit(base).netloc, f"{url} links outside: {href}"
            queue.append(target)
    return walk
