"""The documented value rules: ties, boundaries, rounding."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

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


def tiny_bank(**tables: pd.DataFrame) -> CaseBank:
    return CaseBank(Path("tiny"), {"as_of": "2026-06-30", "bank_version": "tiny"}, dict(tables))


def activity_tables() -> dict[str, pd.DataFrame]:
    """One visit for C1 (0.5) and nothing else."""
    return {
        "cost_rates": pd.DataFrame(
            {"activity": ["拜访", "交易", "投诉处理"], "unit_cost_wan": [0.5, 0.02, 1.5]}
        ),
        "visits": pd.DataFrame({"client_id": ["C1"]}),
        "transactions": pd.DataFrame(
            {"client_id": pd.Series([], dtype=str), "date": pd.Series([], dtype="datetime64[ns]")}
        ),
        "complaints": pd.DataFrame(
            {"client_id": pd.Series([], dtype=str), "received_on": pd.Series([], dtype="datetime64[ns]")}
        ),
    }


@pytest.mark.parametrize(("risk", "retention"), [("低", 0.90), ("中", 0.75), ("高", 0.50)])
def test_retention_rate_by_churn_risk_band(risk: str, retention: float) -> None:
    assert value.retention_rate(risk) == retention


def test_clv_is_the_discounted_simple_retention_model() -> None:
    assert value.clv(100.0, 0.90) == 450.0
    assert value.clv(100.0, 0.75) == 214.29


def test_clv_discount_rate_lowers_the_value() -> None:
    assert value.clv(100.0, 0.90, discount_rate=0.20) == 300.0


def test_comprehensive_contribution_weights_categories_and_nets_cost_to_serve() -> None:
    bank = tiny_bank(
        clients=pd.DataFrame({"client_id": ["C1", "C2"]}),
        products=pd.DataFrame(
            {
                "product": ["对公存款", "流动资金贷款", "结算与账户"],
                "category": ["负债业务", "资产业务", "中间业务"],
            }
        ),
        holdings=pd.DataFrame(
            {
                "client_id": ["C1", "C1", "C1"],
                "product": ["对公存款", "流动资金贷款", "结算与账户"],
                "revenue_wan": [20.0, 30.0, 15.0],
                "direct_cost_wan": [10.0, 20.0, 5.0],
            }
        ),
        **activity_tables(),
    )
    # 10 x 1.0 + 10 x 0.8 + 10 x 1.2 - one visit x 0.5
    assert value.comprehensive_contribution(bank).to_dict() == {"C1": 29.5, "C2": 0.0}


@pytest.mark.parametrize(("growth", "points"), [(15.0, 30), (14.999, 20), (5.0, 20), (0.0, 10), (-0.1, 0)])
def test_growth_points_thresholds_are_inclusive_and_unrounded(growth: float, points: int) -> None:
    assert value.growth_points(growth) == points


@pytest.mark.parametrize(("utilisation", "points"), [(90.0, 20), (89.9, 10), (75.0, 10), (74.9, 0)])
def test_utilisation_points_thresholds(utilisation: float, points: int) -> None:
    assert value.utilisation_points(utilisation) == points


def test_development_potential_adds_the_four_factors() -> None:
    bank = tiny_bank(
        clients=pd.DataFrame(
            {
                "client_id": ["C1", "C2"],
                "industry": ["新能源", "建筑工程"],
                "utilisation_pct": [95.0, 50.0],
                "investment_plan_wan": [1000.0, None],
            }
        ),
        industries=pd.DataFrame({"industry": ["新能源", "建筑工程"], "outlook": ["上行", "下行"]}),
        sales=pd.DataFrame(
            {
                "client_id": ["C1", "C1", "C2", "C2"],
                "year": [2024, 2025, 2024, 2025],
                "revenue_wan": [100, 120, 100, 90],
            }
        ),
    )
    potential = value.development_potential(bank)["potential_score"]
    assert potential.to_dict() == {"C1": 100, "C2": 0}
