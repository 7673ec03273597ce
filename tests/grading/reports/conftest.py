from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from grading.reports.build import ReportSummary, generate_reports
from tests.grading.reports.cohort_builder import AS_OF, EXAM, GradedCohort, build_cohort


@pytest.fixture
def signing_key(installation_key: Path) -> Path:
    """The installation's signing key of this test run (see tests/conftest.py)."""
    return installation_key


@pytest.fixture(scope="package")
def graded(tmp_path_factory: pytest.TempPathFactory) -> GradedCohort:
    """Ten trainees of `assoc`, graded and certified in three rounds (about half a minute)."""
    return build_cohort(tmp_path_factory.mktemp("cohort"))


@dataclass(frozen=True)
class Reported:
    cohort: GradedCohort
    out: Path
    summary: ReportSummary


@pytest.fixture(scope="package")
def reported(graded: GradedCohort, tmp_path_factory: pytest.TempPathFactory) -> Reported:
    """`generate_reports` on the cohort in Chinese, with PDFs, as of `AS_OF`."""
    out = tmp_path_factory.mktemp("out")
    summary = generate_reports(graded.course.but(workers=2), EXAM, out, today=AS_OF)
    return Reported(graded, out, summary)
