"""Text from files and people reaches the terminal as text: Rich markup in it never crashes a command."""

from __future__ import annotations

import csv
from pathlib import Path

from rich.console import Console

from grading.certification.certify import Result
from grading.cli.tables import decisions_table, grading_table
from grading.pipeline.course import init_course
from grading.pipeline.submission import Outcome
from grading.status import DecisionStatus, GradingStatus
from tests.conftest import Cli

MARKUP = "[/bold]"
REASON = "cell [red]q1[/red] was [/bold] deleted"


def rendered(renderable: object) -> str:
    console = Console(record=True, width=200, markup=False)
    console.print(renderable)
    return console.export_text()


def test_roster_row_with_markup_id_is_reported_as_text(cli: Cli, tmp_path: Path) -> None:
    course = init_course(tmp_path / "c")
    roster = tmp_path / "r.csv"
    roster.write_text(f"id,name,email,org_unit\n{MARKUP},{MARKUP},t1@bank.cn,{MARKUP}\n", encoding="utf-8")
    result = cli("roster", "import", roster, "--course", course.root)
    assert result.exit_code == 1
    assert f"r.csv line 2: id '{MARKUP}' must be 1-64 letters" in result.output
    assert course.trainees() == []


def test_emoji_codes_in_an_error_are_printed_as_written(cli: Cli, tmp_path: Path) -> None:
    course = init_course(tmp_path / "c")
    roster = tmp_path / "r.csv"
    roster.write_text("id,name,email,org_unit\n:smile:,张三,t1@bank.cn,杭州分行\n", encoding="utf-8")
    result = cli("roster", "import", roster, "--course", course.root)
    assert result.exit_code == 1
    assert "id ':smile:' must be" in result.output


def test_roster_name_with_markup_is_imported_as_written(cli: Cli, tmp_path: Path) -> None:
    course = init_course(tmp_path / "c")
    roster = tmp_path / "r.csv"
    roster.write_text(f"id,name,email,org_unit\nt1,{MARKUP},t1@bank.cn,[red]杭州分行\n", encoding="utf-8")
    result = cli("roster", "import", roster, "--course", course.root)
    assert result.exit_code == 0, result.output
    assert "imported 1 trainees from 1 org units" in result.output


def test_casebank_validate_prints_a_markup_value_as_text(cli: Cli, bank_copy: Path) -> None:
    clients = bank_copy / "clients.csv"
    with clients.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0]["region"] = MARKUP
    with clients.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = cli("casebank", "validate", bank_copy)
    assert result.exit_code == 1
    assert f"clients.csv line 2, field 'region': '{MARKUP}' is not one of" in result.output


def test_grade_and_certify_of_a_markup_exam_name_fail_cleanly(cli: Cli, tmp_path: Path) -> None:
    course = init_course(tmp_path / "c")
    for command in ("grade", "certify"):
        result = cli(command, MARKUP, "--course", course.root)
        assert result.exit_code == 1
        assert "error: " in result.output
        assert f"exam '{MARKUP}'" in result.output


def test_grading_table_shows_markup_in_a_reason_as_written() -> None:
    outcome = Outcome(MARKUP, GradingStatus.FAILED, REASON, None, None, 1.5)
    text = rendered(grading_table("assoc", [outcome]))
    assert REASON in text and MARKUP in text


def test_decisions_table_shows_markup_in_a_reason_as_written() -> None:
    result = Result("t1", DecisionStatus.PENDING, REASON, 12.0, 100.0, {})
    assert REASON in rendered(decisions_table(MARKUP, [result]))
