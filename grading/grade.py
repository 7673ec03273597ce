"""Cohort grading: every collected, not-yet-graded submission, in parallel, resumable.

Each submission is graded by nbgrader's own `Autograde` converter (so scores are nbgrader's),
with the course's configuration (variants, verdicts outside the kernel, limited kernels), in a
pool of worker processes. Before grading, a submission is checked against the exam's cells in
the gradebook; after it, the autograded notebook and nbgrader's log are read for timeouts,
memory errors and dead kernels. Each outcome is written to ``cma_grading`` by the parent alone,
one transaction per submission, keyed by a fingerprint of the submitted files: a killed run
leaves nothing half-written that a second run would not redo, and a finished submission is
never graded twice.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import logging
import multiprocessing
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, closing
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import nbformat
from nbgrader.utils import compute_checksum

from casebank.errors import CmAcademyError
from grading import cluster
from grading.autograde import NOTEBOOK_TIMEOUT, OUTPUT_TRUNCATED
from grading.course import CONFIG_FILE, Course, gradebook, tool_env
from grading.records import GradingRecord, audit, now, open_engine, session
from grading.sandbox import ENV_SANDBOX, SANDBOX_OFF, SandboxUnavailable, probe

if TYPE_CHECKING:
    from distributed import Client

STATUS_GRADED: Final = "graded"
STATUS_TAMPERED: Final = "tampered"
STATUS_TIMEOUT: Final = "timeout"
STATUS_MEMORY: Final = "out_of_memory"
STATUS_CRASHED: Final = "crashed"
STATUS_INVALID: Final = "invalid"
STATUS_FAILED: Final = "failed"
STATUS_BLOCKED: Final = "blocked"
STATUS_OUTPUT: Final = "output_limit"
#: Statuses after which the submission needs a trainer's attention.
NEEDS_ATTENTION: Final = (
    STATUS_TAMPERED,
    STATUS_TIMEOUT,
    STATUS_MEMORY,
    STATUS_CRASHED,
    STATUS_INVALID,
    STATUS_FAILED,
)
#: Statuses that are final for an unchanged submission (it is not graded again).
DONE: Final = (
    STATUS_GRADED,
    STATUS_TAMPERED,
    STATUS_TIMEOUT,
    STATUS_MEMORY,
    STATUS_CRASHED,
    STATUS_INVALID,
    STATUS_BLOCKED,
    STATUS_OUTPUT,
)
#: (exception name, text in its message or "", what the trainee's code tried) seen in error outputs.
BLOCKED_ACTIONS: Final = (
    ("ModuleNotFoundError", "grading", "imported the assessor package"),
    ("ConnectionRefusedError", "", "opened a network connection"),
    ("OSError", "Network is unreachable", "opened a network connection"),
    ("OSError", "Cannot assign requested address", "opened a network connection"),
    ("BlockingIOError", "Resource temporarily unavailable", "started too many processes"),
    ("OSError", "Read-only file system", "wrote outside its scratch directory"),
    ("PermissionError", "", "touched files it may not"),
    ("FileNotFoundError", "gradebook", "looked for the gradebook"),
    ("OperationalError", "unable to open database file", "tried to open a database (the gradebook)"),
    ("FileNotFoundError", "submitted", "looked for other trainees' work"),
    ("FileNotFoundError", "autograded", "looked for other trainees' work"),
    ("FileNotFoundError", "key", "looked for the assessor key"),
)
DEFAULT_TIMEOUT: Final = 120


class GradingError(CmAcademyError):
    """The cohort cannot be graded (exam not released, nothing collected, bad options)."""


@dataclass(frozen=True)
class Outcome:
    """The result of grading one submission."""

    trainee: str
    """Trainee (nbgrader student) id."""
    status: str
    """One of the STATUS_* values."""
    reason: str
    """What happened, for the trainer; empty when graded cleanly."""
    score: float | None
    """Total score (auto and any manual) after grading; None when not graded."""
    max_score: float | None
    """Maximum score of the exam."""
    seconds: float
    """Wall time spent on the submission."""


def fingerprint(directory: Path) -> str:
    """SHA-256 over the relative paths and bytes of every file of a submission."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def submitted(course: Course, exam: str) -> dict[str, Path]:
    """Trainee id -> submission folder of every collected submission of ``exam``."""
    root = course.root / "submitted"
    if not root.is_dir():
        return {}
    return {p.name: p / exam for p in sorted(root.iterdir()) if (p / exam).is_dir()}


