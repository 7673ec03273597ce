"""The trainee-side progress record: append-only, concurrent-safe, tolerant of damage."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from casebank import progress
from casebank.progress import (
    EVENT_CHECK,
    EVENT_MODULE,
    ProgressError,
    normalise_module,
    read_progress,
    record_check,
    record_module_completed,
)

APPENDS_PER_WRITER = 200
WRITERS = 4


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(progress.HOME_ENV, str(tmp_path / "cma"))
    return tmp_path / "cma"


def test_records_checks_and_modules(home: Path) -> None:
    assert record_check("m04.abc_tier", passed=False)
    assert record_check("m04.abc_tier", passed=True)
    assert record_module_completed(4)
    events, bad = read_progress()
    assert bad == 0
    assert [(e.event, e.module, e.exercise, e.passed) for e in events] == [
        (EVENT_CHECK, "04", "m04.abc_tier", False),
        (EVENT_CHECK, "04", "m04.abc_tier", True),
        (EVENT_MODULE, "04", "", True),
    ]
    assert (home / "progress.jsonl").stat().st_mode & 0o077 == 0


def test_corrupt_lines_are_skipped_and_counted(home: Path) -> None:
    record_check("m01.model_c0232", passed=True)
    with (home / "progress.jsonl").open("ab") as f:
        f.write(b'{"event": "check", "module": "01"\n')  # truncated
        f.write(b"\xff\xfe not utf-8\n")
        f.write(
            json.dumps(
                {
                    "event": "check",
                    "module": "02",
                    "exercise": "m01.x",
                    "passed": True,
                    "at": "2026-11-29T10:00:00",
                }
            ).encode()
            + b"\n"
        )  # module mismatch
    record_module_completed("m01")
    events, bad = read_progress()
    assert bad == 3
    assert [e.event for e in events] == [EVENT_CHECK, EVENT_MODULE]


def _writer(home: str, n: int) -> None:
    os.environ[progress.HOME_ENV] = home
    for i in range(APPENDS_PER_WRITER):
        record_check(f"m0{n}.exercise_{i}", passed=i % 2 == 0)


def test_concurrent_appends_never_interleave(home: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(home), n)) for n in range(1, WRITERS + 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    events, bad = read_progress()
    assert bad == 0
    assert len(events) == WRITERS * APPENDS_PER_WRITER


def test_unwritable_home_warns_and_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(progress.HOME_ENV, str(blocker / "sub"))
    with pytest.warns(UserWarning, match="学习进度未能记录"):
        assert record_check("m03.growth", passed=True) is False


@pytest.mark.parametrize("bad", ["4.x", "m4.x", "mock", "m04"])
def test_bad_exercise_ids_are_refused(home: Path, bad: str) -> None:
    with pytest.raises(ProgressError, match=r"m<NN>\.<name>"):
        record_check(bad, passed=True)


def test_module_numbers_normalise() -> None:
    assert {normalise_module(m) for m in (4, "4", "04", "m04", " m04 ")} == {"04"}
    with pytest.raises(ProgressError):
        normalise_module("four")
    with pytest.raises(ProgressError):
        normalise_module(True)


def test_exam_start_is_recorded(home: Path) -> None:
    assert progress.record_exam_started("assoc")
    events, bad = read_progress()
    assert bad == 0 and [(e.event, e.exam, e.module) for e in events] == [
        (progress.EVENT_EXAM_STARTED, "assoc", "")
    ]
    with pytest.raises(ProgressError):
        progress.record_exam_started("../etc")
