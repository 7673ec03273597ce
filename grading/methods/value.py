"""Client value: RFM, ABC tiers, profitability, share of wallet, CLV, contribution, potential.

The documented rules:

- RFM over the twelve months up to the as-of date: R = days since the last transaction,
  F = number of transactions, M = total amount (万元). A client without transactions has
  R = 366, F = 0, M = 0. Each is scored 1-5 within the scored population: rank with
  method="first" (ties keep client-id order) in the direction "better is higher" (for R, more
  recent is better), then score = ceil(5 * rank / n).
- ABC on our annual revenue from the client (sum of holdings revenue): sort descending (ties
  by client id); a client whose cumulative share *before* it is below 70% is A, below 90% is
  B, the rest C (the client that crosses a boundary belongs to the upper class).
- Profit = revenue - direct cost - cost-to-serve; cost-to-serve = visits x 拜访 rate +
  transactions x 交易 rate + complaints received in the last 365 days x 投诉处理 rate.
  Rounded to 2 decimals.
- Share of wallet = our revenue / disclosed wallet when the client disclosed it; otherwise the
  Wallet Allocation Rule (1 - rank / (n_banks + 1)) * 2 / n_banks. Rounded to 4 decimals.
- CLV, the simple retention model only: CLV = m * r / (1 + d - r), with m = this year's profit
  (as above, 万元), r = retention rate from the churn-risk band (低 0.90, 中 0.75, 高 0.50)
  and d = 10% a year. The first cash flow comes one year from now (already discounted).
  Rounded to 2 decimals.
- Comprehensive contribution (综合贡献度) = sum over holdings of the category weight x
  (revenue - direct cost) - cost-to-serve; weights 负债业务 1.0, 资产业务 0.8 (capital and
  risk it ties up), 中间业务 1.2 (capital-light, the bank's priority). Rounded to 2 decimals.
- Development potential, 0-100 points: industry outlook (上行 30, 平稳 15, 下行 0) + the
  client's revenue growth in the last year (>= 15% 30, >= 5% 20, >= 0% 10, else 0) + capacity
  utilisation (>= 90% 20, >= 75% 10, else 0) + an announced investment plan (20).
"""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import Final

import pandas as pd

from casebank.load import CaseBank
from grading.methods.relationship import RISK_HIGH, RISK_LOW, RISK_MEDIUM

RFM_WINDOW_DAYS: Final = 365
NO_TRANSACTION_RECENCY: Final = 366
A_SHARE: Final = 0.70
B_SHARE: Final = 0.90
CLV_DECIMALS: Final = 2
DISCOUNT_RATE: Final = 0.10
#: Churn-risk band -> yearly retention rate r used in CLV.
RETENTION_BY_RISK: Final = MappingProxyType({RISK_LOW: 0.90, RISK_MEDIUM: 0.75, RISK_HIGH: 0.50})
#: Product category -> weight of its net revenue in the comprehensive contribution.
CATEGORY_WEIGHTS: Final = MappingProxyType({"负债业务": 1.0, "资产业务": 0.8, "中间业务": 1.2})
OUTLOOK_POINTS: Final = MappingProxyType({"上行": 30, "平稳": 15, "下行": 0})
#: (minimum growth %, points), checked from the top; below the last minimum scores 0.
GROWTH_POINTS: Final = ((15.0, 30), (5.0, 20), (0.0, 10))
#: (minimum utilisation %, points), checked from the top; below the last minimum scores 0.
UTILISATION_POINTS: Final = ((90.0, 20), (75.0, 10))
INVESTMENT_PLAN_POINTS: Final = 20


def quintile_score(values: pd.Series, *, higher_is_better: bool = True) -> pd.Series:
    """Score values 1-5 by quintile: rank(method="first") then ceil(5 * rank / n)."""
    ordered = values.sort_index()
    key = ordered if higher_is_better else -ordered
    ranks = key.rank(method="first")
    n = len(ordered)
    return ranks.map(lambda r: math.ceil(5 * r / n)).astype(int).reindex(values.index)


