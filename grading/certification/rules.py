"""The scheme's sitting rules: curriculum prerequisites, retakes and the time limit.

**A sitting** is one gradebook submission of a level's exam by a trainee, identified by the
submission's timestamp (the course-side received time that ``cmacademy collect`` writes and
nbgrader stores). Every time ``certify`` sees a timestamp it has not seen for that trainee and
exam, it records a new sitting in ``cma_sitting``; a sitting still pending when a newer
submission arrives was not decided and is marked superseded (a resubmission before the
decision, not a new attempt).

**Retakes.** Counted are the earlier sittings of the same level that were decided (certified
or failed) within one validity cycle before this sitting (``validity_years`` back from its
submission). With ``max_attempts`` of them already, the sitting is refused; so is a sitting
submitted less than ``retake_wait_days`` after a failed one. A refused sitting is recorded
as "refused" and counts neither as an attempt nor as a failure.

**Time limit.** A sitting starts at the trainee's first recorded ``exam_started`` event for the
exam since their previous sitting (`casebank.progress.record_exam_started`, collected with
``cmacademy progress collect``); without one, at the exam's release (when ``cmacademy
release`` wrote ``release/<exam>``), if that is before the submission. Working time beyond
``time_limit_minutes`` keeps the decision pending for a trainer, who either accepts it
(`waive_time`, audited) or decides otherwise. Without a known start nothing is flagged.

**Curriculum.** Where the course has collected progress records, a level's
``curriculum_modules`` must be completed (`grading.pipeline.progress`) to be certified.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebank.errors import CmAcademyError
from grading.pipeline.course import Course
from grading.pipeline.gradebook import gradebook
from grading.pipeline.progress import exam_started, has_progress, missing_modules
from grading.pipeline.records import Sitting, audit, now, open_engine, session
from grading.scheme import Level
from grading.status import DecisionStatus

SITTING_REFUSED: Final = "refused"
SITTING_SUPERSEDED: Final = "superseded"
DECIDED: Final = (DecisionStatus.CERTIFIED.value, DecisionStatus.FAILED.value)
START_RECORDED: Final = "exam_started record"
START_RELEASE: Final = "release time"
#: How a reason names the source of a sitting's start time.
START_SOURCE_ZH: Final = {START_RECORDED: "学员开考记录", START_RELEASE: "试卷发布时间"}
SECONDS_PER_MINUTE: Final = 60


class SittingError(CmAcademyError):
    """A sitting cannot be found or changed."""


@dataclass(frozen=True)
class SittingCheck:
    """What the sitting rules say about one submission."""

    sitting: Sitting | None
    """The sitting (None when the submission carries no timestamp)."""
    refusal: str = ""
    """Why the sitting is refused by the retake rules ('' when it is allowed)."""
    overtime: str = ""
    """Why the working time needs a trainer ('' when within the limit, unknown or waived)."""


def submission_times(db_url: str, exam: str) -> dict[str, dt.datetime | None]:
    """Each trainee's gradebook submission time of ``exam`` (naive UTC)."""
    with gradebook(db_url) as gb:
        return {
            sub.student_id: (sub.timestamp.replace(tzinfo=None) if sub.timestamp else None)
            for sub in gb.assignment_submissions(exam)
        }


def years_before(moment: dt.datetime, years: int) -> dt.datetime:
    """The same calendar moment ``years`` earlier (28 February for 29 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def _day(moment: dt.datetime) -> str:
    return moment.date().isoformat()


def _sitting(s: Session, level: Level, exam: str, trainee: str, submitted: dt.datetime) -> Sitting:
    """This submission's sitting, recorded when new; earlier undecided sittings are superseded."""
    current = s.get(Sitting, (exam, trainee, submitted))
    if current is not None:
        return current
    for earlier in s.scalars(
        select(Sitting).where(
            Sitting.exam == exam,
            Sitting.trainee == trainee,
            Sitting.submitted_at < submitted,
            Sitting.status == DecisionStatus.PENDING.value,
        )
    ):
        earlier.status, earlier.decided_at = SITTING_SUPERSEDED, now()
    current = Sitting(
        exam=exam,
        trainee=trainee,
        submitted_at=submitted,
        level=level.id,
        status=DecisionStatus.PENDING.value,
        reason="",
        start_source="",
        time_waived=0,
        decided_at=now(),
    )
    s.add(current)
    s.flush()
    return current


def _earlier(s: Session, level: Level, trainee: str, submitted: dt.datetime) -> list[Sitting]:
    """The decided sittings of the level before ``submitted``, newest first."""
    return list(
        s.scalars(
            select(Sitting)
            .where(
                Sitting.level == level.id,
                Sitting.trainee == trainee,
                Sitting.submitted_at < submitted,
                Sitting.status.in_(DECIDED),
            )
            .order_by(Sitting.submitted_at.desc())
        )
    )


def retake_refusal(level: Level, earlier: list[Sitting], submitted: dt.datetime) -> str:
    """Why a sitting breaks the retake rules, in one line ('' when it does not)."""
    cycle_start = years_before(submitted, level.validity_years)
    in_cycle = [e for e in earlier if e.submitted_at > cycle_start]
    if len(in_cycle) >= level.max_attempts:
        return (
            f"考试次数已用完：{_day(cycle_start)} 起的认证周期内已考 {len(in_cycle)} 次"
            f"（每周期最多 {level.max_attempts} 次）"
        )
    failed = next((e for e in earlier if e.status == DecisionStatus.FAILED.value), None)
    if failed is not None:
        allowed = failed.submitted_at + dt.timedelta(days=level.retake_wait_days)
        if submitted < allowed:
            return (
                f"补考间隔不足：上次未通过的考试交于 {_day(failed.submitted_at)}，"
                f"需间隔 {level.retake_wait_days} 天（{_day(allowed)} 起方可补考）"
            )
    return ""


