"""The keys of the mock exams' fixed-text judgment items (assessor side; never shipped in clear).

The mock exams (curriculum ``12_模拟考试_初级`` and ``13_模拟考试_中级``) print each item's text;
this module holds the same scenarios' data where the key is computed (organisation model,
visit ranking, allocation) and the keyed letters where it is judged (overreach, conflicting
signals, which rubric criteria a draft misses). `tests/curriculum/test_mock_exams.py` checks
that the notebooks state the scenarios this module keys.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Final

from grading.methods import organisation as org
from grading.methods import planning as pl

#: Firms of the "pick the organisation model" items, as the notebooks describe them.
FIRM_ASSOCIATE: Final = org.FirmProfile(size="中型", staffing_elastic=True, needs=org.NEEDS_VARIED)
FIRM_SENIOR: Final = org.FirmProfile(
    size="大型", staffing_elastic=True, needs=org.NEEDS_COMPLEX, special_group=True
)

#: Clients of the "rank the visits" items: (name, tier, risk band, days since the last visit).
VISITS_ASSOCIATE: Final = (
    ("甲", "A", "中", 40),
    ("乙", "C", "高", 20),
    ("丙", "B", "中", 120),
    ("丁", "A", "低", 200),
)
VISITS_SENIOR: Final = (
    ("甲", "C", "高", 30),
    ("乙", "A", "中", 10),
    ("丙", "A", "中", 95),
    ("丁", "B", "低", 400),
)


def visit_order(clients: tuple[tuple[str, str, str, int], ...]) -> list[str]:
    """The course's visit priority (risk, tier, longest without a visit) of named clients."""
    candidates = [pl.PlanCandidate(name, tier, risk, days) for name, tier, risk, days in clients]
    return pl.visit_plan(candidates, float("inf"))


@dataclass(frozen=True)
class AllocationCase:
    """The "allocate within capacity" item: fit scores and each manager's free places."""

    scores: dict[str, dict[str, int]]
    """Client -> manager -> fit score (the table the notebook prints)."""
    capacity: dict[str, int]
    """Manager -> how many more clients the manager may take."""


ALLOCATION_SENIOR: Final = AllocationCase(
    scores={
        "W": {"M21": 3, "M22": 2, "M23": 1},
        "X": {"M21": 3, "M22": 1, "M23": 0},
        "Y": {"M21": 2, "M22": 3, "M23": 1},
        "Z": {"M21": 1, "M22": 2, "M23": 2},
    },
    capacity={"M21": 1, "M22": 2, "M23": 1},
)


def best_allocation(case: AllocationCase) -> dict[str, str]:
    """The allocation with the highest total fit within capacity (ties: first in client order)."""
    clients, managers = sorted(case.scores), sorted(case.capacity)
    best: tuple[int, dict[str, str]] = (-1, {})
    for choice in itertools.product(managers, repeat=len(clients)):
        if any(choice.count(m) > case.capacity[m] for m in managers):
            continue
        total = sum(case.scores[c][m] for c, m in zip(clients, choice, strict=True))
        if total > best[0]:
            best = (total, dict(zip(clients, choice, strict=True)))
    return best[1]


def greedy_allocation(case: AllocationCase) -> dict[str, str]:
    """The typical slip: each client in turn takes its best manager with a free place."""
    left = dict(case.capacity)
    out = {}
    for client in sorted(case.scores):
        ranked = sorted(case.scores[client].items(), key=lambda kv: (-kv[1], kv[0]))
        manager = next(m for m, _ in ranked if left[m] > 0)
        out[client] = manager
        left[manager] -= 1
    return out
