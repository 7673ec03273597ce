"""An nbgrader course directory wired for cm-academy: set-up, variants and safe release."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from casebank.errors import CmAcademyError
from casebank.exam import VARIANTS_FILE
from casebank.load import load_bank
from casebank.manifest import dump_json
from grading.exams import ASSIGNMENTS_DIR, EXAMS, blueprint_problems, expected_answers, variant_for
from grading.keys import DEFAULT_KEY_DIR, KEY_MANIFEST, TRUTH_FILE
from grading.nbhygiene import notebook_problems
from grading.sandbox import Limits

if TYPE_CHECKING:
    from nbgrader.api import Gradebook

CONFIG_FILE: Final = "nbgrader_config.py"
MARKER_FILE: Final = "cmacademy.json"
GRADEBOOK: Final = "gradebook.db"
CODE_STUB: Final = "# 在这里写你的代码\nraise NotImplementedError()"
TEXT_STUB: Final = "在这里写你的答案"
FORBIDDEN_MARKERS: Final = (
    "BEGIN SOLUTION",
    "END SOLUTION",
    "BEGIN HIDDEN TESTS",
    "END HIDDEN TESTS",
    "exam.submit(",
)
AUTOGRADE_PREPROCESSORS: Final = (
    "grading.autograde.VariantExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "grading.autograde.JudgeAnswers",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
)

CONFIG_TEMPLATE: Final = '''"""nbgrader configuration of a cm-academy course (written by `cmacademy course init`).

Plain `nbgrader generate_assignment` and `nbgrader autograde` work in this directory: autograde
runs each submission with its trainee's case variant and judges the answers in the grader's
process (grading.autograde), never in the trainee's kernel.
"""

import os

c = get_config()  # noqa: F821
HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = {course_id!r}
if {db_url!r}:
    c.CourseDirectory.db_url = {db_url!r}
c.ClearSolutions.code_stub = {{"python": {code_stub!r}}}
c.ClearSolutions.text_stub = {text_stub!r}
c.Execute.timeout = 120
c.Autograde.autograde_preprocessors = {preprocessors!r}

# Feedback never shows hidden tests (nbgrader's default would).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Submissions run in the course's grading kernel (resource limits; see .cmacademy/kernels).
c.VariantExecute.kernel_dir = os.path.join(HERE, ".cmacademy")

# Where the case bank and the assessor key are; empty means the ones shipped with cm-academy.
c.BankSettings.bank_dir = {bank_dir!r}
c.BankSettings.key_dir = {key_dir!r}
'''


class CourseError(CmAcademyError):
    """A course directory cannot be created, read or released from."""


class ReleaseError(CourseError):
    """A release would ship solutions, hidden tests or key values; nothing was released."""


@dataclass(frozen=True)
class Course:
    """A cm-academy course directory."""

    root: Path
    """The nbgrader course root (holds nbgrader_config.py and gradebook.db)."""

    @classmethod
    def open(cls, directory: Path | str) -> Course:
        """Open an existing course.

        Raises:
            CourseError: the directory is not a cm-academy course.
        """
        root = Path(directory).resolve()
        if not (root / MARKER_FILE).is_file() or not (root / CONFIG_FILE).is_file():
            raise CourseError(
                f"{root}: not a cm-academy course; create one with `cmacademy course init {directory}`."
            )
        return cls(root)

    @functools.cached_property
    def settings(self) -> dict[str, str]:
        """The course's settings written at init (course id, bank and key directories), read once."""
        data: dict[str, str] = json.loads((self.root / MARKER_FILE).read_text(encoding="utf-8"))
        return data

    @property
    def db_url(self) -> str:
        """The gradebook URL: the one given at init, else the SQLite file in the course root."""
        return self.settings.get("db_url") or f"sqlite:///{self.root / GRADEBOOK}"

    def source(self, exam: str) -> Path:
        """The nbgrader source folder of an exam."""
        path = self.root / "source" / exam
        if not path.is_dir():
            raise CourseError(
                f"{path}: exam {exam!r} is not in this course; exams: {', '.join(self.exams())}."
            )
        return path

    def exams(self) -> list[str]:
        """Exams present in the course's source folder."""
        return sorted(p.name for p in (self.root / "source").iterdir() if p.is_dir())

    def trainees(self, db_url: str | None = None) -> list[str]:
        """Student ids in the gradebook (empty before the roster is imported)."""
        if db_url is None and not (self.root / GRADEBOOK).is_file():
            return []
        with gradebook(db_url or self.db_url) as gb:
            return sorted(s.id for s in gb.students)

    def _dirs(self) -> tuple[str | None, str | None]:
        s = self.settings
        return (s.get("bank_dir") or None, s.get("key_dir") or None)

    def write_variants(self, exam: str, trainees: list[str] | None = None, db_url: str | None = None) -> Path:
        """Write ``source/<exam>/variants.json`` for the roster (it ships with the release)."""
        ids = self.trainees(db_url) if trainees is None else trainees
        variants = {t: json.loads(variant_for(exam, t, *self._dirs()).to_json()) for t in ids}
        path = self.source(exam) / VARIANTS_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(dump_json(variants), encoding="utf-8")
        tmp.replace(path)
        return path


