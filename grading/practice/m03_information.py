"""Module 3 exercises: client information, key people and CRM record quality."""

from __future__ import annotations

import pandas as pd

from casebank import vocab
from casebank.load import CaseBank
from grading.methods import crm_quality, information, value
from grading.practice import Exercise


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


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the module 3 exercises."""
    years = sorted(bank.sales["year"].unique())
    last, prev, first = int(years[-1]), int(years[-2]), int(years[0])
    growth = float(value.revenue_growth_pct(bank)["C0092"])

    people = bank.people
    c0113 = people[people["client_id"] == "C0113"]
    key = crm_quality.key_people(bank, "C0113")
    key_with_departed = sorted(c0113.loc[c0113["influence"] >= information.KEY_INFLUENCE_MIN, "person_id"])
    key_influence_3 = sorted(c0113.loc[c0113["left_on"].isna() & (c0113["influence"] >= 3), "person_id"])

    stale = information.stale_names(bank, "C0182")
    defects = crm_quality.record_defects(bank)
    to_fix = crm_quality.records_to_fix(bank, "C0113")
    stale_only = sorted(p for p in to_fix if defects.at[p, "stale_key_contact"])
    departed_ids = set(c0113.loc[c0113["left_on"].notna(), "person_id"].astype(str))
    fix_without_departed = sorted(p for p in to_fix if p not in departed_ids)

    practice = set(bank.clients.loc[bank.clients["pool"] == vocab.POOL_PRACTICE, "client_id"])
    in_practice = people[people["client_id"].isin(practice)]
    stale_people = information.stale_key_people(bank)
    stale_total = int(stale_people["client_id"].isin(practice).sum())
    age = (bank.as_of - in_practice["last_contact"]).dt.days
    active = in_practice["left_on"].isna()
    stale_all_influence = int((active & (age > information.STALE_CONTACT_DAYS)).sum())
    stale_with_departed = int(
        (
            (in_practice["influence"] >= information.KEY_INFLUENCE_MIN)
            & (age > information.STALE_CONTACT_DAYS)
        ).sum()
    )
    return [
        Exercise(
            id="m03.growth_c0092",
            kind="number",
            answer=growth,
            decimals=1,
            explanation=f"正确。增长率 = {last} 年营收 ÷ {prev} 年营收 − 1，以百分数表示并保留一位小数。",
            hint=f"用 sales 表中 C0092 的 revenue_wan：{last} 年比 {prev} 年，结果乘以 100。",
            mistakes=[
                (
                    _growth(bank.sales, "C0092", "revenue_wan", first, last),
                    f"这是 {first} 到 {last} 两年的累计增长；题目问的是最近一年（{last} 比 {prev}）。",
                ),
                (
                    _growth(bank.sales, "C0092", "net_profit_wan", prev, last),
                    "这是净利润的增长；营收（销售信息）用 revenue_wan 列。",
                ),
            ],
            clients=("C0092",),
        ),
        Exercise(
            id="m03.key_people_c0113",
            kind="set",
            answer=key,
            explanation="正确。关键人物 = 仍在职且影响力 ≥ 4 的人；已离职的人无论职位多高都不再是决策链上的人。",
            hint="两个条件同时满足：left_on 为空（在职）；influence ≥ 4。",
            mistakes=[
                (
                    key_with_departed,
                    "名单里有已离职的人：left_on 有日期说明此人已离开客户，要从决策链中移除。",
                ),
                (key_influence_3, "影响力门槛是 ≥ 4；影响力 3 的中层经理是重要联系人，但不算关键人物。"),
            ],
            clients=("C0113",),
        ),
        Exercise(
            id="m03.stale_c0182",
            kind="set",
            answer=stale,
            explanation=(
                f"正确。陈旧记录 = 在职、影响力 ≥ 4、最近接触距数据日期超过 {information.STALE_CONTACT_DAYS} 天的关键人物，"
                "这些人要尽快安排拜访并更新记录。"
            ),
            hint=f"逐人计算 {bank.as_of.date()} − last_contact 的天数，只看在职且影响力 ≥ 4 的人。",
            mistakes=[
                (
                    _stale_names(bank, "C0182", days=information.STALE_CONTACT_DAYS, departed_too=True),
                    "已离职的人不算陈旧记录（他们要按离职处理），陈旧只针对仍在职的关键人物。",
                ),
                (
                    _stale_names(bank, "C0182", days=365, departed_too=False),
                    f"门槛是 {information.STALE_CONTACT_DAYS} 天（半年），不是一年：关键人物半年没接触就要更新。",
                ),
            ],
            clients=("C0182",),
        ),
        Exercise(
            id="m03.fix_c0113",
            kind="set",
            answer=to_fix,
            explanation=(
                "正确。要修正的记录包括：陈旧的关键人物、汇报对象已离职的在职人员（汇报线没更新），"
                "以及离职后仍登记了接触日期的人（接触记到了错误的人名下）。"
            ),
            hint="三条规则逐人检查：陈旧关键人物；reports_to 指向已离职的人；离职后还有接触记录（last_contact > left_on）。",
            mistakes=[
                (
                    stale_only,
                    "只找了陈旧记录；还要检查汇报线是否指向已离职的人、离职人员是否有离职后的接触记录。",
                ),
                (
                    fix_without_departed,
                    "漏了已离职的人：离职后仍登记接触日期，说明接触被记错了人，这条记录也要修正。",
                ),
            ],
            clients=("C0113",),
        ),
        Exercise(
            id="m03.stale_total",
            kind="number",
            answer=stale_total,
            # whole numbers: one decimal, so the checker's one-unit tolerance cannot accept off-by-one
            decimals=1,
            explanation="正确。这是整个练习集中需要尽快拜访并更新的关键人物记录数，可以按客户经理分派跟进。",
            hint="在练习集客户的 people 中，同时满足：在职、影响力 ≥ 4、最近接触超过 180 天。",
            mistakes=[
                (stale_all_influence, "没有限定影响力 ≥ 4：陈旧规则只针对关键人物。"),
                (stale_with_departed, "把已离职的人也算进去了：陈旧规则只针对仍在职的关键人物。"),
            ],
        ),
    ]