# --- in the worker -----------------------------------------------------------------------


def _release_checksums(course_root: Path, exam: str, notebook: str) -> dict[str, str]:
    """Grade id -> checksum of each cell of the released (trainee) version of a notebook."""
    path = course_root / "release" / exam / f"{notebook}.ipynb"
    if not path.is_file():
        return {}
    nb = nbformat.read(path, as_version=4)
    return {
        c.metadata["nbgrader"]["grade_id"]: compute_checksum(c)
        for c in nb.cells
        if isinstance(c.metadata.get("nbgrader"), dict) and "grade_id" in c.metadata["nbgrader"]
    }


@functools.cache
def _source_cells(db_url: str, exam: str, course_root: Path) -> dict[str, dict[str, dict[str, str]]]:
    """Notebook -> grade id -> {cell_type, locked, grade, checksums} of the exam's cells.

    ``checksums`` holds the accepted checksums of a locked cell, space-separated: the exam
    source's (from the gradebook) and the released version's (hidden tests removed).
    """
    out: dict[str, dict[str, dict[str, str]]] = {}
    with gradebook(db_url) as gb:
        assignment = gb.find_assignment(exam)
        for notebook in assignment.notebooks:
            cells: dict[str, dict[str, str]] = {}
            released = _release_checksums(course_root, exam, notebook.name)
            for cell in notebook.source_cells:
                cells[cell.name] = {
                    "cell_type": cell.cell_type,
                    "locked": str(cell.locked),
                    "grade": "0",
                    "checksums": " ".join(filter(None, (cell.checksum, released.get(cell.name)))),
                }
            for cell in notebook.grade_cells:
                cells.setdefault(cell.name, {"cell_type": cell.cell_type, "locked": "True"})["grade"] = "1"
            out[notebook.name] = cells
    return out


def preflight(folder: Path, expected: dict[str, dict[str, dict[str, str]]]) -> tuple[str, list[str]]:
    """Check a submission against the exam's cells before running it.

    Returns:
        (status, reasons): STATUS_INVALID when a notebook cannot be read (it is not graded),
        STATUS_TAMPERED when graded cells were deleted or changed type (nbgrader restores or
        zeroes them; the trainer should know), else STATUS_GRADED with no reasons.
    """
    reasons: list[str] = []
    tampered = False
    for name, cells in expected.items():
        path = folder / f"{name}.ipynb"
        if not path.is_file():
            reasons.append(f"{path.name}: not submitted (scored 0)")
            tampered = True
            continue
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # nbformat raises several unrelated types for bad files
            first = str(exc).splitlines()[0][:160]
            return STATUS_INVALID, [f"{path.name}: not a readable notebook ({type(exc).__name__}: {first})"]
        graded = [
            c
            for c in nb.cells
            if isinstance(c.metadata.get("nbgrader"), dict) and "grade_id" in c.metadata["nbgrader"]
        ]
        present = {c.metadata["nbgrader"]["grade_id"]: c.cell_type for c in graded}
        for c in graded:
            grade_id = c.metadata["nbgrader"]["grade_id"]
            info = cells.get(grade_id)
            locked = info is not None and info["locked"] == "True" and bool(info.get("checksums"))
            if (
                locked
                and info is not None
                and c.cell_type == info["cell_type"]
                and compute_checksum(c) not in info["checksums"].split()
            ):
                reasons.append(f"{path.name} cell {grade_id!r}: locked cell edited (restored from the exam)")
                tampered = True
        for grade_id, info in cells.items():
            if grade_id not in present:
                if info["grade"] == "1" or info["locked"] == "True":
                    reasons.append(f"{path.name} cell {grade_id!r}: deleted (graded cells score 0)")
                    tampered = True
            elif present[grade_id] != info["cell_type"]:
                reasons.append(
                    f"{path.name} cell {grade_id!r}: type changed from {info['cell_type']} to "
                    f"{present[grade_id]} (restored from the exam)"
                )
                tampered = True
    return (STATUS_TAMPERED if tampered else STATUS_GRADED), reasons


