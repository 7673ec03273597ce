"""Visit planning: cadence, overdue boundary, workload and the plan within capacity."""

from __future__ import annotations

import pytest

from grading.methods import planning as pl


@pytest.mark.parametrize(("days", "tier", "overdue"), [(90, "B", False), (91, "B", True), (None, "C", True)])
def test_a_visit_exactly_one_interval_ago_is_on_time(days: int | None, tier: str, overdue: bool) -> None:
    assert pl.is_overdue(days, tier) is overdue


def test_workload_hours_sums_clients_visits_and_hours() -> None:
    assert pl.workload_hours({"A": 1, "B": 2, "C": 3}) == 12 * 4 + 2 * 4 * 3 + 3 * 2 * 2


def test_managers_needed_divides_by_selling_hours() -> None:
    assert pl.managers_needed({"A": 10, "C": 50}, 1400) == round((480 + 200) / 1400, 2)


def test_selling_hours_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        pl.managers_needed({"A": 1}, 0)


def test_plan_orders_by_risk_then_tier_then_days_then_id() -> None:
    cands = [
        pl.PlanCandidate("C3", "A", "低", 40),
        pl.PlanCandidate("C2", "C", "高", 10),
        pl.PlanCandidate("C1", "C", "高", 10),
        pl.PlanCandidate("C4", "B", "中", None),
    ]
    assert pl.visit_plan(cands, 100) == ["C1", "C2", "C4", "C3"]


def test_plan_skips_a_visit_that_does_not_fit_and_goes_on() -> None:
    cands = [pl.PlanCandidate("C1", "A", "高", 1), pl.PlanCandidate("C2", "C", "低", 1)]
    assert pl.visit_plan(cands, 3) == ["C2"]
