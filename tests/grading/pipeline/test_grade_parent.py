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


def test_a_worker_starts_its_kernel_host_before_its_first_job(cohort: Cohort) -> None:
    from grading.pipeline.course import GRADING_KERNEL
    from grading.pipeline.submission import start_kernel_host
    from grading.sandbox import kernel_pool

    if not kernel_pool.forking_possible(sandbox=True):
        pytest.skip("forking kernels needs root and the sandbox")
    settings = cohort.course.settings
    dirs = kernel_pool.ro_paths(settings.root / ".cmacademy" / "kernels" / GRADING_KERNEL / "kernel.json")
    kernel_pool._close_all()
    start_kernel_host(settings)  # returns at once: the host warms up while the worker imports
    try:
        started = kernel_pool._hosts[dirs]
        assert started.alive()
        assert kernel_pool.shared_host(dirs) is started  # the first job waits for that very host
    finally:
        kernel_pool._close_all()
