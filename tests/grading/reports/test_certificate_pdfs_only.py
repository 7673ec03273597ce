"""The demo's report stage: certificates printed, qualification reports in HTML only."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading.reports.build import generate_reports
from grading.reports.render import find_chromium
from tests.grading.reports.cohort_builder import AS_OF, EXAM, GradedCohort

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_chromium() is None, reason="printing PDFs needs Chromium"),
]


def test_certificates_are_printed_without_the_reports_pdfs(graded: GradedCohort, tmp_path: Path) -> None:
    summary = generate_reports(
        graded.course.but(workers=2), EXAM, tmp_path, today=AS_OF, pdf=False, certificate_pdfs=True
    )
    assert summary.certificates, "the cohort has certified trainees"
    reports = tmp_path / "reports" / EXAM
    assert list(reports.glob("*.html")) and not list(reports.glob("*.pdf"))
    printed = sorted(p.stem for p in (tmp_path / "certificates").glob("*.pdf"))
    assert printed and all(
        p.read_bytes().startswith(b"%PDF-") for p in (tmp_path / "certificates").glob("*.pdf")
    )
    assert printed == sorted(p.stem for p in summary.certificate_pdfs)
    # Every printed certificate is a signed one (a revoked certificate gets no printable copy).
    assert set(printed) <= {p.stem for p in (tmp_path / "certificates").glob("*.json")}
