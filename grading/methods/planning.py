"""Visit planning: cadence by tier, workload against selling hours, a visit plan within capacity.

The documented rules (curriculum module 8):

- Tiers for planning: ABC (`grading.methods.value.abc_tiers`) on our revenue among the clients
  planned together (in the curriculum: the whole practice set).
- Cadence by ABC tier: A monthly (12 visits a year, due every 30 days), B quarterly (4, every
  90 days), C semi-annually (2, every 180 days). Hours per visit, preparation and travel
  included: A 4, B 3, C 2.
- A client is overdue (逾期未访) when the days since its last visit are *more than* its
  interval; a visit exactly 30/90/180 days ago is still on time. A client never visited is
  overdue.
- Workload (hours a year) = Σ clients × visits a year × hours per visit; managers needed =
  workload ÷ selling hours per manager a year, rounded to 2 decimals (round up to staff).
- Visit plan within capacity: rank the clients by churn risk (高, 中, 低), then tier (A, B, C),
  then days since the last visit (longest first; never visited first), then client id; walk
  down the list and plan a client when its visit hours still fit the hours left, otherwise skip
  it and go on (a shorter visit further down may still fit).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import pandas as pd

from casebank.load import CaseBank
from grading.methods.value import abc_tiers, our_revenue

TIERS: Final = ("A", "B", "C")
VISITS_PER_YEAR: Final = {"A": 12, "B": 4, "C": 2}
INTERVAL_DAYS: Final = {"A": 30, "B": 90, "C": 180}
HOURS_PER_VISIT: Final = {"A": 4.0, "B": 3.0, "C": 2.0}
RISK_ORDER: Final = ("高", "中", "低")


@dataclass(frozen=True)
class PlanCandidate:
    """A client that may be visited in the planning period."""

    client_id: str
    """Client id."""
    tier: str
    """ABC tier (A, B or C)."""
    risk: str
    """Churn-risk band (高, 中 or 低)."""
    days_since_visit: int | None
    """Days since the last visit; None when never visited."""


def tiers_by_revenue(bank: CaseBank, client_ids: list[str]) -> pd.Series:
    """Return the ABC tier of each of the clients, by our revenue among these clients."""
    revenue = our_revenue(bank).set_axis(bank.clients["client_id"].astype(str))
    return abc_tiers(revenue[client_ids])


def is_overdue(days_since_visit: int | None, tier: str) -> bool:
    """Return whether a client is overdue: more days than its tier's interval, or never visited."""
    return days_since_visit is None or days_since_visit > INTERVAL_DAYS[tier]


def workload_hours(clients_per_tier: Mapping[str, int]) -> float:
    """Return Σ clients × visits a year × hours per visit over the tiers (hours a year)."""
    return float(sum(n * VISITS_PER_YEAR[t] * HOURS_PER_VISIT[t] for t, n in clients_per_tier.items()))


def managers_needed(clients_per_tier: Mapping[str, int], selling_hours: float) -> float:
    """Return workload ÷ selling hours per manager a year, rounded to 2 decimals."""
    if selling_hours <= 0:
        raise ValueError(f"selling hours must be positive, got {selling_hours}")
    return round(workload_hours(clients_per_tier) / selling_hours, 2)


def days_since_last_visit(bank: CaseBank) -> pd.Series:
    """Return client id -> days from the last logged visit to the as-of date (<NA> if none)."""
    ids = pd.Index(bank.clients["client_id"].astype(str), name="client_id")
    last = bank.visits.groupby(bank.visits["client_id"].astype(str))["date"].max()
    days: pd.Series = (bank.as_of - last).dt.days.reindex(ids).astype("Int64")
    return days


def _priority(c: PlanCandidate) -> tuple[int, int, float, str]:
    days = float("inf") if c.days_since_visit is None else c.days_since_visit
    return (RISK_ORDER.index(c.risk), TIERS.index(c.tier), -days, c.client_id)


def visit_plan(candidates: list[PlanCandidate], hours_available: float) -> list[str]:
    """Return the client ids to visit, in priority order, within the hours available.

    Args:
        candidates: the clients that may be visited.
        hours_available: selling hours free for visits in the period.

    Returns:
        Client ids in priority order (risk, tier, longest without a visit, client id); a client
        whose visit hours no longer fit is skipped and the walk goes on.
    """
    plan, left = [], hours_available
    for c in sorted(candidates, key=_priority):
        hours = HOURS_PER_VISIT[c.tier]
        if hours <= left:
            plan.append(c.client_id)
            left -= hours
    return plan
