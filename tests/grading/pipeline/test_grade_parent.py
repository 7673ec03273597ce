"""The grading parent: what it refuses before any worker starts, and what it does not load."""

from __future__ import annotations

import subprocess
import sys

import pytest

from grading.pipeline.grade import GradingError, grade_exam
from tests.grading.pipeline.conftest import Cohort

pytestmark = pytest.mark.slow


def test_an_exam_missing_from_the_gradebook_is_refused(cohort: Cohort) -> None:
    with pytest.raises(
        GradingError, match=r"exam 'senior' is not in the gradebook; run `cmacademy release senior`"
    ):
        grade_exam(cohort.course, "senior")


def test_the_parent_leaves_nbgrader_nbformat_and_pandas_to_the_workers() -> None:
    # The parent only schedules and records; the workers import the grading stack (~2 s of CPU).
    code = "import sys, grading.pipeline.grade; print(sorted({'nbgrader', 'nbformat', 'pandas'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
