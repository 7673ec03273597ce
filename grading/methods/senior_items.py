"""Reference rules behind the senior exam's case items that no other method module covers.

The documented rules (curriculum modules 3, 6, 8 and 2):

- First action on churn signals: with several signals, act first on the one with the largest
  health-score weight; each signal has one documented first action (`FIRST_ACTION`).
- Relationship stage counts the product lines held *now*; closed products do not count.
- A complaint still open (not 已关闭) more than 15 days after it was received must be chased
  (`grading.methods.organisation.follow_up_overdue`); the old 90-day rule is a known slip.
- CRM records to fix: `grading.methods.crm_quality` (stale key person, reporting line to a
  departed person, contact logged after departure).
- Staffing by the workload method: `grading.methods.planning.managers_needed` with
  `SELLING_HOURS` selling hours per manager a year.

The functions below also compute the facts the exam's strata are drawn on (which clients carry
which trap), from the bank alone.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from casebank.load import CaseBank
from grading.methods import portfolio as key_accounts
from grading.methods.crm_quality import record_defects
from grading.methods.needs import NEEDS, active_products, evidence
from grading.methods.organisation import FOLLOW_UP_ALERT_DAYS, STATUS_CLOSED
from grading.methods.relationship import SIGNALS, SIGNALS_BY_CODE
from grading.methods.value import our_revenue

#: Selling hours a manager has for visits in a year (workload method of module 8).
SELLING_HOURS: Final = 1200.0
#: Churn signal code -> option letter of its documented first action (same list for every trainee).
FIRST_ACTION: Final = {
    "key_person_left": "A",
    "interactions_halved": "B",
    "volume_decline_2q": "C",
    "no_senior_contact_90d": "D",
    "complaint_escalated": "E",
    "late_payment": "F",
    "product_closed": "G",
}
#: Option letter -> the action's text, as the notebook prints it.
ACTION_TEXT: Final = {
    "A": "尽快拜访新任关键人物，重建决策链关系",
    "B": "恢复日常联系频率，排定下月例行拜访",
    "C": "与财务部门核对结算量下降的原因，了解是否转到他行",
    "D": "安排支行行长与客户高层会面",
    "E": "跟进投诉处理进度，向客户反馈结果",
    "F": "了解逾期原因，提示授信风险并报告授信管理部门",
    "G": "了解产品销户原因，评估替代方案",
}
LEGACY_CHASE_DAYS: Final = 90


def signal_weights_differ(codes: str) -> bool:
    """Whether a client's churn signals (a key cell) have pairwise different weights."""
    weights = [SIGNALS_BY_CODE[c].weight for c in [c for c in str(codes).split(";") if c]]
    return len(set(weights)) == len(weights)


def first_action(codes: list[str]) -> str:
    """Option letter of the first action: the heaviest signal's (ties: the order of `SIGNALS`)."""
    order = [s.code for s in SIGNALS]
    heaviest = min(codes, key=lambda c: (-SIGNALS_BY_CODE[c].weight, order.index(c)))
    return FIRST_ACTION[heaviest]


def war_share(bank: CaseBank) -> pd.Series:
    """Wallet share by the Wallet Allocation Rule for every client, 4 decimals (ignoring a disclosed wallet)."""
    c = bank.clients.set_index(bank.clients["client_id"].astype(str))
    return ((1 - c["our_bank_rank"] / (c["n_banks"] + 1)) * 2 / c["n_banks"]).astype(float).round(4)


def position_ignoring_wallet(bank: CaseBank) -> pd.Series:
    """Our relative position per client when the disclosed wallet is ignored (the typical slip)."""
    scores = key_accounts.factor_scores(bank).copy()
    scores["钱包份额"] = war_share(bank).map(
        lambda s: key_accounts.banded_score(float(s), key_accounts.SOW_BOUNDS)
    )
    positions: dict[str, float] = {}
    for cid, row in scores.iterrows():
        factors = {str(k): int(v) for k, v in row.items()}
        positions[str(cid)] = key_accounts.weighted_score(factors, key_accounts.POSITION_WEIGHTS)
    return pd.Series(positions)


def sow_band_flips(bank: CaseBank) -> pd.Series:
    """Clients with a disclosed wallet whose wallet-share band differs from the Allocation Rule's."""
    c = bank.clients.set_index(bank.clients["client_id"].astype(str))
    rev = our_revenue(bank).set_axis(c.index)
    disclosed = (rev / c["wallet_disclosed_wan"]).round(4)
    band = disclosed.map(
        lambda s: key_accounts.banded_score(float(s), key_accounts.SOW_BOUNDS) if pd.notna(s) else 0
    )
    war = war_share(bank).map(lambda s: key_accounts.banded_score(float(s), key_accounts.SOW_BOUNDS))
    return c["wallet_disclosed_wan"].notna() & (band != war)


def held_need_traps(bank: CaseBank) -> pd.Series:
    """Per client: needs whose evidence holds but whose product the client already holds."""
    ev = evidence(bank)
    held = active_products(bank)
    return pd.Series(
        {
            str(cid): sum(bool(ev.at[cid, n.code]) and n.product in held[str(cid)] for n in NEEDS)
            for cid in ev.index
        }
    )


def stage_with_closed(bank: CaseBank) -> pd.Series:
    """Relationship stage per client when closed products are wrongly counted as lines held."""
    lines = bank.holdings.groupby(bank.holdings["client_id"].astype(str))["product"].nunique()
    c = bank.clients
    return pd.Series(
        {
            str(cid): key_accounts.relationship_stage(int(rank), int(lines.get(str(cid), 0)))
            for cid, rank in zip(c["client_id"], c["our_bank_rank"], strict=True)
        }
    )


def crm_defect_counts(bank: CaseBank) -> pd.DataFrame:
    """Per client: people with a stale key-contact record, and people with only another defect."""
    defects = record_defects(bank)
    owner = bank.people.set_index(bank.people["person_id"].astype(str))["client_id"].astype(str)
    other = defects.drop(columns="stale_key_contact").any(axis=1) & ~defects["stale_key_contact"]
    frame = pd.DataFrame({"stale": defects["stale_key_contact"], "other": other})
    return frame.astype(int).groupby(owner.reindex(frame.index)).sum()


def _open_complaints(bank: CaseBank) -> pd.DataFrame:
    c = bank.complaints
    days = (bank.as_of - c["received_on"]).dt.days
    return c.assign(days_open=days)[c["status"] != STATUS_CLOSED]


def chase_complaints(bank: CaseBank) -> tuple[pd.Series, pd.Series]:
    """Per client: open complaints aged (15, 90] days, and open complaints older than 90 days."""
    c = _open_complaints(bank)
    window = c[(c["days_open"] > FOLLOW_UP_ALERT_DAYS) & (c["days_open"] <= LEGACY_CHASE_DAYS)]
    late = c[c["days_open"] > LEGACY_CHASE_DAYS]
    return (
        window.groupby(window["client_id"].astype(str)).size(),
        late.groupby(late["client_id"].astype(str)).size(),
    )


def complaints_to_chase(bank: CaseBank, client_id: str, after_days: int = FOLLOW_UP_ALERT_DAYS) -> list[str]:
    """Complaint ids of a client still open more than ``after_days`` days after receipt (sorted)."""
    c = _open_complaints(bank)
    chosen = c[(c["client_id"] == client_id) & (c["days_open"] > after_days)]
    return sorted(chosen["complaint_id"].astype(str))
