"""Module 3 exercises: client information, key people and CRM record quality.

Exercises 3.1–3.4 are about the trainee's drawn practice client (3.1–3.2 complete given code,
3.3–3.4 from scratch); 3.5 is about the whole practice set. C0053 and C0208 are the worked examples.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from casebank.load import CaseBank
from grading.methods import crm_quality, information, value
from grading.practice import Case, Exercise, drawable, practice_ids
from grading.practice.slips import UNIT_PERCENT

WORKED_EXAMPLE: Final = ("C0053", "C0208")
PERSON_ID: Final = r"C\d{4}-P\d{2}"


def _growth(sales: pd.DataFrame, client_id: str, column: str, first: int, last: int) -> float:
    rows = sales[sales["client_id"] == client_id].set_index("year")[column]
    return float((rows[last] / rows[first] - 1) * 100)


def _stale_names(bank: CaseBank, client_id: str, *, days: int, departed_too: bool) -> list[str]:
    p = bank.people[bank.people["client_id"] == client_id]
    age = (bank.as_of - p["last_contact"]).dt.days
    mask = (p["influence"] >= information.KEY_INFLUENCE_MIN) & (age > days)
    if not departed_too:
        mask &= p["left_on"].isna()
    return sorted(p.loc[mask, "name"].astype(str))


def _growth_cases(bank: CaseBank, ids: list[str]) -> dict[str, Case]:
    years = sorted(bank.sales["year"].unique())
    last, prev, first = int(years[-1]), int(years[-2]), int(years[0])
    growth = value.revenue_growth_pct(bank)
    return {
        c: Case(
            float(growth[c]),
            [
                (
                    _growth(bank.sales, c, "revenue_wan", first, last),
                    "这是两年的累计增长；题目问的是最近一年比上一年。",
                ),
                (
                    _growth(bank.sales, c, "net_profit_wan", prev, last),
                    "这是净利润的增长；营收用 revenue_wan 列。",
                ),
                (_growth(bank.sales, c, "revenue_wan", last, prev), "除反了：用最近一年除以上一年，再减 1。"),
            ],
        )
        for c in ids
    }


def _key_people_cases(bank: CaseBank, ids: list[str]) -> dict[str, Case]:
    out = {}
    for c in ids:
        p = bank.people[bank.people["client_id"] == c]
        with_departed = sorted(
            p.loc[p["influence"] >= information.KEY_INFLUENCE_MIN, "person_id"].astype(str)
        )
        influence_3 = sorted(p.loc[p["left_on"].isna() & (p["influence"] >= 3), "person_id"].astype(str))
        out[c] = Case(
            crm_quality.key_people(bank, c),
            [
                (with_departed, "名单里有已离职的人：left_on 有日期说明此人已离开客户，要从决策链中移除。"),
                (influence_3, "影响力门槛是 ≥ 4；影响力 3 的人是重要联系人，但不算关键人物。"),
            ],
        )
    return out


def _stale_cases(bank: CaseBank, ids: list[str]) -> dict[str, Case]:
    days = information.STALE_CONTACT_DAYS
    return {
        c: Case(
            information.stale_names(bank, c),
            [
                (
                    _stale_names(bank, c, days=days, departed_too=True),
                    "已离职的人不算陈旧记录（他们要按离职处理），陈旧只针对仍在职的关键人物。",
                ),
                (
                    _stale_names(bank, c, days=365, departed_too=False),
                    f"门槛是 {days} 天（半年），不是一年：关键人物半年没接触就要更新。",
                ),
                (
                    _stale_names(bank, c, days=days - 1, departed_too=False),
                    f"恰好 {days} 天的不算陈旧：规则是“超过”，不含等于。",
                ),
            ],
        )
        for c in ids
    }


def _fix_cases(bank: CaseBank, ids: list[str]) -> dict[str, Case]:
    defects = crm_quality.record_defects(bank)
    out = {}
    for c in ids:
        to_fix = crm_quality.records_to_fix(bank, c)
        p = bank.people[bank.people["client_id"] == c]
        departed = set(p.loc[p["left_on"].notna(), "person_id"].astype(str))
        out[c] = Case(
            to_fix,
            [
                (
                    [q for q in to_fix if defects.at[q, "stale_key_contact"]],
                    "只找了陈旧记录；还要检查汇报线是否指向已离职的人、离职人员是否有离职后的接触记录。",
                ),
                (
                    [q for q in to_fix if q not in departed],
                    "漏了已离职的人：离职后仍登记接触日期，说明接触被记错了人，这条记录也要修正。",
                ),
                (
                    [q for q in to_fix if not defects.at[q, "reports_to_departed"] or q in departed],
                    "漏了汇报线指向已离职人员的在职人员：他们的汇报关系没有更新，决策链是错的。",
                ),
            ],
        )
    return out


def _stale_total(bank: CaseBank) -> Exercise:
    practice = set(practice_ids(bank))
    people = bank.people[bank.people["client_id"].isin(practice)]
    age = (bank.as_of - people["last_contact"]).dt.days
    old = age > information.STALE_CONTACT_DAYS
    key = people["influence"] >= information.KEY_INFLUENCE_MIN
    return Exercise(
        id="m03.stale_total",
        kind="number",
        answer=int(information.stale_key_people(bank)["client_id"].isin(practice).sum()),
        decimals=0,
        explanation="正确。这是整个练习集中需要尽快拜访并更新的关键人物记录数，可以按客户经理分派跟进。",
        hint="在练习集客户的 people 中，同时满足：在职、影响力 ≥ 4、最近接触超过 180 天。",
        mistakes=[
            (int((people["left_on"].isna() & old).sum()), "没有限定影响力 ≥ 4：陈旧规则只针对关键人物。"),
            (int((key & old).sum()), "把已离职的人也算进去了：陈旧规则只针对仍在职的关键人物。"),
        ],
    )


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the module 3 exercises."""
    ids = drawable(bank, exclude=WORKED_EXAMPLE)
    days = information.STALE_CONTACT_DAYS
    return [
        Exercise(
            id="m03.growth",
            kind="number",
            answer=None,
            decimals=1,
            unit=UNIT_PERCENT,
            explanation="正确。增长率 = 最近一年营收 ÷ 上一年营收 − 1，以百分数表示并保留一位小数。",
            hint="用 sales 表中你的客户的 revenue_wan：最近一年比上一年，减 1 后乘以 100。",
            cases=_growth_cases(bank, ids),
        ),
        Exercise(
            id="m03.key_people",
            kind="set",
            answer=None,
            item_pattern=PERSON_ID,
            item_example="C0053-P01",
            explanation="正确。关键人物 = 仍在职且影响力 ≥ 4 的人；已离职的人无论职位多高都不再是决策链上的人。",
            hint="两个条件同时满足：left_on 为空（在职）；influence ≥ 4。写 person_id。",
            cases=_key_people_cases(bank, ids),
        ),
        Exercise(
            id="m03.stale",
            kind="set",
            answer=None,
            explanation=(
                f"正确。陈旧记录 = 在职、影响力 ≥ 4、最近接触距数据日期超过 {days} 天的关键人物，"
                "这些人要尽快安排拜访并更新记录。"
            ),
            hint=f"逐人计算 {bank.as_of.date()} − last_contact 的天数，只看在职且影响力 ≥ 4 的人；写姓名。",
            cases=_stale_cases(bank, ids),
        ),
        Exercise(
            id="m03.fix",
            kind="set",
            answer=None,
            item_pattern=PERSON_ID,
            item_example="C0053-P01",
            explanation="正确。三类问题逐人检查，任一成立就要修正；修正时先问清新的汇报关系和接触对象。",
            hint="三条规则逐人检查：陈旧关键人物；reports_to 指向已离职的人；离职后还有接触记录（last_contact > left_on）。",
            cases=_fix_cases(bank, ids),
        ),
        _stale_total(bank),
    ]
