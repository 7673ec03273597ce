"""Exam ``senior``: 中级客户经理 (Senior Customer Manager).

Twenty-one autograded items, three per competency, plus the client evaluation report marked
by the shared rubric. A portfolio of twelve exam-pool clients; nine roles are drawn from
strata in which each role's typical mistakes give a wrong answer by construction, with the
same trap structure for every trainee:

- ``key`` (A): large or medium, low churn risk, wallet disclosed, comprehensive contribution
  differs from profit (CLV, contribution);
- ``potential`` (B): capacity utilisation >= 75 % (development potential);
- ``matrix`` (C): wallet disclosed, and the wallet-share band from the disclosed wallet differs
  from the band of the Wallet Allocation Rule (key-account matrix);
- ``signals`` (D): exactly two churn signals of different weights (first action);
- ``needs`` (E): exactly one latent need and one stated need, and no need already met by a
  product the client holds (latent products; held products are trapped by the ranking item);
- ``stage`` (F): counting closed products would change the relationship stage;
- ``crm`` (G): exactly one stale key-person record and one record with another defect;
- ``complaint`` (H): exactly one open complaint older than 15 and at most 90 days, none older;
- ``plan`` (I): a high-risk small or micro client with little revenue (tier C in any portfolio),
  and ``key`` is low-risk, so that the visit plan of the whole portfolio turns on churn risk.

Fixed-text items (incentives, allocation, needs stated in notes, ranking, authority,
escalation, organisation, system parts, channels, information categories) draw one of at
least four parallel forms (`grading/exams/forms/senior.toml`). Computation helpers the curriculum taught are given in
the notebook where computing is not what an item tests; no item needs another item's answer.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from casebank.exam import Variant
from casebank.load import CaseBank
from casebank.selfcheck import KIND_LIST, KIND_MAPPING, KIND_NUMBER, KIND_SET, KIND_TEXT
from grading.exams import Expected, bankwide
from grading.exams.forms import expected_forms, form_mistakes
from grading.exams.scoring import PER_ELEMENT, PER_KEY, PER_POSITION
from grading.exams.variants import Blueprint, Role
from grading.keys import truth_codes
from grading.methods import planning, value
from grading.methods import portfolio as key_accounts
from grading.methods.crm_quality import record_defects, records_to_fix
from grading.methods.needs import NEEDS_BY_CODE
from grading.methods.relationship import RISK_HIGH, RISK_LOW
from grading.methods.senior_items import (
    FIRST_ACTION,
    LEGACY_CHASE_DAYS,
    SELLING_HOURS,
    chase_complaints,
    complaints_to_chase,
    crm_defect_counts,
    first_action,
    held_need_traps,
    position_ignoring_wallet,
    signal_weights_differ,
    sow_band_flips,
    stage_with_closed,
)

EXAM: Final = "senior"
#: Question -> the role whose client a case item is about (portfolio-wide and fixed-text items not listed).
QUESTION_ROLES: Final = {
    "q1_clv": "key",
    "q2_contribution": "key",
    "q3_potential": "potential",
    "q4_matrix": "matrix",
    "q8_first_action": "signals",
    "q9_relationship_stage": "stage",
    "q10_latent_products": "needs",
    "q7_visit_plan": "plan",
    "q15_chase_complaints": "complaint",
    "q19_crm_fixes": "crm",
    **{
        f"q22_report_{criterion}": "key"
        for criterion in ("structure", "evidence", "needs", "risk", "authority")
    },
}
HOURS_AVAILABLE: Final = 20.0
MATRIX_KEYS: Final = ("吸引力", "相对地位", "象限")
#: The ``plan`` role's revenue ceiling: far below any large client's, so its tier is C in every portfolio.
SMALL_REVENUE_WAN: Final = 20.0
#: Comprehensive contribution must differ from profit by more than the answers' tolerance.
CONTRIBUTION_GAP_WAN: Final = 0.011


def _key(pool: pd.DataFrame) -> pd.Series:
    gap = (pool["contribution_wan"] - pool["profit_wan"]).abs()
    low_risk = pool["churn_risk"] == RISK_LOW
    return pool["large"] & pool["wallet_disclosed_wan"].notna() & (gap > CONTRIBUTION_GAP_WAN) & low_risk


BLUEPRINT: Final = Blueprint(
    roles=(
        Role("key", "A", _key),
        Role("potential", "B", lambda pool: pool["utilisation_pct"] >= 75),
        Role("matrix", "C", lambda pool: pool["sow_band_flips"]),
        Role("signals", "D", lambda pool: (pool["n_signals"] == 2) & pool["signal_weights_differ"]),
        Role(
            "needs",
            "E",
            lambda pool: (pool["n_latent"] == 1) & (pool["n_stated"] == 1) & (pool["n_held_trap"] == 0),
        ),
        Role("stage", "F", lambda pool: pool["stage"] != pool["stage_with_closed"]),
        Role("crm", "G", lambda pool: (pool["n_stale_records"] == 1) & (pool["n_other_defects"] == 1)),
        Role("complaint", "H", lambda pool: (pool["n_chase_window"] == 1) & (pool["n_chase_late"] == 0)),
        Role(
            "plan",
            "I",
            lambda pool: (
                (pool["churn_risk"] == RISK_HIGH)
                & ~pool["large"]
                & (pool["our_revenue_wan"] < SMALL_REVENUE_WAN)
            ),
        ),
    ),
    large=1,
    small=2,
    columns=lambda bank, pool: senior_columns(bank, pool),
)


def senior_columns(bank: CaseBank, pool: pd.DataFrame) -> pd.DataFrame:
    """The pool columns the senior strata need, computed from the bank and the key's columns."""
    out = pd.DataFrame(index=pool.index)
    prof = bankwide(bank, "profitability", value.profitability)
    out["profit_wan"] = prof["profit_wan"].reindex(pool.index)
    out["our_revenue_wan"] = prof["revenue_wan"].reindex(pool.index)
    out["contribution_wan"] = bankwide(
        bank, "comprehensive_contribution", value.comprehensive_contribution
    ).reindex(pool.index)
    out["sow_band_flips"] = sow_band_flips(bank).reindex(pool.index).fillna(False).astype(bool)
    out["signal_weights_differ"] = pool["churn_signals"].map(signal_weights_differ).astype(bool)
    out["n_held_trap"] = held_need_traps(bank).reindex(pool.index).fillna(0).astype(int)
    stages = key_accounts.portfolio(bank)["stage"]
    out["stage"] = stages.reindex(pool.index)
    out["stage_with_closed"] = stage_with_closed(bank).reindex(pool.index)
    defects = crm_defect_counts(bank).reindex(pool.index).fillna(0).astype(int)
    out["n_stale_records"], out["n_other_defects"] = defects["stale"], defects["other"]
    window, late = chase_complaints(bank)
    out["n_chase_window"] = window.reindex(pool.index).fillna(0).astype(int)
    out["n_chase_late"] = late.reindex(pool.index).fillna(0).astype(int)
    return out


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


