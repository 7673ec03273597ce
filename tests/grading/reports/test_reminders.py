"""`cmacademy expiring`: what HR must act on, soonest first, as a table or JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from grading.reports.decisions import DecisionRecord
from grading.reports.reminders import due_reminders
from grading.scheme import load_scheme
from tests.conftest import Cli
from tests.grading.reports.cohort_builder import AS_OF, GradedCohort

TODAY = dt.date(2026, 11, 26)


def cert(
    trainee: str, expires: dt.date, *, level: str = "associate", exam: str = "assoc", revoked: bool = False
) -> DecisionRecord:
    return DecisionRecord(
        exam, trainee, f"name {trainee}", "杭州分行", "certified", level, 30, 34, (),
        f"CMA-{trainee}-{exam}", expires.replace(year=expires.year - 2), expires, revoked,
        email=f"{trainee}@bank.example",
    )  # fmt: skip


def listed(records: list[DecisionRecord], within: int = 90) -> list[tuple[str, str, int]]:
    return [
        (m.employee_no, m.kind, m.days_left) for m in due_reminders(records, load_scheme(), within, TODAY)
    ]


def test_expiring_within_the_window_and_overdue_ones_soonest_first() -> None:
    records = [
        cert("a", dt.date(2027, 1, 15)),
        cert("b", dt.date(2026, 9, 1)),
        cert("c", dt.date(2027, 6, 1)),
    ]
    assert listed(records) == [("b", "overdue", -86), ("a", "expiring", 50)]
    assert listed(records, within=30) == [("b", "overdue", -86)]


def test_a_revoked_certificate_is_not_a_reminder() -> None:
    assert listed([cert("a", dt.date(2027, 1, 15), revoked=True)]) == []


def test_a_renewed_certificate_is_not_a_reminder() -> None:
    renewed = [cert("a", dt.date(2026, 9, 1)), cert("a", dt.date(2028, 9, 1), exam="assoc-2026")]
    assert listed(renewed) == []


def test_a_valid_higher_level_counts_as_recertification() -> None:
    records = [cert("a", dt.date(2026, 12, 1)), cert("a", dt.date(2028, 6, 1), level="senior", exam="senior")]
    assert listed(records) == []


@pytest.mark.slow
def test_the_command_lists_the_cohorts_reminders_as_json(graded: GradedCohort, cli: Cli) -> None:
    run = cli("expiring", "--within", "90", "--course", graded.course.root, "--date", AS_OF, "--json")
    assert run.exit_code == 0, run.output
    found = json.loads(run.output)
    assert [(m["employee_no"], m["kind"], m["expires_on"]) for m in found] == [
        ("t01", "overdue", "2026-09-01"),
        ("t02", "expiring", "2027-01-15"),
    ]
    assert found[1]["email"] == "t02@bank.example" and "重新通过初级考试" in found[1]["recertification"]


@pytest.mark.slow
def test_the_command_prints_a_table_and_refuses_a_bad_window(graded: GradedCohort, cli: Cli) -> None:
    run = cli("expiring", "--within", "30", "--course", graded.course.root, "--date", AS_OF)
    assert run.exit_code == 0 and "王芳" in run.output and "李强" not in run.output
    bad = cli("expiring", "--within", "-1", "--course", graded.course.root)
    assert bad.exit_code == 1 and "--within -1: give a number of days" in bad.output
