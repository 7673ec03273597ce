"""Module 4 exercises: current business volume, RFM scores and ABC tiers (practice set).

Exercise 4.1 completes given code for the trainee's drawn client; 4.2–4.3 are from scratch on
the same client, scored among all practice clients; 4.4 counts tiers of the whole practice set.
C0053 (and the 华北 region) is the worked example.
"""

from __future__ import annotations

import math
from typing import Final

import pandas as pd

from casebank.load import CaseBank
from grading.methods import value
from grading.practice import Case, Exercise, drawable, practice_ids
from grading.practice.slips import UNIT_WAN

WORKED_EXAMPLE: Final = ("C0053",)
RFM_KEYS: Final = ("R", "F", "M")


def _average_rank_score(values: pd.Series, *, higher_is_better: bool = True) -> pd.Series:
    """The typical mistake: ties ranked with method="average" instead of "first"."""
    key = values if higher_is_better else -values
    return key.rank(method="average").map(lambda r: math.ceil(5 * r / len(values))).astype(int)


def _abc_lower_tier(values: pd.Series) -> pd.Series:
    """The typical mistake: the client that crosses a boundary put in the lower tier."""
    ordered = values.sort_index().sort_values(ascending=False, kind="stable")
    share = ordered.cumsum() / ordered.sum()
    return share.map(lambda s: "A" if s <= value.A_SHARE else ("B" if s <= value.B_SHARE else "C"))


def _counts(tiers: pd.Series) -> dict[str, int]:
    return {t: int((tiers == t).sum()) for t in ("A", "B", "C")}


def _revenue_cases(bank: CaseBank, ids: list[str]) -> dict[str, Case]:
    revenue = value.our_revenue(bank)
    out = {}
    for c in ids:
        h = bank.holdings[bank.holdings["client_id"] == c]
        active = round(float(h.loc[h["closed_on"].isna(), "revenue_wan"].sum()), 2)
        net = round(float((h["revenue_wan"] - h["direct_cost_wan"]).sum()), 2)
        out[c] = Case(
            float(revenue[c]),
            [
                (active, "漏了年内已销户的产品：销户前过去 12 个月里实现的收入仍然是我行的收入。"),
                (net, "减掉了直接成本：本题问的是收入（revenue_wan 之和），利润在模块 5。"),
            ],
        )
    return out


def _rfm_cases(bank: CaseBank, ids: list[str], population: list[str]) -> dict[str, Case]:
    rfm = value.rfm(bank, population)
    average = {
        "R": _average_rank_score(rfm["recency_days"], higher_is_better=False),
        "F": _average_rank_score(rfm["frequency"]),
        "M": _average_rank_score(rfm["monetary_wan"]),
    }
    r_not_reversed = value.quintile_score(rfm["recency_days"])
    out = {}
    for c in ids:
        scores = {k: int(rfm[f"{k.lower()}_score"][c]) for k in RFM_KEYS}
        out[c] = Case(
            scores,
            [
                (
                    {k: int(average[k][c]) for k in RFM_KEYS},
                    '并列值用了平均排名（method="average"）；本课程统一用 method="first"，按客户号先后打破并列。',
                ),
                (
                    {**scores, "R": int(r_not_reversed[c])},
                    "R 没有反向：距最近一次交易的天数越少越好，天数最少的客户应得 5 分。",
                ),
            ],
        )
    return out


def _abc_cases(bank: CaseBank, ids: list[str], population: list[str]) -> dict[str, Case]:
    revenue = value.our_revenue(bank)[population]
    tiers, lower = value.abc_tiers(revenue), _abc_lower_tier(revenue)
    profit_tiers = value.abc_tiers(value.profitability(bank)["profit_wan"][population])
    return {
        c: Case(
            str(tiers[c]),
            [
                (str(lower[c]), "跨界客户放进了下一级：看的是排在它之前的累计占比，低于界线就属于上一级。"),
                (str(profit_tiers[c]), "这是按利润分的等级；本题按我行年收入（revenue_wan 之和）分级。"),
            ],
        )
        for c in ids
    }


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the module 4 exercises."""
    population = practice_ids(bank)
    ids = drawable(bank, exclude=WORKED_EXAMPLE)
    revenue = value.our_revenue(bank)[population]
    tiers = value.abc_tiers(revenue)
    return [
        Exercise(
            id="m04.revenue",
            kind="number",
            answer=None,
            unit=UNIT_WAN,
            explanation="正确。我行从客户获得的年收入是 holdings 中过去 12 个月各产品收入之和，年内已销户的产品也计入其已实现的收入。",
            hint="把你的客户在 holdings 里所有产品的 revenue_wan 加总（单位：万元，两位小数）。",
            cases=_revenue_cases(bank, ids),
        ),
        Exercise(
            id="m04.rfm",
            kind="mapping",
            answer=None,
            decimals=0,
            keys=RFM_KEYS,
            explanation='正确。在全部练习集客户中打分：先按客户号排序，rank(method="first") 打破并列，再取 ceil(5 × 排名 / n)；R 越近越好。',
            hint="三项都在全部练习集客户中排名，不是只在你的区域；R 要反向（天数越少越好），并列时按客户号先后排名。",
            cases=_rfm_cases(bank, ids, population),
        ),
        Exercise(
            id="m04.abc",
            kind="text",
            answer=None,
            explanation="正确。按我行年收入降序排列，看排在它之前的客户的累计占比：低于 70% 为 A，低于 90% 为 B，其余为 C。",
            hint="评分总体是全部练习集客户；算的是“排在它之前的客户”的累计收入占比，而不是包含它自己的累计占比。",
            choices=("A", "B", "C"),
            cases=_abc_cases(bank, ids, population),
        ),
        Exercise(
            id="m04.abc_counts",
            kind="mapping",
            answer=_counts(tiers),
            decimals=0,
            keys=("A", "B", "C"),
            explanation="正确。少数 A 类客户贡献了七成收入，这正是帕累托分布：A 类要重点配置资源。",
            hint="按我行收入从高到低排序（并列按客户号），看每户之前的累计占比：< 70% 为 A，< 90% 为 B，其余为 C。",
            mistakes=[
                (
                    _counts(_abc_lower_tier(revenue)),
                    "跨界客户放进了下一级；跨过 70% 或 90% 界线的那一户属于上一级。",
                ),
                (
                    _counts(value.abc_tiers(value.profitability(bank)["profit_wan"][population])),
                    "这是按利润分的 ABC；本题按我行收入（revenue_wan 之和）分级。",
                ),
            ],
        ),
    ]
