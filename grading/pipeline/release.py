"""Release an exam to trainees with nbgrader, refusing anything that would leak the key.

The release is the same for every trainee: it carries the exam notebook and nothing about
variants (each trainee's handout goes to that trainee alone, see `grading.pipeline.course`).
The leak check refuses the course pool's key (files, rows, its secret seed), any variant
file, and every trainee's expected answers.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from pathlib import Path
from typing import Any, Final

from casebank.exam import HANDOUT_VARIANT
from grading.exams import ASSIGNMENTS_DIR, expected_answers
from grading.exams.assign import RECORDS_DIR
from grading.keys import DEFAULT_KEY_DIR, KEY_MANIFEST, TRUTH_FILE
from grading.pipeline.course import CONFIG_FILE, Course, CourseError
from grading.pipeline.gradebook import environment, gradebook, tool_env

FORBIDDEN_MARKERS: Final = (
    "BEGIN SOLUTION",
    "END SOLUTION",
    "BEGIN HIDDEN TESTS",
    "END HIDDEN TESTS",
    "exam.submit(",
)
#: A seed this long is a pool's secret one (the canonical bank's public seed is shorter).
SECRET_SEED_DIGITS: Final = 12
#: Files that must never ship: the key, and any variant of one or all trainees.
FORBIDDEN_FILES: Final = (TRUTH_FILE, KEY_MANIFEST, HANDOUT_VARIANT, "variants.json", f"{RECORDS_DIR}.json")


class ReleaseError(CourseError):
    """A release would ship solutions, hidden tests or key values; nothing was released."""


def distinctive_values(value: object, decimals: int) -> list[str]:
    """How an expected value would show in a file if it leaked (only values unlikely by chance)."""
    if isinstance(value, float | int) and not isinstance(value, bool) and decimals >= 2:
        text = f"{value:.{decimals}f}"
        return [text] if len(text.replace("-", "").replace(".", "")) >= 4 else []
    if isinstance(value, dict) and value:
        return [json.dumps(value, ensure_ascii=False, sort_keys=True)]
    return []


def authored_text(source_dir: Path) -> str:
    """The exam's authored public text: its source notebooks without solutions or hidden tests.

    For the exams cm-academy ships (``assignments/``) this text is the same for every course and
    was written before any course's pool was drawn, so an expected value found in it (an
    instruction's example such as ``answer_q3 = 0.1234``) is a coincidence, not a leak. A
    course's own edits to its source copy get no such allowance.
    """
    import nbformat

    parts: list[str] = []
    for path in sorted(source_dir.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                continue
            text = str(cell.source)
            start = text.find("### BEGIN HIDDEN TESTS")
            parts.append(text if start < 0 else text[:start])
    return "\n".join(parts)


def leak_problems(course: Course, exam: str, release_dir: Path) -> list[str]:
    """What in a release would leak solutions, hidden tests or key values (empty when safe)."""
    problems: list[str] = []
    needles: dict[str, str] = {}
    shipped = ASSIGNMENTS_DIR / exam
    public = authored_text(shipped) if shipped.is_dir() else ""
    for trainee in course.trainees():
        for question, expected in expected_answers(exam, trainee, *course.settings.bank_dirs).items():
            for text in distinctive_values(expected.value, expected.decimals):
                if text not in public:
                    needles[text] = f"expected answer of {question} for trainee {trainee}"
    key_dir = course.settings.key_dir or DEFAULT_KEY_DIR
    truth_lines = (key_dir / TRUTH_FILE).read_text(encoding="utf-8").splitlines()[1:]
    seed = str(json.loads((key_dir / KEY_MANIFEST).read_text(encoding="utf-8"))["seed"])
    if len(seed) >= SECRET_SEED_DIGITS:
        needles[seed] = "secret seed of the course's exam pool"
    for path in sorted(p for p in release_dir.rglob("*") if p.is_file()):
        name = path.relative_to(release_dir)
        if path.name in FORBIDDEN_FILES:
            problems.append(f"{name}: assessor key or exam variant file in the release")
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for marker in FORBIDDEN_MARKERS:
            if marker in text:
                problems.append(f"{name}: contains {marker!r}")
        for needle, what in needles.items():
            if needle in text:
                problems.append(f"{name}: contains {needle!r}, the {what}")
        for line in truth_lines:
            if line and line in text:
                problems.append(f"{name}: contains a row of the assessor key ({line.split(',')[0]})")
    return problems


class _Messages(logging.Handler):
    """The messages nbgrader logs while it generates a release (for the error if it fails)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"[{record.levelname}] {record.getMessage()}")