def _tier_counts(bank: CaseBank, ids: list[str]) -> dict[str, int]:
    tiers = planning.tiers_by_revenue(bank, ids)
    return {t: int((tiers == t).sum()) for t in planning.TIERS}


def _products(codes: list[str]) -> list[str]:
    return sorted(NEEDS_BY_CODE[n].product for n in codes)


def _case_expected(bank: CaseBank, truth: pd.DataFrame, variant: Variant) -> dict[str, Expected]:
    ids, roles = list(variant.portfolio), variant.roles
    key, needs = roles["key"], roles["needs"]
    profit = float(bankwide(bank, "profitability", value.profitability).at[key, "profit_wan"])
    matrix = bankwide(bank, "key_accounts", key_accounts.portfolio).loc[roles["matrix"]]
    potential = bankwide(bank, "development_potential", value.development_potential)
    return {
        "q1_clv": Expected(
            KIND_NUMBER, value.clv(profit, value.retention_rate(str(truth.at[key, "churn_risk"])))
        ),
        "q2_contribution": Expected(
            KIND_NUMBER,
            float(bankwide(bank, "comprehensive_contribution", value.comprehensive_contribution)[key]),
        ),
        "q3_potential": Expected(KIND_NUMBER, int(potential.at[roles["potential"], "potential_score"]), 0),
        "q4_matrix": Expected(
            KIND_MAPPING,
            dict(
                zip(
                    MATRIX_KEYS,
                    (float(matrix["attractiveness"]), float(matrix["position"]), str(matrix["quadrant"])),
                    strict=True,
                )
            ),
            2,
            PER_KEY,
        ),
        "q7_visit_plan": Expected(KIND_LIST, _plan(bank, truth, ids), scoring=PER_POSITION),
        "q8_first_action": Expected(
            KIND_TEXT, first_action(truth_codes(truth, roles["signals"], "churn_signals"))
        ),
        "q9_relationship_stage": Expected(KIND_TEXT, str(key_accounts_stage(bank, roles["stage"]))),
        "q10_latent_products": Expected(
            KIND_SET, _products(truth_codes(truth, needs, "latent_needs")), scoring=PER_ELEMENT
        ),
        "q15_chase_complaints": Expected(
            KIND_SET, complaints_to_chase(bank, roles["complaint"]), scoring=PER_ELEMENT
        ),
        "q18_staffing": Expected(
            KIND_NUMBER, planning.managers_needed(_tier_counts(bank, ids), SELLING_HOURS)
        ),
        "q19_crm_fixes": Expected(KIND_SET, records_to_fix(bank, roles["crm"]), scoring=PER_ELEMENT),
    }


