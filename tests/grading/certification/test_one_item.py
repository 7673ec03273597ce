"""No single item decides a certificate: a strong candidate who misses any one item still passes.

Replays the case of the review: a trainee at 94 % overall failed on the one 2-point item
`q9_org_model`, the only item of its competency.
"""

from __future__ import annotations

import pytest

from grading.certification.certify import evaluate
from grading.scheme import load_scheme
from grading.status import DecisionStatus

LEVELS = [level.id for level in load_scheme().levels]


@pytest.mark.parametrize("level_id", LEVELS)
def test_missing_any_one_item_alone_never_fails_a_candidate(level_id: str) -> None:
    level = load_scheme().level(level_id)
    full = {item.question: (item.points, False) for item in level.blueprint}
    total = sum(item.points for item in level.blueprint)
    for missed in level.blueprint:
        grades = {**full, missed.question: (0.0, False)}
        status, reason, _, overall = evaluate(level, grades)
        assert overall is not None and overall / total >= 0.94 - 1e-9  # a strong candidate
        assert status == DecisionStatus.CERTIFIED, f"{missed.question}: {reason}"
