"""``cmacademy progress``: trainees' curriculum progress per module, and collecting it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

import click
from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from grading.cli.common import COURSE_OPTION, DB_OPTION, console, reports_errors, say, warn
from grading.pipeline.course import Course
from grading.pipeline.progress import (
    STATE_COMPLETE,
    STATE_NONE,
    ModuleProgress,
    collect_progress,
    course_progress,
)
from grading.scheme import Scheme, load_scheme

#: Widest the table is measured at (its natural width is far less).
MAX_TABLE_WIDTH: Final = 1000
#: Cell marks: plain characters every font has (no emoji).
MARK_COMPLETE: Final = "✓"
MARK_NONE: Final = "–"
LEGEND: Final = (
    f"{MARK_COMPLETE} completed (all self-checks passed, or completion recorded); "
    f"n/m self-checks passed; {MARK_NONE} nothing recorded; 缺 n: modules a level requires "
    "that are not completed (--json lists them)"
)


def cell(progress: ModuleProgress) -> str:
    """One module's cell: ``✓`` (completed), ``2/5`` (self-checks passed of all) or ``–``."""
    if progress.state == STATE_COMPLETE:
        return MARK_COMPLETE
    return MARK_NONE if progress.state == STATE_NONE else f"{progress.passed}/{progress.total}"


def missing_for_levels(row: dict[str, ModuleProgress], scheme: Scheme) -> dict[str, list[str]]:
    """Per level with curriculum prerequisites, the modules this trainee has yet to complete."""
    empty = ModuleProgress(0, 0, False)
    return {
        level.id: [m for m in level.curriculum_modules if row.get(m, empty).state != STATE_COMPLETE]
        for level in scheme.levels
        if level.curriculum_modules
    }


def prerequisite_cell(missing: list[str]) -> str:
    """``✓`` when a level's modules are all complete, else how many are missing (``缺 2``)."""
    return MARK_COMPLETE if not missing else f"缺 {len(missing)}"


def progress_json(standing: dict[str, dict[str, ModuleProgress]], scheme: Scheme) -> dict[str, object]:
    """The table as JSON: modules, per trainee and module the state and counts, missing prerequisites."""
    modules = sorted({m for row in standing.values() for m in row})
    return {
        "modules": modules,
        "missing_prerequisites": {t: missing_for_levels(row, scheme) for t, row in standing.items()},
        "trainees": {
            t: {
                m: {
                    "state": p.state,
                    "passed": p.passed,
                    "total": p.total,
                    "recorded_complete": p.recorded_complete,
                }
                for m, p in row.items()
            }
            for t, row in standing.items()
        },
    }


def progress_table(standing: dict[str, dict[str, ModuleProgress]], scheme: Scheme) -> Table:
    """Trainees by modules, compact (about 4 columns per module).

    Columns: trainee, one per module (``01``...), modules done, then one per level with
    curriculum prerequisites (headed by its exam) saying how many required modules are missing.
    """
    modules = sorted({m for row in standing.values() for m in row})
    levels = [lv for lv in scheme.levels if lv.curriculum_modules]
    out = Table(
        title=Text("curriculum progress"), title_justify="left", box=box.SIMPLE_HEAD, collapse_padding=True
    )
    for header in ["trainee", *modules, "done", *(lv.exam for lv in levels)]:
        out.add_column(header, no_wrap=True)
    for trainee, row in standing.items():
        done = sum(1 for p in row.values() if p.state == STATE_COMPLETE)
        missing = missing_for_levels(row, scheme)
        cells = [trainee, *(cell(row[m]) for m in modules), f"{done}/{len(modules)}"]
        out.add_row(*(Text(c) for c in cells + [prerequisite_cell(missing[lv.id]) for lv in levels]))
    return out


@click.group("progress", invoke_without_command=True)
@click.option(
    "--course", "course_dir", type=click.Path(path_type=Path), default=None, help="Course directory."
)
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
@click.pass_context
@reports_errors
def progress(ctx: click.Context, course_dir: Path | None, db_url: str | None, as_json: bool) -> None:
    """Per trainee and module: completed, self-checks passed, or nothing (for trainers)."""
    if ctx.invoked_subcommand is not None:
        return
    if course_dir is None:
        raise click.UsageError("give the course: cmacademy progress --course DIR")
    standing = course_progress(Course.open(course_dir, db_url=db_url))
    scheme = load_scheme()
    if as_json:
        say(json.dumps(progress_json(standing, scheme), ensure_ascii=False, indent=2))
        return
    out = progress_table(standing, scheme)
    # Never elide a module column: a table wider than the terminal wraps rather than shrinks.
    needed = Measurement.get(console, console.options.update_width(MAX_TABLE_WIDTH), out).maximum
    wide = Console(
        file=console.file, width=max(console.width, needed), markup=False, emoji=False, highlight=False
    )
    wide.print(out)
    say(LEGEND)


@progress.command("collect")
@COURSE_OPTION
@DB_OPTION
@click.option(
    "--homes",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of trainees' homes (HOMES/<trainee>/.cmacademy/progress.jsonl); default: their own homes.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was collected as JSON.")
@reports_errors
def progress_collect(course_dir: Path, db_url: str | None, homes: Path | None, as_json: bool) -> None:
    """Collect every roster trainee's progress file into the course database."""
    report = collect_progress(Course.open(course_dir, db_url=db_url), homes)
    if as_json:
        say(json.dumps(report.__dict__, ensure_ascii=False, indent=2))
        return
    say(
        f"collected {sum(report.new.values())} new events from {len(report.new)} trainees; "
        f"{len(report.missing)} without a progress file"
    )
    for trainee, why in sorted(report.refused.items()):
        warn(f"  {trainee}: not collected: {why}")
    for trainee, bad in sorted(report.damaged.items()):
        warn(f"  {trainee}: {bad} damaged line(s) skipped")
    for trainee, foreign in sorted(report.foreign.items()):
        warn(f"  {trainee}: {foreign} event(s) recorded by another user skipped")
