"""``cmacademy mark``: second marking and adjudication of the report, and over-time sittings."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from grading.certification.rules import list_sittings, waive_time, working_minutes
from grading.cli.common import COURSE_OPTION, DB_OPTION, console, reports_errors, say
from grading.cli.tables import table
from grading.pipeline.course import Course
from grading.pipeline.marking import (
    MarkingError,
    MarkingState,
    Scores,
    adjudicate,
    list_marking,
    mark_first,
    mark_second,
    sync_final,
)

CRITERION_OPTION = click.option(
    "--criterion",
    "criteria",
    multiple=True,
    required=True,
    metavar="NAME=SCORE",
    help="A criterion's score, e.g. evidence=2 or q21_report_evidence=2; once per criterion.",
)


def parse_scores(items: tuple[str, ...]) -> Scores:
    """``("evidence=2", "structure=1.5")`` as a mapping.

    Raises:
        MarkingError: an item is not NAME=SCORE with a number, or a name repeats.
    """
    out: Scores = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            score = float(value)
        except ValueError:
            score = None
        if not sep or not name.strip() or score is None:
            raise MarkingError(f"--criterion {item!r}: write NAME=SCORE, e.g. evidence=2.")
        if name.strip() in out:
            raise MarkingError(f"--criterion {name.strip()} is given twice.")
        out[name.strip()] = score
    return out


def _show(state: MarkingState) -> None:
    say(f"{state.trainee}: {state.state}{': ' + state.reason if state.reason else ''}")


@click.group("mark")
def mark() -> None:
    """Second marking and adjudication of manually graded items (the report)."""


@mark.command("list")
@click.argument("exam")
@COURSE_OPTION
@DB_OPTION
@click.option("--all", "show_all", is_flag=True, help="Show every script, not only those awaiting a marker.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@reports_errors
def mark_list(exam: str, course_dir: Path, db_url: str | None, show_all: bool, as_json: bool) -> None:
    """Scripts awaiting first-marker confirmation, second marking or adjudication."""
    states = [s for s in list_marking(Course.open(course_dir, db_url=db_url), exam) if show_all or s.waiting]
    if as_json:
        say(json.dumps([asdict(s) for s in states], ensure_ascii=False, indent=2))
        return
    rows = [(s.trainee, s.state, f"{s.total:g}/{s.max_total:g}", s.reason) for s in states]
    console.print(
        table(f"{exam}: marking ({len(rows)} scripts)", ("trainee", "awaits", "score", "reason"), rows)
    )


@mark.command("first")
@click.argument("exam")
@click.argument("trainee")
@COURSE_OPTION
@DB_OPTION
@reports_errors
def mark_first_cmd(exam: str, trainee: str, course_dir: Path, db_url: str | None) -> None:
    """Confirm the formgrader scores of TRAINEE's script as your first marking."""
    scores = mark_first(Course.open(course_dir, db_url=db_url), exam, trainee)
    say(f"{trainee}: first marking recorded ({sum(scores.values()):g} points over {len(scores)} criteria)")


@mark.command("second")
@click.argument("exam")
@click.argument("trainee")
@COURSE_OPTION
@DB_OPTION
@CRITERION_OPTION
@reports_errors
def mark_second_cmd(
    exam: str, trainee: str, course_dir: Path, db_url: str | None, criteria: tuple[str, ...]
) -> None:
    """Record your second marking of TRAINEE's script, one --criterion per criterion."""
    _show(mark_second(Course.open(course_dir, db_url=db_url), exam, trainee, parse_scores(criteria)))


@mark.command("adjudicate")
@click.argument("exam")
@click.argument("trainee")
@COURSE_OPTION
@DB_OPTION
@CRITERION_OPTION
@click.option("--reason", required=True, help="Why these scores (recorded).")
@reports_errors
def mark_adjudicate_cmd(
    exam: str, trainee: str, course_dir: Path, db_url: str | None, criteria: tuple[str, ...], reason: str
) -> None:
    """Set the final scores of a script whose two markings disagree (a third person)."""
    _show(adjudicate(Course.open(course_dir, db_url=db_url), exam, trainee, parse_scores(criteria), reason))


@mark.command("sync")
@click.argument("exam")
@click.argument("trainee")
@COURSE_OPTION
@DB_OPTION
@reports_errors
def mark_sync_cmd(exam: str, trainee: str, course_dir: Path, db_url: str | None) -> None:
    """Write a script's recorded final scores into the gradebook (after an interrupted write)."""
    scores = sync_final(Course.open(course_dir, db_url=db_url), exam, trainee)
    say(f"{trainee}: final scores in the gradebook ({sum(scores.values()):g} points)")


@mark.command("waive-time")
@click.argument("exam")
@click.argument("trainee")
@COURSE_OPTION
@DB_OPTION
@click.option("--reason", required=True, help="Why the working time is accepted (recorded).")
@reports_errors
def mark_waive_time_cmd(exam: str, trainee: str, course_dir: Path, db_url: str | None, reason: str) -> None:
    """Accept TRAINEE's latest sitting despite its working time beyond the limit."""
    sitting = waive_time(Course.open(course_dir, db_url=db_url), exam, trainee, reason)
    say(f"{trainee}: working time of the sitting submitted {sitting.submitted_at:%Y-%m-%d %H:%M} accepted")


@mark.command("sittings")
@click.argument("exam")
@COURSE_OPTION
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@reports_errors
def mark_sittings_cmd(exam: str, course_dir: Path, db_url: str | None, as_json: bool) -> None:
    """Every recorded sitting of EXAM: submitted, start and its source, minutes, outcome."""
    sittings = list_sittings(Course.open(course_dir, db_url=db_url), exam)
    rows = [
        {
            "trainee": s.trainee,
            "submitted_at": s.submitted_at.isoformat(timespec="seconds"),
            "started_at": s.started_at.isoformat(timespec="seconds") if s.started_at else None,
            "start_source": s.start_source,
            "minutes": None if (m := working_minutes(s)) is None else round(m),
            "time_waived": bool(s.time_waived),
            "status": s.status,
            "reason": s.reason,
        }
        for s in sittings
    ]
    if as_json:
        say(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    columns = ("trainee", "submitted_at", "minutes", "status", "reason")
    body = [[("" if r[c] is None else str(r[c])) for c in columns] for r in rows]
    console.print(table(f"{exam}: sittings", columns, body))