class _LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _autograded_problems(path: Path) -> tuple[str | None, list[str]]:
    if not path.is_file():
        return None, []
    nb = nbformat.read(path, as_version=4)
    status, reasons = None, []
    for cell in nb.cells:
        if any(o.get("text") == OUTPUT_TRUNCATED + "\n" for o in cell.get("outputs", [])):
            status = STATUS_OUTPUT
            reasons.append(
                f"cell {cell.get('id', '?')}: printed more than the output limit (the rest was dropped)"
            )
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            where = f"cell {cell.get('id', '?')}"
            ename, evalue = str(output.get("ename")), str(output.get("evalue"))
            if ename == "CellTimeoutError":
                status = STATUS_TIMEOUT
                reasons.append(f"{where}: ran longer than the per-cell timeout (interrupted)")
            elif ename == NOTEBOOK_TIMEOUT:
                status = STATUS_TIMEOUT
                reasons.append(f"{where}: {evalue}")
                break
            elif blocked := next(
                (what for name, text, what in BLOCKED_ACTIONS if name == ename and text in evalue), None
            ):
                status = status or STATUS_BLOCKED
                reasons.append(f"{where}: {blocked} (blocked by the sandbox: {ename}: {evalue[:120]})")
            elif output.get("ename") == "MemoryError":
                status = status or STATUS_MEMORY
                reasons.append(f"{where}: ran out of memory (MemoryError under the kernel's memory limit)")
    return status, reasons


def _faster(preprocessor: Any) -> Any:
    """cm-academy's drop-in for an nbgrader preprocessor that has a faster equivalent."""
    from nbgrader.preprocessors import CheckCellMetadata

    from grading.autograde import CheckCellMetadata as CompiledCheckCellMetadata

    if preprocessor in (CheckCellMetadata, "nbgrader.preprocessors.CheckCellMetadata"):
        return CompiledCheckCellMetadata
    return preprocessor


