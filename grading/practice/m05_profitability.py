"""Module 5 exercises: profitability, CLV, share of wallet, contribution and potential.

Exercises 5.1–5.2 complete given code for the trainee's drawn client, 5.3–5.5 are from scratch
on the same client, 5.6 counts loss makers in the whole practice set. C0053 is the worked
example. The CLV exercise states the churn-risk band to use (中): judging the band is module 8's
exercise, so module 5 never prints a drawn client's band.
"""

from __future__ import annotations

import math
from typing import Final

import pandas as pd

from casebank.load import CaseBank
from grading.methods import relationship, value
from grading.methods.relationship import RISK_MEDIUM
from grading.practice import Case, Exercise, drawable, practice_ids
from grading.practice.slips import UNIT_RATIO, UNIT_WAN

WORKED_EXAMPLE: Final = ("C0053",)
#: The churn-risk band exercise 5.2 states for every client.
STATED_RISK: Final = RISK_MEDIUM


def risk_band_of(bank: CaseBank, client_id: str) -> str:
    """Return the churn-risk band of a client by the module 8 rule (stated in the notebook)."""
    score = relationship.health_score(relationship.churn_signals(bank))[client_id]
    return relationship.risk_band(int(score))


Table = dict[str, dict[str, float]]


def _columns(frame: pd.DataFrame) -> Table:
    """A frame's columns as plain dicts (client id -> value)."""
    return {str(name): {str(k): float(v) for k, v in frame[name].items()} for name in frame.columns}


def _profit_cases(prof: Table, ids: list[str]) -> dict[str, Case]:
    return {
        c: Case(
            float(prof["profit_wan"][c]),
            [
                (
                    round(float(prof["revenue_wan"][c] - prof["direct_cost_wan"][c]), 2),
                    "忘了服务成本（cost-to-serve）：拜访、交易和投诉处理都要消耗银行的人力和系统成本。",
                ),
                (
                    round(float(prof["revenue_wan"][c] - prof["cost_to_serve_wan"][c]), 2),
                    "忘了直接成本：资金成本、风险成本等直接成本也要从收入中扣除。",
                ),
            ],
        )
        for c in ids
    }


def _clv_cases(prof: Table, ids: list[str]) -> dict[str, Case]:
    r, d = value.retention_rate(STATED_RISK), value.DISCOUNT_RATE
    others = [b for b in value.RETENTION_BY_RISK if b != STATED_RISK]
    out = {}
    for c in ids:
        m = float(prof["profit_wan"][c])
        out[c] = Case(
            value.clv(m, r),
            [
                (round(m * r / (1 - r), 2), "没有折现：分母应是 1 + d − r；不折现会高估未来利润的价值。"),
                (
                    value.clv(float(prof["revenue_wan"][c]), r),
                    "用了收入而不是利润：CLV 衡量的是客户未来带来的利润，要先扣直接成本和服务成本。",
                ),
                (round(m * r / (1 + d + r), 2), "分母写错了：是 1 + d − r（减去留存率），不是加。"),
                *[
                    (
                        value.clv(m, value.retention_rate(b)),
                        f"留存率取错了：题目给定风险等级为“{STATED_RISK}”，查对照表取 r。",
                    )
                    for b in others
                ],
            ],
        )
    return out


def _sow_cases(bank: CaseBank, prof: Table, ids: list[str]) -> dict[str, Case]:
    frame = bank.clients.set_index(bank.clients["client_id"].astype(str))
    clients = _columns(frame[["n_banks", "our_bank_rank", "wallet_disclosed_wan"]])
    sow = value.share_of_wallet(bank)
    last_year = int(bank.sales["year"].max())
    sales = bank.sales[bank.sales["year"] == last_year].set_index("client_id")["revenue_wan"]
    out = {}
    for c in ids:
        n, rank = int(clients["n_banks"][c]), int(clients["our_bank_rank"][c])
        revenue = float(prof["revenue_wan"][c])
        war = round((1 - rank / (n + 1)) * 2 / n, 4)
        mistakes = [
            (
                round(revenue / float(sales[c]), 4),
                "分母用成了客户的营业收入；钱包份额的分母是客户一年的银行业务支出（钱包）。",
            )
        ]
        if not math.isnan(clients["wallet_disclosed_wan"][c]):
            mistakes.append((war, "客户已经披露了钱包，就用实际数据；钱包分配法则只在钱包未知时使用。"))
        else:
            mistakes += [
                (round(1 / n, 4), "1/N 假设各家银行平分钱包；钱包分配法则要考虑我行的排名。"),
                (round((1 - rank / n) * 2 / n, 4), "分母应是 N + 1 而不是 N：(1 − 排名/(N+1)) × 2/N。"),
            ]
        out[c] = Case(float(sow[c]), mistakes)
    return out


