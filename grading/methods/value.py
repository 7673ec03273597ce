"""Client value: RFM, ABC tiers, profitability and share of wallet.

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
"""

from __future__ import annotations

import math
from typing import Final

import pandas as pd

from casebank.load import CaseBank

RFM_WINDOW_DAYS: Final = 365
NO_TRANSACTION_RECENCY: Final = 366
A_SHARE: Final = 0.70
B_SHARE: Final = 0.90


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