@functools.cache
def _course_config(course_root: str) -> Any:
    """The course's nbgrader configuration, read once per worker."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=course_root).load_config()


def _failure(messages: list[str]) -> tuple[str, str]:
    """Status and reason of a notebook nbgrader could not grade, from its log messages."""
    text = "\n".join(messages)
    if "Kernel died" in text or "DeadKernelError" in text:
        return STATUS_CRASHED, "the kernel died while running the notebook (crash or resource limit)"
    if "UnresponsiveKernelError" in text or "Timeout waiting for" in text or "timed out" in text:
        return (
            STATUS_CRASHED,
            "the kernel stopped responding (it broke its own machinery, e.g. overrode builtins)",
        )
    lines = [
        line.strip() for line in text.splitlines() if re.match(r"^\s*[A-Za-z_.]+(Error|Exception)\b", line)
    ]
    return STATUS_FAILED, (
        lines[-1] if lines else (messages[-1] if messages else "nbgrader could not grade it")
    )[:300]


def grade_one(
    course_root: str, db_url: str, exam: str, trainee: str, timeout: int, fork_kernels: bool = True
) -> Outcome:
    """Grade one submission with nbgrader's Autograde converter (runs in a worker process).

    With ``fork_kernels`` the kernel is forked from this worker's warm kernel host
    (`grading.kernel_pool`) where that is possible, else started fresh.
    """
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import setenv

    start = time.perf_counter()
    root = Path(course_root)
    folder = root / "submitted" / trainee / exam
    status, reasons = preflight(folder, _source_cells(db_url, exam, root))
    if status == STATUS_INVALID:
        return Outcome(trainee, status, "; ".join(reasons), None, None, time.perf_counter() - start)

    config = copy.deepcopy(_course_config(course_root))
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = db_url
    config.Execute.timeout = timeout
    config.VariantExecute.fork_kernels = fork_kernels
    config.VariantExecute.kernel_manager_class = "grading.autograde.GradingKernelManager"
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = exam
    coursedir.student_id = trainee
    converter = Autograde(coursedir=coursedir, config=config)
    converter.force = True
    for pipeline in ("sanitize_preprocessors", "autograde_preprocessors"):
        setattr(converter, pipeline, [_faster(p) for p in getattr(converter, pipeline)])
    capture = _LogCapture()
    converter.log.addHandler(capture)
    try:
        with setenv(PATH=tool_env()["PATH"]):
            converter.start()
    except Exception:  # nbgrader reports failures as NbGraderException after logging the cause
        status, cause = _failure(capture.messages)
        return Outcome(trainee, status, "; ".join([*reasons, cause]), None, None, time.perf_counter() - start)
    finally:
        converter.log.removeHandler(capture)

    after, more = _autograded_problems(root / "autograded" / trainee / exam / f"{exam}.ipynb")
    reasons += more
    if after is not None and status == STATUS_GRADED:
        status = after
    with gradebook(db_url) as gb:
        submission = gb.find_submission(exam, trainee)
        score, max_score = float(submission.score), float(submission.max_score)
    return Outcome(trainee, status, "; ".join(reasons), score, max_score, time.perf_counter() - start)


# --- in the parent ------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One submission to grade."""

    trainee: str
    fingerprint: str


def pending_jobs(course: Course, exam: str, db_url: str) -> tuple[list[Job], list[Outcome]]:
    """Submissions still to grade, and the outcomes of those already done (unchanged)."""
    engine = open_engine(db_url)
    jobs, done = [], []
    with session(engine) as s:
        for trainee, folder in submitted(course, exam).items():
            fp = fingerprint(folder)
            record = s.get(GradingRecord, (exam, trainee))
            if record is not None and record.fingerprint == fp and record.status in DONE:
                done.append(
                    Outcome(
                        trainee,
                        record.status,
                        record.reason,
                        record.score,
                        record.max_score,
                        record.seconds or 0,
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
    from nbgrader.api import MissingEntry

    with gradebook(db_url) as gb:
        try:
            gb.find_assignment(exam)
        except MissingEntry:
            raise GradingError(
                f"exam {exam!r} is not in the gradebook; run `cmacademy release {exam}` first."
            ) from None


def _quiet() -> None:
    """Silence the warnings and traitlets chatter nbgrader's converter makes for each submission."""
    import warnings

    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)
    logging.getLogger("traitlets").setLevel(logging.ERROR)


def _worker_init(log_path: str) -> None:
    """Quiet a worker: its own and its kernels' stderr go to the course's grading log."""
    _quiet()
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 2)
    os.close(log)