def _save_cells_once() -> type:
    """The `SaveCells` of nbgrader, writing an exam's cells to the gradebook in one transaction.

    nbgrader commits once per cell (about 100 for the associate exam, each an fsync on SQLite:
    0.5-2 s of the release); here the same rows are written and committed together, and a
    failure leaves the gradebook as it was instead of half the cells.
    """
    from nbgrader.preprocessors import SaveCells

    class SaveCellsOnce(SaveCells):  # type: ignore[misc]
        def _create_notebook(self, nb: Any) -> None:
            session = self.gradebook.db
            commit, session.commit = session.commit, session.flush
            try:
                super()._create_notebook(nb)
            except BaseException:
                session.rollback()
                raise
            finally:
                session.commit = commit
            session.commit()

    return SaveCellsOnce


def generate_assignment(course: Course, exam: str) -> None:
    """Make ``release/<exam>`` with nbgrader's converter in this process.

    The same as ``nbgrader generate_assignment EXAM --force`` in the course root with the
    course's gradebook, reading the course's ``nbgrader_config.py`` as the grading workers do,
    without a new interpreter that imports nbgrader again (seconds per release).

    Raises:
        CourseError: nbgrader could not generate the release (with its log).
    """
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(CONFIG_FILE, path=str(course.root)).load_config()
    config.CourseDirectory.root = str(course.root)
    config.CourseDirectory.db_url = course.db_url
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = exam
    converter = GenerateAssignment(coursedir=coursedir, config=config)
    converter.force = True
    once = _save_cells_once()
    converter.preprocessors = [once if p is once.__base__ else p for p in converter.preprocessors]
    messages = _Messages()
    converter.log.addHandler(messages)
    propagate, converter.log.propagate = converter.log.propagate, False
    try:
        with environment(PATH=tool_env()["PATH"]):
            converter.start()
    except Exception as exc:  # nbgrader logs the cause, then raises NbGraderException
        log = "\n".join([*messages.lines, f"{type(exc).__name__}: {exc}"])
        raise CourseError(f"nbgrader generate_assignment {exam} failed:\n{log}") from None
    finally:
        converter.log.removeHandler(messages)
        converter.log.propagate = propagate


def release(course: Course, exam: str, due: dt.datetime | None = None) -> Path:
    """Generate the trainee version of an exam with nbgrader, refusing anything that leaks.

    Returns:
        The release folder (``release/<exam>``).

    Raises:
        ReleaseError: the release would contain solution text, hidden tests or key values; the
            release folder is removed and nothing ships.
    """
    course.source(exam)
    course.write_variants(exam)
    url = course.db_url
    generate_assignment(course, exam)
    release_dir = course.root / "release" / exam
    if not release_dir.is_dir():
        raise CourseError(f"nbgrader generate_assignment {exam} made no release folder {release_dir}.")
    problems = leak_problems(course, exam, release_dir)
    if problems:
        shutil.rmtree(release_dir)
        raise ReleaseError(f"refusing to release {exam}; nothing was released:\n  " + "\n  ".join(problems))
    if due is not None:
        with gradebook(url) as gb:
            gb.update_or_create_assignment(exam, duedate=due)
    return release_dir
