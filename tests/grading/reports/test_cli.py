"""`cmacademy report` and `cmacademy verify` on the command line: output, exit codes, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.grading.reports.cohort_builder import AS_OF, EXAM, GradedCohort

pytestmark = pytest.mark.slow


def test_english_reports_without_a_browser_still_write_html_and_say_how_to_get_pdf(
    graded: GradedCohort, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMACADEMY_CHROMIUM", str(tmp_path / "no-such-browser"))
    out = tmp_path / "out"
    run = cli("report", EXAM, "--course", graded.course.root, "--out", out, "--lang", "en", "--date", AS_OF)
    assert run.exit_code == 0, run.output
    hints = [line for line in run.output.splitlines() if "PDF" in line]
    assert len(hints) == 1 and "apt-get install chromium" in hints[0]
    assert "wrote 10 trainee reports under" in run.output
    assert not list(out.rglob("*.pdf"))
    page = (out / "reports" / EXAM / "t04.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    for text in (
        "Qualification report",
        "not certified",
        "Module 3: Client acquisition",
        "Results by question",
    ):
        assert text in page
    portal = (out / "portal" / "index.html").read_text(encoding="utf-8")
    assert "Customer manager certificates" in portal and "Expiring within 90 days" in portal
    assert (out / "register.csv").read_text(encoding="utf-8-sig").startswith("trainee_id,name,org_unit")


def test_report_for_an_exam_nobody_was_certified_in(graded: GradedCohort, cli: Cli, tmp_path: Path) -> None:
    run = cli("report", "senior", "--course", graded.course.root, "--out", tmp_path / "out")
    assert run.exit_code == 1
    assert "no certification decisions for senior; run `cmacademy certify senior" in run.output
    assert "Traceback" not in run.output


def test_report_for_an_unknown_exam(graded: GradedCohort, cli: Cli, tmp_path: Path) -> None:
    run = cli("report", "nope", "--course", graded.course.root, "--out", tmp_path / "out")
    assert run.exit_code == 1 and "no level uses exam 'nope'" in run.output


def test_a_signing_key_inside_the_output_is_refused(graded: GradedCohort, cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = cli(
        "report",
        EXAM,
        "--course",
        graded.course.root,
        "--out",
        out,
        "--signing-key",
        out / "k.pem",
        "--no-pdf",
    )
    assert run.exit_code == 1 and "which is published" in run.output
    assert not (out / "k.pem").exists()


def test_verify_a_missing_file(cli: Cli, tmp_path: Path) -> None:
    run = cli("verify", tmp_path / "nothing.json")
    assert run.exit_code == 1 and "no such certificate file" in run.output