def rfm(bank: CaseBank, client_ids: list[str] | None = None) -> pd.DataFrame:
    """Return R, F, M and their 1-5 scores for the clients (all clients by default)."""
    ids = pd.Index(client_ids if client_ids is not None else bank.clients["client_id"].astype(str))
    start = bank.as_of - pd.Timedelta(days=RFM_WINDOW_DAYS)
    tx = bank.transactions[(bank.transactions["date"] > start) & (bank.transactions["date"] <= bank.as_of)]
    grouped = tx.groupby(tx["client_id"].astype(str))
    last = grouped["date"].max()
    frame = pd.DataFrame(index=ids)
    frame["recency_days"] = (
        (bank.as_of - last).dt.days.reindex(ids).fillna(NO_TRANSACTION_RECENCY).astype(int)
    )
    frame["frequency"] = grouped.size().reindex(ids).fillna(0).astype(int)
    frame["monetary_wan"] = grouped["amount_wan"].sum().reindex(ids).fillna(0.0).round(2)
    frame["r_score"] = quintile_score(frame["recency_days"], higher_is_better=False)
    frame["f_score"] = quintile_score(frame["frequency"])
    frame["m_score"] = quintile_score(frame["monetary_wan"])
    return frame


def our_revenue(bank: CaseBank) -> pd.Series:
    """Return our revenue from each client over the last 12 months (万元)."""
    ids = bank.clients["client_id"].astype(str)
    rev = bank.holdings.groupby(bank.holdings["client_id"].astype(str))["revenue_wan"].sum()
    return rev.reindex(ids).fillna(0.0).round(2)


def abc_tiers(values: pd.Series) -> pd.Series:
    """Return the ABC tier of each client from its value (index = client id)."""
    ordered = values.sort_index().sort_values(ascending=False, kind="stable")
    total = ordered.sum()
    before = (ordered.cumsum() - ordered) / total
    tiers = before.map(lambda s: "A" if s < A_SHARE else ("B" if s < B_SHARE else "C"))
    return tiers.reindex(values.index)


def profitability(bank: CaseBank) -> pd.DataFrame:
    """Return revenue, direct cost, cost-to-serve and profit per client (万元)."""
    ids = pd.Index(bank.clients["client_id"].astype(str))
    rates = dict(zip(bank.cost_rates["activity"].astype(str), bank.cost_rates["unit_cost_wan"], strict=True))
    h = bank.holdings.groupby(bank.holdings["client_id"].astype(str))
    since = bank.as_of - pd.Timedelta(days=RFM_WINDOW_DAYS)
    complaints = bank.complaints[bank.complaints["received_on"] > since]
    tx = bank.transactions[bank.transactions["date"] > since]

    def count(frame: pd.DataFrame) -> pd.Series:
        return frame.groupby(frame["client_id"].astype(str)).size().reindex(ids).fillna(0)

    out = pd.DataFrame(index=ids)
    out["revenue_wan"] = h["revenue_wan"].sum().reindex(ids).fillna(0.0)
    out["direct_cost_wan"] = h["direct_cost_wan"].sum().reindex(ids).fillna(0.0)
    out["cost_to_serve_wan"] = (
        count(bank.visits) * rates["拜访"] + count(tx) * rates["交易"] + count(complaints) * rates["投诉处理"]
    )
    out["profit_wan"] = out["revenue_wan"] - out["direct_cost_wan"] - out["cost_to_serve_wan"]
    return out.round(2)


def share_of_wallet(bank: CaseBank) -> pd.Series:
    """Return our share of each client's banking wallet (0-1, 4 decimals)."""
    c = bank.clients.set_index(bank.clients["client_id"].astype(str))
    rev = our_revenue(bank).set_axis(c.index)
    disclosed = rev / c["wallet_disclosed_wan"]
    war = (1 - c["our_bank_rank"] / (c["n_banks"] + 1)) * 2 / c["n_banks"]
    return disclosed.where(c["wallet_disclosed_wan"].notna(), war).astype(float).round(4)