def _contribution_cases(bank: CaseBank, prof: Table, ids: list[str]) -> dict[str, Case]:
    contribution = value.comprehensive_contribution(bank)
    return {
        c: Case(
            float(contribution[c]),
            [
                (
                    float(prof["profit_wan"][c]),
                    "没有按业务类别加权，这只是利润；综合贡献度要体现资本占用和中间业务的战略价值。",
                ),
                (
                    round(float(contribution[c] + prof["cost_to_serve_wan"][c]), 2),
                    "加权后还要减去服务成本，综合贡献度是净贡献。",
                ),
            ],
        )
        for c in ids
    }


def _potential_cases(bank: CaseBank, ids: list[str]) -> dict[str, Case]:
    points = _columns(value.development_potential(bank))
    growth = value.revenue_growth_pct(bank)
    out = {}
    for c in ids:
        score = int(points["potential_score"][c])
        rounded_first = (
            score - int(points["growth_points"][c]) + value.growth_points(round(float(growth[c]), 1))
        )
        out[c] = Case(
            score,
            [
                (
                    rounded_first,
                    "增长率先四舍五入再比较了：规则是用未取整的增长率和门槛比较，差一点也是没达到。",
                ),
                (
                    score - int(points["industry_points"][c]),
                    "漏了行业前景：看 industries 表中该行业的 outlook。",
                ),
                (
                    score - int(points["investment_points"][c]),
                    "漏了投资计划：客户有投资计划（investment_plan_wan 不为空）这一项也要得分。",
                ),
            ],
        )
    return out


def _loss_makers(prof: pd.DataFrame, practice: list[str]) -> Exercise:
    in_practice = prof.loc[practice]
    return Exercise(
        id="m05.loss_makers",
        kind="number",
        answer=int((in_practice["profit_wan"] < 0).sum()),
        decimals=0,
        explanation="正确。扣除服务成本后，相当一部分小客户是亏损的——这就是鲸鱼曲线右端向下弯的原因。",
        hint="对练习集每一户算利润（含服务成本），数一数利润 < 0 的客户。",
        mistakes=[
            (
                int((in_practice["revenue_wan"] - in_practice["direct_cost_wan"] < 0).sum()),
                "没有扣服务成本：只看收入减直接成本，会把许多实际亏损的小客户算成盈利。",
            )
        ],
    )


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the module 5 exercises."""
    ids = drawable(bank, exclude=WORKED_EXAMPLE)
    frame = value.profitability(bank)
    prof = _columns(frame)
    return [
        Exercise(
            id="m05.profit",
            kind="number",
            answer=None,
            unit=UNIT_WAN,
            explanation="正确。利润 = 收入 − 直接成本 − 服务成本；服务成本 = 拜访次数 × 拜访单价 + 交易笔数 × 交易单价 + 投诉数 × 投诉处理单价。",
            hint="拜访、交易、投诉都只数过去 12 个月的；单价在 cost_rates 表中，单位万元。",
            cases=_profit_cases(prof, ids),
        ),
        Exercise(
            id="m05.clv",
            kind="number",
            answer=None,
            unit=UNIT_WAN,
            explanation="正确。CLV = m·r/(1+d−r)：m 为本年利润（含服务成本），r 按给定的风险等级查表，d = 10%。",
            hint="m 用本年利润（含服务成本），r 查风险等级对照表，d = 10%；先算分母 1 + d − r。",
            cases=_clv_cases(prof, ids),
        ),
        Exercise(
            id="m05.sow",
            kind="number",
            answer=None,
            decimals=4,
            unit=UNIT_RATIO,
            explanation="正确。先看客户是否披露了钱包：披露了用“我行收入 ÷ 披露的年度银行业务支出”，没有披露才用钱包分配法则。",
            hint="先看 wallet_disclosed_wan 是否为空；钱包分配法则里 N 是 n_banks，排名是 our_bank_rank，分母是 N + 1。",
            cases=_sow_cases(bank, prof, ids),
        ),
        Exercise(
            id="m05.contribution",
            kind="number",
            answer=None,
            unit=UNIT_WAN,
            explanation="正确。按产品类别加权：负债业务 1.0、资产业务 0.8、中间业务 1.2，各乘以（收入 − 直接成本）后相加，再减服务成本。",
            hint="先用 products 表把每个产品对应到负债/资产/中间业务，再加权；最后别忘了减服务成本。",
            cases=_contribution_cases(bank, prof, ids),
        ),
        Exercise(
            id="m05.potential",
            kind="number",
            answer=None,
            decimals=0,
            explanation="正确。发展潜力 = 行业前景 + 营收增长 + 产能利用率 + 投资计划四项得分之和，门槛都用未取整的值比较。",
            hint="四项逐一查：行业前景（industries 表 outlook）、最近一年营收增长率、产能利用率、是否有投资计划。",
            cases=_potential_cases(bank, ids),
        ),
        _loss_makers(frame, practice_ids(bank)),
    ]
