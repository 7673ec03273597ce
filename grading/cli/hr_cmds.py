"""``cmacademy expiring``: certificates HR should act on, as a table or JSON for a mail system."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Final

import click

from grading.cli.common import DATE_FORMATS, DB_OPTION, console, reports_errors, say
from grading.cli.tables import table
from grading.pipeline.course import Course

#: The window `expiring` looks ahead by default (days), as the HR dashboard's reminder.
DEFAULT_WITHIN_DAYS: Final = 90


@click.command("expiring")
@click.option(
    "--within",
    type=int,
    default=DEFAULT_WITHIN_DAYS,
    show_default=True,
    help="List certificates expiring within this many days, and those already overdue.",
)
@click.option(
    "--course",
    "course_dir",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="Course directory.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON array, for a mail system or HR tool.")
@click.option(
    "--date",
    "today",
    type=click.DateTime(formats=DATE_FORMATS),
    default=None,
    help="Day to count from (default today).",
)
@DB_OPTION
@reports_errors
def expiring_cmd(
    within: int, course_dir: Path, as_json: bool, today: datetime.datetime | None, db_url: str | None
) -> None:
    """Certificates expiring within DAYS or due for recertification, soonest first."""
    from grading.reports.reminders import expiring

    day = today.date() if today else datetime.date.today()
    reminders = expiring(Course.open(course_dir, db_url=db_url), within, day)
    if as_json:
        say(json.dumps([m.to_json() for m in reminders], ensure_ascii=False, indent=1))
        return
    columns = (
        "expires_on",
        "days_left",
        "kind",
        "employee_no",
        "name",
        "email",
        "org_unit",
        "level",
        "certificate_id",
    )
    rows = (
        (
            m.expires_on,
            m.days_left,
            m.kind,
            m.employee_no,
            m.name,
            m.email,
            m.org_unit,
            m.level_name,
            m.certificate_id,
        )
        for m in reminders
    )
    title = f"{len(reminders)} certificate(s) expiring within {within} days of {day} or overdue"
    console.print(table(title, columns, rows))
