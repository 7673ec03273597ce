"""`cmacademy grade`: parallel autograding where one bad submission never stops the cohort."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from sqlalchemy import text

from grading.pipeline.collect import collect
from grading.pipeline.grade import grade_exam
from grading.pipeline.gradebook import gradebook, run_nbgrader, tool_env
from grading.pipeline.records import GradingRecord, open_engine, session
from tests.grading.pipeline.conftest import EXAM, Cohort, auto_points, grade_id, make_course, put

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("trainee", "status", "reason"),
    [
        ("good", "graded", ""),
        ("blank", "graded", ""),
        ("corrupt", "invalid", "not a readable notebook"),
        ("deleted", "tampered", "cell 'q2_rfm': deleted"),
        ("edited", "tampered", "cell 'q1_abc_tiers': locked cell edited"),
        ("retyped", "tampered", "type changed from code to markdown"),
        ("loop", "timeout", "ran longer than the per-cell timeout"),
        ("crash", "crashed", "the kernel died"),
        ("memory", "out_of_memory", "ran out of memory"),
    ],
)
def test_each_submission_gets_a_clear_status(cohort: Cohort, trainee: str, status: str, reason: str) -> None:
    outcome = cohort.outcomes[trainee]
    assert outcome.status == status
    assert reason in outcome.reason


def test_good_and_blank_scores_are_nbgraders(cohort: Cohort) -> None:
    assert cohort.outcomes["good"].score == auto_points(cohort.course)
    assert cohort.outcomes["blank"].score == 0
    assert cohort.outcomes["deleted"].score == auto_points(cohort.course, without=("q2_rfm",))
    assert cohort.outcomes["edited"].score == 0


def test_statuses_are_recorded_in_the_gradebook_database(cohort: Cohort) -> None:
    engine = open_engine(cohort.course.db_url)
    with session(engine) as s:
        rows = {r.trainee: (r.status, r.reason) for r in s.query(GradingRecord)}
    assert rows["crash"][0] == "crashed" and "kernel died" in rows["crash"][1]
    assert len(rows) == 9


def test_regrading_an_unchanged_cohort_grades_nothing(cohort: Cohort) -> None:
    again = grade_exam(cohort.course.but(workers=2, timeout=5), EXAM)
    assert [o.trainee for o in again] == sorted(cohort.outcomes)
    engine = open_engine(cohort.course.db_url)
    with session(engine) as s:
        assert {r.attempts for r in s.query(GradingRecord)} == {1}


def test_cli_exits_1_with_a_summary_and_no_traceback(cohort: Cohort) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "cmacademy"), "grade", EXAM, "--course", str(cohort.course.root), "--json"],
        capture_output=True, text=True, env=tool_env(), check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    statuses = {row["trainee"]: row["status"] for row in json.loads(done.stdout)}
    assert statuses["good"] == "graded" and statuses["corrupt"] == "invalid"


def test_scores_equal_plain_nbgrader_autograde(tmp_path: Path) -> None:
    import random
    import shutil

    from grading.exams.simulate import simulated_submission
    from grading.pipeline.course import Course

    ids = ["a1", "a2", "a3", "a4", "a5"]
    ours, source, blank = make_course(tmp_path / "ours", ids)
    # A copy of one course: both share its secret exam pool, so every variant is the same.
    theirs = Course.open(shutil.copytree(ours.root, tmp_path / "theirs" / "course"))
    inbox = tmp_path / "inbox"
    put(inbox, "a1", source)
    put(inbox, "a2", blank)
    # Typical mistakes: partial credit where the exam gives it.
    put(inbox, "a5", simulated_submission(EXAM, "a5", 0.4, random.Random(3), source, ours.settings.bank_dirs))
    half = nbformat.read(ours.source(EXAM) / f"{EXAM}.ipynb", as_version=4)
    for cell in half.cells:
        if grade_id(cell) in ("q1_abc_tiers_answer", "q5_churn_signals_answer"):
            cell.source += "\nanswer_q1 = {}\nanswer_q5 = set()"
    put(inbox, "a3", half)
    put(inbox, "a4", source)
    for course in (ours, theirs):
        collect(course, EXAM, inbox)
    grade_exam(ours.but(workers=2), EXAM)
    assert run_nbgrader(theirs.root, "autograde", EXAM).returncode == 0
    with gradebook(ours.db_url) as a, gradebook(theirs.db_url) as b:
        mine = {s.student_id: s.score for s in a.assignment_submissions(EXAM)}
        nbg = {s.student_id: s.score for s in b.assignment_submissions(EXAM)}
        # Every cell's saved grade, review flag and comment too (grades are saved in one transaction).
        assert _cells(a) == _cells(b)
    assert mine == nbg
    assert mine["a3"] < mine["a1"]
    # The lean converter writes the autograded notebook nbgrader writes (its two passes in memory).
    for trainee in ids:
        assert _autograded(ours, trainee) == _autograded(theirs, trainee), trainee


def _autograded(course: Any, trainee: str) -> Any:
    """A trainee's autograded notebook as JSON, without the cells' execution timestamps."""
    nb = json.loads(
        (course.root / "autograded" / trainee / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8")
    )
    for cell in nb["cells"]:
        cell["metadata"].pop("execution", None)
    return nb


def _cells(gb: Any) -> dict[tuple[str, str], tuple[Any, ...]]:
    """(trainee, cell) -> the autograder's score, the review flag and the comment it saved."""
    out: dict[tuple[str, str], tuple[Any, ...]] = {}
    for submission in gb.assignment_submissions(EXAM):
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                out[(submission.student_id, grade.name)] = (grade.auto_score, grade.needs_manual_grade)
            for comment in notebook.comments:
                out[(submission.student_id, f"{comment.name}#comment")] = (comment.auto_comment,)
    return out


