"""Exam definitions: how each exam's variants are drawn and what each question expects.

An exam is a folder ``assignments/<exam>/`` holding the nbgrader source notebook, and a module
here with the same name that provides ``BLUEPRINT`` (a `grading.exams.variants.Blueprint`),
``expected(bank, truth, variant) -> dict[question, Expected]`` and ``mistakes(bank, truth,
variant) -> dict[question, dict[mistake, wrong answer]]`` (every autograded question names at
least one typical mistake), and optionally ``QUESTION_ROLES`` (question -> the role whose client a
case item is about, for `cmacademy exam blueprint`). Fixed-text items take their texts, keys and
mistakes from the exam's parallel forms (`grading.exams.forms`).

The functions below take the exam pool as ``(bank_dir, key_dir)``; None for both means the
public canonical bank (practice and simulation only: a course draws from its own secret pool,
whose recorded variants `variant_for` returns).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

import pandas as pd

from casebank.errors import CmAcademyError
from casebank.exam import Variant
from casebank.load import CaseBank, load_bank
from grading.casegen.pool import load_checked
from grading.exams.assign import assign_variants, read_record, trainee_view, with_forms
from grading.exams.scoring import Expected
from grading.exams.variants import Blueprint, VariantError, draw_variant, stratum_sizes
from grading.keys import DEFAULT_KEY_DIR, load_truth

__all__ = ["EXAMS", "ExamDefinition", "ExamError", "Expected", "bankwide", "exam_definition", "variant_for"]

ASSIGNMENTS_DIR: Final = Path(__file__).resolve().parents[2] / "assignments"
EXAMS: Final = ("assoc", "senior")


class ExamError(CmAcademyError):
    """An exam is unknown or its definition does not match its notebook."""


_BANKWIDE: dict[tuple[str, str], Any] = {}


def bankwide(bank: CaseBank, name: str, compute: Callable[[CaseBank], Any]) -> Any:
    """Compute a bank-wide method result once per bank version (keys of many variants reuse it)."""
    key = (bank.version, name)
    if key not in _BANKWIDE:
        _BANKWIDE[key] = compute(bank)
    return _BANKWIDE[key]


ExpectedFn = Callable[[CaseBank, pd.DataFrame, Variant], dict[str, Expected]]
MistakesFn = Callable[[CaseBank, pd.DataFrame, Variant], dict[str, dict[str, Any]]]


@dataclass(frozen=True)
class ExamDefinition:
    """What the grader knows about one exam."""

    name: str
    blueprint: Blueprint
    expected: ExpectedFn
    mistakes: MistakesFn
    question_roles: Mapping[str, str]
    """Question -> the role (assessor-side name) whose client a case item is about; questions
    about the whole portfolio and fixed-text items are not listed."""


def exam_definition(name: str) -> ExamDefinition:
    """Return the definition of exam ``name``.

    Raises:
        ExamError: unknown exam.
    """
    if name not in EXAMS:
        raise ExamError(f"unknown exam {name!r}; exams: {', '.join(EXAMS)}")
    module = importlib.import_module(f"{__name__}.{name}")
    roles = getattr(module, "QUESTION_ROLES", {})
    return ExamDefinition(name, module.BLUEPRINT, module.expected, module.mistakes, roles)


@cache
def exam_bank(bank_dir: str | None) -> CaseBank:
    """The validated case bank exams draw from (None: the shipped one), read once per process.

    A course's exam pool is validated only when its facts differ from those its key
    directory's stamp says passed validation (`grading.casegen.pool.load_checked`).
    """
    if bank_dir is None:
        return load_bank(None, validate=True)
    return load_checked(Path(bank_dir))


def exam_truth(bank_dir: str | None, key_dir: str | None) -> tuple[CaseBank, pd.DataFrame]:
    """The exam pool's bank and its key (None: the canonical ones)."""
    bank = exam_bank(bank_dir)
    return bank, load_truth(Path(key_dir) if key_dir else DEFAULT_KEY_DIR, bank.version)


def variant_for(exam: str, trainee: str, bank_dir: str | None = None, key_dir: str | None = None) -> Variant:
    """The variant of ``exam`` for ``trainee`` (assessor-side role names).

    On a pool whose variants of ``exam`` were recorded (`assign_for`), the recorded one; before
    any record, or on the canonical bank, the trainee's deterministic draw.

    Raises:
        VariantError: the exam's variants were recorded and ``trainee`` has none.
    """
    bank, truth = exam_truth(bank_dir, key_dir)
    if key_dir:
        recorded = read_record(Path(key_dir), exam)
        if recorded is not None:
            if trainee not in recorded:
                raise VariantError(
                    f"trainee {trainee!r} has no variant of exam {exam} in this course; import them with "
                    "`cmacademy roster import` before they sit the exam."
                )
            return with_forms(recorded[trainee])
    return draw_variant(exam, trainee, bank, truth, exam_definition(exam).blueprint)


