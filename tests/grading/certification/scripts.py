"""A real course and nbgrader gradebook whose scripts are written through nbgrader's own API.

Grading a notebook takes a kernel; the rules and marking under test only read the gradebook,
so each script is put there as nbgrader's autograder and formgrader would leave it: a
submission with its timestamp, auto scores for the autograded cells and manual scores (or none
yet) for the report's cells.
"""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import tempfile
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from casebank.manifest import dump_json
from grading.pipeline.course import CONFIG_FILE, MARKER_FILE, Course
from grading.pipeline.gradebook import gradebook
from grading.scheme import Level, Scheme, load_scheme
from grading.settings import GRADEBOOK_FILE, Settings

EXAM = "assoc"
SCHEME: Scheme = load_scheme()
LEVEL: Level = SCHEME.level_for_exam(EXAM)
T0 = dt.datetime(2026, 3, 2, 9, 0)


def bare_course(root: Path, db_url: str = "") -> Course:
    """A course directory with its record and an empty nbgrader gradebook, but no exam sources.

    (`init_course` also checks and copies the exam notebooks, which these tests do not read.)
    """
    root.mkdir(parents=True)
    settings = Settings(root=root, gradebook_url=db_url)
    (root / MARKER_FILE).write_text(dump_json(settings.to_record()), encoding="utf-8")
    (root / CONFIG_FILE).write_text("c = get_config()  # noqa: F821\n", encoding="utf-8")
    if db_url:
        with gradebook(settings.db_url):
            pass
    else:  # nbgrader's schema takes seconds to create: copy a fresh, empty one
        shutil.copyfile(_empty_gradebook(), root / GRADEBOOK_FILE)
    return Course.open(root)


@functools.cache
def _empty_gradebook() -> Path:
    path = Path(tempfile.mkdtemp(prefix="cma-empty-gradebook-")) / GRADEBOOK_FILE
    with gradebook(f"sqlite:///{path}"):
        pass
    return path


def _cells(gb: Gradebook, level: Level) -> None:
    gb.update_or_create_assignment(EXAM)
    if not any(n.name == EXAM for n in gb.find_assignment(EXAM).notebooks):
        gb.add_notebook(EXAM, EXAM)
        for item in level.blueprint:
            kind = "markdown" if item.manual else "code"
            gb.add_grade_cell(item.question, EXAM, EXAM, max_score=item.points, cell_type=kind)


def write_script(
    course: Course,
    trainee: str,
    submitted: dt.datetime,
    *,
    auto: float = 1.0,
    manual: dict[str, float] | float | None = None,
    level: Level = LEVEL,
) -> None:
    """Put one graded submission of ``trainee`` in the gradebook (replacing an earlier one).

    Args:
        auto: share of each autograded item's points scored.
        manual: the manual items' scores: points per grade id, one share of points for every
            manual item, or None for "not graded yet".
    """
    with gradebook(course.db_url) as gb:
        _cells(gb, level)
        gb.update_or_create_student(trainee)
        try:
            gb.find_submission(EXAM, trainee).timestamp = submitted
        except MissingEntry:
            gb.add_submission(EXAM, trainee, timestamp=submitted)
        for item in level.blueprint:
            grade = gb.find_grade(item.question, EXAM, EXAM, trainee)
            if not item.manual:
                grade.auto_score, grade.needs_manual_grade = item.points * auto, False
                continue
            grade.auto_score = None
            if manual is None:
                grade.manual_score, grade.needs_manual_grade = None, True
            else:
                score = manual[item.question] if isinstance(manual, dict) else manual * item.points
                grade.manual_score, grade.needs_manual_grade = score, False
        gb.db.commit()


def set_manual(course: Course, trainee: str, scores: dict[str, float]) -> None:
    """What a formgrader save does: set manual scores of some cells."""
    with gradebook(course.db_url) as gb:
        for question, score in scores.items():
            grade = gb.find_grade(question, EXAM, EXAM, trainee)
            grade.manual_score, grade.needs_manual_grade = score, False
        gb.db.commit()
