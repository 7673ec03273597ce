"""Progress people can follow: a bar on a terminal, a line at least every 10 s in a log.

`Tracker` is what the commands hand to the API as ``on_done``/``step`` callbacks. On a terminal
it draws a Rich progress bar; when standard error is a file or a pipe (``cmacademy demo > log
2>&1``, CI, cron) it writes plain lines instead: one when a stage starts, one when it ends, and
while it runs at least one every `LOG_INTERVAL` seconds with done/total, the rate and the
expected finish.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from types import TracebackType
from typing import IO, Final

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

#: Longest silence in a log while work runs, seconds.
LOG_INTERVAL: Final = 10.0


class Tracker:
    """Progress of one command: stages, each with a count of things done out of a total."""

    def __init__(
        self, console: Console, stream: IO[str] | None = None, interval: float = LOG_INTERVAL
    ) -> None:
        """Track on ``console`` (a bar when it is a terminal) or as lines written to ``stream``."""
        self.console = console
        self.stream = stream or console.file
        self.interval = interval
        self.live = console.is_terminal
        self._lock = threading.Lock()
        self._stage = ""
        self._done = 0
        self._total: int | None = None
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Tracker:
        if self.live:
            self._bar = Progress(
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )
            self._bar.__enter__()
        else:
            self._thread = threading.Thread(target=self._heartbeat, name="cmacademy-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._finish_stage()
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._bar is not None:
            self._bar.__exit__(kind, error, tb)

    def stage(self, description: str, total: int | None = None) -> None:
        """Start a stage (the one before it ends)."""
        self._finish_stage()
        with self._lock:
            self._stage, self._done, self._total, self._started = description, 0, total, time.monotonic()
        if self._bar is not None:
            self._task = self._bar.add_task(description, total=total)
        else:
            self._write(f"{description}: started" + (f" ({total} to do)" if total else ""))

    def advance(self, done: int, total: int | None = None) -> None:
        """``done`` of ``total`` things of the current stage are finished."""
        with self._lock:
            self._done, self._total = done, total if total is not None else self._total
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=done, total=total)

    def line(self) -> str:
        """The current stage's progress as one line: done/total, rate, expected finish."""
        with self._lock:
            stage, done, total, started = self._stage, self._done, self._total, self._started
        elapsed = max(time.monotonic() - started, 1e-9)
        text = f"{stage}: {done}/{total if total is not None else '?'} done in {elapsed:.0f} s"
        if done:
            rate = done / elapsed
            text += f", {rate:.2f}/s"
            if total:
                left = (total - done) / rate
                finish = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=left)
                text += f", expected finish {finish:%H:%M:%S} UTC (in {left:.0f} s)"
        return text

    def _finish_stage(self) -> None:
        with self._lock:
            stage = self._stage
            self._stage = ""
        if not stage:
            return
        if self._bar is not None and self._task is not None:
            self._bar.remove_task(self._task)
            self._task = None
        else:
            with self._lock:
                done, total, elapsed = self._done, self._total, time.monotonic() - self._started
            count = f" ({done}/{total})" if total else ""
            self._write(f"{stage}: finished{count} in {elapsed:.1f} s")

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                running = bool(self._stage)
            if running:
                self._write(self.line())

    def _write(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
