"""An nbgrader course directory wired for cm-academy: set-up, exam pool, variants and handouts.

Unless given a bank, ``course init`` generates the course's own exam pool from a secret seed
(`grading.casegen.pool`) into ``COURSE/.cmacademy/pool`` (private to the course's owner); the
public canonical bank stays the practice bank. Variants are assigned per exam without shared
clients (`grading.exams.assign`) and each trainee's handout (own variant, own clients' facts)
is written to ``COURSE/.cmacademy/handouts/<trainee>/<exam>/`` for delivery to that trainee
alone (`grading.hub` copies it into the trainee's home); nothing about variants is released.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from casebank.errors import CmAcademyError
from casebank.manifest import dump_json, read_manifest
from grading.pipeline.gradebook import create_gradebook, gradebook
from grading.pipeline.nbhygiene import notebook_problems
from grading.settings import DEFAULT_COURSE_ID, GRADEBOOK_FILE, Limits, Settings

# The exams, the pool generator and the handout writer (pandas, the case generator) are imported
# where they are used, so that opening a course (every command) does not import them.

CONFIG_FILE: Final = "nbgrader_config.py"
#: The name of the course's grading kernelspec (`grading.pipeline.autograde.VariantExecute` runs it).
GRADING_KERNEL: Final = "cmacademy-grader"
MARKER_FILE: Final = "cmacademy.json"
#: The course's assessor-side folder (grading kernelspec, exam pool, handouts): its owner only.
PRIVATE_DIR: Final = ".cmacademy"
PRIVATE_MODE: Final = 0o700
POOL_DIR: Final = "pool"
HANDOUTS_DIR: Final = "handouts"
#: A role's stratum should hold this many clients per trainee (draws within a variant compete).
POOL_MARGIN: Final = 1.3
#: Pools are grown at most this often to fit a roster, and never beyond this many clients.
POOL_GROWTHS: Final = 3
MAX_POOL_CLIENTS: Final = 4000
#: Clients a new pool gets per trainee when the roster's size is known at init: the senior exam's
#: rarest stratum (clients with complaints) holds about 4.5 % of a large pool, so 40 per trainee
#: gives it the POOL_MARGIN with room, and the pool is drawn once instead of grown at import.
POOL_CLIENTS_PER_TRAINEE: Final = 40
log = logging.getLogger(__name__)
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

# Where the exam pool's facts and assessor key are (the course's secret pool unless given).
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

    @property
    def handouts(self) -> Path:
        """The folder of trainees' handouts: ``<trainee>/<exam>/`` (assessor side until delivered)."""
        return self.root / PRIVATE_DIR / HANDOUTS_DIR

    def owns_pool(self) -> bool:
        """Whether the course draws from its own generated exam pool (not a bank it was given)."""
        from grading.casegen.pool import pool_dirs

        return self.settings.key_dir == pool_dirs(self.root / PRIVATE_DIR / POOL_DIR).key

    def write_variants(self, exam: str, trainees: list[str] | None = None) -> Path:
        """Assign variants of ``exam`` to the roster without shared clients and write their handouts.

        Before any variant of the course was recorded, a pool too small for the roster is first
        replaced by a larger one; afterwards a shortfall is only logged as a warning.

        Returns:
            The handouts folder.
        """
        from grading.exams import assign_for, exam_bank, kernel_variant
        from grading.exams.handout import write_handout

        ids = self.trainees() if trainees is None else trainees
        if not ids:
            return self.handouts
        self._fit_pool(len(ids))
        bank_dir, key_dir = self.settings.bank_dirs
        assert key_dir is not None, "a course's variants are recorded beside its own key"
        for warning in assign_for(exam, ids, bank_dir, key_dir):
            log.warning(warning)
        bank = exam_bank(bank_dir)
        for trainee in ids:
            view = kernel_variant(exam, trainee, bank_dir, key_dir)
            write_handout(view, bank, self.handouts / trainee / exam)
        return self.handouts

    def _fit_pool(self, trainees: int) -> None:
        """Grow the course's own pool until every role has room for ``trainees``, if still allowed."""
        from grading.casegen.pool import generate_pool
        from grading.exams import EXAMS, exam_bank, pool_capacity
        from grading.exams.assign import read_record

        key_dir = self.settings.key_dir
        if not self.owns_pool() or key_dir is None or any(read_record(key_dir, e) for e in EXAMS):
            return
        for _ in range(POOL_GROWTHS):
            bank = exam_bank(str(self.settings.bank_dir))
            clients = len(bank.clients)
            need = max(
                math.ceil(trainees * POOL_MARGIN) / max(size, 1) * clients
                for exam in self.exams()
                for size in pool_capacity(exam, *self.settings.bank_dirs).values()
            )
            if need <= clients:
                return
            grown = min(MAX_POOL_CLIENTS, math.ceil(need * 1.1))
            if grown <= clients:
                return
            log.warning(f"growing the exam pool of {self.root} to {grown} clients for {trainees} trainees")
            generate_pool(self.root / PRIVATE_DIR / POOL_DIR, grown)
            exam_bank.cache_clear()
            record = json.loads((self.root / MARKER_FILE).read_text(encoding="utf-8"))
            record["bank_version"] = exam_bank(str(self.settings.bank_dir)).version
            (self.root / MARKER_FILE).write_text(dump_json(record), encoding="utf-8")


