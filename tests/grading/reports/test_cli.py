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
    public = (out / "public" / "index.html").read_text(encoding="utf-8")
    assert "Customer manager certificate check" in public and "publishes no list of holders" in public
    dashboard = (out / "hr" / "index.html").read_text(encoding="utf-8")
    assert "HR dashboard (internal)" in dashboard and "Expiring within 90 days" in dashboard
    assert (
        (out / "register.csv").read_text(encoding="utf-8-sig").startswith("employee_no,name,email,org_unit")
    )
    assert "certificates and QR codes point at https://certificates.example.invalid/" in run.output
    assert "placeholder" in run.output


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


def test_publish_url_and_register_formats(graded: GradedCohort, cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = cli(
        "report", EXAM, "--course", graded.course.root, "--out", out, "--no-pdf", "--date", AS_OF,
        "--publish-url", "https://cert.bank.example/cm", "--format", "jsonl",
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    assert "point at https://cert.bank.example/cm/" in run.output and "placeholder" not in run.output
    assert sorted(p.name for p in out.glob("register.*")) == ["register.csv", "register.jsonl"]
    cert = next((out / "certificates").glob("*.json")).read_text(encoding="utf-8")
    assert '"statusListCredential": "https://cert.bank.example/cm/status/revocation.json"' in cert


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--publish-url", "certificates.bank.example", "give the absolute http(s) address"),
        ("--format", "pdf", "Invalid value for '--format'"),
    ],
)
def test_bad_publish_url_or_format(
    graded: GradedCohort, cli: Cli, tmp_path: Path, option: str, value: str, says: str
) -> None:
    run = cli("report", EXAM, "--course", graded.course.root, "--out", tmp_path / "out", option, value)
    assert run.exit_code in (1, 2) and says in run.output and "Traceback" not in run.output
    assert not (tmp_path / "out").exists()