def write_kernelspec(root: Path, limits: Limits, bank_dir: Path | None = None) -> Path:
    """Write the course's grading kernelspec: ipykernel started in the sandbox under ``limits``."""
    from grading.autograde import GRADING_KERNEL

    spec_dir = root / ".cmacademy" / "kernels" / GRADING_KERNEL
    spec_dir.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.executable, "-m", "grading.sandbox",
        "--memory-mb", str(limits.memory_mb),
        "--cpu-seconds", str(limits.cpu_seconds),
        "--file-size-mb", str(limits.file_size_mb),
        "--processes", str(limits.processes),
        *(["--ro", str(bank_dir.resolve())] if bank_dir else []),
        "--", sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
    ]  # fmt: skip
    # Signals cannot reach the kernel through the sandbox; interrupts go as messages.
    spec = {
        "argv": argv,
        "display_name": "cm-academy grading kernel (sandboxed)",
        "language": "python",
        "interrupt_mode": "message",
    }
    path = spec_dir / "kernel.json"
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    return path


def init_course(
    directory: Path | str,
    *,
    limits: Limits | None = None,
    course_id: str = "cm-academy",
    assignments: Path = ASSIGNMENTS_DIR,
    bank_dir: Path | None = None,
    key_dir: Path | None = None,
    db_url: str | None = None,
) -> Course:
    """Create an nbgrader course directory with every exam of ``assignments`` in ``source/``.

    Re-running on an existing cm-academy course refreshes ``source/`` and the configuration;
    the gradebook and trainees' work are kept.

    Raises:
        CourseError: the directory exists, is not empty and is not a cm-academy course; or an
            exam source notebook is not clean.
    """
    root = Path(directory).resolve()
    if root.exists() and any(root.iterdir()) and not (root / MARKER_FILE).is_file():
        raise CourseError(
            f"{root}: directory is not empty and not a cm-academy course; choose a new directory."
        )
    exams = [e for e in EXAMS if (assignments / e).is_dir()]
    if not exams:
        raise CourseError(f"{assignments}: no exam folders ({', '.join(EXAMS)}) found.")
    for exam in exams:
        problems = blueprint_problems(exam, assignments)
        for nb in sorted((assignments / exam).glob("*.ipynb")):
            problems += notebook_problems(nb)
        if problems:
            raise CourseError(
                f"exam {exam} does not match the scheme or is not clean:\n  " + "\n  ".join(problems)
            )
    bank = load_bank(bank_dir)
    root.mkdir(parents=True, exist_ok=True)
    settings = {
        "course_id": course_id,
        "bank_dir": str(bank_dir.resolve()) if bank_dir else "",
        "key_dir": str(key_dir.resolve()) if key_dir else "",
        "bank_version": bank.version,
        "db_url": db_url or "",
    }
    config = CONFIG_TEMPLATE.format(
        course_id=course_id,
        code_stub=CODE_STUB,
        text_stub=TEXT_STUB,
        preprocessors=list(AUTOGRADE_PREPROCESSORS),
        bank_dir=settings["bank_dir"],
        key_dir=settings["key_dir"],
        db_url=settings["db_url"],
    )
    (root / CONFIG_FILE).write_text(config, encoding="utf-8")
    write_kernelspec(root, limits or Limits(), bank_dir)
    (root / MARKER_FILE).write_text(dump_json(settings), encoding="utf-8")
    for exam in exams:
        target = root / "source" / exam
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(
            assignments / exam, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", VARIANTS_FILE)
        )
    course = Course(root)
    for exam in exams:
        course.write_variants(exam)
    return course


