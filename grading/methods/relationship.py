"""Relationship health: churn-risk signals, the weighted health score and the risk band.

Rules (as taught in curriculum module 8 and graded in the exams), all as of the bank's date:

- ``key_person_left``: a person with influence >= 4 left within the last 365 days.
- ``interactions_halved``: interactions in the last two quarters <= half those of the two
  quarters before.
- ``volume_decline_2q``: settlement volume fell in each of the last two quarters.
- ``no_senior_contact_90d``: no visit with a senior (高层) person in the last 90 days
  (a visit exactly 90 days ago still counts as contact).
- ``complaint_escalated``: an escalated complaint received within the last 365 days.
- ``late_payment``: overdue days > 0 in either of the last two quarters.
- ``product_closed``: a product closed within the last 365 days.

Health score = 100 - sum of the weights of the signals present. Risk band: high below 60,
medium below 80, low otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd

from casebank.load import CaseBank


@dataclass(frozen=True)
class Signal:
    """One churn-risk signal."""

    code: str
    """Stable identifier."""
    label_zh: str
    """Chinese name."""
    weight: int
    """Points deducted from the health score when present."""


SIGNALS: Final = (
    Signal("key_person_left", "关键人物离职", 25),
    Signal("interactions_halved", "互动减半", 15),
    Signal("volume_decline_2q", "业务量连续两季下降", 20),
    Signal("no_senior_contact_90d", "90天未接触高层", 10),
    Signal("complaint_escalated", "投诉升级", 15),
    Signal("late_payment", "逾期", 10),
    Signal("product_closed", "产品销户", 5),
)
SIGNALS_BY_CODE: Final = {s.code: s for s in SIGNALS}

KEY_INFLUENCE_MIN: Final = 4
LOOKBACK_DAYS: Final = 365
SENIOR_CONTACT_DAYS: Final = 90
HIGH_RISK_BELOW: Final = 60
MEDIUM_RISK_BELOW: Final = 80
RISK_HIGH, RISK_MEDIUM, RISK_LOW = "高", "中", "低"


def _last_quarters(bank: CaseBank, column: str) -> pd.DataFrame:
    q = bank.quarterly.pivot(index="client_id", columns="quarter", values=column)
    return q[sorted(q.columns)]


def churn_signals(bank: CaseBank) -> pd.DataFrame:
    """Return a boolean frame: one row per client id, one column per signal code."""
    as_of = bank.as_of
    ids = pd.Index(bank.clients["client_id"].astype(str), name="client_id")
    since = as_of - pd.Timedelta(days=LOOKBACK_DAYS)

    people = bank.people
    left = people[(people["influence"] >= KEY_INFLUENCE_MIN) & (people["left_on"] > since)]

    inter = _last_quarters(bank, "interactions")
    recent, before = inter.iloc[:, -2:].sum(axis=1), inter.iloc[:, -4:-2].sum(axis=1)

    vol = _last_quarters(bank, "settlement_volume_wan")
    declining = (vol.iloc[:, -1] < vol.iloc[:, -2]) & (vol.iloc[:, -2] < vol.iloc[:, -3])

    visits = bank.visits.merge(people[["person_id", "level"]], on="person_id")
    senior = visits[
        (visits["level"] == "高层") & (visits["date"] >= as_of - pd.Timedelta(days=SENIOR_CONTACT_DAYS))
    ]

    comp = bank.complaints
    escalated = comp[comp["escalated"] & (comp["received_on"] > since)]

    overdue = _last_quarters(bank, "overdue_days").iloc[:, -2:].max(axis=1)

    closed = bank.holdings[bank.holdings["closed_on"] > since]

    frame = pd.DataFrame(
        {
            "key_person_left": ids.isin(left["client_id"].astype(str)),
            "interactions_halved": (recent <= before / 2).reindex(ids).to_numpy(),
            "volume_decline_2q": declining.reindex(ids).to_numpy(),
            "no_senior_contact_90d": ~ids.isin(senior["client_id"].astype(str)),
            "complaint_escalated": ids.isin(escalated["client_id"].astype(str)),
            "late_payment": (overdue > 0).reindex(ids).to_numpy(),
            "product_closed": ids.isin(closed["client_id"].astype(str)),
        },
        index=ids,
    )
    return frame.astype(bool)


def health_score(signals: pd.DataFrame) -> pd.Series:
    """Return 100 minus the weights of the signals present, per client."""
    weights = pd.Series({s.code: s.weight for s in SIGNALS})
    return (100 - signals[weights.index].astype(int).mul(weights).sum(axis=1)).astype(int)


def risk_band(score: int) -> str:
    """Return the churn-risk band (高/中/低) of a health score."""
    if score < HIGH_RISK_BELOW:
        return RISK_HIGH
    if score < MEDIUM_RISK_BELOW:
        return RISK_MEDIUM
    return RISK_LOW