def key_accounts_stage(bank: CaseBank, client_id: str) -> str:
    """The relationship stage of a client (product lines held now)."""
    return str(bankwide(bank, "key_accounts", key_accounts.portfolio).at[client_id, "stage"])


def expected(bank: CaseBank, truth: pd.DataFrame, variant: Variant) -> dict[str, Expected]:
    """Expected answers of one variant.

    Case items come from the reference methods and the key, fixed-text items from the trainee's forms.
    """
    return {**_case_expected(bank, truth, variant), **expected_forms(EXAM, variant.forms)}


def _case_mistakes(bank: CaseBank, truth: pd.DataFrame, variant: Variant) -> dict[str, dict[str, Any]]:
    ids, roles = list(variant.portfolio), variant.roles
    key, needs = roles["key"], roles["needs"]
    profit = float(bankwide(bank, "profitability", value.profitability).at[key, "profit_wan"])
    retention = value.retention_rate(str(truth.at[key, "churn_risk"]))
    potential = bankwide(bank, "development_potential", value.development_potential).loc[roles["potential"]]
    matrix = bankwide(bank, "key_accounts", key_accounts.portfolio).loc[roles["matrix"]]
    war_position = float(
        bankwide(bank, "position_ignoring_wallet", position_ignoring_wallet)[roles["matrix"]]
    )
    signals = truth_codes(truth, roles["signals"], "churn_signals")
    right_action = first_action(signals)
    latent, stated = truth_codes(truth, needs, "latent_needs"), truth_codes(truth, needs, "stated_needs")
    stale = record_defects(bank)["stale_key_contact"]
    crm_people = bank.people.loc[bank.people["client_id"] == roles["crm"], "person_id"].astype(str)
    counts = _tier_counts(bank, ids)
    visits = sum(n * planning.VISITS_PER_YEAR[t] for t, n in counts.items())
    return {
        "q1_clv": {"ignores_discount_rate": round(profit * retention / (1 - retention), 2)},
        "q2_contribution": {"ignores_category_weights": profit},
        "q3_potential": {
            "ignores_utilisation": int(potential["potential_score"]) - int(potential["utilisation_points"])
        },
        "q4_matrix": {
            "ignores_disclosed_wallet": dict(
                zip(
                    MATRIX_KEYS,
                    (
                        float(matrix["attractiveness"]),
                        war_position,
                        key_accounts.quadrant(float(matrix["attractiveness"]), war_position),
                    ),
                    strict=True,
                )
            )
        },
        "q7_visit_plan": {"ignores_churn_risk": _plan(bank, truth, ids, by_risk=False)},
        "q8_first_action": {
            "acts_on_lighter_signal": next(
                FIRST_ACTION[c] for c in signals if FIRST_ACTION[c] != right_action
            )
        },
        "q9_relationship_stage": {
            "counts_closed_products": str(
                bankwide(bank, "stage_with_closed", stage_with_closed)[roles["stage"]]
            )
        },
        "q10_latent_products": {
            "stated_listed_as_latent": _products(latent + stated),
        },
        "q15_chase_complaints": {
            "uses_90_day_rule": complaints_to_chase(bank, roles["complaint"], LEGACY_CHASE_DAYS)
        },
        "q18_staffing": {"counts_visits_not_hours": round(visits / SELLING_HOURS, 2)},
        "q19_crm_fixes": {"stale_records_only": sorted(p for p in crm_people if bool(stale.get(p, False)))},
    }


def mistakes(bank: CaseBank, truth: pd.DataFrame, variant: Variant) -> dict[str, dict[str, Any]]:
    """Question -> {typical mistake: the wrong answer a trainee making it hands in}, for one variant."""
    return {**_case_mistakes(bank, truth, variant), **form_mistakes(EXAM, variant.forms)}
