"""Exam ``assoc``: 初级客户经理 (Associate Customer Manager).

A portfolio of ten exam-pool clients: a large or medium client that disclosed its banking
wallet for the value questions, a
client with exactly two churn signals for the relationship questions, a client with exactly
one latent and at least one stated need for the needs and report questions, a client with
exactly two stale key-people records for the CRM question, plus two further large/medium and
four small/micro clients.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from casebank.exam import Variant
from casebank.load import CaseBank
from casebank.selfcheck import KIND_LIST, KIND_MAPPING, KIND_NUMBER, KIND_SET, KIND_TEXT
from grading.exams import Expected, bankwide
from grading.exams.variants import Blueprint, Role
from grading.keys import truth_codes
from grading.methods import value
from grading.methods.information import stale_names
from grading.methods.needs import NEEDS_BY_CODE
from grading.methods.relationship import SIGNALS_BY_CODE

BLUEPRINT: Final = Blueprint(
    roles=(
        Role("value", "A", lambda pool: pool["large"] & pool["wallet_disclosed_wan"].notna()),
        Role("risk", "B", lambda pool: pool["n_signals"] == 2),
        Role("needs", "C", lambda pool: (pool["n_latent"] == 1) & (pool["n_stated"] >= 1)),
        Role("crm", "D", lambda pool: pool["n_stale"] == 2),
    ),
    large=2,
    small=4,
)

#: Scenario-judgement items: the same for every variant.
ORG_MODEL: Final = "2"
AUTHORITY: Final = frozenset({"A", "C", "D"})
DISPUTE_STEPS: Final = ("B", "D", "A", "C", "E")


def expected(bank: CaseBank, truth: pd.DataFrame, variant: Variant) -> dict[str, Expected]:
    """Expected answers of one variant, computed with the reference methods and the key."""
    portfolio = list(variant.portfolio)
    focus, risk, needs, crm = (variant.roles[r] for r in ("value", "risk", "needs", "crm"))
    revenue = bankwide(bank, "our_revenue", value.our_revenue).set_axis(bank.clients["client_id"].astype(str))
    tiers = value.abc_tiers(revenue[portfolio])
    scores = value.rfm(bank, portfolio)[["r_score", "f_score", "m_score"]]
    rfm = [int(v) for v in scores.loc[focus].to_numpy()]
    signals = truth_codes(truth, risk, "churn_signals")
    return {
        "q1_abc_tiers": Expected(KIND_MAPPING, tiers.to_dict()),
        "q2_rfm": Expected(KIND_TEXT, "-".join(str(score) for score in rfm)),
        "q3_share_of_wallet": Expected(
            KIND_NUMBER, float(str(bankwide(bank, "share_of_wallet", value.share_of_wallet)[focus])), 4
        ),
        "q4_profit": Expected(
            KIND_NUMBER,
            float(str(bankwide(bank, "profitability", value.profitability).at[focus, "profit_wan"])),
            2,
        ),
        "q5_churn_signals": Expected(KIND_SET, sorted(SIGNALS_BY_CODE[s].label_zh for s in signals)),
        "q6_health_score": Expected(KIND_NUMBER, int(str(truth.at[risk, "health_score"])), 0),
        "q7_latent_products": Expected(
            KIND_SET, sorted(NEEDS_BY_CODE[n].product for n in truth_codes(truth, needs, "latent_needs"))
        ),
        "q8_stated_products": Expected(
            KIND_SET, sorted(NEEDS_BY_CODE[n].product for n in truth_codes(truth, needs, "stated_needs"))
        ),
        "q9_org_model": Expected(KIND_TEXT, ORG_MODEL),
        "q10_authority": Expected(KIND_SET, sorted(AUTHORITY)),
        "q11_dispute_steps": Expected(KIND_LIST, list(DISPUTE_STEPS)),
        "q12_stale_records": Expected(KIND_SET, stale_names(bank, crm)),
    }


def mistakes(bank: CaseBank, truth: pd.DataFrame, variant: Variant) -> dict[str, object]:
    """The typical wrong answer to each question, as a trainee who slips would give it.

    Some mistakes coincide with the right answer for some variants (a trainee who ignores the
    disclosed wallet is right when it was not disclosed); how often they do is what makes
    variants more or less forgiving, which `grading.exams.simulate` measures.
    """
    right = expected(bank, truth, variant)
    portfolio = list(variant.portfolio)
    focus, risk, needs, crm = (variant.roles[r] for r in ("value", "risk", "needs", "crm"))
    revenue = bankwide(bank, "our_revenue", value.our_revenue).set_axis(
        bank.clients["client_id"].astype(str)
    )[portfolio]
    ordered = revenue.sort_index().sort_values(ascending=False, kind="stable")
    including = ordered.cumsum() / ordered.sum()
    lower_tier = {c: ("A" if s <= 0.7 else "B" if s <= 0.9 else "C") for c, s in including.items()}
    rfm = value.rfm(bank, portfolio)
    r_not_reversed = value.quintile_score(rfm["recency_days"])[focus]
    c = bank.clients.set_index("client_id").loc[focus]
    war = round((1 - c["our_bank_rank"] / (c["n_banks"] + 1)) * 2 / c["n_banks"], 4)
    prof = bankwide(bank, "profitability", value.profitability).loc[focus]
    signals = truth_codes(truth, risk, "churn_signals")[:-1]
    stated = truth_codes(truth, needs, "stated_needs")
    latent = truth_codes(truth, needs, "latent_needs")
    people = bank.people[bank.people["client_id"] == crm]
    days = (bank.as_of - people["last_contact"]).dt.days
    any_influence = people.loc[people["left_on"].isna() & (days > 180), "name"].astype(str)
    return {
        "q1_abc_tiers": lower_tier,
        "q2_rfm": f"{r_not_reversed}-{right['q2_rfm'].value.split('-', 1)[1]}",
        "q3_share_of_wallet": war,
        "q4_profit": round(float(str(prof["revenue_wan"])) - float(str(prof["direct_cost_wan"])), 2),
        "q5_churn_signals": sorted(SIGNALS_BY_CODE[s].label_zh for s in signals),
        "q6_health_score": 100 - sum(SIGNALS_BY_CODE[s].weight for s in signals),
        "q7_latent_products": sorted(NEEDS_BY_CODE[n].product for n in latent + stated),
        "q8_stated_products": sorted(NEEDS_BY_CODE[n].product for n in latent + stated),
        "q9_org_model": "3",
        "q10_authority": ["A", "C"],
        "q11_dispute_steps": ["B", "A", "D", "C", "E"],
        "q12_stale_records": sorted(any_influence),
    }
