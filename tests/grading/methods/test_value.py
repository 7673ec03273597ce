"""The documented value rules: ties, boundaries, rounding."""

from __future__ import annotations

import pandas as pd

from casebank.load import CaseBank
from grading.methods import value


def test_quintile_score_breaks_ties_by_client_order() -> None:
    values = pd.Series([10, 10, 10, 10, 10], index=["C5", "C4", "C3", "C2", "C1"])
    assert value.quintile_score(values).to_dict() == {"C5": 5, "C4": 4, "C3": 3, "C2": 2, "C1": 1}


def test_quintile_score_reverses_when_lower_is_better() -> None:
    days = pd.Series([1, 30, 60, 90, 400], index=["A", "B", "C", "D", "E"])
    assert value.quintile_score(days, higher_is_better=False).tolist() == [5, 4, 3, 2, 1]


def test_quintile_score_uses_ceiling_of_rank_share() -> None:
    scores = value.quintile_score(pd.Series(range(7), index=[f"C{i}" for i in range(7)]))
    assert scores.tolist() == [1, 2, 3, 3, 4, 5, 5]


def test_abc_boundary_client_joins_the_upper_tier() -> None:
    revenue = pd.Series({"C1": 60.0, "C2": 20.0, "C3": 10.0, "C4": 5.0, "C5": 5.0})
    assert value.abc_tiers(revenue).to_dict() == {"C1": "A", "C2": "A", "C3": "B", "C4": "C", "C5": "C"}


def test_abc_ties_sort_by_client_id() -> None:
    revenue = pd.Series({"C4": 25.0, "C3": 25.0, "C2": 25.0, "C1": 25.0})
    assert value.abc_tiers(revenue).to_dict() == {"C4": "B", "C3": "A", "C2": "A", "C1": "A"}


def test_rfm_on_the_bank(bank: CaseBank) -> None:
    scores = value.rfm(bank)
    assert len(scores) == len(bank.clients)
    assert scores[["r_score", "f_score", "m_score"]].isin([1, 2, 3, 4, 5]).all().all()
    assert (scores["f_score"].value_counts() == len(scores) // 5).all()


def test_wallet_allocation_rule_when_wallet_is_unknown(bank: CaseBank) -> None:
    sow = value.share_of_wallet(bank)
    c = bank.clients.set_index("client_id")
    unknown = c[c["wallet_disclosed_wan"].isna()].iloc[0]
    expected = round((1 - unknown["our_bank_rank"] / (unknown["n_banks"] + 1)) * 2 / unknown["n_banks"], 4)
    assert sow[unknown.name] == expected


def test_whale_curve_shows_in_the_bank(bank: CaseBank) -> None:
    profit = value.profitability(bank)["profit_wan"].sort_values(ascending=False)
    assert profit.cumsum().max() > profit.sum()
    assert 0.2 < (profit < 0).mean() < 0.6
    assert profit.head(len(profit) // 10).sum() > 0.8 * profit.sum()
