"""Exam ``assoc``: 初级客户经理 (Associate Customer Manager).

A portfolio of ten exam-pool clients. Case items are about four clients, each drawn from a
stratum whose traps are the same for every trainee by construction:

- ``value`` (A): a large or medium client that disclosed its banking wallet, whose disclosed
  share differs from the Wallet Allocation Rule's by at least `WALLET_GAP` and whose
  cost-to-serve is at least `COST_TO_SERVE_MIN` (so ignoring either always loses points);
- ``risk`` (B): exactly two churn signals;
- ``needs`` (C): exactly one latent and one stated need, and no need whose product it holds;
- ``crm`` (D): exactly two stale key-people records and exactly one stale record of a person
  below the key-influence threshold (the "ignores influence" trap).

Fixed-text items (organisation, system, stages, authority, complaints, overreach, channels,
CRM updates, needs actions, health score from stated signals) draw per trainee from the
parallel forms of ``grading/exams/forms/assoc.toml``. No item uses another item's answer.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from casebank.exam import Variant
from casebank.load import CaseBank
from casebank.selfcheck import KIND_MAPPING, KIND_NUMBER, KIND_SET
from grading.exams import Expected, bankwide
from grading.exams.forms import expected_forms, form_mistakes
from grading.exams.scoring import PER_ELEMENT, PER_KEY
from grading.exams.variants import Blueprint, Role
from grading.keys import truth_codes
from grading.methods import value
from grading.methods.information import KEY_INFLUENCE_MIN, STALE_CONTACT_DAYS, stale_names
from grading.methods.needs import NEEDS_BY_CODE
from grading.methods.relationship import SIGNALS_BY_CODE
from grading.methods.senior_items import held_need_traps, war_share

EXAM: Final = "assoc"
#: Least gap between the disclosed share of wallet and the Allocation Rule's: five times the
#: tolerance of a 4-decimal answer, so ignoring the disclosed wallet never lands inside it.
WALLET_GAP: Final = 0.0005
#: Least cost-to-serve (万元) of the value client: five tolerances of a 2-decimal answer.
COST_TO_SERVE_MIN: Final = 0.05


def _columns(bank: CaseBank, pool: pd.DataFrame) -> pd.DataFrame:
    """The pool columns the strata need: wallet gap, cost-to-serve, held-need traps, low-influence stale records."""
    profit = value.profitability(bank)
    gap = (value.share_of_wallet(bank) - war_share(bank)).abs()
    people = bank.people
    days = (bank.as_of - people["last_contact"]).dt.days
    low = people[
        people["left_on"].isna() & (people["influence"] < KEY_INFLUENCE_MIN) & (days > STALE_CONTACT_DAYS)
    ]
    index = pool.index
    return pd.DataFrame(
        {
            "wallet_gap": gap.reindex(index),
            "cost_to_serve": profit["cost_to_serve_wan"].reindex(index),
            "n_held_traps": held_need_traps(bank).reindex(index).fillna(0).astype(int),
            "n_stale_low": low["client_id"].astype(str).value_counts().reindex(index).fillna(0).astype(int),
        },
        index=index,
    )


def _value_stratum(pool: pd.DataFrame) -> pd.Series:
    disclosed = pool["large"] & pool["wallet_disclosed_wan"].notna()
    return disclosed & (pool["wallet_gap"] >= WALLET_GAP) & (pool["cost_to_serve"] >= COST_TO_SERVE_MIN)


BLUEPRINT: Final = Blueprint(
    roles=(
        Role("value", "A", _value_stratum),
        Role("risk", "B", lambda pool: pool["n_signals"] == 2),
        Role(
            "needs",
            "C",
            lambda pool: (pool["n_latent"] == 1) & (pool["n_stated"] == 1) & (pool["n_held_traps"] == 0),
        ),
        Role("crm", "D", lambda pool: (pool["n_stale"] == 2) & (pool["n_stale_low"] == 1)),
    ),
    large=2,
    small=4,
    columns=_columns,
)

#: Case items -> the role whose client they are about (the rest are about the whole portfolio).
QUESTION_ROLES: Final = {
    "q3_share_of_wallet": "value",
    "q4_profit": "value",
    "q5_churn_signals": "risk",
    "q8_latent_products": "needs",
    "q9_stated_products": "needs",
    "q17_stale_records": "crm",
    "q21_report_structure": "needs",
    "q21_report_evidence": "needs",
    "q21_report_needs": "needs",
    "q21_report_risk": "needs",
    "q21_report_authority": "needs",
}


def _revenue(bank: CaseBank, portfolio: list[str]) -> pd.Series:
    revenue: pd.Series = bankwide(bank, "our_revenue", value.our_revenue)
    out: pd.Series = revenue.set_axis(bank.clients["client_id"].astype(str))[portfolio]
    return out


def _rfm_text(scores: pd.DataFrame, r_column: str = "r_score") -> dict[str, str]:
    return {
        str(c): f"{int(row[r_column])}-{int(row['f_score'])}-{int(row['m_score'])}"
        for c, row in scores.iterrows()
    }


def _products(truth: pd.DataFrame, client: str, column: str) -> list[str]:
    return sorted(NEEDS_BY_CODE[n].product for n in truth_codes(truth, client, column))


def expected(bank: CaseBank, truth: pd.DataFrame, variant: Variant) -> dict[str, Expected]:
    """Expected answers of one variant, computed with the reference methods and the key."""
    portfolio = list(variant.portfolio)
    focus, risk, needs, crm = (variant.roles[r] for r in ("value", "risk", "needs", "crm"))
    tiers = value.abc_tiers(_revenue(bank, portfolio))
    share = bankwide(bank, "share_of_wallet", value.share_of_wallet)[focus]
    profit = bankwide(bank, "profitability", value.profitability).at[focus, "profit_wan"]
    signals = truth_codes(truth, risk, "churn_signals")
    case = {
        "q1_abc_tiers": Expected(KIND_MAPPING, tiers.to_dict(), scoring=PER_KEY),
        "q2_rfm": Expected(KIND_MAPPING, _rfm_text(value.rfm(bank, portfolio)), scoring=PER_KEY),
        "q3_share_of_wallet": Expected(KIND_NUMBER, float(str(share)), 4),
        "q4_profit": Expected(KIND_NUMBER, float(str(profit)), 2),
        "q5_churn_signals": Expected(
            KIND_SET, sorted(SIGNALS_BY_CODE[s].label_zh for s in signals), scoring=PER_ELEMENT
        ),
        "q8_latent_products": Expected(
            KIND_SET, _products(truth, needs, "latent_needs"), scoring=PER_ELEMENT
        ),
        "q9_stated_products": Expected(
            KIND_SET, _products(truth, needs, "stated_needs"), scoring=PER_ELEMENT
        ),
        "q17_stale_records": Expected(KIND_SET, stale_names(bank, crm), scoring=PER_ELEMENT),
    }
    return case | expected_forms(EXAM, variant.forms)


def mistakes(bank: CaseBank, truth: pd.DataFrame, variant: Variant) -> dict[str, dict[str, Any]]:
    """Question -> {typical mistake: the wrong answer a trainee making it hands in}.

    The strata make every mistake lose points on every variant; ``scripts/sweep_mistakes.py``
    checks it over drawn variants.
    """
    portfolio = list(variant.portfolio)
    focus, risk, needs, crm = (variant.roles[r] for r in ("value", "risk", "needs", "crm"))
    ordered = _revenue(bank, portfolio).sort_index().sort_values(ascending=False, kind="stable")
    including = ordered.cumsum() / ordered.sum()
    scores = value.rfm(bank, portfolio)
    scores["r_ascending"] = value.quintile_score(scores["recency_days"])
    profit = bankwide(bank, "profitability", value.profitability).loc[focus]
    signals = truth_codes(truth, risk, "churn_signals")
    people = bank.people[bank.people["client_id"] == crm]
    days = (bank.as_of - people["last_contact"]).dt.days
    any_influence = people.loc[people["left_on"].isna() & (days > STALE_CONTACT_DAYS), "name"].astype(str)
    both = _products(truth, needs, "latent_needs") + _products(truth, needs, "stated_needs")
    case: dict[str, dict[str, Any]] = {
        "q1_abc_tiers": {
            "boundary_client_in_lower_tier": {
                c: ("A" if s <= value.A_SHARE else "B" if s <= value.B_SHARE else "C")
                for c, s in including.items()
            }
        },
        "q2_rfm": {"recency_not_reversed": _rfm_text(scores, "r_ascending")},
        "q3_share_of_wallet": {"ignores_disclosed_wallet": float(war_share(bank)[focus])},
        "q4_profit": {
            "forgets_cost_to_serve": round(float(profit["revenue_wan"]) - float(profit["direct_cost_wan"]), 2)
        },
        "q5_churn_signals": {
            "misses_a_signal": sorted(SIGNALS_BY_CODE[s].label_zh for s in signals[:-1]),
        },
        "q8_latent_products": {"lists_stated_as_latent": sorted(set(both))},
        "q9_stated_products": {"lists_latent_as_stated": sorted(set(both))},
        "q17_stale_records": {"ignores_influence": sorted(any_influence)},
    }
    return case | form_mistakes(EXAM, variant.forms)
