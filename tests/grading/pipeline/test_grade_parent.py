"""The grading parent: what it refuses before any worker starts, and what it does not load."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture
def kernel_dirs(cohort: Cohort) -> Iterator[tuple[str, ...]]:
    """The read-only paths of the cohort's grading kernels; no kernel host of this process's before or after."""
    from grading.pipeline.course import GRADING_KERNEL
    from grading.sandbox import kernel_pool

    if not kernel_pool.forking_possible(sandbox=True):
        pytest.skip("forking kernels needs root and the sandbox")
    spec = cohort.course.root / ".cmacademy" / "kernels" / GRADING_KERNEL / "kernel.json"
    kernel_pool._close_all()
    yield kernel_pool.ro_paths(spec)
    kernel_pool._close_all()


def test_a_worker_starts_its_kernel_host_before_its_first_job(
    cohort: Cohort, kernel_dirs: tuple[str, ...]
) -> None:
    from grading.pipeline.submission import start_kernel_host
    from grading.sandbox import kernel_pool

    start_kernel_host(cohort.course.settings)  # returns at once: the host warms up while the worker imports
    started = kernel_pool._hosts[kernel_dirs]
    assert started.alive()
    assert kernel_pool.shared_host(kernel_dirs) is started  # the first job waits for that very host


def test_workers_share_the_runs_kernel_host_and_start_their_own_once_it_is_gone(
    cohort: Cohort, kernel_dirs: tuple[str, ...]
) -> None:
    from grading.pipeline.submission import start_kernel_host, start_run_host
    from grading.sandbox import kernel_pool

    settings = cohort.course.settings
    run_host = start_run_host(settings, cohort.course.root / "host.log")  # the parent's, for all workers
    assert run_host is not None
    try:
        start_kernel_host(settings, run_host.address)  # in a worker: no host of its own
        used = kernel_pool.shared_host(kernel_dirs)  # waits until the run's host listens
        assert isinstance(used, kernel_pool.SharedHost)
        assert used.socket == run_host.socket and used.socket.exists()
        run_host.close()  # the run's host went away: the worker starts one of its own
        own = kernel_pool.shared_host(kernel_dirs)
        assert not isinstance(own, kernel_pool.SharedHost) and own.alive()
    finally:
        run_host.close()


def test_a_shared_host_that_ended_before_it_listened_is_reported(tmp_path: Path) -> None:
    from grading.sandbox.kernel_pool import HostAddress, SharedHost
    from grading.sandbox.launcher import SandboxUnavailable

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    host = SharedHost(HostAddress(str(tmp_path), str(tmp_path / "host.sock"), ended.pid))
    assert not host.alive()
    with pytest.raises(SandboxUnavailable, match="kernel host stopped before it was warm"):
        host.wait_ready()