def kernel_variant(
    exam: str, trainee: str, bank_dir: str | None = None, key_dir: str | None = None
) -> Variant:
    """The variant a grading kernel gets: neutral role labels, and the pool's facts directory."""
    variant = variant_for(exam, trainee, bank_dir, key_dir)
    return trainee_view(variant, exam_definition(exam).blueprint, bank_dir or "")


def assign_for(exam: str, trainees: list[str], bank_dir: str | None, key_dir: str) -> list[str]:
    """Draw and record the variants of ``trainees`` who have none (see `grading.exams.assign`)."""
    bank, truth = exam_truth(bank_dir, key_dir)
    return assign_variants(exam, trainees, bank, truth, exam_definition(exam).blueprint, Path(key_dir))


def pool_capacity(exam: str, bank_dir: str | None, key_dir: str | None) -> dict[str, int]:
    """Role name -> clients the exam pool holds for it: the most trainees that need not share one."""
    bank, truth = exam_truth(bank_dir, key_dir)
    return stratum_sizes(bank, truth, exam_definition(exam).blueprint)


def expected_answers(
    exam: str, trainee: str, bank_dir: str | None = None, key_dir: str | None = None
) -> dict[str, Expected]:
    """The expected answers of ``trainee``'s variant of ``exam``."""
    bank, truth = exam_truth(bank_dir, key_dir)
    variant = variant_for(exam, trainee, bank_dir, key_dir)
    return exam_definition(exam).expected(bank, truth, variant)


COMPETENCY_METADATA: Final = "cmacademy"


def source_notebook(exam: str, assignments: Path = ASSIGNMENTS_DIR) -> Path:
    """The nbgrader source notebook of an exam."""
    path = assignments / exam / f"{exam}.ipynb"
    if not path.is_file():
        raise ExamError(f"{path}: exam source notebook missing.")
    return path


def graded_cells(path: Path) -> list[tuple[str, float, str | None]]:
    """(grade id, points, competency) of every graded cell (autograded, manual or task) of a source notebook."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    out = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") or meta.get("task"):
            competency = cell.metadata.get(COMPETENCY_METADATA, {}).get("competency")
            out.append((str(meta["grade_id"]), float(meta["points"]), competency))
    return out


def report_cells(exam: str) -> tuple[str, list[str]]:
    """The report's answer cell and its criterion cells (grade ids) in ``exam``'s notebook.

    The trainee writes the report in one zero-point markdown cell (``q21_report``); each rubric
    criterion is a manually graded task cell named ``<answer cell>_<criterion>``
    (``q21_report_evidence``), whose points the blueprint lists.

    Raises:
        ExamError: the exam's level has no manual item per rubric criterion.
    """
    from grading.scheme import load_scheme

    items = [i for i in load_scheme().level_for_exam(exam).blueprint if i.manual and i.criterion]
    answers = {i.question.removesuffix(f"_{i.criterion}") for i in items}
    if len(answers) != 1:
        raise ExamError(
            f"exam {exam}: expected one report marked per rubric criterion, found {sorted(answers)}"
        )
    return answers.pop(), [i.question for i in items]


def blueprint_problems(exam: str, assignments: Path = ASSIGNMENTS_DIR) -> list[str]:
    """Differences between an exam notebook's graded cells and its level's blueprint."""
    from grading.scheme import load_scheme

    level = load_scheme().level_for_exam(exam)
    path = source_notebook(exam, assignments)
    # A zero-point graded cell is the answer cell of a manual item whose points sit on its task cells.
    cells = {
        grade_id: (points, competency) for grade_id, points, competency in graded_cells(path) if points > 0
    }
    problems = []
    for item in level.blueprint:
        if item.question not in cells:
            problems.append(f"{path.name}: no graded cell {item.question!r} (blueprint of level {level.id})")
            continue
        points, competency = cells.pop(item.question)
        if competency is None:
            problems.append(f"{path.name} cell {item.question!r}: not tagged with a competency")
        elif competency != item.competency:
            problems.append(
                f"{path.name} cell {item.question!r}: competency {competency!r}, blueprint says {item.competency!r}"
            )
        if abs(points - item.points) > 1e-9:
            problems.append(
                f"{path.name} cell {item.question!r}: {points:g} points, blueprint says {item.points:g}"
            )
    problems += [
        f"{path.name} cell {q!r}: graded but not in the blueprint of level {level.id}" for q in cells
    ]
    return problems
