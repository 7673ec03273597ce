"""How a simulated trainee answers: a latent ability, per-item difficulty, named typical mistakes.

The response model of the simulated sitting (`grading.exams.simulate`), stated here once:

- ability ``θ ~ Normal(ABILITY_MEAN, ABILITY_SD)`` per trainee;
- difficulty ``b ~ Normal(DIFFICULTY_MEAN, DIFFICULTY_SD)`` per item, drawn once per run;
- a part of an item is right with the logistic (2PL, one common slope) probability
  ``P = 1 / (1 + exp(-SLOPE · (θ − b)))``; an item without parts is one part;
- a trainee who gets an autograded item (or part) wrong hands in one of the item's named
  typical mistakes (`grading.exams.<exam>.mistakes`), chosen uniformly per item, never an
  arbitrary wrong answer: so a mistake that happens to score on some variant shows up as it
  would in a real sitting;
- an item scored in parts (``Expected.scoring`` other than ``"all"``: per key of a mapping, per
  element of a set, per position of a list) mixes the right answer and the chosen mistake part
  by part, each part with its own draw;
- a manually graded criterion gets a simulated rater's score: ``round(points · logistic(SLOPE ·
  (θ − b) + ε))`` with rater noise ``ε ~ Normal(0, RATER_NOISE)``, so it correlates with ability
  as an honest rater's would.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, Final

import numpy as np

from casebank.exam import _plain
from casebank.selfcheck import KIND_LIST, KIND_MAPPING, KIND_SET
from grading.exams import Expected

ABILITY_MEAN: Final = 0.0
ABILITY_SD: Final = 1.0
DIFFICULTY_MEAN: Final = -0.5
DIFFICULTY_SD: Final = 0.75
SLOPE: Final = 1.7
RATER_NOISE: Final = 0.7
SCORING_ALL: Final = "all"


def probability(ability: float, difficulty: float) -> float:
    """Probability that a trainee of ``ability`` gets a part of ``difficulty`` right."""
    return 1.0 / (1.0 + math.exp(-SLOPE * (ability - difficulty)))


def handed_in(answer: Any) -> Any:
    """An answer as the grader receives it: plain JSON data, through a JSON round trip."""
    return json.loads(json.dumps(_plain(answer), ensure_ascii=False))


def credit(expected: Expected, answer: Any) -> float:
    """The real judge's credit of an answer in [0, 1] (`Expected.credit`; `accepts` before it existed)."""
    scorer = getattr(expected, "credit", None)
    if scorer is not None:
        return float(scorer(answer))
    return 1.0 if expected.accepts(answer) else 0.0


def judged_points(expected: Expected, answer: Any, points: float) -> float:
    """The points the judge writes into nbgrader for a handed-in answer.

    `grading.exams.verdicts.verdict` itself (what `JudgeAnswers` writes): ``Expected.credit`` × points, rounded as the
    judge rounds, capped at the item's points.
    """
    from grading.exams.verdicts import verdict

    return verdict(expected, [answer], points, [])[0]


def has_parts(expected: Expected) -> bool:
    """Whether an item is scored part by part (partial credit), so answers mix part by part."""
    return getattr(expected, "scoring", SCORING_ALL) != SCORING_ALL and expected.kind in (
        KIND_MAPPING,
        KIND_SET,
        KIND_LIST,
    )


def mixed_answer(expected: Expected, mistake: Any, right_parts: list[bool] | np.ndarray) -> Any:
    """The right answer with the parts whose draw failed taken from ``mistake``.

    Args:
        expected: the item's expected answer (its value is the right answer).
        mistake: the chosen typical mistake (handed-in form).
        right_parts: one draw per part (`part_count`), True where the part is right.
    """
    right, wrong = handed_in(expected.value), handed_in(mistake)
    draws = iter(bool(d) for d in right_parts)
    if expected.kind == KIND_MAPPING and isinstance(wrong, Mapping):
        out = {}
        for key in sorted(right):
            if next(draws):
                out[key] = right[key]
            elif key in wrong:
                out[key] = wrong[key]
        return out
    if expected.kind == KIND_SET and isinstance(wrong, list):
        keep, diff = set(right) & set(wrong), sorted(set(right) ^ set(wrong))
        return sorted(keep | {e for e in diff if (e in right) == next(draws)})
    if expected.kind == KIND_LIST and isinstance(wrong, list) and len(wrong) == len(right):
        return [r if next(draws) else w for r, w in zip(right, wrong, strict=True)]
    return right if all(right_parts) else wrong


def part_count(expected: Expected, mistake: Any) -> int:
    """How many independent draws `mixed_answer` needs for this item and mistake (at least 1)."""
    if not has_parts(expected):
        return 1
    right, wrong = handed_in(expected.value), handed_in(mistake)
    if expected.kind == KIND_MAPPING and isinstance(right, Mapping):
        return max(1, len(right))
    if expected.kind == KIND_SET and isinstance(wrong, list):
        return max(1, len(set(right) ^ set(wrong)))
    if expected.kind == KIND_LIST and isinstance(wrong, list) and len(wrong) == len(right):
        return max(1, len(right))
    return 1


def rater_score(points: float, ability: float, difficulty: float, noise: float) -> float:
    """A simulated rater's whole-point score of one manually graded criterion."""
    return float(round(points / (1.0 + math.exp(-(SLOPE * (ability - difficulty) + noise)))))
