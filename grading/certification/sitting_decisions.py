"""What the scheme's pass rules decide on a simulated sitting (`grading.certification.sitting`).

The rules are `grading.certification.certify.evaluate` itself (overall minimum and competency
minima); the simulation only reports what they decide: the pass rate, decision consistency (the
share of trainees who get the same decision on a second, independent sitting with the same
ability and variant), and how many trainees at or above the overall pass mark fail on a
competency minimum, and of those how many fail on one single item alone.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from grading.scheme import Level

if TYPE_CHECKING:
    from grading.certification.sitting import ItemModel


@dataclass(frozen=True)
class Decisions:
    """The scheme's pass rules (`grading.certification.certify.evaluate`) applied to the sitting."""

    pass_rate: float
    """Share of simulated trainees certified."""
    consistency: float
    """Share with the same decision on a second, independent sitting (same ability and variant)."""
    failed_on_a_floor: int
    """Trainees at or above the overall pass mark failed by a competency minimum."""
    failed_by_one_item: int
    """Of those, how many failed on one single item alone (the only item short in each missed competency)."""


def decisions(
    level: Level, items: list[ItemModel], first: list[list[float]], second: list[list[float]]
) -> Decisions:
    """Pass rate, decision consistency across two sittings, and failures on a competency floor."""
    from grading.certification.certify import evaluate
    from grading.status import DecisionStatus

    total = sum(i.points for i in items)

    def certified(row: list[float]) -> bool:
        grades: dict[str, tuple[float | None, bool]] = {
            i.question: (v, False) for i, v in zip(items, row, strict=True)
        }
        return evaluate(level, grades)[0] == DecisionStatus.CERTIFIED

    def one_item_alone(row: list[float]) -> bool:
        """Whether the only shortfall behind every missed competency minimum is one single item."""
        missed: dict[str, list[float]] = {}
        for item, value in zip(items, row, strict=True):
            entry = missed.setdefault(item.competency, [0.0, 0.0, 0.0])
            entry[0] += value
            entry[1] += item.points
            entry[2] += value < item.points - 1e-9
        failing = [e for e in missed.values() if e[0] / e[1] < level.competency_min - 1e-9]
        return bool(failing) and all(e[2] == 1 for e in failing)

    once, twice = [certified(row) for row in first], [certified(row) for row in second]
    floor = [
        row
        for row, ok in zip(first, once, strict=True)
        if not ok and sum(row) / total >= level.overall_min - 1e-9
    ]
    return Decisions(
        pass_rate=statistics.fmean(float(ok) for ok in once),
        consistency=statistics.fmean(float(a == b) for a, b in zip(once, twice, strict=True)),
        failed_on_a_floor=len(floor),
        failed_by_one_item=sum(one_item_alone(row) for row in floor),
    )
