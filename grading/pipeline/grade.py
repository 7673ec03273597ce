"""Cohort grading: every collected, not-yet-graded submission, in parallel, resumable.

One job per submission (`grading.pipeline.submission.grade_one`) runs on `grading.jobs`: a
local pool of worker processes, or a Dask cluster. Each outcome is written to ``cma_grading``
by the parent alone, one transaction per submission, keyed by a fingerprint of the submitted
files: a killed run leaves nothing half-written that a second run would not redo, and a finished
submission is never graded twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator
from contextlib import ExitStack, closing
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from casebank.errors import CmAcademyError
from grading.jobs import WORKER_BOOT, WorkerDied, run_jobs
from grading.jobs import dask as cluster
from grading.pipeline.course import CONFIG_FILE, Course
from grading.pipeline.lock import exclusive
from grading.pipeline.records import GradingRecord, audit, now, open_engine, session
from grading.pipeline.submission import (
    Outcome,
    fingerprint,
    grade_one,
    init_local_worker,
    setup_dask_worker,
    start_run_host,
)
from grading.sandbox.launcher import SandboxUnavailable, probe
from grading.settings import Settings
from grading.status import GRADING_DONE, GradingStatus


class GradingError(CmAcademyError):
    """The cohort cannot be graded (exam not released, nothing collected, bad options)."""


@dataclass(frozen=True)
class Job:
    """One submission to grade."""

    trainee: str
    fingerprint: str


def submitted(course: Course, exam: str) -> dict[str, Path]:
    """Trainee id -> submission folder of every collected submission of ``exam``."""
    root = course.root / "submitted"
    if not root.is_dir():
        return {}
    return {p.name: p / exam for p in sorted(root.iterdir()) if (p / exam).is_dir()}


def pending_jobs(course: Course, exam: str) -> tuple[list[Job], list[Outcome]]:
    """Submissions still to grade, and the outcomes of those already done (unchanged)."""
    engine = open_engine(course.db_url)
    jobs, done = [], []
    with session(engine) as s:
        for trainee, folder in submitted(course, exam).items():
            fp = fingerprint(folder)
            record = s.get(GradingRecord, (exam, trainee))
            if record is not None and record.fingerprint == fp and record.status in GRADING_DONE:
                status = GradingStatus(record.status)
                done.append(
                    Outcome(
                        trainee, status, record.reason, record.score, record.max_score, record.seconds or 0
                    )
                )
            else:
                jobs.append(Job(trainee, fp))
    engine.dispose()
    return jobs, done


def _record(engine: Any, exam: str, job: Job, outcome: Outcome) -> None:
    with session(engine) as s:
        record = s.get(GradingRecord, (exam, job.trainee))
        if record is None:
            record = GradingRecord(exam=exam, trainee=job.trainee, attempts=0)
            s.add(record)
        record.status = outcome.status
        record.reason = outcome.reason
        record.fingerprint = job.fingerprint
        record.attempts = (record.attempts or 0) + 1
        record.score, record.max_score, record.seconds = outcome.score, outcome.max_score, outcome.seconds
        record.updated_at = now()
        audit(s, "autograde", exam, job.trainee, {k: v for k, v in asdict(outcome).items() if k != "trainee"})


def _check_released(db_url: str, exam: str) -> None:
    """Refuse an exam missing from nbgrader's ``assignment`` table (read without importing nbgrader)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM assignment WHERE name = :exam"), {"exam": exam}).first()
    except DBAPIError:  # no gradebook tables yet
        found = None
    finally:
        engine.dispose()
    if found is None:
        raise GradingError(f"exam {exam!r} is not in the gradebook; run `cmacademy release {exam}` first.")


def _require_server_gradebook(db_url: str) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        raise GradingError(
            f"the gradebook is an SQLite file ({url.database}); on a Dask cluster it must be PostgreSQL, "
            "which every worker can reach: pass --db-url postgresql://USER@HOST/DB, or set it when "
            "creating the course with `cmacademy course init --db-url postgresql://...`."
        )


