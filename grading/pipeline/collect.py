"""Collecting submissions into the course: nbgrader's ``submitted/`` layout or one zip per trainee.

Accepted sources (``--from PATH``):

- a folder laid out like nbgrader's ``submitted/``: ``PATH/<trainee>/<exam>/<exam>.ipynb`` with an
  optional ``timestamp.txt``;
- a folder of zips, one per trainee: ``PATH/<trainee>.zip`` or ``PATH/<trainee>_<exam>.zip``,
  holding the exam's files at the top or inside one folder.

The submission time is ``timestamp.txt`` when present, else the newest entry of the zip, else
the newest file's modification time; it is written to ``timestamp.txt`` in the course. The late
policy of the scheme applies against the exam's due date (set with ``cmacademy release --due``):
past the grace period a late submission is rejected when the scheme does not accept late work.
Each submission is copied to a temporary folder and renamed into place, so a failure never
leaves half a submission.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from casebank.errors import CmAcademyError
from grading.pipeline.course import Course
from grading.pipeline.gradebook import gradebook
from grading.pipeline.records import GradingRecord, audit, now, open_engine, session
from grading.scheme import load_scheme

TIMESTAMP_FILE: Final = "timestamp.txt"
TIMESTAMP_FORMAT: Final = "%Y-%m-%d %H:%M:%S.%f UTC"
STATUS_REJECTED_LATE: Final = "rejected_late"


class CollectError(CmAcademyError):
    """Submissions cannot be collected from the given place."""


@dataclass
class CollectReport:
    """What `collect` did with each trainee's submission."""

    collected: dict[str, dt.datetime] = field(default_factory=dict)
    """Trainee -> submission time, newly collected."""
    unchanged: list[str] = field(default_factory=list)
    """Trainees whose collected submission is as new as the offered one."""
    late: dict[str, float] = field(default_factory=dict)
    """Trainee -> seconds late, collected (late work accepted or within grace)."""
    rejected: dict[str, str] = field(default_factory=dict)
    """Trainee -> why the submission was not collected."""

    @property
    def ok(self) -> bool:
        """Whether every offered submission was collected or already present."""
        return not self.rejected


def parse_timestamp(text: str) -> dt.datetime:
    """Parse a submission time as nbgrader writes it, or ISO 8601 (returned as naive UTC).

    Raises:
        CollectError: the text is not a time.
    """
    value = text.strip()
    for suffix in (" UTC", " GMT", "Z"):
        if value.endswith(suffix):
            value = value[: -len(suffix)] + "+00:00"
            break
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CollectError(
            f"{TIMESTAMP_FILE}: {text.strip()!r} is not a time such as 2026-11-26 10:00:00 UTC"
        ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def _folder_time(folder: Path) -> dt.datetime:
    stamp = folder / TIMESTAMP_FILE
    if stamp.is_file():
        return parse_timestamp(stamp.read_text(encoding="utf-8"))
    latest = max((p.stat().st_mtime for p in folder.rglob("*") if p.is_file()), default=0.0)
    return dt.datetime.fromtimestamp(latest, dt.UTC).replace(tzinfo=None)


def _unzip(path: Path, target: Path) -> dt.datetime:
    """Extract a trainee's zip into ``target`` (flattening one top folder); return its time."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/") and "__MACOSX" not in n]
            if not names:
                raise CollectError(f"{path.name}: the zip is empty")
            tops = {n.split("/", 1)[0] for n in names}
            strip = len(tops) == 1 and all("/" in n for n in names)
            for name in names:
                relative = name.split("/", 1)[1] if strip else name
                if relative.startswith("/") or ".." in Path(relative).parts:
                    raise CollectError(f"{path.name}: unsafe path {name!r} in the zip")
                destination = target / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(archive.read(name))
            latest = max(archive.getinfo(n).date_time for n in names)
    except zipfile.BadZipFile:
        raise CollectError(f"{path.name}: not a readable zip file") from None
    stamp = target / TIMESTAMP_FILE
    return parse_timestamp(stamp.read_text(encoding="utf-8")) if stamp.is_file() else dt.datetime(*latest)


def _offers(source: Path, exam: str) -> dict[str, Path]:
    """Trainee -> folder or zip offered in ``source``."""
    if not source.is_dir():
        raise CollectError(
            f"{source}: not a folder; point --from at a submitted/ folder or a folder of zips."
        )
    offers: dict[str, Path] = {}
    for entry in sorted(source.iterdir()):
        if entry.is_dir() and (entry / exam).is_dir():
            offers[entry.name] = entry / exam
        elif entry.is_file() and entry.suffix == ".zip":
            stem = entry.stem.removesuffix(f"_{exam}")
            offers[stem] = entry
    if not offers:
        raise CollectError(
            f"{source}: no submissions of {exam}; expected <trainee>/{exam}/ folders or <trainee>.zip files."
        )
    return offers


def collect(course: Course, exam: str, source: Path) -> CollectReport:
    """Copy the submissions offered in ``source`` into the course's ``submitted/`` folder.

    Raises:
        CollectError: the source holds no submissions of the exam.
    """
    course.source(exam)
    url = course.db_url
    policy = load_scheme().late_policy
    grace = dt.timedelta(minutes=policy.grace_minutes)
    with gradebook(url) as gb:
        roster = {s.id for s in gb.students}
        try:
            due = gb.find_assignment(exam).duedate
        except Exception:  # not released yet: no due date to apply
            due = None
    report = CollectReport()
    engine = open_engine(url)
    for trainee, offer in _offers(source, exam).items():
        if trainee not in roster:
            report.rejected[trainee] = "not in the roster; import it with `cmacademy roster import`"
            continue
        target = course.root / "submitted" / trainee / exam
        (course.root / "submitted").mkdir(exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".collect-{trainee}-", dir=course.root / "submitted"))
        try:
            if offer.is_dir():
                shutil.copytree(offer, staging, dirs_exist_ok=True)
                when = _folder_time(offer)
            else:
                when = _unzip(offer, staging)
            if target.is_dir() and (target / TIMESTAMP_FILE).is_file() and _folder_time(target) >= when:
                report.unchanged.append(trainee)
                continue
            late = (when - due).total_seconds() if due is not None else 0.0
            if late > grace.total_seconds() and not policy.accept_late:
                report.rejected[trainee] = (
                    f"{late / 60:.0f} minutes late; the scheme does not accept late work"
                )
                with session(engine) as s:
                    record = s.get(GradingRecord, (exam, trainee)) or GradingRecord(
                        exam=exam, trainee=trainee
                    )
                    record.status, record.reason, record.updated_at = (
                        STATUS_REJECTED_LATE,
                        report.rejected[trainee],
                        now(),
                    )
                    record.submitted_at, record.late_seconds = when, late
                    s.merge(record)
                    audit(s, "collect_rejected", exam, trainee, {"submitted_at": when, "late_seconds": late})
                continue
            (staging / TIMESTAMP_FILE).write_text(when.strftime(TIMESTAMP_FORMAT), encoding="utf-8")
            if target.exists():
                shutil.rmtree(target)
            target.parent.mkdir(exist_ok=True)
            staging.rename(target)
            report.collected[trainee] = when
            if late > 0:
                report.late[trainee] = late
            with session(engine) as s:
                audit(
                    s,
                    "collect",
                    exam,
                    trainee,
                    {"submitted_at": when, "late_seconds": max(late, 0.0), "from": str(offer)},
                )
        except CollectError as exc:
            report.rejected[trainee] = str(exc)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
    engine.dispose()
    return report
