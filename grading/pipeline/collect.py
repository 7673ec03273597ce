"""Collecting submissions into the course: nbgrader's ``submitted/`` layout or one zip per trainee.

Accepted sources (``--from PATH``):

- a folder laid out like nbgrader's ``submitted/``: ``PATH/<trainee>/<exam>/<exam>.ipynb``;
- a folder of zips, one per trainee: ``PATH/<trainee>.zip`` or ``PATH/<trainee>_<exam>.zip``,
  holding the exam's files at the top or inside one folder.

Each offer is taken in safely (`grading.pipeline.intake`: no links, no special files, size and
file caps, no damaged or encrypted zips) into a temporary folder inside the course, then renamed
into place, so a refused or failed submission leaves nothing behind; one bad submission never
stops the others. A trainee who offers several submissions gets none collected until one is left.

Lateness is measured by the received time, decided on the course's side (`grading.pipeline.lateness`);
the trainee-written time is only reported when it differs. The late policy of the scheme applies
against the exam's due date (``cmacademy release --due``): past the grace period a late
submission is rejected when the scheme does not accept late work.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from sqlalchemy.engine import Engine

from casebank.errors import CmAcademyError
from grading.pipeline.course import Course
from grading.pipeline.gradebook import gradebook
from grading.pipeline.intake import Intake, IntakeError, take_folder, take_zip
from grading.pipeline.lateness import (
    TIMESTAMP_FILE,
    TIMESTAMP_FORMAT,
    Receipt,
    parse_timestamp,
    read_timestamp,
    write_timestamp,
)
from grading.pipeline.lock import exclusive
from grading.pipeline.records import GradingRecord, audit, now, open_engine, session
from grading.scheme import LatePolicy, load_scheme

__all__ = [
    "STATUS_REJECTED_LATE",
    "TIMESTAMP_FILE",
    "TIMESTAMP_FORMAT",
    "CollectError",
    "CollectReport",
    "collect",
    "parse_timestamp",
]

STATUS_REJECTED_LATE: Final = "rejected_late"
ZIP_SUFFIX: Final = ".zip"
STAGING_PREFIX: Final = ".collect-"
NOT_IN_ROSTER: Final = "not in the roster; import it with `cmacademy roster import`"


class CollectError(CmAcademyError):
    """Submissions cannot be collected from the given place."""


@dataclass
class CollectReport:
    """What `collect` did with each trainee's submission."""

    collected: dict[str, dt.datetime] = field(default_factory=dict)
    """Trainee -> received time, newly collected."""
    unchanged: list[str] = field(default_factory=list)
    """Trainees whose collected submission is as new as the offered one."""
    late: dict[str, float] = field(default_factory=dict)
    """Trainee -> seconds late, collected (late work accepted or within grace)."""
    rejected: dict[str, str] = field(default_factory=dict)
    """Trainee -> why the submission was not collected (one line)."""
    claims: dict[str, str] = field(default_factory=dict)
    """Trainee -> how the trainee-written time differs from the received time, when it does."""

    @property
    def ok(self) -> bool:
        """Whether every offered submission was collected or already present."""
        return not self.rejected


@dataclass(frozen=True)
class Offer:
    """One submission offered in the source: a trainee's folder or a zip."""

    parts: tuple[str, ...]
    """Its path below the source: ``(trainee, exam)`` or ``(name.zip,)``."""
    is_zip: bool


def _offers(source: Path, exam: str) -> dict[str, list[Offer]]:
    """Trainee -> every folder or zip offered for them in ``source`` (links included, to refuse)."""
    if not source.is_dir():
        raise CollectError(
            f"{source}: not a folder; point --from at a submitted/ folder or a folder of zips."
        )
    offers: dict[str, list[Offer]] = defaultdict(list)
    for entry in sorted(source.iterdir()):
        try:
            mode = entry.lstat().st_mode
        except FileNotFoundError:  # gone since the listing
            continue
        if stat.S_ISDIR(mode) and os.path.lexists(entry / exam):
            offers[entry.name].append(Offer((entry.name, exam), is_zip=False))
        elif not stat.S_ISDIR(mode) and entry.name.endswith(ZIP_SUFFIX):
            trainee = entry.name.removesuffix(ZIP_SUFFIX).removesuffix(f"_{exam}")
            offers[trainee].append(Offer((entry.name,), is_zip=True))
        elif stat.S_ISLNK(mode):  # a linked trainee folder: offered, so that it is refused aloud
            offers[entry.name].append(Offer((entry.name, exam), is_zip=False))
    if not offers:
        raise CollectError(
            f"{source}: no submissions of {exam}; expected <trainee>/{exam}/ folders or <trainee>.zip files."
        )
    return dict(offers)


@dataclass
class _Run:
    """One `collect` call: what every trainee's intake needs."""

    course: Course
    exam: str
    source: Path
    roster: set[str]
    due: dt.datetime | None
    policy: LatePolicy
    engine: Engine
    started: dt.datetime
    report: CollectReport = field(default_factory=CollectReport)

    def label(self, offer: Offer) -> str:
        return str(self.source.joinpath(*offer.parts))

    def target(self, trainee: str) -> Path:
        return self.course.root / "submitted" / trainee / self.exam