def run_jobs(
    course: Course,
    exam: str,
    jobs: list[Job],
    db_url: str,
    workers: int,
    timeout: int,
    fork_kernels: bool = True,
) -> Iterator[tuple[Job, Outcome]]:
    """Grade ``jobs`` in a local pool of worker processes, yielding each as it finishes.

    A worker that dies (killed from outside, say) breaks the pool; the jobs it took with it are
    run once more in a fresh pool, and reported as failed if that breaks too.
    """
    context = multiprocessing.get_context("spawn")
    log_dir = course.root / ".cmacademy" / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = str(log_dir / f"grade-{exam}.log")
    todo, tries = list(jobs), 0
    while todo:
        tries += 1
        broken: list[Job] = []
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_worker_init, initargs=(log_path,)
        ) as pool:
            futures: dict[Future[Outcome], Job] = {
                pool.submit(
                    grade_one, str(course.root), db_url, exam, job.trainee, timeout, fork_kernels
                ): job
                for job in todo
            }
            remaining = set(futures)
            while remaining:
                finished, remaining = wait(remaining, return_when=FIRST_COMPLETED)
                for future in finished:
                    job = futures[future]
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        if tries < 2:
                            broken.append(job)
                            continue
                        outcome = Outcome(
                            job.trainee, STATUS_FAILED, "the grading worker died twice", None, None, 0
                        )
                    except Exception as exc:  # a job that raised; report it and go on with the cohort
                        outcome = Outcome(
                            job.trainee,
                            STATUS_FAILED,
                            f"grader error: {type(exc).__name__}: {exc}",
                            None,
                            None,
                            0,
                        )
                    yield job, outcome
        todo = broken


# --- on a Dask cluster ---------------------------------------------------------------------

#: One submission at a time per worker process: grading sets process-wide environment variables
#: (the trainee's variant, the sandbox switch) that a second thread would see.
_cluster_lock = threading.Lock()
#: The run this worker process last graded for; its caches are dropped when a new run starts.
_cluster_run: list[str] = []


def _require_server_gradebook(db_url: str) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        raise GradingError(
            f"the gradebook is an SQLite file ({url.database}); on a Dask cluster it must be PostgreSQL, "
            "which every worker can reach: pass --db-url postgresql://USER@HOST/DB, or set it when "
            "creating the course with `cmacademy course init --db-url postgresql://...`."
        )


def _check_grading_worker(course_root: str, db_url: str, sandbox: bool) -> str:
    """What keeps this Dask worker from grading the course ('' when nothing); runs on the worker."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    config = Path(course_root) / CONFIG_FILE
    if not config.is_file():
        return (
            f"cannot see the course ({config} is missing there); mount the course directory at the "
            "same path on every worker (a shared file system)"
        )
    try:
        engine = create_engine(db_url)
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:  # any driver error: say which, the worker cannot grade
        shown = make_url(db_url).render_as_string(hide_password=True)
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        return f"cannot reach the gradebook {shown} ({type(exc).__name__}: {first})"
    if sandbox:
        try:
            probe()
        except SandboxUnavailable as exc:
            return f"cannot run the grading sandbox: {exc}"
    return ""


def _grade_on_worker(
    run: str,
    sandbox: bool,
    course_root: str,
    db_url: str,
    exam: str,
    trainee: str,
    timeout: int,
    fork_kernels: bool = True,
) -> Outcome:
    """`grade_one` in a Dask worker: one at a time, with this run's sandbox setting and fresh caches."""
    with _cluster_lock:
        if _cluster_run != [run]:
            # A worker outlives a run; the exam or the course's configuration may have changed since.
            _source_cells.cache_clear()
            _course_config.cache_clear()
            _quiet()
            _cluster_run[:] = [run]
        previous = os.environ.get(ENV_SANDBOX)
        if sandbox:
            os.environ.pop(ENV_SANDBOX, None)
        else:
            os.environ[ENV_SANDBOX] = SANDBOX_OFF
        try:
            return grade_one(course_root, db_url, exam, trainee, timeout, fork_kernels)
        finally:
            if previous is None:
                os.environ.pop(ENV_SANDBOX, None)
            else:
                os.environ[ENV_SANDBOX] = previous


