"""Trainees' curriculum progress, collected into the course for trainers and for `certify`.

Each trainee's notebooks append self-check results, module completions and exam starts to
``~/.cmacademy/progress.jsonl`` (`casebank.progress`). ``collect_progress`` reads that file from
every roster trainee's home (on the hub: the account's home from the system's user database;
elsewhere a folder of homes, ``HOMES/<trainee>/.cmacademy/progress.jsonl``) and stores each
event once in ``cma_progress`` (keyed by a digest of the event, so collecting again adds only
what is new). A file is read only when it is a regular file (never through a symbolic link),
at most `MAX_PROGRESS_BYTES` long and, where the trainee has an account, owned by the trainee;
there, events another user recorded (a file copied from a colleague) are skipped and counted.

A module counts as completed when all its self-checks passed at least once (the exercises of
module ``NN`` are the ids ``mNN.*`` of `casebank.selfcheck.exercise_ids`) or when its
completion was recorded. The records are the trainee's own account of their practice: they
prove participation, not mastery (the exam does that).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pwd
import stat
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebank.errors import CmAcademyError
from casebank.progress import (
    DIR_NAME,
    EVENT_CHECK,
    EVENT_EXAM_STARTED,
    EVENT_MODULE,
    FILE_NAME,
    ProgressError,
    ProgressEvent,
    module_of,
    parse_lines,
)
from casebank.selfcheck import exercise_ids
from grading.pipeline.course import Course
from grading.pipeline.records import ProgressRecord, audit, now, open_engine, session

#: Largest progress file collected (a year of daily practice is well under 1 MiB).
MAX_PROGRESS_BYTES: Final = 4 * 1024 * 1024
STATE_COMPLETE: Final = "complete"
STATE_PARTIAL: Final = "partial"
STATE_NONE: Final = "none"


class ProgressCollectError(CmAcademyError):
    """Progress files cannot be collected from the given place."""


@dataclass
class ProgressReport:
    """What `collect_progress` did per trainee."""

    new: dict[str, int] = field(default_factory=dict)
    """Trainee -> events newly stored (0 when the file held nothing new)."""
    missing: list[str] = field(default_factory=list)
    """Trainees without a progress file."""
    refused: dict[str, str] = field(default_factory=dict)
    """Trainee -> why the file was not read."""
    damaged: dict[str, int] = field(default_factory=dict)
    """Trainee -> lines skipped as unreadable."""
    foreign: dict[str, int] = field(default_factory=dict)
    """Trainee -> events skipped because another user recorded them (a copied file, on the hub)."""


@dataclass(frozen=True)
class ModuleProgress:
    """One trainee's standing in one module."""

    passed: int
    """Self-checks of the module passed at least once."""
    total: int
    """Self-checks the module has."""
    recorded_complete: bool
    """Whether the module's completion was recorded."""

    @property
    def state(self) -> str:
        """``complete``, ``partial`` (something passed or tried) or ``none``."""
        if self.recorded_complete or (self.total and self.passed >= self.total):
            return STATE_COMPLETE
        return STATE_PARTIAL if self.passed else STATE_NONE


def module_exercises() -> dict[str, list[str]]:
    """The self-check exercise ids of each module (``{"04": ["m04.abc_tier", ...]}``)."""
    out: dict[str, list[str]] = defaultdict(list)
    for exercise in exercise_ids():
        try:
            out[module_of(exercise)].append(exercise)
        except ProgressError:
            continue
    return dict(out)


def _home_file(trainee: str, homes: Path | None) -> tuple[Path, int | None]:
    """Where a trainee's progress file is, and the uid that must own it (None: not checked)."""
    try:
        account = pwd.getpwnam(trainee)
    except KeyError:
        account = None
    if homes is not None:
        return homes / trainee / DIR_NAME / FILE_NAME, (account.pw_uid if account else None)
    if account is None:
        return Path(), None
    return Path(account.pw_dir) / DIR_NAME / FILE_NAME, account.pw_uid