def test_kill_and_resume_grades_every_submission_exactly_once(tmp_path: Path) -> None:
    ids = [f"k{i}" for i in range(1, 9)]
    course, source, blank = make_course(tmp_path, ids)
    inbox = tmp_path / "inbox"
    for i, trainee in enumerate(ids):
        put(inbox, trainee, source if i % 2 == 0 else blank)
    collect(course, EXAM, inbox)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "cmacademy"), "grade", EXAM, "--course", str(course.root), "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=tool_env(), start_new_session=True,
    )  # fmt: skip
    engine = open_engine(course.db_url)
    deadline = time.monotonic() + 300
    graded = 0
    while graded < 3 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.5)
        with engine.connect() as conn:
            graded = conn.execute(text("SELECT COUNT(*) FROM cma_grading")).scalar_one()
    assert process.poll() is None, "the run finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert 3 <= graded < len(ids)

    outcomes = grade_exam(course.but(workers=2), EXAM)
    assert {o.trainee: o.score for o in outcomes} == {
        t: (auto_points(course) if i % 2 == 0 else 0.0) for i, t in enumerate(ids)
    }
    with session(engine) as s:
        assert {r.attempts for r in s.query(GradingRecord)} == {1}
        audits = s.execute(
            text("SELECT trainee, COUNT(*) FROM cma_audit WHERE action='autograde' GROUP BY trainee")
        ).all()
    assert sorted(audits) == sorted((t, 1) for t in ids)
    with gradebook(course.db_url) as gb:
        assert sorted(s.student_id for s in gb.assignment_submissions(EXAM)) == sorted(ids)
    for trainee in ids:
        nbformat.read(course.root / "autograded" / trainee / EXAM / f"{EXAM}.ipynb", as_version=4)


def test_grading_into_postgresql(tmp_path: Path, pg_url: str) -> None:
    ids = ["p1", "p2", "p3"]
    course, source, blank = make_course(tmp_path, ids, db_url=pg_url)
    inbox = tmp_path / "inbox"
    put(inbox, "p1", source)
    put(inbox, "p2", blank)
    put(inbox, "p3", source)
    collect(course, EXAM, inbox)
    outcomes = grade_exam(course.but(workers=2), EXAM)
    full = auto_points(course)
    assert {o.trainee: o.score for o in outcomes} == {"p1": full, "p2": 0.0, "p3": full}
    with gradebook(pg_url) as gb:
        assert {s.student_id: s.score for s in gb.assignment_submissions(EXAM)} == {
            "p1": full,
            "p2": 0.0,
            "p3": full,
        }
    engine = open_engine(pg_url)
    assert engine.dialect.name == "postgresql"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM cma_grading WHERE status='graded'")).scalar_one() == 3


def _iri_grammar_state() -> str:
    """In a worker: whether jsonschema's optional IRI grammar was skipped ('blocked') or built."""
    import sys

    import nbformat  # noqa: F401  (imports jsonschema, which tries rfc3987_syntax)

    return "blocked" if sys.modules.get("rfc3987_syntax", "absent") is None else "built or absent"


def test_grading_workers_import_their_boot_module_first() -> None:
    from grading.jobs import WORKER_BOOT, run_jobs

    results = dict(run_jobs(_iri_grammar_state, [("w", ())], workers=1, preimport=WORKER_BOOT))
    assert results == {"w": "blocked"}
    plain = dict(run_jobs(_iri_grammar_state, [("w", ())], workers=1))
    assert plain == {"w": "built or absent"}
