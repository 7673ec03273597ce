"""`cmacademy certify`: the scheme's pass rules, pending for manual grades, an append-only audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from grading.certification.certify import (
    certify,
    evaluate,
    revoke,
)
from grading.pipeline.gradebook import gradebook
from grading.pipeline.records import Decision, open_engine, session
from grading.scheme import load_scheme
from grading.status import DecisionStatus
from tests.conftest import Cli
from tests.grading.pipeline.conftest import EXAM, Cohort
from tests.grading.report_marks import mark_report, report_scores

LEVEL = load_scheme().level_for_exam(EXAM)


def grades(auto: float, manual: float | None) -> dict[str, tuple[float | None, bool]]:
    """Every autograded question at share ``auto`` of its points, the report at ``manual`` of 10.

    Every report criterion scores the same share of its points (None: none graded yet).
    """
    out: dict[str, tuple[float | None, bool]] = {
        i.question: (i.points * auto, False) for i in LEVEL.blueprint if not i.manual
    }
    if manual is None:
        return out | {q: (None, True) for q in report_scores(EXAM, 0.0)}
    return out | {q: (score, False) for q, score in report_scores(EXAM, manual / 10).items()}


def test_waiting_for_manual_grading_is_pending_not_failed() -> None:
    status, why, _, _ = evaluate(LEVEL, grades(1.0, None))
    manual = [i.question for i in LEVEL.blueprint if i.manual]
    assert status == DecisionStatus.PENDING and all(q in why for q in manual)


def test_all_minimums_met_is_certified() -> None:
    assert evaluate(LEVEL, grades(1.0, 8))[0] == DecisionStatus.CERTIFIED


def test_overall_below_minimum_fails() -> None:
    status, why, _, _ = evaluate(LEVEL, grades(0.6, 6))
    assert status == DecisionStatus.FAILED and "overall" in why


def test_one_competency_below_minimum_fails_despite_a_high_total() -> None:
    status, why, results, _ = evaluate(LEVEL, grades(1.0, 4))
    assert status == DecisionStatus.FAILED and "report" in why
    assert results["report"].share == 0.4 and not results["report"].passed


def test_submission_needing_attention_is_pending() -> None:
    assert evaluate(LEVEL, grades(1.0, 9), attention="crashed: kernel died")[0] == DecisionStatus.PENDING


@pytest.mark.slow
def test_certify_records_decisions_and_audits_changes(cohort: Cohort, cli: Cli) -> None:
    result = cli("certify", EXAM, "--course", cohort.course.root, "--date", "2026-11-26")
    assert result.exit_code == 0, result.output
    engine = open_engine(cohort.course.db_url)
    with session(engine) as s:
        decisions = {d.trainee: d.status for d in s.query(Decision)}
    assert decisions["good"] == DecisionStatus.PENDING
    assert decisions["crash"] == DecisionStatus.PENDING

    with gradebook(cohort.course.db_url) as gb:
        for trainee in ("good", "blank"):
            mark_report(gb, EXAM, trainee, 0.9)  # every criterion at 9 of 10
        gb.db.commit()
    results = {
        r.trainee: r
        for r in certify(cohort.course, EXAM, today=dt.date(2026, 11, 26), reason="report graded")
    }
    assert results["good"].status == DecisionStatus.CERTIFIED, results["good"]
    assert results["blank"].status == DecisionStatus.FAILED
    with session(engine) as s:
        good = s.get(Decision, (EXAM, "good"))
        cert_id = good.certificate_id
        assert cert_id and cert_id.startswith("CMA-ASSOCIATE-2026-")
        assert good.issued_on == dt.datetime(2026, 11, 26) and good.expires_on == dt.datetime(2028, 11, 26)
        changes = s.execute(
            text("SELECT action, reason FROM cma_audit WHERE trainee='good' AND action LIKE 'decision%'")
        ).all()
    assert changes == [("decision", ""), ("decision_changed", "report graded")]

    certify(cohort.course, EXAM, today=dt.date(2026, 11, 26))
    with engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT COUNT(*) FROM cma_audit WHERE trainee='good' AND action LIKE 'decision%'")
            ).scalar_one()
            == 2
        )

    revoked = revoke(cohort.course, cert_id, reason="exam misconduct found on review")
    assert revoked.revoked == 1
    with engine.connect() as conn:
        who = conn.execute(text("SELECT actor, reason FROM cma_audit WHERE action='revoke'")).one()
    assert who[1] == "exam misconduct found on review" and who[0]


@pytest.mark.slow
def test_audit_trail_is_append_only(cohort: Cohort) -> None:
    engine = open_engine(cohort.course.db_url)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE cma_audit SET reason = 'rewritten'"))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM cma_audit"))


@pytest.mark.slow
def test_audit_trail_is_append_only_in_postgresql(pg_url: str) -> None:
    from grading.pipeline.records import audit

    engine = open_engine(pg_url)
    with session(engine) as s:
        audit(s, "test", EXAM, "x", {})
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM cma_audit"))


def test_revoke_needs_a_reason_and_a_known_certificate(cli: Cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from grading.pipeline.course import init_course

    course = init_course(tmp_path / "c")
    assert cli("certificate", "revoke", "CMA-X", "--course", course.root, "--reason", " ").exit_code == 1
    result = cli("certificate", "revoke", "CMA-X", "--course", course.root, "--reason", "wrong")
    assert result.exit_code == 1 and "unknown certificate 'CMA-X'" in result.output


def _held(s, trainee: str, issued: dt.date, *, revoked: int = 0, status: str = "certified") -> None:  # type: ignore[no-untyped-def]
    s.add(
        Decision(
            exam="assoc", trainee=trainee, status=status, level="associate", score=30.0, max_score=34.0,
            competencies="{}", certificate_id=f"C-{trainee}" if status == "certified" else None,
            issued_on=dt.datetime.combine(issued, dt.time()),
            expires_on=dt.datetime.combine(issued.replace(year=issued.year + 2), dt.time()),
            revoked=revoked, decided_at=dt.datetime(2026, 1, 1),
        )
    )  # fmt: skip


def test_senior_needs_a_valid_associate_certificate(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from grading.certification.certify import missing_prerequisites

    scheme = load_scheme()
    senior = scheme.level("senior")
    assert senior.requires == ["associate"]
    engine = open_engine(f"sqlite:///{tmp_path / 'gb.db'}")
    day = dt.date(2026, 11, 26)
    with session(engine) as s:
        _held(s, "holder", dt.date(2026, 1, 5))
        _held(s, "failed", dt.date(2026, 1, 5), status="failed")
        _held(s, "revoked", dt.date(2026, 1, 5), revoked=1)
        _held(s, "expired", dt.date(2024, 1, 5))
        s.flush()
        assert missing_prerequisites(s, senior, scheme, "holder", day) == ""
        for trainee in ("failed", "revoked", "expired", "unknown"):
            assert "no valid Associate Customer Manager (associate) certificate on 2026-11-26" in (
                missing_prerequisites(s, senior, scheme, trainee, day)
            ), trainee
    engine.dispose()


def test_a_failed_decision_says_why_in_one_line() -> None:
    status, why, _, _ = evaluate(LEVEL, grades(1.0, 4))
    assert status == DecisionStatus.FAILED
    assert why.startswith("overall ") and "meets 70%" in why and "report 40% < 50%" in why
    assert "\n" not in why