def retention_rate(risk: str) -> float:
    """Return the yearly retention rate r for a churn-risk band (高/中/低).

    Raises:
        KeyError: the band is not one of 高, 中, 低.
    """
    return RETENTION_BY_RISK[risk]


def clv(margin_wan: float, retention: float, discount_rate: float = DISCOUNT_RATE) -> float:
    """Return the customer lifetime value of the simple retention model (万元, 2 decimals).

    CLV = m * r / (1 + d - r): the client stays each further year with probability r and every
    year's margin m is discounted at rate d, the first one a year from now.

    Args:
        margin_wan: the yearly margin m; the graded rule uses this year's profit (万元).
        retention: the yearly retention rate r, from `retention_rate`.
        discount_rate: the yearly discount rate d (10% unless stated).
    """
    return round(margin_wan * retention / (1 + discount_rate - retention), CLV_DECIMALS)


def comprehensive_contribution(bank: CaseBank) -> pd.Series:
    """Return each client's comprehensive contribution (综合贡献度, 万元, 2 decimals).

    Sum over the client's holdings of the category weight x (revenue - direct cost), minus the
    cost-to-serve of `profitability`. Closed products count for the revenue they earned.
    """
    ids = pd.Index(bank.clients["client_id"].astype(str))
    category = dict(
        zip(bank.products["product"].astype(str), bank.products["category"].astype(str), strict=True)
    )
    h = bank.holdings
    weights = h["product"].astype(str).map(category).map(dict(CATEGORY_WEIGHTS)).astype(float)
    weighted = (weights * (h["revenue_wan"] - h["direct_cost_wan"])).groupby(h["client_id"].astype(str)).sum()
    cost_to_serve = profitability(bank)["cost_to_serve_wan"]
    return (weighted.reindex(ids).fillna(0.0) - cost_to_serve).round(2)


def revenue_growth_pct(bank: CaseBank) -> pd.Series:
    """Return each client's revenue growth in the last sales year over the year before (%).

    Not rounded: thresholds compare the unrounded value; present it with one decimal.
    """
    sales = bank.sales.pivot(index="client_id", columns="year", values="revenue_wan")
    years = sorted(sales.columns)
    growth = (sales[years[-1]] / sales[years[-2]] - 1) * 100
    return growth.set_axis(growth.index.astype(str)).rename("growth_pct")


def _points(value: float, steps: tuple[tuple[float, int], ...]) -> int:
    for minimum, points in steps:
        if value >= minimum:
            return points
    return 0


def growth_points(growth_pct: float) -> int:
    """Return the potential points of a revenue growth (%, compared unrounded): 30, 20, 10 or 0."""
    return _points(growth_pct, GROWTH_POINTS)


def utilisation_points(utilisation_pct: float) -> int:
    """Return the potential points of a capacity utilisation (%): 20, 10 or 0."""
    return _points(utilisation_pct, UTILISATION_POINTS)


def development_potential(bank: CaseBank) -> pd.DataFrame:
    """Return the development-potential points per factor and their total (0-100) per client."""
    c = bank.clients.set_index(bank.clients["client_id"].astype(str))
    outlook = dict(
        zip(bank.industries["industry"].astype(str), bank.industries["outlook"].astype(str), strict=True)
    )
    growth = revenue_growth_pct(bank).reindex(c.index)
    out = pd.DataFrame(index=c.index)
    out["industry_points"] = c["industry"].astype(str).map(outlook).map(dict(OUTLOOK_POINTS)).astype(int)
    out["growth_points"] = growth.map(growth_points).astype(int)
    out["utilisation_points"] = c["utilisation_pct"].map(utilisation_points).astype(int)
    out["investment_points"] = c["investment_plan_wan"].notna().astype(int) * INVESTMENT_PLAN_POINTS
    out["potential_score"] = out.sum(axis=1).astype(int)
    return out
