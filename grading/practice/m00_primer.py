"""Module 0 exercises: the primer's pandas steps, on the trainee's drawn practice client.

Exercise 0.1 completes given code for the whole practice set; 0.2 is from scratch on the drawn
client; 0.3 completes merge code for it; 0.4–0.5 are from scratch. C0053 is the worked example.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from casebank.load import CaseBank
from grading.practice import Case, Exercise, drawable
from grading.practice.slips import UNIT_WAN

WORKED_EXAMPLE: Final = ("C0053",)
EAST: Final = "华东"


def _industry_cases(practice: pd.DataFrame, clients: pd.DataFrame, ids: list[str]) -> dict[str, Case]:
    industry = dict(zip(practice["client_id"].astype(str), practice["industry"].astype(str), strict=True))
    in_practice = practice["industry"].astype(str).value_counts()
    in_bank = clients["industry"].astype(str).value_counts()
    return {
        c: Case(
            int(in_practice[industry[c]]),
            [
                (int(in_practice[industry[c]]) - 1, "把你的客户自己漏掉了：同行业的练习集客户包括它自己。"),
                (int(in_bank[industry[c]]), '数的是整个案例库；题目只问练习集（bank.pool("practice")）。'),
            ],
        )
        for c in ids
    }


def _revenue_cases(bank: CaseBank, ids: list[str]) -> dict[str, Case]:
    merged = bank.holdings.merge(bank.products[["product", "category"]], on="product")
    out = {}
    for c in ids:
        mine = merged[merged["client_id"] == c]
        revenue = mine.groupby("category", observed=True)["revenue_wan"].sum().round(2)
        balance = mine.groupby("category", observed=True)["avg_balance_wan"].sum().round(2)
        out[c] = Case(
            {str(k): float(v) for k, v in revenue.items()},
            [
                (
                    {str(k): float(v) for k, v in balance.items()},
                    "汇总的是余额（avg_balance_wan）；题目问的是我行收入 revenue_wan。",
                )
            ],
        )
    return out


def _manager_cases(practice: pd.DataFrame, managers: pd.DataFrame, ids: list[str]) -> dict[str, Case]:
    manager_of = dict(zip(practice["client_id"].astype(str), practice["manager_id"].astype(str), strict=True))
    name_of = dict(zip(managers["manager_id"].astype(str), managers["name"].astype(str), strict=True))
    client_name = dict(zip(practice["client_id"].astype(str), practice["name"].astype(str), strict=True))
    return {
        c: Case(
            name_of[manager_of[c]],
            [
                (
                    manager_of[c],
                    "这是客户经理的编号；题目要姓名：用 merge 连接 bank.managers，取经理的 name 列。",
                ),
                (
                    client_name[c],
                    "这是客户的名称：两张表都有 name 列，连接后要取客户经理表那一列（加了后缀的那一列）。",
                ),
            ],
        )
        for c in ids
    }


def _visit_cases(bank: CaseBank, ids: list[str]) -> dict[str, Case]:
    visits = bank.visits.groupby(bank.visits["client_id"].astype(str))["date"]
    last, first = visits.max(), visits.min()
    return {
        c: Case(
            int((bank.as_of - last[c]).days),
            [
                (
                    int((bank.as_of - first[c]).days),
                    "这是距第一次拜访的天数；题目问的是最近一次（日期最大的那次）。",
                )
            ],
        )
        for c in ids
        if c in last.index
    }


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the module 0 exercises."""
    practice = bank.pool("practice")
    ids = drawable(bank, exclude=WORKED_EXAMPLE)
    east = practice["region"].astype(str) == EAST
    return [
        Exercise(
            id="m00.east_count",
            kind="number",
            answer=int(east.sum()),
            decimals=0,
            explanation="正确。筛选出区域为华东的行，再用 len(...) 数行数；也可以把真假值直接求和。",
            hint='条件写成 practice["region"] == "华东"（两个等号），筛选后数行数。',
            mistakes=[(len(practice), "这是练习集的全部户数：筛选条件没有起作用。")],
        ),
        Exercise(
            id="m00.industry_peers",
            kind="number",
            answer=None,
            decimals=0,
            explanation="正确。先取出你的客户的行业，再在练习集中筛选同一行业的客户并数行数。",
            hint='两步：by_id.loc[client, "industry"] 取出行业；再 practice[practice["industry"] == 行业] 数行数。',
            cases=_industry_cases(practice, bank.clients, ids),
        ),
        Exercise(
            id="m00.revenue_by_category",
            kind="mapping",
            answer=None,
            explanation="正确。先把 holdings 和 products 按 product 连接，筛出你的客户，再按 category 分组对 revenue_wan 求和。",
            hint='merge 之后筛选 client_id，再 groupby("category")["revenue_wan"].sum().round(2)；答案可以直接交这个 Series。',
            unit=UNIT_WAN,
            cases=_revenue_cases(bank, ids),
        ),
        Exercise(
            id="m00.manager_name",
            kind="text",
            answer=None,
            explanation="正确。客户表的 manager_id 和客户经理表连接起来，就能取到经理的姓名。",
            hint='practice.merge(bank.managers[["manager_id", "name"]], on="manager_id", suffixes=("", "_经理"))，再取 name_经理。',
            cases=_manager_cases(practice, bank.managers, ids),
        ),
        Exercise(
            id="m00.days_since_visit",
            kind="number",
            answer=None,
            decimals=0,
            explanation="正确。取你的客户拜访记录中最大的日期，数据日期减去它，再用 .days 取天数。",
            hint="bank.visits 中筛出你的客户，date 取 max()，再用 bank.as_of 相减。",
            cases=_visit_cases(bank, ids),
        ),
    ]
