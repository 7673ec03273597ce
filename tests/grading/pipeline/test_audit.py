"""The audit trail detects every edit, deletion and insertion; revocation is final; the actor is real."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from grading.certification.certify import certify, revoke
from grading.pipeline.course import Course
from grading.pipeline.gradebook import gradebook
from grading.pipeline.records import AuditEntry, Decision, open_engine, session
from grading.reports.build import generate_reports
from grading.reports.errors import ReportError
from grading.status import DecisionStatus
from tests.conftest import Cli
from tests.grading.pipeline.conftest import EXAM, Cohort
from tests.grading.report_marks import mark_report

pytestmark = pytest.mark.slow
DAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def decided(cohort: Cohort, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the graded cohort's course with its reports marked and every trainee decided."""
    root = tmp_path_factory.mktemp("decided") / "course"
    shutil.copytree(cohort.course.root, root)
    course = Course.open(root)
    with gradebook(course.db_url) as gb:
        for trainee in ("good", "blank"):
            mark_report(gb, EXAM, trainee, 0.9)  # every criterion at 9 of 10
        gb.db.commit()
    certify(course, EXAM, today=DAY)
    return root


@pytest.fixture
def course(decided: Path, tmp_path: Path) -> Course:
    """A fresh copy of the decided course for one test to change."""
    shutil.copytree(decided, tmp_path / "course")
    return Course.open(tmp_path / "course")


def sql(course: Course, *statements: str) -> None:
    """Change the gradebook behind cm-academy's back, as someone with the file would."""
    with sqlite3.connect(course.root / "gradebook.db") as db:
        db.execute("DROP TRIGGER IF EXISTS cma_audit_no_update")
        db.execute("DROP TRIGGER IF EXISTS cma_audit_no_delete")
        for statement in statements:
            db.execute(statement)


def entries(course: Course) -> list[AuditEntry]:
    engine = open_engine(course.db_url)
    with session(engine) as s:
        found = list(s.query(AuditEntry).order_by(AuditEntry.seq))
        s.expunge_all()
    engine.dispose()
    return found


def test_an_untouched_course_verifies(course: Course, cli: Cli) -> None:
    run = cli("audit", "verify", "--course", course.root)
    assert run.exit_code == 0, run.output
    assert "intact" in run.output


def test_an_edited_entry_is_named(course: Course, cli: Cli) -> None:
    target = entries(course)[3]
    sql(course, f"UPDATE cma_audit SET reason = 'nothing to see' WHERE id = {target.id}")
    run = cli("audit", "verify", "--course", course.root)
    assert run.exit_code == 1
    assert f"entry {target.seq} (id {target.id}" in run.output and "edited" in run.output


def test_a_deleted_entry_is_named(course: Course, cli: Cli) -> None:
    target = entries(course)[2]
    sql(course, f"DELETE FROM cma_audit WHERE id = {target.id}")
    run = cli("audit", "verify", "--course", course.root)
    assert run.exit_code == 1 and f"entry {target.seq}: missing (deleted)" in run.output


def test_deleting_the_last_entries_is_detected(course: Course, cli: Cli) -> None:
    last = entries(course)[-1]
    sql(course, f"DELETE FROM cma_audit WHERE id = {last.id}")
    run = cli("audit", "verify", "--course", course.root)
    assert run.exit_code == 1 and f"names entry {last.seq}" in run.output


def test_an_inserted_entry_is_detected(course: Course, cli: Cli) -> None:
    sql(
        course,
        "INSERT INTO cma_audit (at, actor, action, exam, trainee, details, reason) "
        "VALUES ('2026-11-26 10:00:00', 'root', 'decision', 'assoc', 'blank', '{}', '')",
    )
    run = cli("audit", "verify", "--course", course.root)
    assert run.exit_code == 1 and "not part of the chain" in run.output


def test_an_edited_decision_is_named_and_refused_by_report(course: Course, cli: Cli, tmp_path: Path) -> None:
    sql(
        course,
        "UPDATE cma_decision SET status = 'certified', expires_on = '2036-11-26 00:00:00' WHERE trainee = 'blank'",
    )
    run = cli("audit", "verify", "--course", course.root)
    assert run.exit_code == 1 and "decision assoc/blank: differs from what entry" in run.output
    with pytest.raises(ReportError, match="audit trail does not back"):
        generate_reports(course, EXAM, tmp_path / "out", today=DAY, pdf=False)
    assert not (tmp_path / "out" / "certificates").exists()


def test_a_deleted_decision_is_named(course: Course, cli: Cli) -> None:
    sql(course, "DELETE FROM cma_decision WHERE trainee = 'good'")
    run = cli("audit", "verify", "--course", course.root)
    assert run.exit_code == 1 and "decision assoc/good: missing" in run.output


def test_revocation_is_final_until_reinstated(course: Course, cli: Cli) -> None:
    engine = open_engine(course.db_url)
    with session(engine) as s:
        cert_id = s.get_one(Decision, (EXAM, "good")).certificate_id
    assert cert_id
    revoke(course, cert_id, "misconduct found on review")
    for day in (DAY, DAY + dt.timedelta(days=30)):
        result = {r.trainee: r for r in certify(course, EXAM, today=day)}["good"]
        assert "revoked" in result.reason
        with session(engine) as s:
            good = s.get_one(Decision, (EXAM, "good"))
            assert (good.revoked, good.certificate_id, good.status) == (1, cert_id, DecisionStatus.CERTIFIED)
            assert good.revoked_reason == "misconduct found on review"
    assert cli("audit", "verify", "--course", course.root).exit_code == 0
    assert cli("certificate", "reinstate", cert_id, "--course", course.root, "--reason", " ").exit_code == 1
    run = cli("certificate", "reinstate", cert_id, "--course", course.root, "--reason", "appeal upheld")
    assert run.exit_code == 0, run.output
    with session(engine) as s:
        assert s.get_one(Decision, (EXAM, "good")).revoked == 0
    engine.dispose()
    assert [e.action for e in entries(course)][-2:] == ["revoke", "reinstate"]
    assert cli("audit", "verify", "--course", course.root).exit_code == 0


def test_the_actor_is_the_operating_system_user(course: Course, monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd

    monkeypatch.setenv("CMACADEMY_ACTOR", "mallory")
    monkeypatch.setenv("USER", "mallory")
    monkeypatch.setenv("LOGNAME", "mallory")
    engine = open_engine(course.db_url)
    with session(engine) as s:
        cert_id = s.get_one(Decision, (EXAM, "good")).certificate_id
    engine.dispose()
    assert cert_id
    revoke(course, cert_id, "test")
    assert entries(course)[-1].actor == pwd.getpwuid(__import__("os").getuid()).pw_name
