"""Appraisal and allocation: KPI scorecard, contribution rate, incentive bands, client allocation.

The documented rules (curriculum module 10):

- KPI score (points) = 100 × Σ wᵢ · min(actualᵢ / targetᵢ, 1.2); weights sum to 1, targets are
  positive, every KPI is "higher is better" and a negative ratio counts as 0. Rounded to 2
  decimals.
- The scorecard of a manager's book (balanced scorecard): 财务 存款日均 30% (latest quarter's
  average deposits vs the same quarter a year earlier × 1.10), 财务 结算量 25% (last four
  quarters vs the four before × 1.10), 客户 健康度 20% (mean health score vs 85), 流程 按时拜访
  15% (clients not overdue by their tier's cadence vs all clients of the book), 学习 培训学时 10%
  (hours vs 40).
- Contribution rate = the manager's net contribution ÷ the team's (same measure, 万元), as a
  share rounded to 4 decimals; the team's total must be positive.
- Incentive band: score < 90 → 未达标 (no bonus); 90 ≤ score < 110 → 达标, bonus rate
  5% + 10% × (score − 90) / 20; score ≥ 110 → 优秀, 15% + 15% × min(score − 110, 10) / 10.
  Bonus (万元) = base pay × rate, rounded to 2 decimals.
- Allocation fit of a client to a manager = 3 × (client's industry in the manager's expertise)
  + 2 × (same region). Greedy rule: clients by our revenue, largest first (ties by client id);
  each goes to the manager with a free slot and the highest fit; ties go to the manager with
  more free capacity (max clients − current clients), then the smaller manager id. Optimal rule:
  the assignment with the largest total fit (`scipy.optimize.linear_sum_assignment` over one
  column per free slot).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from casebank.load import CaseBank
from grading.methods.planning import days_since_last_visit, is_overdue

CAP: Final = 1.2
PAR_MIN: Final = 90.0
EXCELLENT_MIN: Final = 110.0
BAND_BELOW, BAND_PAR, BAND_EXCELLENT = "未达标", "达标", "优秀"
GROWTH_TARGET: Final = 1.10
HEALTH_TARGET: Final = 85.0
TRAINING_TARGET_HOURS: Final = 40.0
EXPERTISE_FIT: Final = 3
REGION_FIT: Final = 2


@dataclass(frozen=True)
class Kpi:
    """One line of a scorecard."""

    perspective: str
    """Balanced-scorecard perspective: 财务, 客户, 流程 or 学习."""
    name: str
    """KPI name."""
    weight: float
    """Weight; the weights of a scorecard sum to 1."""
    actual: float
    """What the manager achieved."""
    target: float
    """What was agreed; positive."""


def kpi_score(kpis: Sequence[Kpi], cap: float = CAP) -> float:
    """Return 100 × Σ weight · min(actual / target, cap), rounded to 2 decimals.

    Raises:
        ValueError: the weights do not sum to 1 or a target is not positive.
    """
    if abs(sum(k.weight for k in kpis) - 1) > 1e-9:
        raise ValueError(f"weights must sum to 1, got {sum(k.weight for k in kpis)}")
    bad = [k.name for k in kpis if k.target <= 0]
    if bad:
        raise ValueError(f"targets must be positive: {bad}")
    return round(100 * sum(k.weight * min(max(k.actual / k.target, 0.0), cap) for k in kpis), 2)


def manager_scorecard(
    bank: CaseBank,
    client_ids: Sequence[str],
    tiers: dict[str, str],
    health: dict[str, int],
    training_hours: float,
) -> list[Kpi]:
    """Return the documented five-KPI scorecard of a book of clients.

    Args:
        bank: the case bank.
        client_ids: the manager's clients.
        tiers: client id -> ABC tier, for the visit cadence.
        health: client id -> health score.
        training_hours: training hours the manager completed this year.
    """
    ids = list(client_ids)
    q = bank.quarterly[bank.quarterly["client_id"].isin(ids)]
    quarters = sorted(q["quarter"].unique())
    by_quarter = q.groupby("quarter")[["deposit_avg_wan", "settlement_volume_wan"]].sum()
    deposits = by_quarter["deposit_avg_wan"].to_dict()
    deposits_now, deposits_before = deposits[quarters[-1]], deposits[quarters[-5]]
    settle_now = by_quarter.loc[quarters[-4:], "settlement_volume_wan"].sum()
    settle_before = by_quarter.loc[quarters[-8:-4], "settlement_volume_wan"].sum()
    days = days_since_last_visit(bank).to_dict()
    on_time = [c for c in ids if not is_overdue(None if pd.isna(days[c]) else int(days[c]), tiers[c])]
    return [
        Kpi("财务", "存款日均", 0.30, float(deposits_now), float(deposits_before) * GROWTH_TARGET),
        Kpi("财务", "结算量", 0.25, float(settle_now), float(settle_before) * GROWTH_TARGET),
        Kpi("客户", "健康度", 0.20, sum(health[c] for c in ids) / len(ids), HEALTH_TARGET),
        Kpi("流程", "按时拜访", 0.15, float(len(on_time)), float(len(ids))),
        Kpi("学习", "培训学时", 0.10, training_hours, TRAINING_TARGET_HOURS),
    ]


def contribution_rate(manager_net_wan: float, team_net_wan: float) -> float:
    """Return the manager's share of the team's net contribution, rounded to 4 decimals.

    Raises:
        ValueError: the team's net contribution is not positive.
    """
    if team_net_wan <= 0:
        raise ValueError(f"team net contribution must be positive, got {team_net_wan}")
    return round(manager_net_wan / team_net_wan, 4)


def incentive_band(score: float) -> str:
    """Return 未达标 below 90, 达标 from 90 up to 110, 优秀 from 110."""
    if score < PAR_MIN:
        return BAND_BELOW
    return BAND_PAR if score < EXCELLENT_MIN else BAND_EXCELLENT


def bonus_rate(score: float) -> float:
    """Return the bonus as a share of base pay (0 to 0.30), rounded to 4 decimals."""
    band = incentive_band(score)
    if band == BAND_BELOW:
        return 0.0
    if band == BAND_PAR:
        return round(0.05 + 0.10 * (score - PAR_MIN) / 20, 4)
    return round(0.15 + 0.15 * min(score - EXCELLENT_MIN, 10) / 10, 4)


def bonus_wan(score: float, base_pay_wan: float) -> float:
    """Return the bonus in 万元: base pay × bonus rate, rounded to 2 decimals."""
    return round(base_pay_wan * bonus_rate(score), 2)


@dataclass(frozen=True)
class AllocClient:
    """A client to be allocated."""

    client_id: str
    """Client id."""
    industry: str
    """Client's industry."""
    region: str
    """Client's region."""
    revenue_wan: float
    """Our revenue from the client (orders the greedy rule)."""