def run_cluster_jobs(
    client: Client,
    course: Course,
    exam: str,
    jobs: list[Job],
    db_url: str,
    timeout: int,
    sandbox: bool,
    fork_kernels: bool = True,
) -> Generator[tuple[Job, Outcome], None, None]:
    """Grade ``jobs`` on a Dask cluster, yielding each as it finishes.

    Dask runs a job whose worker died once more on another worker (up to its
    ``allowed-failures``); a job lost after that is reported as failed, to be graded next run.
    """
    run = uuid.uuid4().hex
    calls = (
        (job, (run, sandbox, str(course.root), db_url, exam, job.trainee, timeout, fork_kernels))
        for job in jobs
    )
    for job, result in cluster.map_jobs(client, _grade_on_worker, calls, name=f"grade-{exam}"):
        if isinstance(result, Outcome):
            yield job, result
            continue
        if isinstance(result, cluster.JobLost):
            reason = f"not graded: {result}"
        else:
            reason = f"grader error: {type(result).__name__}: {result}"
        yield job, Outcome(job.trainee, STATUS_FAILED, reason, None, None, 0)


def grade_exam(
    course: Course,
    exam: str,
    *,
    workers: int = 2,
    db_url: str | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    on_done: Callable[[Outcome, int, int], None] | None = None,
    sandbox: bool = True,
    scheduler: str | None = None,
    fresh_kernels: bool = False,
) -> list[Outcome]:
    """Autograde every collected, not-yet-graded submission of ``exam``.

    Args:
        course: the course.
        exam: exam id.
        workers: worker processes (ignored with ``scheduler``: the cluster decides).
        db_url: gradebook URL (default: the course's SQLite file).
        timeout: per-cell timeout in seconds.
        on_done: called after each submission with (outcome, done, total).
        sandbox: run kernels in the sandbox (default); False runs trainee code with the
            grader's rights and is only for trusted settings.
        scheduler: ``tcp://HOST:PORT`` of a Dask scheduler to grade on its workers instead of a
            local pool (see `grading.cluster`); the gradebook must then be PostgreSQL.
        fresh_kernels: start every kernel fresh instead of forking it from each worker's warm
            kernel host (slower, equally isolated; see docs/sandbox.md).

    Returns:
        One outcome per collected submission (already graded ones included).

    Raises:
        GradingError: the exam was not released, nothing was collected, or a cluster was asked
            for with an SQLite gradebook.
        SandboxUnavailable: the sandbox cannot be set up (no trainee code is run).
        ClusterError: the scheduler cannot be reached or a worker cannot grade (nothing is run).
    """
    if scheduler is not None:
        cluster.parse_address(scheduler)
    elif workers < 1:
        raise GradingError(f"--workers {workers}: need at least one worker.")
    elif sandbox:
        probe()
        os.environ.pop(ENV_SANDBOX, None)
    else:
        os.environ[ENV_SANDBOX] = SANDBOX_OFF
    course.source(exam)
    url = db_url or course.db_url
    if scheduler is not None:
        _require_server_gradebook(url)
    _check_released(url, exam)
    if not submitted(course, exam):
        raise GradingError(
            f"no submissions of {exam} in {course.root / 'submitted'}; run `cmacademy collect` first."
        )
    jobs, outcomes = pending_jobs(course, exam, url)
    total = len(jobs) + len(outcomes)
    with ExitStack() as stack:
        results: Iterator[tuple[Job, Outcome]] = iter(())
        if jobs and scheduler is not None:
            client = stack.enter_context(cluster.connect(scheduler))
            cluster.check_workers(client, _check_grading_worker, str(course.root), url, sandbox)
            # Closed before the client, so that unfinished jobs are cancelled on the cluster.
            results = stack.enter_context(
                closing(
                    run_cluster_jobs(client, course, exam, jobs, url, timeout, sandbox, not fresh_kernels)
                )
            )
        elif jobs:
            results = run_jobs(course, exam, jobs, url, workers, timeout, not fresh_kernels)
        engine = open_engine(url)
        stack.callback(engine.dispose)
        for job, outcome in results:
            _record(engine, exam, job, outcome)
            outcomes.append(outcome)
            if on_done:
                on_done(outcome, len(outcomes), total)
    return sorted(outcomes, key=lambda o: o.trainee)


def summary_rows(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """Plain rows for the summary table and ``--json`` output."""
    return [json.loads(json.dumps(asdict(o))) for o in outcomes]
