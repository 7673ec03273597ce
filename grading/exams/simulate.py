"""Simulated trainees: the helpers the demo, the benchmarks and the simulated sitting share.

`named_mistakes` reads an exam module's typical mistakes in either shape (one wrong answer per
question, or named mistakes per question); `simulated_submission` writes a notebook with
typical mistakes where the dice say so (demo, benchmarks); `variant_spread` is the quick check of
`scripts/variant_fairness.py`. The full simulated sitting with its psychometrics is
`grading.certification.sitting` (``cmacademy exam simulate``).
"""

from __future__ import annotations

import importlib
import random
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from grading.exams import Expected, exam_definition, exam_truth, variant_for
from grading.scheme import Scheme, load_scheme

#: Name of the one mistake of a question whose exam module gives a single wrong answer.
SINGLE_MISTAKE: Final = "typical"


def named_mistakes(
    raw: Mapping[str, Any], expected: Mapping[str, Expected] | None = None
) -> dict[str, dict[str, Any]]:
    """Question -> {mistake name: wrong answer}, from either shape an exam module returns.

    A question whose value is a dict holds named mistakes; any other value is the question's one
    typical mistake, named `SINGLE_MISTAKE`. A dict whose keys are those of a mapping question's
    expected answer (given ``expected``) is that question's one wrong mapping, not named mistakes.
    """
    out: dict[str, dict[str, Any]] = {}
    for question, value in raw.items():
        key = (expected or {}).get(question)
        named = isinstance(value, dict) and not (
            value and key is not None and isinstance(key.value, dict) and set(value) <= set(key.value)
        )
        out[question] = dict(value) if named else {SINGLE_MISTAKE: value}
    return out


def right_and_wrong(
    exam: str, trainee: str, bank_dir: str | None = None, key_dir: str | None = None
) -> tuple[dict[str, Expected], dict[str, Any]]:
    """The expected answers of a trainee's variant and the exam module's typical mistakes, as given.

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

    A question is right with probability ``skill``; otherwise the trainee makes one of its named
    typical mistakes (each equally likely), which earns the credit the real judge gives it on
    this variant (usually none).
    """
    from grading.exams.responses import credit, handed_in

    level = (scheme or load_scheme()).level_for_exam(exam)
    right, raw = right_and_wrong(exam, trainee)
    wrong = named_mistakes(raw, right)
    total = got = 0.0
    for item in level.blueprint:
        if item.manual or item.question not in right:
            continue
        total += item.points
        slips = wrong.get(item.question, {})
        lucky = (
            statistics.fmean(credit(right[item.question], handed_in(m)) for m in slips.values())
            if slips
            else 0.0
        )
        got += item.points * (skill + (1.0 - skill) * lucky)
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
    for a question the simulated trainee gets wrong, ends by overriding the answer with one of
    the question's named typical mistakes (drawn from ``rng``).

    Args:
        exam: exam id.
        trainee: trainee id (decides the variant).
        skill: probability of answering a question right.
        rng: the random stream.
        source: the exam's source notebook (``nbformat`` node); not modified.
        pool: the course's exam pool (``course.settings.bank_dirs``); canonical by default.
    """
    import copy

    from grading.exams.responses import handed_in

    right, raw = right_and_wrong(exam, trainee, *pool)
    wrong = named_mistakes(raw, right)
    nb = copy.deepcopy(source)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        question = grade_id.removesuffix("_answer")
        if grade_id.endswith("_answer") and wrong.get(question) and rng.random() >= skill:
            names = sorted(wrong[question])
            slip = wrong[question][names[0] if len(names) == 1 else rng.choice(names)]
            cell.source += f"\nanswer_{question.split('_')[0]} = {handed_in(slip)!r}"
    return nb
