"""The cohort report's item statistics and strata index are the shared psychometrics' numbers."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from grading.exams.psychometrics import cronbach_alpha, item_statistics, strata_index
from grading.reports.cohort_sections import CohortReport
from grading.reports.data import CohortResults, QuestionResult, TraineeResult
from grading.reports.decisions import DecisionRecord
from grading.reports.messages import Messages
from grading.scheme import load_scheme

LEVEL = load_scheme().level("associate")


def trainee(i: int, stratum: str) -> TraineeResult:
    """Trainee i earns item j's points when (i + j) % 3 != 0 and i > j % 4 (a spread of scores)."""
    questions = tuple(
        QuestionResult(
            item.question,
            "",
            item.competency,
            item.points,
            item.points if (i + j) % 3 and i > j % 4 else 0.0,
            item.manual,
        )
        for j, item in enumerate(LEVEL.blueprint)
    )
    score = sum(q.score or 0.0 for q in questions)
    decision = DecisionRecord(
        "assoc",
        f"t{i}",
        f"T{i}",
        "U",
        "certified" if score > 20 else "failed",
        "associate",
        score,
        sum(q.points for q in questions),
        (),
    )
    return TraineeResult(decision, questions, dt.date(2026, 11, 27), stratum)


def report() -> tuple[CohortReport, list[TraineeResult]]:
    results = [trainee(i, "IT" if i % 2 else "制造") for i in range(8)]
    cohort = CohortResults("assoc", "associate", dt.date(2026, 11, 27), tuple(results), ())
    return CohortReport(Messages.for_language("en"), LEVEL, cohort, "value"), results


def numbers(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(-?[0-9.]+|—)</td>", html)


def test_item_table_and_reliability_are_the_shared_statistics() -> None:
    section, results = report()
    html = section.item_table().data
    matrix = [[q.score or 0.0 for q in r.questions] for r in results]
    stats = item_statistics(
        matrix, [i.question for i in LEVEL.blueprint], [i.points for i in LEVEL.blueprint]
    )
    for s in stats:
        row = html.split(f">{s.item}<", 1)[1].split("</tr>", 1)[0]
        want = "—" if s.discrimination is None else f"{s.discrimination:.2f}"
        assert f"{s.difficulty:.2f}" in row and want in row, s.item
    alpha = cronbach_alpha(matrix)
    assert alpha is not None and f"{alpha:.2f}" in html


def test_fairness_table_shows_each_stratum_index_around_100() -> None:
    section, results = report()
    html = section.fairness_table().data
    assert "Index (all = 100; target 97–103)" in html
    auto = {
        r.decision.trainee: sum(q.score or 0.0 for q in r.questions if not q.manual)
        / sum(q.points for q in r.questions if not q.manual)
        for r in results
    }
    rows = strata_index(auto, {r.decision.trainee: r.stratum for r in results})
    assert sum(r.n * r.index for r in rows) / len(results) == pytest.approx(100.0)
    for row in rows:
        assert f"{row.index:.1f}" in html