def read_trainee_file(path: Path, owner: int | None) -> bytes:
    """Read a trainee-written file safely: no links, regular file, size cap, owner check.

    Raises:
        FileNotFoundError: there is no such file.
        ProgressCollectError: the file is a link, not a regular file, too large or not the trainee's.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise ProgressCollectError(
            f"{path}: cannot be read ({exc.strerror}); a link or no permission."
        ) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ProgressCollectError(f"{path}: not a regular file.")
        if owner is not None and info.st_uid != owner:
            raise ProgressCollectError(f"{path}: owned by uid {info.st_uid}, not by the trainee.")
        if info.st_size > MAX_PROGRESS_BYTES:
            raise ProgressCollectError(f"{path}: {info.st_size} bytes, more than {MAX_PROGRESS_BYTES}.")
        return handle.read(MAX_PROGRESS_BYTES + 1)


def _digest(event: ProgressEvent) -> str:
    body = [event.event, event.module, event.exercise, event.exam, event.passed, event.at.isoformat()]
    return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest()


def _store(s: Session, trainee: str, events: list[ProgressEvent]) -> int:
    known = set(s.scalars(select(ProgressRecord.digest).where(ProgressRecord.trainee == trainee)))
    stamp, added = now(), 0
    for event in events:
        digest = _digest(event)
        if digest in known:
            continue
        known.add(digest)
        s.add(
            ProgressRecord(
                trainee=trainee,
                digest=digest,
                event=event.event,
                module=event.module,
                exercise=event.exercise,
                exam=event.exam,
                passed=int(event.passed),
                at=event.at,
                collected_at=stamp,
            )
        )
        added += 1
    return added


def collect_progress(course: Course, homes: Path | None = None) -> ProgressReport:
    """Collect every roster trainee's progress file into the course database.

    Args:
        course: the course (its roster says whose homes are read).
        homes: a folder holding ``<trainee>/.cmacademy/progress.jsonl``; None reads the
            trainees' own homes (on the hub).

    Raises:
        ProgressCollectError: ``homes`` is given but is not a folder.
    """
    if homes is not None and not homes.is_dir():
        raise ProgressCollectError(f"{homes}: not a folder of trainees' homes.")
    report = ProgressReport()
    engine = open_engine(course.db_url)
    for trainee in course.trainees():
        path, owner = _home_file(trainee, homes)
        try:
            events, bad = parse_lines(read_trainee_file(path, owner).splitlines()) if path.name else ([], 0)
        except FileNotFoundError:
            events, bad = [], 0
        except ProgressCollectError as exc:
            report.refused[trainee] = str(exc)
            with session(engine) as s:
                audit(s, "progress_refused", "", trainee, {"from": str(path)}, str(exc))
            continue
        if not events and not bad:
            report.missing.append(trainee)
            continue
        own = [e for e in events if owner is None or e.user in ("", trainee)]
        foreign = len(events) - len(own)
        with session(engine) as s:
            added = _store(s, trainee, own)
            if added or bad or foreign:
                details = {
                    "new": added,
                    "damaged_lines": bad,
                    "other_user_events": foreign,
                    "from": str(path),
                }
                audit(s, "progress_collect", "", trainee, details)
        report.new[trainee] = added
        if bad:
            report.damaged[trainee] = bad
        if foreign:
            report.foreign[trainee] = foreign
    engine.dispose()
    return report


def has_progress(s: Session) -> bool:
    """Whether the course has collected any progress records (then its prerequisites apply)."""
    return bool(s.scalar(select(func.count()).select_from(ProgressRecord)))


def module_progress(s: Session, trainees: list[str]) -> dict[str, dict[str, ModuleProgress]]:
    """Each trainee's standing in each module that has self-checks or recorded completions."""
    catalogue = module_exercises()
    passed: dict[str, set[str]] = defaultdict(set)
    completed: dict[str, set[str]] = defaultdict(set)
    rows = s.execute(
        select(ProgressRecord.trainee, ProgressRecord.event, ProgressRecord.module, ProgressRecord.exercise)
        .where(ProgressRecord.trainee.in_(trainees), ProgressRecord.event.in_((EVENT_CHECK, EVENT_MODULE)))
        .where((ProgressRecord.event == EVENT_MODULE) | (ProgressRecord.passed == 1))
    )
    for trainee, event, module, exercise in rows:
        if event == EVENT_MODULE:
            completed[trainee].add(module)
        elif exercise in catalogue.get(module, ()):
            passed[trainee].add(exercise)
    modules = sorted(set(catalogue) | {m for done in completed.values() for m in done})
    return {
        t: {
            m: ModuleProgress(
                sum(1 for e in catalogue.get(m, ()) if e in passed[t]),
                len(catalogue.get(m, ())),
                m in completed[t],
            )
            for m in modules
        }
        for t in trainees
    }


def missing_modules(s: Session, trainee: str, required: list[str]) -> list[str]:
    """The required modules the trainee has not completed (in the order required)."""
    standing = module_progress(s, [trainee])[trainee]
    empty = ModuleProgress(0, 0, False)
    return [m for m in required if standing.get(m, empty).state != STATE_COMPLETE]


def exam_started(
    s: Session, trainee: str, exam: str, before: dt.datetime, after: dt.datetime | None = None
) -> dt.datetime | None:
    """When the trainee first opened ``exam`` in the sitting submitted at ``before``.

    That is the earliest recorded ``exam_started`` event after ``after`` (the previous sitting's
    submission, if any) and not after ``before``; None when none was recorded.
    """
    query = select(func.min(ProgressRecord.at)).where(
        ProgressRecord.trainee == trainee,
        ProgressRecord.event == EVENT_EXAM_STARTED,
        ProgressRecord.exam == exam,
        ProgressRecord.at <= before,
    )
    if after is not None:
        query = query.where(ProgressRecord.at > after)
    first: dt.datetime | None = s.scalar(query)
    return first


def course_progress(course: Course) -> dict[str, dict[str, ModuleProgress]]:
    """Every roster trainee's standing per module (for ``cmacademy progress``)."""
    trainees = course.trainees()
    engine = open_engine(course.db_url)
    with session(engine) as s:
        table = module_progress(s, trainees)
    engine.dispose()
    return table