def write_kernelspec(root: Path, limits: Limits, bank_dir: Path | None = None) -> Path:
    """Write the course's grading kernelspec: ipykernel started in the sandbox under ``limits``."""
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
    from grading.exams import EXAMS, blueprint_problems

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


def pool_clients(trainees: int | None) -> int:
    """Clients of a new course pool for a roster of ``trainees`` (None: not known yet)."""
    from grading.casegen.pool import DEFAULT_POOL_CLIENTS

    if not trainees:
        return DEFAULT_POOL_CLIENTS
    return min(MAX_POOL_CLIENTS, max(DEFAULT_POOL_CLIENTS, trainees * POOL_CLIENTS_PER_TRAINEE))


def _course_pool(
    root: Path, bank_dir: Path | None, key_dir: Path | None, trainees: int | None, checks: ExitStack
) -> tuple[Path, Path, bool]:
    """The (facts, key) directories a course draws its exams from, and whether drawn just now.

    A given bank is used as it is; otherwise the course's own secret pool, generated on first
    init (sized for ``trainees`` when given) and kept by later ones (trainees' variants were
    drawn from it). A pool drawn now is validated in another process until ``checks`` closes.

    Raises:
        CourseError: only one of bank and key was given.
    """
    from grading.casegen.pool import drawing_pool, pool_dirs

    if bank_dir is not None and key_dir is not None:
        return bank_dir.resolve(), key_dir.resolve(), False
    if bank_dir is not None or key_dir is not None:
        raise CourseError("give both --bank and --key (a bank and the key generated with it), or neither.")
    marker = root / MARKER_FILE
    if marker.is_file():
        recorded = Settings.from_record(root, json.loads(marker.read_text(encoding="utf-8")))
        if recorded.bank_dir and recorded.key_dir and recorded.key_dir.is_dir():
            return recorded.bank_dir, recorded.key_dir, False
    private = root / PRIVATE_DIR
    private.mkdir(parents=True, exist_ok=True, mode=PRIVATE_MODE)
    os.chmod(private, PRIVATE_MODE)
    pool = pool_dirs(private / POOL_DIR)
    if pool.facts.is_dir() and pool.key.is_dir():
        return pool.facts, pool.key, False
    pool = checks.enter_context(drawing_pool(private / POOL_DIR, pool_clients(trainees)))
    return pool.facts, pool.key, True


def init_course(
    directory: Path | str,
    *,
    limits: Limits | None = None,
    course_id: str = DEFAULT_COURSE_ID,
    assignments: Path | None = None,
    bank_dir: Path | None = None,
    key_dir: Path | None = None,
    db_url: str | None = None,
    trainees: int | None = None,
) -> Course:
    """Create an nbgrader course directory with every exam of ``assignments`` in ``source/``.

    Without ``bank_dir`` and ``key_dir`` the course gets its own exam pool, generated from a
    secret seed; ``trainees``, the roster's expected size, sizes that pool so the roster's
    import need not draw it again (a larger roster still grows it then). Re-running on an
    existing cm-academy course refreshes ``source/`` and the configuration; the exam pool, the
    gradebook and trainees' work are kept.

    Args:
        directory: the course root.
        limits: the grading kernel's resource limits.
        course_id: nbgrader's course id.
        assignments: the exams' sources (default: the exams cm-academy ships).
        bank_dir: a bank to draw exams from, with its assessor key ``key_dir``.
        key_dir: see ``bank_dir`` (neither: the course's own pool).
        db_url: the gradebook's URL (default: SQLite in the course root).
        trainees: the roster's expected size, to draw the course's own pool at once.

    Raises:
        CourseError: the directory exists, is not empty and is not a cm-academy course; or an
            exam source notebook is not clean; or only one of bank and key was given.
    """
    from grading.exams import ASSIGNMENTS_DIR

    assignments = ASSIGNMENTS_DIR if assignments is None else assignments
    root = Path(directory).resolve()
    if root.exists() and any(root.iterdir()) and not (root / MARKER_FILE).is_file():
        raise CourseError(
            f"{root}: directory is not empty and not a cm-academy course; choose a new directory."
        )
    exams = _check_sources(assignments)
    root.mkdir(parents=True, exist_ok=True)
    with ExitStack() as checks:  # a pool drawn now is validated on another core meanwhile
        bank_path, key_path, drawn = _course_pool(root, bank_dir, key_dir, trainees, checks)
        settings = Settings(
            root=root,
            course_id=course_id,
            bank_dir=bank_path,
            key_dir=key_path,
            bank_version=_bank_version(bank_path, drawn),
            gradebook_url=db_url or "",
            limits=limits or Limits(),
        )
        _write_course_files(settings, exams, assignments)
        create_gradebook(settings.db_url)
    (root / MARKER_FILE).write_text(dump_json(settings.to_record()), encoding="utf-8")
    course = Course(settings)
    for exam in exams:
        course.write_variants(exam)
    return course


def _bank_version(facts: Path, drawn: bool) -> str:
    """A bank's version: a given bank validated now (a stamped pool read), a drawn one as written."""
    from grading.exams import exam_bank

    return str(read_manifest(facts)["bank_version"]) if drawn else exam_bank(str(facts)).version


def _write_course_files(settings: Settings, exams: list[str], assignments: Path) -> None:
    """Write the course's nbgrader configuration, grading kernelspec and exam sources."""
    root, course_id = settings.root, settings.course_id
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
    for exam in exams:
        target = root / "source" / exam
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(assignments / exam, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
