"""Simulated trainees: right answers with a skill-dependent probability, typical mistakes otherwise.

Used to show that variants are of comparable difficulty (the spread of one simulated trainee's
expected score across variants) and, later, to write a demo cohort's submissions.
"""

from __future__ import annotations

import importlib
import random
import statistics
from dataclasses import dataclass
from typing import Any

from grading.exams import Expected, exam_definition, exam_truth, variant_for
from grading.scheme import Scheme, load_scheme


def right_and_wrong(
    exam: str, trainee: str, bank_dir: str | None = None, key_dir: str | None = None
) -> tuple[dict[str, Expected], dict[str, Any]]:
    """The expected answers of a trainee's variant and each question's typical mistake.

    Args:
        exam: exam id.
        trainee: trainee id.
        bank_dir: the exam pool's facts (a course's ``settings.bank_dirs``); None: canonical.
        key_dir: the exam pool's key; None: canonical.
    """
    bank, truth = exam_truth(bank_dir, key_dir)
    definition = exam_definition(exam)
    variant = variant_for(exam, trainee, bank_dir, key_dir)
    wrong = importlib.import_module(f"grading.exams.{exam}").mistakes(bank, truth, variant)
    return definition.expected(bank, truth, variant), wrong


def expected_auto_score(exam: str, trainee: str, skill: float, scheme: Scheme | None = None) -> float:
    """Expected share of the autograded points for a trainee of the given skill and variant.

    A question is right with probability ``skill``, and also when the typical mistake happens
    to give the right answer for this variant.
    """
    level = (scheme or load_scheme()).level_for_exam(exam)
    right, wrong = right_and_wrong(exam, trainee)
    total = got = 0.0
    for item in level.blueprint:
        if item.manual:
            continue
        total += item.points
        lucky = right[item.question].accepts(wrong[item.question])
        got += item.points * (1.0 if lucky else skill)
    return got / total


@dataclass(frozen=True)
class Spread:
    """Summary of one simulated trainee's expected score across variants."""

    variants: int
    mean: float
    stdev: float
    minimum: float
    maximum: float


def variant_spread(exam: str, skill: float, variants: int = 100) -> Spread:
    """Expected score of a ``skill`` trainee over ``variants`` different trainee ids."""
    scheme = load_scheme()
    scores = [expected_auto_score(exam, f"sim{i:04d}", skill, scheme) for i in range(variants)]
    return Spread(variants, statistics.fmean(scores), statistics.pstdev(scores), min(scores), max(scores))


def simulated_submission(
    exam: str,
    trainee: str,
    skill: float,
    rng: random.Random,
    source: Any,
    pool: tuple[str | None, str | None] = (None, None),
) -> Any:
    """A trainee's exam notebook: the model solution, with typical mistakes where the dice say so.

    Each answer cell keeps its worked solution (so the notebook does the real computation) and,
    for a question the simulated trainee gets wrong, ends by overriding the answer with the
    question's typical mistake.

    Args:
        exam: exam id.
        trainee: trainee id (decides the variant).
        skill: probability of answering a question right.
        rng: the random stream.
        source: the exam's source notebook (``nbformat`` node); not modified.
        pool: the course's exam pool (``course.settings.bank_dirs``); canonical by default.
    """
    import copy

    _, wrong = right_and_wrong(exam, trainee, *pool)
    nb = copy.deepcopy(source)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        question = grade_id.removesuffix("_answer")
        if grade_id.endswith("_answer") and question in wrong and rng.random() >= skill:
            cell.source += f"\nanswer_{question.split('_')[0]} = {wrong[question]!r}"
    return nb