def _refuse(run: _Run, trainee: str, offers: list[Offer], reason: str) -> None:
    """Report and audit a submission that is not collected; the course is not touched."""
    run.report.rejected[trainee] = reason
    with session(run.engine) as s:
        audit(s, "collect_refused", run.exam, trainee, {"from": [run.label(o) for o in offers]}, reason)


def _reject_late(run: _Run, trainee: str, offer: Offer, receipt: Receipt, reason: str) -> None:
    """Record a submission refused by the late policy; an earlier collected one stands."""
    stands = run.target(trainee).is_dir()
    if stands:
        reason += "; the submission collected earlier stands"
    run.report.rejected[trainee] = reason
    with session(run.engine) as s:
        if not stands:
            record = s.get(GradingRecord, (run.exam, trainee)) or GradingRecord(
                exam=run.exam, trainee=trainee
            )
            record.status, record.reason, record.updated_at = STATUS_REJECTED_LATE, reason, now()
            record.submitted_at, record.late_seconds = receipt.received_at, receipt.late_seconds
            s.merge(record)
        details = receipt.details(run.policy) | {"from": run.label(offer)}
        audit(s, "collect_rejected", run.exam, trainee, details, reason)


def _place(run: _Run, trainee: str, offer: Offer, staging: Path, receipt: Receipt) -> None:
    """Rename the staged submission into ``submitted/``, replacing an older one, and audit it."""
    write_timestamp(staging, receipt.received_at)
    target = run.target(trainee)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        retired = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}old-{trainee}-", dir=run.course.root))
        target.rename(retired / run.exam)
        staging.rename(target)
        shutil.rmtree(retired)
    else:
        staging.rename(target)
    run.report.collected[trainee] = receipt.received_at
    if receipt.late_seconds > 0:
        run.report.late[trainee] = receipt.late_seconds
    note = receipt.claim_note()
    if note:
        run.report.claims[trainee] = note
    with session(run.engine) as s:
        record = s.get(GradingRecord, (run.exam, trainee))
        if record is not None:
            record.submitted_at, record.late_seconds = receipt.received_at, receipt.late_seconds
        details = receipt.details(run.policy) | {"from": run.label(offer)}
        audit(s, "collect", run.exam, trainee, details, note or "")


def _take(run: _Run, offer: Offer, staging: Path) -> Intake:
    if offer.is_zip:
        return take_zip(run.source, offer.parts[0], staging)
    return take_folder(run.source, offer.parts, staging)


def _collect_one(run: _Run, trainee: str, offers: list[Offer]) -> None:
    """Collect one trainee's submission, or say why not; never raises for a bad submission."""
    if trainee not in run.roster:
        run.report.rejected[trainee] = NOT_IN_ROSTER
        return
    if len(offers) > 1:
        names = ", ".join(run.label(o) for o in offers)
        reason = f"{len(offers)} submissions offered ({names}); none collected: keep one and collect again"
        _refuse(run, trainee, offers, reason)
        return
    offer = offers[0]
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{trainee}-", dir=run.course.root))
    try:
        intake = _take(run, offer, staging)
        receipt = Receipt.of(intake, staging, run.due, run.started)
        earlier = read_timestamp(run.target(trainee))
        # A time after this run started is a trainee's claim kept by an older cm-academy: not a receipt.
        if earlier is not None and receipt.received_at <= earlier <= run.started:
            run.report.unchanged.append(trainee)
            return
        refusal = receipt.refusal(run.policy)
        if refusal is not None:
            _reject_late(run, trainee, offer, receipt, refusal)
            return
        _place(run, trainee, offer, staging, receipt)
    except IntakeError as exc:
        _refuse(run, trainee, offers, str(exc))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _roster_and_due(db_url: str, exam: str) -> tuple[set[str], dt.datetime | None]:
    with gradebook(db_url) as gb:
        roster = {s.id for s in gb.students}
        try:
            due = gb.find_assignment(exam).duedate
        except Exception:  # not released yet: no due date to apply
            due = None
    return roster, due


def collect(course: Course, exam: str, source: Path) -> CollectReport:
    """Copy the submissions offered in ``source`` into the course's ``submitted/`` folder.

    A bad submission is reported in `CollectReport.rejected` with a one-line reason; the others
    are collected.

    Raises:
        CollectError: the source is not a folder or holds no submissions of the exam.
    """
    course.source(exam)
    roster, due = _roster_and_due(course.db_url, exam)
    offers = _offers(source, exam)
    # One at a time with grade, certify and report: grading reads what collect replaces.
    with exclusive(course, exam, "collect"):
        run = _Run(
            course, exam, source, roster, due, load_scheme().late_policy, open_engine(course.db_url), now()
        )
        try:
            for trainee, offered in offers.items():
                _collect_one(run, trainee, offered)
        finally:
            run.engine.dispose()
    return run.report
