"""A small graded and certified cohort of `assoc`, built the way a course is really run.

Ten trainees in three org units, of mixed skill (`grading.exams.simulate`), graded by
`grade_exam`, their evaluation reports scored as the formgrader does, and certified in three
rounds so that the register holds valid, expiring, expired, revoked, pending and failed rows.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from grading.certification.certify import certify, revoke
from grading.exams.simulate import simulated_submission
from grading.pipeline.collect import collect
from grading.pipeline.course import Course, init_course
from grading.pipeline.grade import grade_exam
from grading.pipeline.gradebook import gradebook
from grading.pipeline.marking import list_marking, mark_first, mark_second
from grading.pipeline.records import Decision, open_engine, session
from grading.pipeline.release import release
from grading.pipeline.roster import import_roster
from grading.scheme import load_scheme
from tests.grading.report_marks import mark_report

EXAM = "assoc"
AS_OF = dt.date(2026, 11, 26)

#: trainee id, name, org unit, skill, evaluation-report points (None: not graded yet), round.
#: Round 1 certifies on 2024-09-01 (expired by AS_OF), round 2 on 2025-01-15 (expires
#: 2027-01-15: within 90 days of AS_OF), round 3 on 2026-10-01 (valid).
TRAINEES: tuple[tuple[str, str, str, float, float | None, int], ...] = (
    ("t01", "王芳", "杭州分行", 1.0, 9, 1),
    ("t02", "李强", "杭州分行", 1.0, 8, 2),
    ("t03", "张伟", "宁波分行", 1.0, 7, 3),
    ("t04", "刘洋", "宁波分行", 0.85, 8, 3),
    ("t05", "陈静", "温州分行", 0.95, 9, 3),
    ("t06", "杨磊", "温州分行", 0.4, 4, 3),
    ("t07", "赵敏", "杭州分行", 0.2, 3, 3),
    ("t08", "黄鑫", "宁波分行", 0.6, 6, 3),
    ("t09", "周婷", "温州分行", 0.9, None, 3),
    ("t10", "吴昊", "杭州分行", 1.0, 8, 3),
)
ROUNDS = {1: dt.date(2024, 9, 1), 2: dt.date(2025, 1, 15), 3: dt.date(2026, 10, 1)}
REVOKED = "t10"
#: Trainees who leave every item of one competency blank: a high total that fails that
#: competency's minimum (0 %), whatever the dice of their other answers.
SKIPPED: dict[str, str] = {"t04": "information"}
#: The exam's points: what the register, dashboards and certificates give as the maximum.
MAX_POINTS: float = sum(item.points for item in load_scheme().level_for_exam(EXAM).blueprint)


@dataclass(frozen=True)
class GradedCohort:
    """A course with decisions for every trainee of `TRAINEES`."""

    course: Course
    decisions: dict[str, Decision]


def second_marking(course: Course, trainees: list[str]) -> None:
    """Scripts near a pass mark get a second marker who agrees with the first (`grading.pipeline.marking`)."""
    waiting = {m.trainee for m in list_marking(course, EXAM) if m.state == "first"} & set(trainees)
    with pytest.MonkeyPatch.context() as mp:
        for trainee in sorted(waiting):
            mp.setenv("JUPYTERHUB_USER", "first-marker")
            scores = mark_first(course, EXAM, trainee)
            mp.setenv("JUPYTERHUB_USER", "second-marker")
            mark_second(course, EXAM, trainee, scores)


def leave_blank(nb: nbformat.NotebookNode, blank: nbformat.NotebookNode, competency: str) -> None:
    """Put the released stub back into the answer cells of every item of ``competency``."""
    questions = {
        i.question for i in load_scheme().level_for_exam(EXAM).blueprint if i.competency == competency
    }
    stubs = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in blank.cells}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.removesuffix("_answer") in questions and grade_id.endswith("_answer"):
            cell.source = stubs[grade_id]


def build_cohort(root: Path) -> GradedCohort:
    """Build, grade and certify the cohort under ``root`` (about half a minute)."""
    course = init_course(root / "course")
    roster = root / "roster.csv"
    lines = ["id,name,email,org_unit"] + [f"{t},{n},{t}@bank.example,{u}" for t, n, u, *_ in TRAINEES]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_roster(course, roster)
    release(course, EXAM)
    source = nbformat.read(course.source(EXAM) / f"{EXAM}.ipynb", as_version=4)
    inbox = root / "inbox"
    rng = random.Random(7)
    blank = nbformat.read(course.root / "release" / EXAM / f"{EXAM}.ipynb", as_version=4)
    for trainee, _, _, skill, _, _ in TRAINEES:
        folder = inbox / trainee / EXAM
        folder.mkdir(parents=True)
        nb = simulated_submission(EXAM, trainee, skill, rng, source)
        if trainee in SKIPPED:
            leave_blank(nb, blank, SKIPPED[trainee])
        nbformat.write(nb, folder / f"{EXAM}.ipynb")
    collect(course, EXAM, inbox)
    grade_exam(course.but(workers=2), EXAM)
    for round_no, day in sorted(ROUNDS.items()):
        marked = [
            (t, points) for t, _, _, _, points, rnd in TRAINEES if rnd == round_no and points is not None
        ]
        with gradebook(course.db_url) as gb:
            for trainee, points in marked:
                mark_report(gb, EXAM, trainee, points / 10)  # the report's points of 10, per criterion
            gb.db.commit()
        second_marking(course, [t for t, _ in marked])
        certify(course, EXAM, today=day)
    engine = open_engine(course.db_url)
    with session(engine) as s:
        cert = s.get(Decision, (EXAM, REVOKED))
        assert cert is not None and cert.certificate_id
        cert_id = cert.certificate_id
    revoke(course, cert_id, "misconduct found on review")
    with session(engine) as s:
        decisions = {d.trainee: d for d in s.query(Decision)}
        for d in decisions.values():
            s.expunge(d)
    engine.dispose()
    return GradedCohort(course, decisions)