def check_grading_worker(settings: Settings) -> str:
    """What keeps this Dask worker from grading the course ('' when nothing); runs on the worker."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    config = settings.root / CONFIG_FILE
    if not config.is_file():
        return (
            f"cannot see the course ({config} is missing there); mount the course directory at the "
            "same path on every worker (a shared file system)"
        )
    try:
        engine = create_engine(settings.db_url)
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:  # any driver error: say which, the worker cannot grade
        shown = make_url(settings.db_url).render_as_string(hide_password=True)
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        return f"cannot reach the gradebook {shown} ({type(exc).__name__}: {first})"
    if settings.sandbox:
        try:
            probe()
        except SandboxUnavailable as exc:
            return f"cannot run the grading sandbox: {exc}"
    return ""


def _outcomes(
    results: Generator[tuple[Job, Outcome | Exception], None, None],
) -> Generator[tuple[Job, Outcome], None, None]:
    """Each job's outcome; a job that ended in an exception is reported as failed."""
    with closing(results):
        for job, result in results:
            if isinstance(result, Outcome):
                yield job, result
            elif isinstance(result, WorkerDied):
                yield job, Outcome.failed(job.trainee, f"the grading worker died: {result}")
            elif isinstance(result, cluster.JobLost):
                yield job, Outcome.failed(job.trainee, f"not graded: {result}")
            else:
                yield job, Outcome.failed(job.trainee, f"grader error: {type(result).__name__}: {result}")


def _check(course: Course, exam: str) -> None:
    """Refuse what cannot be graded before any trainee code runs."""
    settings = course.settings
    if settings.scheduler is not None:
        cluster.parse_address(settings.scheduler)
    elif settings.workers < 1:
        raise GradingError(f"--workers {settings.workers}: need at least one worker.")
    elif settings.sandbox:
        probe()
    course.source(exam)
    if settings.scheduler is not None:
        _require_server_gradebook(settings.db_url)
    _check_released(settings.db_url, exam)
    if not submitted(course, exam):
        raise GradingError(
            f"no submissions of {exam} in {course.root / 'submitted'}; run `cmacademy collect` first."
        )


def grade_exam(
    course: Course, exam: str, *, on_done: Callable[[Outcome, int, int], None] | None = None
) -> list[Outcome]:
    """Autograde every collected, not-yet-graded submission of ``exam``.

    Workers, timeout, sandbox, kernels, gradebook and cluster come from ``course.settings``.

    Args:
        course: the course.
        exam: exam id.
        on_done: called after each submission with (outcome, done, total).

    Returns:
        One outcome per collected submission (already graded ones included).

    Raises:
        GradingError: the exam was not released, nothing was collected, or a cluster was asked
            for with an SQLite gradebook.
        SandboxUnavailable: the sandbox cannot be set up (no trainee code is run).
        ClusterError: the scheduler cannot be reached or a worker cannot grade (nothing is run).
    """
    _check(course, exam)
    with exclusive(course, exam, "grade"):
        return _grade(course, exam, on_done)


def _grade(course: Course, exam: str, on_done: Callable[[Outcome, int, int], None] | None) -> list[Outcome]:
    settings = course.settings
    jobs, outcomes = pending_jobs(course, exam)
    total = len(jobs) + len(outcomes)
    log_dir = course.root / ".cmacademy" / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        client = None
        if jobs and settings.scheduler is not None:
            client = stack.enter_context(cluster.connect(settings.scheduler))
            cluster.check_workers(client, check_grading_worker, settings)
        engine = open_engine(settings.db_url)
        stack.callback(engine.dispose)
        log = log_dir / f"grade-{exam}.log"
        # Local workers fork their kernels from one host of the run's (one warm-up, not one each).
        host = start_run_host(settings, log) if jobs and client is None else None
        if host is not None:
            stack.callback(host.close)
        address = host.address if host is not None else None
        results = run_jobs(
            grade_one,
            ((job, (settings, exam, job.trainee)) for job in jobs),
            workers=settings.workers,
            client=client,
            name=f"grade-{exam}",
            initializer=init_local_worker,
            initargs=(str(log), settings, address),
            preimport=WORKER_BOOT,
            setup=setup_dask_worker,
            retry_broken=True,
        )
        # Closed before the client, so that unfinished jobs are cancelled on the cluster.
        for job, outcome in stack.enter_context(closing(_outcomes(results))):
            _record(engine, exam, job, outcome)
            outcomes.append(outcome)
            if on_done:
                on_done(outcome, len(outcomes), total)
    return sorted(outcomes, key=lambda o: o.trainee)


def summary_rows(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """Plain rows for the summary table and ``--json`` output."""
    return [json.loads(json.dumps(asdict(o))) for o in outcomes]
