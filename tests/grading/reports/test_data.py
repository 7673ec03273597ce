"""What reports are made of: statuses, outcomes, and what is (not) read from the gradebook."""

from __future__ import annotations

import datetime as dt

import pytest

from grading.exams import report_cells, source_notebook
from grading.reports import data
from grading.reports.data import CompetencyScore, DecisionRecord, QuestionResult, TraineeResult, gather
from grading.scheme import load_scheme
from tests.grading.reports.cohort_builder import AS_OF, EXAM, GradedCohort

ISSUED, EXPIRES = dt.date(2026, 1, 10), dt.date(2028, 1, 10)


def record(status: str = "certified", revoked: bool = False) -> DecisionRecord:
    return DecisionRecord(
        EXAM,
        "t1",
        "王芳",
        "杭州分行",
        status,
        "associate",
        30.0,
        34.0,
        (CompetencyScore("value", 8.0, 8.0, True),),
        "CMA-X" if status == "certified" else None,
        ISSUED if status == "certified" else None,
        EXPIRES if status == "certified" else None,
        revoked,
    )


@pytest.mark.parametrize(
    ("status", "revoked", "day", "expected"),
    [
        ("certified", False, EXPIRES, "valid"),
        ("certified", False, EXPIRES + dt.timedelta(days=1), "expired"),
        ("certified", True, ISSUED, "revoked"),
        ("failed", False, ISSUED, "failed"),
        ("pending", False, ISSUED, "pending"),
    ],
)
def test_register_status(status: str, revoked: bool, day: dt.date, expected: str) -> None:
    assert record(status, revoked).certificate_status(day) == expected


@pytest.mark.parametrize(
    ("score", "outcome"), [(2.0, "right"), (1.0, "partial"), (0.0, "wrong"), (None, "ungraded")]
)
def test_question_outcome(score: float | None, outcome: str) -> None:
    assert QuestionResult("q1", "", "value", 2.0, score).outcome == outcome


def test_trainee_result_survives_json() -> None:
    result = TraineeResult(record(), (QuestionResult("q1", "ABC 分层", "value", 2, 2.0),), ISSUED, "制造业")
    assert TraineeResult.from_json(result.to_json()) == result


@pytest.mark.slow
def test_gather_reads_scores_titles_and_strata_but_no_answers(graded: GradedCohort) -> None:
    scheme = load_scheme()
    level = scheme.level_for_exam(EXAM)
    cohort, role = gather(graded.course, EXAM, level, {lv.id: lv for lv in scheme.levels}, AS_OF)
    assert role == "value"
    results = {r.decision.trainee: r for r in cohort.trainees}
    assert len(results) == 10 and all(r.stratum for r in results.values())
    t01 = results["t01"]
    assert [q.question for q in t01.questions] == [item.question for item in level.blueprint]
    assert t01.questions[0].title == "ABC 分层"
    assert t01.decision.name == "王芳" and t01.decision.org_unit == "杭州分行"
    assert results["t09"].questions[-1].outcome == "ungraded"
    assert "expected" not in t01.to_json() and "answer" not in t01.to_json()


@pytest.mark.parametrize("exam", ["assoc", "senior"])
def test_every_blueprint_item_has_its_title_from_the_exam_notebook(exam: str) -> None:
    questions = [item.question for item in load_scheme().level_for_exam(exam).blueprint]
    titles = data.question_titles(source_notebook(exam), questions)
    assert list(titles) == questions and all(titles.values()), titles
    answer, criteria = report_cells(exam)
    assert titles[criteria[0]] == "客户评价报告：结构" and titles[criteria[-1]] == "客户评价报告：权限"
    assert not any("分）" in title or "评分标准" in title for title in titles.values())
    assert answer not in titles  # a zero-point cell, not a blueprint item


def test_revocation_list_holds_revoked_and_withdrawn_certificates() -> None:
    current = record()  # holds CMA-X
    revoked = DecisionRecord(
        **{**current.__dict__, "trainee": "t2", "certificate_id": "CMA-R", "revoked": True}
    )
    issued_once = {"CMA-X", "CMA-R", "CMA-OLD"}  # CMA-OLD: failed on appeal, its decision changed
    assert data.revoked_certificate_ids([current, revoked], issued_once) == ["CMA-OLD", "CMA-R"]


@pytest.mark.slow
def test_audit_trail_knows_every_certificate_issued(graded: GradedCohort) -> None:
    issued = data.issued_certificate_ids(graded.course.db_url)
    assert {d.certificate_id for d in graded.decisions.values() if d.certificate_id} <= set(issued)
    assert len(issued) == len(set(issued))  # each once, in the order first issued


@pytest.mark.slow
def test_grades_read_from_the_tables_are_nbgraders_own(graded: GradedCohort) -> None:
    from grading.pipeline.gradebook import gradebook

    expected: dict[str, dict[str, float | None]] = {}
    days: dict[str, dt.date] = {}
    with gradebook(graded.course.db_url) as gb:
        for submission in gb.assignment_submissions(EXAM):
            per = expected.setdefault(submission.student_id, {})
            for notebook in submission.notebooks:
                for g in notebook.grades:
                    score = g.manual_score if g.manual_score is not None else g.auto_score
                    waiting = g.needs_manual_grade and g.manual_score is None
                    per[g.name] = None if score is None or waiting else float(score)
            days[submission.student_id] = submission.timestamp.date()
    grades, read_days = data.question_grades(graded.course.db_url, EXAM)
    assert grades == expected and read_days == days
    assert any(score is None for per in grades.values() for score in per.values())  # t09 waits
    assert data.question_grades(graded.course.db_url, "no-such-exam") == ({}, {})
