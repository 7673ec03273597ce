"""Grading one submission, in a worker process: preflight, nbgrader's Autograde, what went wrong.

Each submission is graded by nbgrader's `Autograde` converter with both of its passes in memory
(`grading.pipeline.lean.LeanAutograde`: nbgrader's preprocessors, so scores are nbgrader's),
with the course's configuration (variants, verdicts outside the kernel, limited kernels).
Before grading, a submission is checked against the exam's cells in the gradebook; after it,
the autograded notebook and nbgrader's log are read for timeouts, memory errors, blocked actions
and dead kernels. The outcome goes back to the parent (`grading.pipeline.grade`), which alone
writes the gradebook's grading records.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from grading.pipeline.gradebook import environment, gradebook, tool_env
from grading.settings import Settings
from grading.status import GradingStatus

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from grading.sandbox.kernel_pool import HostAddress, KernelHost

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


@dataclass(frozen=True)
class Outcome:
    """The result of grading one submission."""

    trainee: str
    """Trainee (nbgrader student) id."""
    status: GradingStatus
    """What became of the submission."""
    reason: str
    """What happened, for the trainer; empty when graded cleanly."""
    score: float | None
    """Total score (auto and any manual) after grading; None when not graded."""
    max_score: float | None
    """Maximum score of the exam."""
    seconds: float
    """Wall time spent on the submission."""

    @classmethod
    def failed(cls, trainee: str, reason: str) -> Outcome:
        """The outcome of a submission the grader could not grade (it is graded again next run)."""
        return cls(trainee, GradingStatus.FAILED, reason, None, None, 0.0)


def fingerprint(directory: Path) -> str:
    """SHA-256 over the relative paths and bytes of every file of a submission."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _release_checksums(course_root: Path, exam: str, notebook: str) -> dict[str, str]:
    """Grade id -> checksum of each cell of the released (trainee) version of a notebook."""
    import nbformat
    from nbgrader.utils import compute_checksum

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


def preflight(
    folder: Path, expected: dict[str, dict[str, dict[str, str]]]
) -> tuple[GradingStatus, list[str]]:
    """Check a submission against the exam's cells before running it.

    Returns:
        (status, reasons): GradingStatus.INVALID when a notebook cannot be read (it is not graded),
        GradingStatus.TAMPERED when graded cells were deleted or changed type (nbgrader restores or
        zeroes them; the trainer should know), else GradingStatus.GRADED with no reasons.
    """
    import nbformat
    from nbgrader.utils import compute_checksum

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
            return GradingStatus.INVALID, [
                f"{path.name}: not a readable notebook ({type(exc).__name__}: {first})"
            ]
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
    return (GradingStatus.TAMPERED if tampered else GradingStatus.GRADED), reasons


class _LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _autograded_problems(nb: NotebookNode | None) -> tuple[GradingStatus | None, list[str]]:
    from grading.pipeline.autograde import NOTEBOOK_TIMEOUT, OUTPUT_TRUNCATED

    if nb is None:
        return None, []
    status: GradingStatus | None = None
    reasons: list[str] = []
    for cell in nb.cells:
        if any(o.get("text") == OUTPUT_TRUNCATED + "\n" for o in cell.get("outputs", [])):
            status = GradingStatus.OUTPUT_LIMIT
            reasons.append(
                f"cell {cell.get('id', '?')}: printed more than the output limit (the rest was dropped)"
            )
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            where = f"cell {cell.get('id', '?')}"
            ename, evalue = str(output.get("ename")), str(output.get("evalue"))
            if ename == "CellTimeoutError":
                status = GradingStatus.TIMEOUT
                reasons.append(f"{where}: ran longer than the per-cell timeout (interrupted)")
            elif ename == NOTEBOOK_TIMEOUT:
                status = GradingStatus.TIMEOUT
                reasons.append(f"{where}: {evalue}")
                break
            elif blocked := next(
                (what for name, text, what in BLOCKED_ACTIONS if name == ename and text in evalue), None
            ):
                status = status or GradingStatus.BLOCKED
                reasons.append(f"{where}: {blocked} (blocked by the sandbox: {ename}: {evalue[:120]})")
            elif output.get("ename") == "MemoryError":
                status = status or GradingStatus.OUT_OF_MEMORY
                reasons.append(f"{where}: ran out of memory (MemoryError under the kernel's memory limit)")
    return status, reasons


def _faster(preprocessor: Any) -> Any:
    """cm-academy's drop-in for an nbgrader preprocessor that has a faster equivalent."""
    from nbgrader.preprocessors import CheckCellMetadata, OverwriteCells, SaveAutoGrades

    from grading.pipeline.autograde import CheckCellMetadata as CompiledCheckCellMetadata
    from grading.pipeline.lean import OverwriteCellsCached, SaveAutoGradesOnce

    if preprocessor in (CheckCellMetadata, "nbgrader.preprocessors.CheckCellMetadata"):
        return CompiledCheckCellMetadata
    if preprocessor in (SaveAutoGrades, "nbgrader.preprocessors.SaveAutoGrades"):
        return SaveAutoGradesOnce
    if preprocessor in (OverwriteCells, "nbgrader.preprocessors.OverwriteCells"):
        return OverwriteCellsCached
    return preprocessor


