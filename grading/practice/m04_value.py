"""Module 4 exercises: current business volume, RFM scores and ABC tiers (practice set)."""

from __future__ import annotations

import math

import pandas as pd

from casebank import vocab
from casebank.load import CaseBank
from grading.methods import value
from grading.practice import Exercise


def _practice_ids(bank: CaseBank) -> list[str]:
    practice = bank.clients[bank.clients["pool"] == vocab.POOL_PRACTICE]
    return sorted(practice["client_id"].astype(str))


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


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the module 4 exercises."""
    ids = _practice_ids(bank)
    h = bank.holdings[bank.holdings["client_id"] == "C0142"]
    revenue_all = float(value.our_revenue(bank)["C0142"])
    revenue_active = round(float(h.loc[h["closed_on"].isna(), "revenue_wan"].sum()), 2)

    rfm = value.rfm(bank, ids)
    scores = {
        "R": int(rfm["r_score"]["C0297"]),
        "F": int(rfm["f_score"]["C0297"]),
        "M": int(rfm["m_score"]["C0297"]),
    }
    average = {
        "R": int(_average_rank_score(rfm["recency_days"], higher_is_better=False)["C0297"]),
        "F": int(_average_rank_score(rfm["frequency"])["C0297"]),
        "M": int(_average_rank_score(rfm["monetary_wan"])["C0297"]),
    }
    r_not_reversed = {**scores, "R": int(value.quintile_score(rfm["recency_days"])["C0297"])}
    r_c0060 = int(rfm["r_score"]["C0060"])
    r_c0060_average = int(_average_rank_score(rfm["recency_days"], higher_is_better=False)["C0060"])

    revenue = value.our_revenue(bank)[ids]
    tiers = value.abc_tiers(revenue)
    lower = _abc_lower_tier(revenue)
    profit_tiers = value.abc_tiers(value.profitability(bank)["profit_wan"][ids])
    boundary = str(tiers["C0092"])
    return [
        Exercise(
            id="m04.revenue_c0142",
            kind="number",
            answer=revenue_all,
            explanation="正确。我行从客户获得的年收入是 holdings 中过去 12 个月各产品收入之和，年内已销户的产品也计入其已实现的收入。",
            hint="把 C0142 在 holdings 里所有产品的 revenue_wan 加总（单位：万元）。",
            mistakes=[
                (revenue_active, "漏了年内已销户的产品：销户前过去 12 个月里实现的收入仍然是我行的收入。"),
            ],
            clients=("C0142",),
        ),
        Exercise(
            id="m04.rfm_c0297",
            kind="mapping",
            answer=scores,
            decimals=0,
            explanation='正确。在练习集 118 户中打分：先按客户号排序，rank(method="first") 打破并列，再取 ceil(5 × 排名 / n)；R 越近越好。',
            hint="三项都在练习集全部客户中排名；R 要反向（天数越少越好），并列时按客户号先后排名。",
            mistakes=[
                (
                    average,
                    '并列值用了平均排名（method="average"）；本课程统一用 method="first"，按客户号先后打破并列。',
                ),
                (r_not_reversed, "R 没有反向：距最近一次交易的天数越少越好，天数最少的客户应得 5 分。"),
            ],
            clients=("C0297",),
        ),
        Exercise(
            id="m04.r_score_c0060",
            kind="number",
            answer=r_c0060,
            # whole numbers: one decimal, so the checker's one-unit tolerance cannot accept off-by-one
            decimals=1,
            explanation=(
                '正确。C0060 与其他客户的 R 天数相同；method="first" 让并列客户按客户号先后依次取排名，'
                "C0060 客户号靠前、排名数字小，分数落在分界线下面的一档。"
            ),
            hint="找出与 C0060 的 recency_days 相同的客户，看它们按客户号的先后次序。",
            mistakes=[
                (
                    r_c0060_average,
                    '这是平均排名（method="average"）给出的分数；并列时要按客户号先后用 method="first" 排名。',
                ),
            ],
            clients=("C0060",),
        ),
        Exercise(
            id="m04.abc_c0092",
            kind="text",
            answer=boundary,
            explanation="正确。C0092 之前的累计占比低于 70%，它正是跨过 70% 界线的那一户，按规则归入上一级。",
            hint="算的是“排在它之前的客户”的累计收入占比，而不是包含它自己的累计占比。",
            mistakes=[
                (
                    str(lower["C0092"]),
                    "把跨界客户放进了下一级：规则是看它之前的累计占比，低于 70% 就属于 A 类。",
                ),
            ],
            clients=("C0092",),
        ),
        Exercise(
            id="m04.abc_counts",
            kind="mapping",
            answer=_counts(tiers),
            decimals=0,
            explanation="正确。少数 A 类客户贡献了七成收入，这正是帕累托分布：A 类要重点配置资源。",
            hint="按我行收入从高到低排序（并列按客户号），看每户之前的累计占比：< 70% 为 A，< 90% 为 B，其余为 C。",
            mistakes=[
                (_counts(lower), "跨界客户放进了下一级；跨过 70% 或 90% 界线的那一户属于上一级。"),
                (_counts(profit_tiers), "这是按利润分的 ABC；本题按我行收入（revenue_wan 之和）分级。"),
            ],
        ),
    ]
