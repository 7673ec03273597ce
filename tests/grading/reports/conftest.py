from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from grading.reports.build import ReportSummary, generate_reports
from grading.signing import ENV_SIGNING_KEY
from tests.grading.reports.cohort_builder import AS_OF, EXAM, GradedCohort, build_cohort


@pytest.fixture(scope="package")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This test run's installation signing key lives here (never the user's real key)."""
    return tmp_path_factory.mktemp("signing")


@pytest.fixture(scope="package")
def _signing_env(key_dir: Path) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV_SIGNING_KEY, str(key_dir / "ed25519.pem"))
        yield


@pytest.fixture(autouse=True)
def signing_key(key_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = key_dir / "ed25519.pem"
    monkeypatch.setenv(ENV_SIGNING_KEY, str(path))
    return path


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
def reported(graded: GradedCohort, tmp_path_factory: pytest.TempPathFactory, _signing_env: None) -> Reported:
    """`generate_reports` on the cohort in Chinese, with PDFs, as of `AS_OF`."""
    out = tmp_path_factory.mktemp("out")
    summary = generate_reports(graded.course.but(workers=2), EXAM, out, today=AS_OF)
    return Reported(graded, out, summary)
