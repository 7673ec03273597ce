"""An nbgrader course directory wired for cm-academy: set-up, variants and safe release."""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from casebank.errors import CmAcademyError
from casebank.exam import VARIANTS_FILE
from casebank.load import load_bank
from casebank.manifest import dump_json
from grading.exams import ASSIGNMENTS_DIR, EXAMS, blueprint_problems, variant_for
from grading.pipeline.gradebook import gradebook
from grading.pipeline.nbhygiene import notebook_problems
from grading.settings import DEFAULT_COURSE_ID, GRADEBOOK_FILE, Limits, Settings

CONFIG_FILE: Final = "nbgrader_config.py"
MARKER_FILE: Final = "cmacademy.json"
CODE_STUB: Final = "# 在这里写你的代码\nraise NotImplementedError()"
TEXT_STUB: Final = "在这里写你的答案"
AUTOGRADE_PREPROCESSORS: Final = (
    "grading.pipeline.autograde.VariantExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "grading.pipeline.autograde.JudgeAnswers",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
)

CONFIG_TEMPLATE: Final = '''"""nbgrader configuration of a cm-academy course (written by `cmacademy course init`).

Plain `nbgrader generate_assignment` and `nbgrader autograde` work in this directory: autograde
runs each submission with its trainee's case variant and judges the answers in the grader's
process (grading.pipeline.autograde), never in the trainee's kernel.
"""

import os

c = get_config()  # noqa: F821
HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = {course_id!r}
if {db_url!r}:
    c.CourseDirectory.db_url = {db_url!r}
c.ClearSolutions.code_stub = {{"python": {code_stub!r}}}
c.ClearSolutions.text_stub = {text_stub!r}
c.Execute.timeout = {timeout}
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


@dataclass(frozen=True)
class Course:
    """A cm-academy course directory and the settings its commands run with."""

    settings: Settings
    """Everything the course's commands need: paths, gradebook, limits, workers, sandbox."""

    @classmethod
    def open(cls, directory: Path | str, **options: Any) -> Course:
        """Open an existing course, with this run's ``options`` over its recorded settings.

        Args:
            directory: the course root.
            **options: `Settings` fields for this run (``workers``, ``db_url``, ``sandbox``, ...);
                None keeps the course's own.

        Raises:
            CourseError: the directory is not a cm-academy course, or its record is unreadable.
        """
        root = Path(directory).resolve()
        marker = root / MARKER_FILE
        if not marker.is_file() or not (root / CONFIG_FILE).is_file():
            raise CourseError(
                f"{root}: not a cm-academy course; create one with `cmacademy course init {directory}`."
            )
        try:
            record = json.loads(marker.read_text(encoding="utf-8"))
            settings = Settings.from_record(root, record)
        except (ValueError, TypeError, AttributeError) as exc:
            raise CourseError(
                f"{marker}: unreadable course record ({exc}); run `cmacademy course init {directory}` "
                "again to rewrite it (the gradebook and trainees' work are kept)."
            ) from None
        return cls(settings.but(**options))

    def but(self, **options: Any) -> Course:
        """This course with other run settings (see `Settings.but`)."""
        return Course(self.settings.but(**options))

    @property
    def root(self) -> Path:
        """The nbgrader course root (holds nbgrader_config.py and gradebook.db)."""
        return self.settings.root

    @property
    def db_url(self) -> str:
        """The gradebook URL in use."""
        return self.settings.db_url

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

    def trainees(self) -> list[str]:
        """Student ids in the gradebook (empty before the roster is imported)."""
        if self.settings.gradebook_url == "" and not (self.root / GRADEBOOK_FILE).is_file():
            return []
        with gradebook(self.db_url) as gb:
            return sorted(s.id for s in gb.students)

    def write_variants(self, exam: str, trainees: list[str] | None = None) -> Path:
        """Write ``source/<exam>/variants.json`` for the roster (it ships with the release)."""
        ids = self.trainees() if trainees is None else trainees
        variants = {t: json.loads(variant_for(exam, t, *self.settings.bank_dirs).to_json()) for t in ids}
        path = self.source(exam) / VARIANTS_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(dump_json(variants), encoding="utf-8")
        tmp.replace(path)
        return path


def write_kernelspec(root: Path, limits: Limits, bank_dir: Path | None = None) -> Path:
    """Write the course's grading kernelspec: ipykernel started in the sandbox under ``limits``."""
    from grading.pipeline.autograde import GRADING_KERNEL

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


def _check_sources(assignments: Path) -> list[str]:
    """The exams of ``assignments``, each checked against the scheme and for clean notebooks.

    Raises:
        CourseError: no exam folder, or an exam source notebook is not clean.
    """
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
    return exams


def init_course(
    directory: Path | str,
    *,
    limits: Limits | None = None,
    course_id: str = DEFAULT_COURSE_ID,
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
    exams = _check_sources(assignments)
    settings = Settings(
        root=root,
        course_id=course_id,
        bank_dir=bank_dir.resolve() if bank_dir else None,
        key_dir=key_dir.resolve() if key_dir else None,
        bank_version=load_bank(bank_dir).version,
        gradebook_url=db_url or "",
        limits=limits or Limits(),
    )
    root.mkdir(parents=True, exist_ok=True)
    bank, key = (d or "" for d in settings.bank_dirs)
    config = CONFIG_TEMPLATE.format(
        course_id=course_id,
        code_stub=CODE_STUB,
        text_stub=TEXT_STUB,
        timeout=settings.timeout,
        preprocessors=list(AUTOGRADE_PREPROCESSORS),
        bank_dir=bank,
        key_dir=key,
        db_url=settings.gradebook_url,
    )
    (root / CONFIG_FILE).write_text(config, encoding="utf-8")
    write_kernelspec(root, settings.limits, settings.bank_dir)
    (root / MARKER_FILE).write_text(dump_json(settings.to_record()), encoding="utf-8")
    for exam in exams:
        target = root / "source" / exam
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(
            assignments / exam, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", VARIANTS_FILE)
        )
    course = Course(settings)
    for exam in exams:
        course.write_variants(exam)
    return course