def release_time(course_root: Path, exam: str) -> dt.datetime | None:
    """When the exam was last released (``release/<exam>`` written), naive UTC; None if never."""
    try:
        stamp = (course_root / "release" / exam).stat().st_mtime
    except FileNotFoundError:
        return None
    return dt.datetime.fromtimestamp(stamp, dt.UTC).replace(tzinfo=None)


def _start(
    s: Session, course_root: Path, exam: str, sitting: Sitting, previous: dt.datetime | None
) -> tuple[dt.datetime | None, str]:
    started = exam_started(s, sitting.trainee, exam, sitting.submitted_at, previous)
    if started is not None:
        return started, START_RECORDED
    released = release_time(course_root, exam)
    if (
        released is not None
        and released <= sitting.submitted_at
        and (previous is None or released > previous)
    ):
        return released, START_RELEASE
    return None, ""


def overtime(level: Level, sitting: Sitting) -> str:
    """Why the sitting's working time needs a trainer ('' when within the limit, unknown or waived)."""
    minutes = working_minutes(sitting)
    if minutes is None or sitting.time_waived or minutes <= level.time_limit_minutes:
        return ""
    return (
        f"用时 {minutes:.0f} 分钟超过限时 {level.time_limit_minutes} 分钟"
        f"（自 {sitting.started_at or sitting.submitted_at:%Y-%m-%d %H:%M} UTC 起算，依据{START_SOURCE_ZH.get(sitting.start_source, sitting.start_source)}）；"
        "核实后可用 `cmacademy mark waive-time` 认可"
    )


def check_sitting(
    s: Session, course_root: Path, level: Level, exam: str, trainee: str, submitted: dt.datetime | None
) -> SittingCheck:
    """Record the submission's sitting and apply the retake and time rules to it."""
    if submitted is None:
        return SittingCheck(None)
    sitting = _sitting(s, level, exam, trainee, submitted)
    earlier = _earlier(s, level, trainee, submitted)
    previous = max((e.submitted_at for e in earlier), default=None)
    if sitting.started_at is None:
        sitting.started_at, sitting.start_source = _start(s, course_root, exam, sitting, previous)
    return SittingCheck(sitting, retake_refusal(level, earlier, submitted), overtime(level, sitting))


def curriculum_refusal(s: Session, level: Level, trainee: str) -> str:
    """Why the level's curriculum prerequisites are not met ('' when met or nothing is recorded)."""
    if not level.curriculum_modules or not has_progress(s):
        return ""
    missing = missing_modules(s, trainee, level.curriculum_modules)
    return f"先修课程未完成：模块 {'、'.join(missing)}" if missing else ""


def close_sitting(sitting: Sitting | None, status: str, reason: str) -> None:
    """Record a sitting's outcome (refused sittings keep "refused")."""
    if sitting is None:
        return
    if (sitting.status, sitting.reason) != (status, reason):
        sitting.status, sitting.reason, sitting.decided_at = status, reason, now()


def latest_sitting(s: Session, exam: str, trainee: str) -> Sitting:
    """The trainee's latest sitting of ``exam``.

    Raises:
        SittingError: no sitting recorded (run ``cmacademy certify`` first).
    """
    sitting = s.scalars(
        select(Sitting)
        .where(Sitting.exam == exam, Sitting.trainee == trainee)
        .order_by(Sitting.submitted_at.desc())
        .limit(1)
    ).first()
    if sitting is None:
        raise SittingError(
            f"no sitting of {exam} recorded for {trainee!r}; run `cmacademy certify {exam}` first."
        )
    return sitting


def waive_time(course: Course, exam: str, trainee: str, reason: str) -> Sitting:
    """Accept a sitting's working time beyond the limit (a trainer's audited decision).

    Raises:
        SittingError: no reason given, or no sitting recorded.
    """
    if not reason.strip():
        raise SittingError("accepting an over-time sitting needs a reason (--reason).")
    engine = open_engine(course.db_url)
    with session(engine) as s:
        sitting = latest_sitting(s, exam, trainee)
        sitting.time_waived = 1
        details = {"submitted_at": sitting.submitted_at.isoformat(), "started_at": str(sitting.started_at)}
        audit(s, "time_limit_waived", exam, trainee, details, reason.strip())
        s.flush()
        s.expunge(sitting)
    engine.dispose()
    return sitting


def list_sittings(course: Course, exam: str) -> list[Sitting]:
    """Every recorded sitting of ``exam``, by trainee and time (detached from the database)."""
    engine = open_engine(course.db_url)
    with session(engine) as s:
        rows = list(
            s.scalars(
                select(Sitting).where(Sitting.exam == exam).order_by(Sitting.trainee, Sitting.submitted_at)
            )
        )
        for row in rows:
            s.expunge(row)
    engine.dispose()
    return rows


def working_minutes(sitting: Sitting) -> float | None:
    """Minutes from the sitting's start to its submission (None when the start is unknown)."""
    if sitting.started_at is None:
        return None
    return (sitting.submitted_at - sitting.started_at).total_seconds() / SECONDS_PER_MINUTE
