"""Second marking and adjudication of the report, on real gradebooks (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from grading.certification.certify import certify
from grading.pipeline.audit import verify_trail
from grading.pipeline.course import Course
from grading.pipeline.gradebook import gradebook
from grading.pipeline.marking import (
    SECOND_MARK_BAND,
    MarkingError,
    adjudicate,
    check_scores,
    criteria,
    in_band,
    list_marking,
    mark_first,
    mark_second,
    mean_scores,
    resolve_criterion,
)
from grading.pipeline.records import AuditEntry, open_engine, session
from grading.scheme import BlueprintItem, Level, Scheme
from grading.status import DecisionStatus
from tests.conftest import Cli
from tests.grading.certification.scripts import EXAM, LEVEL, SCHEME, T0, bare_course, set_manual, write_script
from tests.pg import new_database

HUB_USER = "JUPYTERHUB_USER"
#: A report of three criteria, as the exams mark it (one task cell per criterion).
REPORT = {"q99_report_structure": 3.0, "q99_report_evidence": 4.0, "q99_report_risk": 3.0}


def three_criteria() -> tuple[Scheme, Level]:
    """The scheme with the associate report as three criteria of the `report` competency."""
    manual = next(i for i in LEVEL.blueprint if i.manual)
    items = [i for i in LEVEL.blueprint if not i.manual] + [
        BlueprintItem(question=q, competency=manual.competency, points=p, rubric=manual.rubric)
        for q, p in REPORT.items()
    ]
    level = LEVEL.model_copy(update={"blueprint": items})
    scheme = SCHEME.model_copy(update={"levels": [level if lv.exam == EXAM else lv for lv in SCHEME.levels]})
    return scheme, level


SPLIT_SCHEME, SPLIT = three_criteria()


def marks(structure: float, evidence: float, risk: float) -> dict[str, float]:
    return dict(zip(REPORT, (structure, evidence, risk), strict=True))


@pytest.fixture(params=["sqlite", "postgresql"])
def course(request: pytest.FixtureRequest, tmp_path: Path) -> Course:
    url = ""
    if request.param == "postgresql":  # a database of its own: others in the package hold another blueprint
        url = new_database(request.getfixturevalue("pg_url"), f"marking_{uuid.uuid4().hex[:12]}")
    return bare_course(tmp_path / "course", url)


def as_marker(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(HUB_USER, name)


def decision(course: Course, trainee: str) -> tuple[str, str]:
    result = {r.trainee: r for r in certify(course, EXAM, scheme=SPLIT_SCHEME)}[trainee]
    return result.status, result.reason


def manual_in_gradebook(course: Course, trainee: str) -> dict[str, float]:
    with gradebook(course.db_url) as gb:
        return {q: gb.find_grade(q, EXAM, EXAM, trainee).manual_score for q in REPORT}


def audit_actions(course: Course, trainee: str) -> list[str]:
    engine = open_engine(course.db_url)
    with session(engine) as s:
        actions = [
            e.action
            for e in s.query(AuditEntry).filter(AuditEntry.trainee == trainee).order_by(AuditEntry.seq)
        ]
        assert verify_trail(s) == []
    engine.dispose()
    return actions


def test_agreeing_markers_average_into_the_gradebook(course: Course, monkeypatch: pytest.MonkeyPatch) -> None:
    trainee = f"ag-{course.db_url[:5]}"
    write_script(course, trainee, T0, auto=SPLIT.overall_min, manual=marks(2, 3, 2), level=SPLIT)
    status, why = decision(course, trainee)
    assert status == DecisionStatus.PENDING and "mark first" in why and "pass mark" in why
    as_marker(monkeypatch, "wang")
    mark_first(course, EXAM, trainee, scheme=SPLIT_SCHEME)
    assert "second marking" in decision(course, trainee)[1]
    with pytest.raises(MarkingError, match="must be someone else"):
        mark_second(course, EXAM, trainee, {"structure": 2, "evidence": 3, "risk": 1}, scheme=SPLIT_SCHEME)
    as_marker(monkeypatch, "li")
    state = mark_second(
        course, EXAM, trainee, {"structure": 2, "evidence": 3, "risk": 1}, scheme=SPLIT_SCHEME
    )
    assert state.state == "complete" and not state.waiting
    assert manual_in_gradebook(course, trainee) == marks(2, 3, 1.5)
    status, why = decision(course, trainee)
    assert status == DecisionStatus.FAILED and "overall" in why  # 6.5 of 10 pulls the total below 70 %
    assert audit_actions(course, trainee)[-3:] == ["mark_first", "mark_second", "decision_changed"]


def test_disagreement_goes_to_a_third_person(course: Course, monkeypatch: pytest.MonkeyPatch) -> None:
    trainee = f"dis-{course.db_url[:5]}"
    write_script(course, trainee, T0, auto=SPLIT.overall_min, manual=marks(2, 3, 2), level=SPLIT)
    as_marker(monkeypatch, "wang")
    mark_first(course, EXAM, trainee, scheme=SPLIT_SCHEME)
    as_marker(monkeypatch, "li")
    state = mark_second(course, EXAM, trainee, marks(1, 1, 2), scheme=SPLIT_SCHEME)
    assert state.state == "adjudication" and "totals differ by 3" in state.reason
    assert decision(course, trainee)[0] == DecisionStatus.PENDING
    with pytest.raises(MarkingError, match="third person"):
        adjudicate(course, EXAM, trainee, marks(2, 4, 2), "read both", scheme=SPLIT_SCHEME)
    as_marker(monkeypatch, "zhao")
    with pytest.raises(MarkingError, match="no score for q99_report_risk"):
        adjudicate(course, EXAM, trainee, {"structure": 2, "evidence": 4}, "read both", scheme=SPLIT_SCHEME)
    state = adjudicate(
        course, EXAM, trainee, marks(2, 4, 2), "evidence cites the client's data", scheme=SPLIT_SCHEME
    )
    assert state.state == "complete"
    assert manual_in_gradebook(course, trainee) == marks(2, 4, 2)
    assert decision(course, trainee) == (DecisionStatus.CERTIFIED, "")
    assert [a for a in audit_actions(course, trainee) if a.startswith("mark_")] == [
        "mark_first",
        "mark_second",
        "mark_adjudicate",
    ]


def test_one_criterion_apart_by_more_than_a_point_is_a_disagreement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = bare_course(tmp_path / "c")
    write_script(course, "ch", T0, auto=SPLIT.overall_min, manual=marks(2, 3, 2), level=SPLIT)
    as_marker(monkeypatch, "wang")
    mark_first(course, EXAM, "ch", scheme=SPLIT_SCHEME)
    as_marker(monkeypatch, "li")
    state = mark_second(course, EXAM, "ch", marks(2, 1.5, 3), scheme=SPLIT_SCHEME)  # totals 7 vs 6.5
    assert state.state == "adjudication" and "q99_report_evidence by 1.5" in state.reason


def test_formgrader_changes_after_first_marking_restart_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = bare_course(tmp_path / "c")
    write_script(course, "re", T0, auto=SPLIT.overall_min, manual=marks(2, 3, 2), level=SPLIT)
    as_marker(monkeypatch, "wang")
    mark_first(course, EXAM, "re", scheme=SPLIT_SCHEME)
    set_manual(course, "re", {"q99_report_risk": 1.0})
    (state,) = list_marking(course, EXAM, scheme=SPLIT_SCHEME)
    assert state.state == "first" and "changed since" in state.reason
    as_marker(monkeypatch, "li")
    with pytest.raises(MarkingError, match="not awaiting second marking"):
        mark_second(course, EXAM, "re", marks(2, 3, 1), scheme=SPLIT_SCHEME)


def test_clear_scripts_need_no_second_marker(tmp_path: Path) -> None:
    course = bare_course(tmp_path / "c")
    write_script(course, "top", T0, auto=1.0, manual=marks(3, 4, 3), level=SPLIT)
    write_script(course, "low", T0, auto=0.2, manual=marks(0, 1, 0), level=SPLIT)
    write_script(course, "new", T0, auto=1.0, manual=None, level=SPLIT)
    states = {s.trainee: s.state for s in list_marking(course, EXAM, scheme=SPLIT_SCHEME)}
    assert states == {"low": "not_needed", "new": "ungraded", "top": "not_needed"}
    assert {r.trainee: r.status for r in certify(course, EXAM, scheme=SPLIT_SCHEME)} == {
        "top": DecisionStatus.CERTIFIED,
        "low": DecisionStatus.FAILED,
        "new": DecisionStatus.PENDING,
    }


def test_band_is_ten_points_around_a_pass_mark_the_report_can_decide() -> None:
    auto = [i for i in SPLIT.blueprint if not i.manual]
    total = sum(i.points for i in SPLIT.blueprint)

    def script(auto_share: float, report: dict[str, float]) -> dict[str, tuple[float | None, bool]]:
        return {i.question: (i.points * auto_share, False) for i in auto} | {
            q: (p, False) for q, p in report.items()
        }

    # Total exactly on the band's upper edge, report comfortably above its minimum.
    upper = (SPLIT.overall_min + SECOND_MARK_BAND) * total
    edge = script((upper - 8) / sum(i.points for i in auto), marks(3, 3, 2))
    assert "within ±10% of the 70% pass mark" in in_band(SPLIT, edge)
    above = script((upper - 8 + 0.1) / sum(i.points for i in auto), marks(3, 3, 2))
    assert in_band(SPLIT, above) == ""
    # A full autograded part and a report at 55 %: the report's minimum decides.
    assert "report 55% within ±10% of the 50% competency minimum" in in_band(
        SPLIT, script(1.0, marks(2, 2.5, 1))
    )
    # Failing elsewhere whatever the report scores: no second marker.
    assert in_band(SPLIT, script(0.3, marks(2, 2.5, 1))) == ""
    assert mean_scores(marks(2, 3, 2), marks(1, 2, 1)) == marks(1.5, 2.5, 1.5)
    assert mean_scores({"a": 2.0}, {"a": 2.5}) == {"a": 2.5}  # 2.25 rounds half up to 2.5
    assert resolve_criterion(SPLIT, "evidence").question == "q99_report_evidence"
    with pytest.raises(MarkingError, match="not a manually graded criterion"):
        resolve_criterion(SPLIT, "q1_abc_tiers")
    with pytest.raises(MarkingError, match="outside 0–4"):
        check_scores(SPLIT, marks(2, 5, 1))
    with pytest.raises(MarkingError, match="given twice"):
        check_scores(SPLIT, {"evidence": 1, "q99_report_evidence": 1, "structure": 1, "risk": 1})


def test_cli_marks_the_schemes_own_report(tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped scheme, whatever its report's cells: one criterion or several."""
    course = bare_course(tmp_path / "c")
    write_script(course, "cli", T0, auto=LEVEL.overall_min, manual=LEVEL.overall_min)
    items = criteria(LEVEL)
    as_marker(monkeypatch, "wang")
    done = cli("mark", "first", EXAM, "cli", "--course", course.root)
    assert done.exit_code == 0, done.output
    listed = cli("mark", "list", EXAM, "--course", course.root, "--json")
    assert [s["state"] for s in json.loads(listed.output)] == ["second"]
    args = [f"--criterion={i.question}={i.points * LEVEL.overall_min:g}" for i in items]
    same = cli("mark", "second", EXAM, "cli", "--course", course.root, *args)
    assert same.exit_code == 1 and "someone else" in same.output
    as_marker(monkeypatch, "li")
    bad = cli("mark", "second", EXAM, "cli", "--course", course.root, "--criterion", "nonsense")
    assert bad.exit_code == 1 and "NAME=SCORE" in bad.output
    agreed = cli("mark", "second", EXAM, "cli", "--course", course.root, *args)
    assert agreed.exit_code == 0 and "cli: complete" in agreed.output
    assert json.loads(cli("mark", "list", EXAM, "--course", course.root, "--json").output) == []


def test_a_single_cell_report_is_one_criterion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the report is split per criterion: its one manually graded cell is the criterion."""
    manual = next(i for i in LEVEL.blueprint if i.manual)
    one = BlueprintItem(
        question="q13_evaluation_report", competency=manual.competency, points=10, rubric=manual.rubric
    )
    level = LEVEL.model_copy(update={"blueprint": [i for i in LEVEL.blueprint if not i.manual] + [one]})
    scheme = SCHEME.model_copy(update={"levels": [level if lv.exam == EXAM else lv for lv in SCHEME.levels]})
    course = bare_course(tmp_path / "c")
    write_script(course, "solo", T0, auto=level.overall_min, manual={one.question: 7.0}, level=level)
    assert [c.question for c in criteria(level)] == [one.question]
    as_marker(monkeypatch, "wang")
    mark_first(course, EXAM, "solo", scheme=scheme)
    as_marker(monkeypatch, "li")
    state = mark_second(course, EXAM, "solo", {"q13_evaluation_report": 8.0}, scheme=scheme)
    assert state.state == "complete"
    with gradebook(course.db_url) as gb:
        assert gb.find_grade(one.question, EXAM, EXAM, "solo").manual_score == 7.5
