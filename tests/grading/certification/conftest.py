"""A real course and nbgrader gradebook whose scripts are written through nbgrader's own API.

Grading a notebook takes a kernel; the rules under test only read the gradebook, so each
script is put there as nbgrader's autograder and formgrader would leave it: a submission with
its timestamp, auto scores for the autograded cells and manual scores (or none yet) for the
report's cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from nbgrader.api import MissingEntry

from casebank.manifest import dump_json
from grading.pipeline.course import CONFIG_FILE, MARKER_FILE, Course
from grading.pipeline.gradebook import gradebook
from grading.scheme import Level, load_scheme
from grading.settings import Settings
from tests.pg import postgres_server

EXAM = "assoc"
LEVEL: Level = load_scheme().level_for_exam(EXAM)
MANUAL = [i.question for i in LEVEL.blueprint if i.manual]
T0 = dt.datetime(2026, 3, 2, 9, 0)

Submit = Callable[..., None]


def bare_course(root: Path, db_url: str = "") -> Course:
    """A course directory with its record and an empty nbgrader gradebook, but no exam sources.

    (`init_course` also checks and copies the exam notebooks, which the rules do not read.)
    """
    root.mkdir(parents=True)
    settings = Settings(root=root, gradebook_url=db_url)
    (root / MARKER_FILE).write_text(dump_json(settings.to_record()), encoding="utf-8")
    (root / CONFIG_FILE).write_text("c = get_config()  # noqa: F821\n", encoding="utf-8")
    with gradebook(settings.db_url):
        pass
    return Course.open(root)


@pytest.fixture
def course(tmp_path: Path) -> Course:
    """A fresh course with its own SQLite gradebook."""
    return bare_course(tmp_path / "course")


@pytest.fixture(scope="package")
def pg_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


def write_script(
    course: Course,
    trainee: str,
    submitted: dt.datetime,
    *,
    auto: float = 1.0,
    manual: dict[str, float] | float | None = None,
) -> None:
    """Put one graded submission of ``trainee`` in the gradebook (replacing an earlier one).

    Args:
        auto: share of each autograded item's points scored.
        manual: the report's manual scores: per grade id, one share for every criterion, or
            None for "not graded yet".
    """
    with gradebook(course.db_url) as gb:
        gb.update_or_create_assignment(EXAM)
        if not any(n.name == EXAM for n in gb.find_assignment(EXAM).notebooks):
            gb.add_notebook(EXAM, EXAM)
            for item in LEVEL.blueprint:
                kind = "markdown" if item.manual else "code"
                gb.add_grade_cell(item.question, EXAM, EXAM, max_score=item.points, cell_type=kind)
        gb.update_or_create_student(trainee)
        try:
            gb.find_submission(EXAM, trainee).timestamp = submitted
        except MissingEntry:
            gb.add_submission(EXAM, trainee, timestamp=submitted)
        for item in LEVEL.blueprint:
            grade = gb.find_grade(item.question, EXAM, EXAM, trainee)
            if not item.manual:
                grade.auto_score, grade.needs_manual_grade = item.points * auto, False
                continue
            grade.auto_score = None
            if manual is None:
                grade.manual_score, grade.needs_manual_grade = None, True
            else:
                share = manual[item.question] if isinstance(manual, dict) else manual * item.points
                grade.manual_score, grade.needs_manual_grade = share, False
        gb.db.commit()


@pytest.fixture
def submit(course: Course) -> Submit:
    def _submit(trainee: str, submitted: dt.datetime, **kwargs: object) -> None:
        write_script(course, trainee, submitted, **kwargs)  # type: ignore[arg-type]

    return _submit
