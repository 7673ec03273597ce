"""Exam ``senior``: 中级客户经理 (Senior Customer Manager).

A portfolio of twelve exam-pool clients. Each role is drawn from the stratum where its
question's typical mistake gives a wrong answer, so every variant is equally unforgiving:

- ``key``: large or medium, wallet disclosed (CLV, comprehensive contribution);
- ``potential``: capacity utilisation >= 75% (development potential);
- ``matrix``: exactly one matrix axis high (key-account quadrant);
- ``boundary``: health score exactly on a band boundary, 60 or 80 (churn-risk band);
- ``needs``: exactly two latent needs (latent-need products);
- plus three large/medium and three small/micro clients; the visit plan and the CRM gaps
  cover the whole portfolio.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from casebank.exam import Variant
from casebank.load import CaseBank
from casebank.selfcheck import KIND_LIST, KIND_NUMBER, KIND_SET, KIND_TEXT
from grading.exams import Expected, bankwide
from grading.exams.variants import Blueprint, Role
from grading.keys import truth_codes
from grading.methods import appraisal, planning, value
from grading.methods import portfolio as key_accounts
from grading.methods.information import stale_key_people
from grading.methods.needs import NEEDS_BY_CODE
from grading.methods.relationship import RISK_HIGH, RISK_LOW, RISK_MEDIUM, risk_band

HOURS_AVAILABLE: Final = 20.0
TRAINING_HOURS: Final = 46.0
#: q8's scorecard (same for every variant): (perspective, KPI, weight, target, actual).
SCORECARD: Final = (
    ("财务", "存款日均", 0.30, 5000.0, 6800.0),
    ("财务", "结算量", 0.25, 20000.0, 18500.0),
    ("客户", "健康度", 0.20, 85.0, 78.0),
    ("流程", "按时拜访", 0.15, 12.0, 9.0),
    ("学习", "培训学时", 0.10, 40.0, TRAINING_HOURS),
)
PROPOSAL_OVERSTEPS: Final = frozenset({"B", "D", "F"})
ORG_MODEL: Final = "4"


def _axes_differ(pool: pd.DataFrame) -> pd.Series:
    return (pool["attractiveness"] >= key_accounts.HIGH_MIN) != (pool["position"] >= key_accounts.HIGH_MIN)


BLUEPRINT: Final = Blueprint(
    roles=(
        Role("key", "A", lambda pool: pool["large"] & pool["wallet_disclosed_wan"].notna()),
        Role("potential", "B", lambda pool: pool["utilisation_pct"] >= 75),
        Role("matrix", "C", _axes_differ),
        Role("boundary", "D", lambda pool: pool["health_score"].isin([60, 80])),
        Role("needs", "E", lambda pool: pool["n_latent"] == 2),
    ),
    large=3,
    small=4,
)


def _kpis(cap: float = appraisal.CAP) -> float:
    kpis = [appraisal.Kpi(p, name, w, actual=a, target=t) for p, name, w, t, a in SCORECARD]
    return appraisal.kpi_score(kpis, cap)


def _plan(bank: CaseBank, truth: pd.DataFrame, ids: list[str], by_risk: bool = True) -> list[str]:
    tiers = planning.tiers_by_revenue(bank, ids)
    days = planning.days_since_last_visit(bank)
    candidates = [
        planning.PlanCandidate(
            c,
            str(tiers[c]),
            str(truth.at[c, "churn_risk"]) if by_risk else RISK_LOW,
            None if pd.isna(days[c]) else int(days[c]),
        )
        for c in ids
    ]
    return planning.visit_plan(candidates, HOURS_AVAILABLE)


def expected(bank: CaseBank, truth: pd.DataFrame, variant: Variant) -> dict[str, Expected]:
    """Expected answers of one variant, computed with the reference methods and the key."""
    ids = list(variant.portfolio)
    roles = variant.roles
    key = roles["key"]
    profit = float(str(bankwide(bank, "profitability", value.profitability).at[key, "profit_wan"]))
    retention = value.retention_rate(str(truth.at[key, "churn_risk"]))
    matrix = bankwide(bank, "key_accounts", key_accounts.portfolio).loc[roles["matrix"]]
    stale = bankwide(bank, "stale_key_people", stale_key_people)
    return {
        "q1_clv": Expected(KIND_NUMBER, value.clv(profit, retention), 2),
        "q2_contribution": Expected(
            KIND_NUMBER,
            float(str(bankwide(bank, "comprehensive_contribution", value.comprehensive_contribution)[key])),
            2,
        ),
        "q3_potential": Expected(
            KIND_NUMBER,
            int(
                str(
                    bankwide(bank, "development_potential", value.development_potential).at[
                        roles["potential"], "potential_score"
                    ]
                )
            ),
            0,
        ),
        "q4_quadrant": Expected(KIND_TEXT, str(matrix["quadrant"])),
        "q5_visit_plan": Expected(KIND_LIST, _plan(bank, truth, ids)),
        "q6_churn_risk": Expected(
            KIND_TEXT, risk_band(int(str(truth.at[roles["boundary"], "health_score"])))
        ),
        "q7_latent_products": Expected(
            KIND_SET,
            sorted(NEEDS_BY_CODE[n].product for n in truth_codes(truth, roles["needs"], "latent_needs")),
        ),
        "q8_kpi_score": Expected(KIND_NUMBER, _kpis(), 2),
        "q9_proposal_authority": Expected(KIND_SET, sorted(PROPOSAL_OVERSTEPS)),
        "q10_org_model": Expected(KIND_TEXT, ORG_MODEL),
        "q11_crm_gaps": Expected(KIND_NUMBER, int(stale["client_id"].isin(ids).sum()), 0),
    }


def mistakes(bank: CaseBank, truth: pd.DataFrame, variant: Variant) -> dict[str, object]:
    """The typical wrong answer to each question (see `grading.exams.assoc.mistakes`)."""
    ids = list(variant.portfolio)
    roles = variant.roles
    key = roles["key"]
    prof = bankwide(bank, "profitability", value.profitability).loc[key]
    profit = float(str(prof["profit_wan"]))
    retention = value.retention_rate(str(truth.at[key, "churn_risk"]))
    potential = bankwide(bank, "development_potential", value.development_potential).loc[roles["potential"]]
    matrix = bankwide(bank, "key_accounts", key_accounts.portfolio).loc[roles["matrix"]]
    score = int(str(truth.at[roles["boundary"], "health_score"]))
    wrong_side = {60: RISK_HIGH, 80: RISK_MEDIUM}.get(score, RISK_HIGH)
    latent = truth_codes(truth, roles["needs"], "latent_needs")
    people = bank.people[bank.people["client_id"].isin(ids)]
    days = (bank.as_of - people["last_contact"]).dt.days
    return {
        "q1_clv": round(profit * retention / (1 - retention), 2),
        "q2_contribution": profit,
        "q3_potential": int(str(potential["potential_score"])) - int(str(potential["utilisation_points"])),
        "q4_quadrant": key_accounts.quadrant(
            float(str(matrix["position"])), float(str(matrix["attractiveness"]))
        ),
        "q5_visit_plan": _plan(bank, truth, ids, by_risk=False),
        "q6_churn_risk": wrong_side,
        "q7_latent_products": [NEEDS_BY_CODE[latent[0]].product],
        "q8_kpi_score": _kpis(cap=float("inf")),
        "q9_proposal_authority": ["B", "F"],
        "q10_org_model": "3",
        "q11_crm_gaps": int((people["left_on"].isna() & (days > 180)).sum()),
    }
