"""``cmacademy grade``, ``feedback``, ``certify`` and ``appeal``."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import click

from grading.cli.common import (
    COURSE_OPTION,
    DATE_FORMATS,
    DB_OPTION,
    console,
    err_console,
    reports_errors,
    say,
    scheduler_option,
    warn,
    workers_option,
)
from grading.cli.progress import Tracker
from grading.cli.tables import decisions_table, grading_table
from grading.pipeline.course import Course
from grading.settings import DEFAULT_TIMEOUT
from grading.status import DecisionStatus, GradingStatus

UNSAFE_WARNING = (
    "WARNING: --unsafe-no-sandbox: trainee code runs with YOUR rights. It can read the answer keys, "
    "rewrite the gradebook, reach the network and other trainees' work. Use it only for code you trust."
)


@click.command("grade")
@click.argument("exam")
@COURSE_OPTION
@workers_option("worker processes")
@DB_OPTION
@scheduler_option(
    "Grade on the workers of this running Dask scheduler instead of local processes. The gradebook "
    "must be PostgreSQL and every worker must see the course directory at the same path "
    "(docs/jupyterhub-dask.md)."
)
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Per-cell timeout (s).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--unsafe-no-sandbox",
    is_flag=True,
    help="Run trainee code WITHOUT the sandbox, with your rights. Only for trusted code.",
)
@click.option(
    "--fresh-kernels",
    is_flag=True,
    help="Start every kernel fresh instead of forking it from each worker's warm kernel host "
    "(slower, equally isolated; docs/sandbox.md).",
)
@reports_errors
def grade_cmd(
    exam: str,
    course_dir: Path,
    workers: int,
    db_url: str | None,
    scheduler: str | None,
    timeout: int,
    as_json: bool,
    unsafe_no_sandbox: bool,
    fresh_kernels: bool,
) -> None:
    """Autograde every collected, not-yet-graded submission of EXAM (resumable, sandboxed)."""
    from grading.pipeline.grade import grade_exam, summary_rows

    course = Course.open(
        course_dir,
        workers=workers,
        db_url=db_url,
        scheduler=scheduler,
        timeout=timeout,
        sandbox=not unsafe_no_sandbox,
        fresh_kernels=fresh_kernels,
    )
    if unsafe_no_sandbox:
        err_console.print(UNSAFE_WARNING, style="bold red")
    with Tracker(err_console) as tracker:
        tracker.stage(f"grading {exam}")
        outcomes = grade_exam(course, exam, on_done=lambda _o, done, total: tracker.advance(done, total))
    if as_json:
        click.echo(json.dumps(summary_rows(outcomes), ensure_ascii=False, indent=2))
    else:
        console.print(grading_table(exam, outcomes))
    attention = [o for o in outcomes if o.status != GradingStatus.GRADED]
    if attention:
        warn(f"{len(attention)} submission(s) need attention")
        sys.exit(1)


@click.command("certify")
@click.argument("exam")
@COURSE_OPTION
@DB_OPTION
@click.option(
    "--date",
    "today",
    type=click.DateTime(formats=DATE_FORMATS),
    default=None,
    help="Issue date (default today).",
)
@click.option("--reason", default="", help="Why decisions are (re)made, for the audit trail.")
@reports_errors
def certify_cmd(
    exam: str, course_dir: Path, db_url: str | None, today: datetime.datetime | None, reason: str
) -> None:
    """Apply the scheme: certified, failed or pending (waiting for manual grades)."""
    from grading.certification.certify import certify

    course = Course.open(course_dir, db_url=db_url)
    results = certify(course, exam, today=today.date() if today else None, reason=reason)
    console.print(decisions_table(exam, results))
    say(", ".join(f"{sum(r.status == s for r in results)} {s}" for s in DecisionStatus))


@click.command("feedback")
@click.argument("exam")
@COURSE_OPTION
@reports_errors
def feedback_cmd(exam: str, course_dir: Path) -> None:
    """Write trainees' feedback pages (no hidden tests, no expected values)."""
    from grading.pipeline.feedback import generate_feedback

    pages = generate_feedback(Course.open(course_dir), exam)
    say(f"wrote {len(pages)} feedback pages under {Path(course_dir) / 'feedback'}")


@click.command("appeal")
@click.argument("exam")
@click.argument("trainee")
@COURSE_OPTION
@click.option("--reason", required=True, help="The trainee's grounds (recorded).")
@DB_OPTION
@reports_errors
def appeal_cmd(exam: str, trainee: str, course_dir: Path, reason: str, db_url: str | None) -> None:
    """Record an appeal; regrade in the formgrader, then run certify again."""
    from grading.certification.certify import record_appeal

    record_appeal(Course.open(course_dir, db_url=db_url), exam, trainee, reason)
    say(f"appeal of {trainee} on {exam} recorded")