def tool_env() -> dict[str, str]:
    """The environment with this interpreter's scripts first on PATH (nbgrader calls alembic)."""
    bin_dir = str(Path(sys.executable).parent)
    return os.environ | {
        "PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")]),
        "PYTHONUNBUFFERED": "1",
    }


def gradebook(db_url: str) -> Gradebook:
    """Open nbgrader's gradebook (creating its tables; nbgrader calls alembic from PATH)."""
    from nbgrader.api import Gradebook
    from nbgrader.utils import setenv

    with setenv(PATH=tool_env()["PATH"]):
        return Gradebook(db_url)


def run_nbgrader(course: Course, *args: str) -> subprocess.CompletedProcess[str]:
    """Run an nbgrader command in the course root with this interpreter."""
    env = tool_env()
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course.root,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def distinctive_values(value: object, decimals: int) -> list[str]:
    """How an expected value would show in a file if it leaked (only values unlikely by chance)."""
    if isinstance(value, float | int) and not isinstance(value, bool) and decimals >= 2:
        text = f"{value:.{decimals}f}"
        return [text] if len(text.replace("-", "").replace(".", "")) >= 4 else []
    if isinstance(value, dict) and value:
        return [json.dumps(value, ensure_ascii=False, sort_keys=True)]
    return []


def leak_problems(course: Course, exam: str, release_dir: Path) -> list[str]:
    """What in a release would leak solutions, hidden tests or key values (empty when safe)."""
    problems: list[str] = []
    needles: dict[str, str] = {}
    for trainee in course.trainees():
        for question, expected in expected_answers(exam, trainee, *course._dirs()).items():
            for text in distinctive_values(expected.value, expected.decimals):
                needles[text] = f"expected answer of {question} for trainee {trainee}"
    key_dir = Path(course._dirs()[1] or DEFAULT_KEY_DIR)
    truth_lines = (key_dir / TRUTH_FILE).read_text(encoding="utf-8").splitlines()[1:]
    for path in sorted(p for p in release_dir.rglob("*") if p.is_file()):
        name = path.relative_to(release_dir)
        if path.name in (TRUTH_FILE, KEY_MANIFEST):
            problems.append(f"{name}: assessor key file in the release")
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


def release(course: Course, exam: str, due: dt.datetime | None = None, db_url: str | None = None) -> Path:
    """Generate the trainee version of an exam with nbgrader, refusing anything that leaks.

    Returns:
        The release folder (``release/<exam>``).

    Raises:
        ReleaseError: the release would contain solution text, hidden tests or key values; the
            release folder is removed and nothing ships.
    """
    course.source(exam)
    course.write_variants(exam)
    url = db_url or course.db_url
    done = run_nbgrader(course, "generate_assignment", exam, "--force", f"--CourseDirectory.db_url={url}")
    release_dir = course.root / "release" / exam
    if done.returncode != 0 or not release_dir.is_dir():
        raise CourseError(f"nbgrader generate_assignment {exam} failed:\n{done.stdout}{done.stderr}".rstrip())
    problems = leak_problems(course, exam, release_dir)
    if problems:
        shutil.rmtree(release_dir)
        raise ReleaseError(f"refusing to release {exam}; nothing was released:\n  " + "\n  ".join(problems))
    if due is not None:
        with gradebook(url) as gb:
            gb.update_or_create_assignment(exam, duedate=due)
    return release_dir
