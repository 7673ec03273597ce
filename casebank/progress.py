"""The trainee's own progress record: self-check results and completed modules.

Each event is one JSON object on one line of ``~/.cmacademy/progress.jsonl`` in the trainee's
home (``CMACADEMY_HOME`` names another directory, e.g. in tests). The file is append-only: a
line is written with a single ``write`` on a descriptor opened with ``O_APPEND`` under an
exclusive ``flock``, so two notebooks appending at once never interleave. A reader skips a line
it cannot parse (an editor's slip, a full disk) and counts it instead of failing.

Recording never gets in the trainee's way: if the file cannot be written, a warning says so
and the self-check goes on. The course collects these files (``cmacademy progress collect``).

>>> from casebank.progress import record_check
>>> record_check("m04.abc_tier", passed=True)          # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import json
import os
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from casebank.errors import CmAcademyError

HOME_ENV: Final = "CMACADEMY_HOME"
DIR_NAME: Final = ".cmacademy"
FILE_NAME: Final = "progress.jsonl"
FORMAT_VERSION: Final = 1
EVENT_CHECK: Final = "check"
EVENT_MODULE: Final = "module_completed"
EVENT_EXAM_STARTED: Final = "exam_started"
EVENTS: Final = (EVENT_CHECK, EVENT_MODULE, EVENT_EXAM_STARTED)
EXAM_ID: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
#: Exercise ids are ``m<two-digit module>.<name>``, e.g. ``m04.abc_tier``.
EXERCISE_ID: Final = re.compile(r"^m(?P<module>[0-9]{2})\.[A-Za-z0-9_.-]+$")
MODULE_ID: Final = re.compile(r"^m?(?P<number>[0-9]{1,2})$")
#: Longest line a reader accepts (a record is ~200 bytes; anything far longer is damage).
MAX_LINE_BYTES: Final = 4096


class ProgressError(CmAcademyError):
    """An exercise or module id has the wrong form."""


@dataclass(frozen=True)
class ProgressEvent:
    """One recorded event."""

    event: str
    """``check``, ``module_completed`` or ``exam_started``."""
    module: str
    """Two-digit module id, e.g. ``04`` (empty for an exam event)."""
    at: dt.datetime
    """When it happened (UTC, naive)."""
    exercise: str = ""
    """Exercise id for a check (empty for a module completion)."""
    passed: bool = True
    """Whether the check passed (always true for a module completion)."""
    user: str = ""
    """The operating-system user who ran it."""
    exam: str = ""
    """The exam an ``exam_started`` event belongs to."""


def progress_path() -> Path:
    """Where this user's progress record lives."""
    base = os.environ.get(HOME_ENV, "").strip()
    return (Path(base) if base else Path.home() / DIR_NAME) / FILE_NAME


def module_of(exercise_id: str) -> str:
    """The two-digit module of an exercise id (``m04.abc_tier`` -> ``04``).

    Raises:
        ProgressError: the id is not of the form ``m<NN>.<name>``.
    """
    match = EXERCISE_ID.match(exercise_id)
    if match is None:
        raise ProgressError(
            f"exercise id {exercise_id!r} is not of the form m<NN>.<name>, e.g. m04.abc_tier."
        )
    return match["module"]


def normalise_module(module: str | int) -> str:
    """A module id as two digits: ``4``, ``"4"``, ``"04"`` and ``"m04"`` all give ``"04"``.

    Raises:
        ProgressError: not a module number.
    """
    match = MODULE_ID.match(str(module).strip()) if not isinstance(module, bool) else None
    if match is None:
        raise ProgressError(f"module {module!r} is not a module number such as 4, '04' or 'm04'.")
    return f"{int(match['number']):02d}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def _append(record: dict[str, Any], path: Path | None = None) -> bool:
    """Append one record as one line; a warning instead of an error when it cannot be written."""
    path = path or progress_path()
    line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line)
        finally:
            os.close(fd)
    except OSError as exc:
        warnings.warn(f"学习进度未能记录到 {path}（{exc.strerror or exc}）；自测结果不受影响。", stacklevel=3)
        return False
    return True


def record_check(exercise_id: str, passed: bool) -> bool:
    """Record one self-check result in the trainee's progress file.

    Returns:
        Whether it was written (False, with a warning, when the file cannot be written).

    Raises:
        ProgressError: the exercise id is not of the form ``m<NN>.<name>``.
    """
    module = module_of(exercise_id)
    record = {
        "v": FORMAT_VERSION,
        "event": EVENT_CHECK,
        "exercise": exercise_id,
        "module": module,
        "passed": bool(passed),
        "at": _now().isoformat(timespec="seconds"),
        "user": _user(),
    }
    return _append(record)


def record_module_completed(module: str | int) -> bool:
    """Record that the trainee completed a module (e.g. its last notebook ran to the end).

    Returns:
        Whether it was written (False, with a warning, when the file cannot be written).

    Raises:
        ProgressError: not a module number.
    """
    record = {
        "v": FORMAT_VERSION,
        "event": EVENT_MODULE,
        "module": normalise_module(module),
        "at": _now().isoformat(timespec="seconds"),
        "user": _user(),
    }
    return _append(record)


def record_exam_started(exam: str) -> bool:
    """Record that the trainee opened an exam (its first such event is the sitting's start time).

    Returns:
        Whether it was written (False, with a warning, when the file cannot be written).

    Raises:
        ProgressError: not an exam id.
    """
    if not EXAM_ID.match(exam):
        raise ProgressError(f"exam {exam!r} is not an exam id such as 'assoc'.")
    record = {
        "v": FORMAT_VERSION,
        "event": EVENT_EXAM_STARTED,
        "exam": exam,
        "at": _now().isoformat(timespec="seconds"),
        "user": _user(),
    }
    return _append(record)


def parse_event(line: str) -> ProgressEvent | None:
    """One line of a progress file as an event, or None when it is not a valid record."""
    try:
        data = json.loads(line)
        if not isinstance(data, dict) or data.get("event") not in EVENTS:
            return None
        at = dt.datetime.fromisoformat(str(data["at"])).replace(tzinfo=None)
        if data["event"] == EVENT_EXAM_STARTED:
            exam = str(data["exam"])
            return (
                ProgressEvent(EVENT_EXAM_STARTED, "", at, user=str(data.get("user", "")), exam=exam)
                if (EXAM_ID.match(exam))
                else None
            )
        module = normalise_module(data["module"])
        if data["event"] == EVENT_CHECK:
            exercise = str(data["exercise"])
            if module_of(exercise) != module or not isinstance(data["passed"], bool):
                return None
            return ProgressEvent(EVENT_CHECK, module, at, exercise, data["passed"], str(data.get("user", "")))
        return ProgressEvent(EVENT_MODULE, module, at, user=str(data.get("user", "")))
    except (ValueError, KeyError, TypeError, ProgressError):
        return None


def parse_lines(lines: Iterable[bytes]) -> tuple[list[ProgressEvent], int]:
    """Parse a progress file's lines; returns (events, number of lines skipped as damaged)."""
    events: list[ProgressEvent] = []
    bad = 0
    for raw in lines:
        if not raw.strip():
            continue
        event = None
        if len(raw) <= MAX_LINE_BYTES:
            try:
                event = parse_event(raw.decode("utf-8"))
            except UnicodeDecodeError:
                event = None
        if event is None:
            bad += 1
        else:
            events.append(event)
    return events, bad


def read_progress(path: Path | None = None) -> tuple[list[ProgressEvent], int]:
    """Read a progress file (this user's by default); a missing file has no events."""
    path = path or progress_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], 0
    return parse_lines(data.splitlines())