@functools.cache
def _course_config(course_root: str) -> Any:
    """The course's nbgrader configuration, read once per worker."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=course_root).load_config()


def _failure(messages: list[str]) -> tuple[GradingStatus, str]:
    """Status and reason of a notebook nbgrader could not grade, from its log messages."""
    text = "\n".join(messages)
    if "Kernel died" in text or "DeadKernelError" in text:
        return GradingStatus.CRASHED, "the kernel died while running the notebook (crash or resource limit)"
    if "UnresponsiveKernelError" in text or "Timeout waiting for" in text or "timed out" in text:
        return (
            GradingStatus.CRASHED,
            "the kernel stopped responding (it broke its own machinery, e.g. overrode builtins)",
        )
    lines = [
        line.strip() for line in text.splitlines() if re.match(r"^\s*[A-Za-z_.]+(Error|Exception)\b", line)
    ]
    return GradingStatus.FAILED, (
        lines[-1] if lines else (messages[-1] if messages else "nbgrader could not grade it")
    )[:300]


def grade_one(settings: Settings, exam: str, trainee: str) -> Outcome:
    """Grade one submission with nbgrader's Autograde converter (runs in a worker process).

    Unless ``settings.fresh_kernels``, the kernel is forked from this worker's warm kernel host
    (`grading.sandbox.kernel_pool`) where that is possible, else started fresh.
    """
    from nbgrader.coursedir import CourseDirectory

    from grading.pipeline.lean import LeanAutograde

    start = time.perf_counter()
    root, db_url = settings.root, settings.db_url
    folder = root / "submitted" / trainee / exam
    status, reasons = preflight(folder, _source_cells(db_url, exam, root))
    if status == GradingStatus.INVALID:
        return Outcome(trainee, status, "; ".join(reasons), None, None, time.perf_counter() - start)

    config = copy.deepcopy(_course_config(str(root)))
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = db_url
    config.Execute.timeout = settings.timeout
    config.VariantExecute.fork_kernels = not settings.fresh_kernels
    config.VariantExecute.sandbox = settings.sandbox
    config.VariantExecute.kernel_manager_class = "grading.pipeline.autograde.GradingKernelManager"
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = exam
    coursedir.student_id = trainee
    converter = LeanAutograde(coursedir=coursedir, config=config)
    converter.force = True
    for pipeline in ("sanitize_preprocessors", "autograde_preprocessors"):
        setattr(converter, pipeline, [_faster(p) for p in getattr(converter, pipeline)])
    capture = _LogCapture()
    converter.log.addHandler(capture)
    try:
        with environment(PATH=tool_env()["PATH"]):
            converter.start()
    except Exception:  # nbgrader reports failures as NbGraderException after logging the cause
        status, cause = _failure(capture.messages)
        return Outcome(trainee, status, "; ".join([*reasons, cause]), None, None, time.perf_counter() - start)
    finally:
        converter.log.removeHandler(capture)

    after, more = _autograded_problems(converter.graded.get(exam))
    reasons += more
    if after is not None and status == GradingStatus.GRADED:
        status = after
    with gradebook(db_url) as gb:
        submission = gb.find_submission(exam, trainee)
        score, max_score = float(submission.score), float(submission.max_score)
    return Outcome(trainee, status, "; ".join(reasons), score, max_score, time.perf_counter() - start)


def quiet() -> None:
    """Ready a worker: nbgrader's gradebooks share an engine; no warnings or traitlets chatter."""
    import warnings

    from sqlalchemy.exc import SAWarning

    from grading.pipeline.lean import reuse_engines

    reuse_engines()
    warnings.filterwarnings("ignore", category=SAWarning)
    logging.getLogger("traitlets").setLevel(logging.ERROR)


def init_local_worker(
    log_path: str, settings: Settings | None = None, host: HostAddress | None = None
) -> None:
    """Ready a local worker: its own and its kernels' stderr go to the course's grading log.

    With ``settings`` whose kernels are forked, the worker forks them from ``host`` (the run's
    kernel host, started by the grading parent; see `start_run_host`), or else starts a kernel
    host of its own first, so that it warms up (about a second, mostly waiting on its sandbox
    and imports) while the worker imports the grading stack.
    """
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 2)
    os.close(log)
    if settings is not None:
        start_kernel_host(settings, host)
    quiet()


def _host_bank_dirs(settings: Settings) -> tuple[str, ...] | None:
    """The read-only paths of the course's grading kernels, when they are forked from a host."""
    from grading.pipeline.course import GRADING_KERNEL
    from grading.sandbox.kernel_pool import forking_possible, ro_paths

    spec = settings.root / ".cmacademy" / "kernels" / GRADING_KERNEL / "kernel.json"
    if settings.fresh_kernels or not forking_possible(settings.sandbox) or not spec.is_file():
        return None
    return ro_paths(spec)


def start_kernel_host(settings: Settings, host: HostAddress | None = None) -> None:
    """Use ``host``, or start this process's kernel host, for the course's grading kernels (no waiting)."""
    from grading.sandbox.kernel_pool import start_host, use_host

    bank_dirs = _host_bank_dirs(settings)
    if bank_dirs is None:
        return
    if host is not None:
        use_host(bank_dirs, host)
    else:
        start_host(bank_dirs)


def start_run_host(settings: Settings, log: Path) -> KernelHost | None:
    """Start one kernel host for all local workers of a grading run (None: kernels are not forked).

    The caller stops it after the run. It warms up while the workers start and import; they wait
    for it before their first kernel.
    """
    from grading.sandbox.kernel_pool import KernelHost
    from grading.sandbox.launcher import SandboxUnavailable

    bank_dirs = _host_bank_dirs(settings)
    if bank_dirs is None:
        return None
    try:
        return KernelHost(bank_dirs, wait=False, log=log)
    except (OSError, SandboxUnavailable):
        return None  # each worker starts its own, and says why if that fails too


def setup_dask_worker() -> None:
    """Ready a Dask worker for a new run: the exam or the course's configuration may have changed."""
    from grading.pipeline.lean import forget_engines

    _source_cells.cache_clear()
    _course_config.cache_clear()
    forget_engines()
    quiet()
