"""``cmacademy course``, ``roster``, ``release`` and ``collect``: a course and its trainees' work."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import click

from grading.cli.common import COURSE_OPTION, DB_OPTION, reports_errors, say, warn
from grading.pipeline.course import Course, init_course
from grading.settings import DEFAULT_COURSE_ID


@click.group()
def course() -> None:
    """Nbgrader course directories wired for cm-academy."""


@course.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--course-id", default=DEFAULT_COURSE_ID, show_default=True, help="nbgrader course id.")
@click.option(
    "--bank",
    "bank_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Exam bank (default: the course's own secret pool).",
)
@click.option(
    "--key", "key_dir", type=click.Path(path_type=Path), default=None, help="Its assessor key (with --bank)."
)
@click.option(
    "--db-url", default=None, help="Gradebook URL for the course, e.g. postgresql://... (default: SQLite)."
)
@reports_errors
def course_init(
    directory: Path, course_id: str, bank_dir: Path | None, key_dir: Path | None, db_url: str | None
) -> None:
    """Create an nbgrader course directory with every exam in source/."""
    created = init_course(directory, course_id=course_id, bank_dir=bank_dir, key_dir=key_dir, db_url=db_url)
    say(f"course {created.root} ready; exams: {', '.join(created.exams())}")


@click.command("release")
@click.argument("exam")
@COURSE_OPTION
@click.option(
    "--due",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]),
    default=None,
    help="Due date (UTC), e.g. 2026-12-01T18:00.",
)
@DB_OPTION
@reports_errors
def release_exam(exam: str, course_dir: Path, due: datetime.datetime | None, db_url: str | None) -> None:
    """Generate the trainee version of EXAM; refuse if anything secret would ship."""
    from grading.pipeline.release import release

    released = release(Course.open(course_dir, db_url=db_url), exam, due=due)
    say(f"released {exam} to {released} (checked: no solutions, hidden tests or key values)")


@click.group()
def roster() -> None:
    """The trainees of a course."""


@roster.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@COURSE_OPTION
@DB_OPTION
@reports_errors
def roster_import(file: Path, course_dir: Path, db_url: str | None) -> None:
    """Import trainees (CSV: id,name,email,org_unit); a bad row imports nothing."""
    from grading.pipeline.roster import import_roster

    entries = import_roster(Course.open(course_dir, db_url=db_url), file)
    units = sorted({e.org_unit for e in entries})
    say(f"imported {len(entries)} trainees from {len(units)} org units; exam variants refreshed")


@click.command("collect")
@click.argument("exam")
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path),
    required=True,
    help="submitted/-style folder or folder of zips.",
)
@COURSE_OPTION
@DB_OPTION
@reports_errors
def collect_exam(exam: str, source: Path, course_dir: Path, db_url: str | None) -> None:
    """Collect submissions of EXAM into the course (late policy from the scheme).

    One line per rejected trainee says why; the command exits 1 when any was rejected.
    """
    from grading.pipeline.collect import collect

    report = collect(Course.open(course_dir, db_url=db_url), exam, source)
    say(
        f"collected {len(report.collected)} ({len(report.late)} late), unchanged {len(report.unchanged)}, "
        f"rejected {len(report.rejected)}"
    )
    for trainee, seconds in sorted(report.late.items()):
        say(f"  {trainee}: collected {seconds / 60:.0f} minutes late (within the grace period or accepted)")
    for trainee, note in sorted(report.claims.items()):
        warn(f"  {trainee}: {note}")
    for trainee, why in sorted(report.rejected.items()):
        warn(f"  {trainee}: rejected: {why}")
    if not report.ok:
        sys.exit(1)