@dataclass(frozen=True)
class AllocManager:
    """A manager who can take clients."""

    manager_id: str
    """Manager id."""
    region: str
    """Manager's region."""
    expertise: tuple[str, ...]
    """Industries the manager knows."""
    free_capacity: int
    """max clients − current clients (tie-break of the greedy rule)."""
    slots: int
    """How many clients the manager may take in this round."""


def fit(client: AllocClient, manager: AllocManager) -> int:
    """Return 3 × (industry in expertise) + 2 × (same region)."""
    return EXPERTISE_FIT * (client.industry in manager.expertise) + REGION_FIT * (
        client.region == manager.region
    )


def allocate_greedy(clients: Sequence[AllocClient], managers: Sequence[AllocManager]) -> dict[str, str]:
    """Return client id -> manager id by the documented greedy rule (see the module docstring).

    Raises:
        ValueError: there are fewer slots than clients.
    """
    if sum(m.slots for m in managers) < len(clients):
        raise ValueError("fewer free slots than clients to allocate")
    slots = {m.manager_id: m.slots for m in managers}
    out: dict[str, str] = {}
    for c in sorted(clients, key=lambda c: (-c.revenue_wan, c.client_id)):
        open_ = [m for m in managers if slots[m.manager_id] > 0]
        best = min(open_, key=lambda m: (-fit(c, m), -m.free_capacity, m.manager_id))
        out[c.client_id] = best.manager_id
        slots[best.manager_id] -= 1
    return out


def allocate_optimal(
    clients: Sequence[AllocClient], managers: Sequence[AllocManager]
) -> tuple[dict[str, str], int]:
    """Return an allocation with the largest total fit, and that total.

    Each manager becomes ``slots`` identical columns; `linear_sum_assignment` maximises the total
    fit. The total is unique; when several allocations reach it, which one is returned is
    scipy's choice.

    Raises:
        ValueError: there are fewer slots than clients.
    """
    columns = [m for m in managers for _ in range(m.slots)]
    if len(columns) < len(clients):
        raise ValueError("fewer free slots than clients to allocate")
    matrix = np.array([[fit(c, m) for m in columns] for c in clients], dtype=float)
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    mapping = {clients[r].client_id: columns[k].manager_id for r, k in zip(rows, cols, strict=True)}
    return mapping, int(matrix[rows, cols].sum())
