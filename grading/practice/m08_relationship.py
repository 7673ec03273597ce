"""Module 8 exercises: churn signals, health score, risk band, workload and the visit plan."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from casebank.load import CaseBank
from grading.methods import planning as pl
from grading.methods import relationship as rel
from grading.practice import Exercise

SELLING_HOURS = 1400
PLAN_MANAGER = "M05"
PLAN_HOURS = 20.0


def practice_tiers(bank: CaseBank) -> pd.Series:
    """Return the ABC tier of every practice client, by our revenue within the practice set."""
    return pl.tiers_by_revenue(bank, bank.pool("practice")["client_id"].astype(str).tolist())


def plan_candidates(bank: CaseBank, manager_id: str) -> list[pl.PlanCandidate]:
    """Return the visit-plan candidates: a manager's practice clients."""
    tiers = practice_tiers(bank)
    bands = rel.health_score(rel.churn_signals(bank)).map(rel.risk_band)
    days = pl.days_since_last_visit(bank)
    practice = bank.pool("practice")
    book = practice.loc[practice["manager_id"] == manager_id, "client_id"].astype(str)
    return [
        pl.PlanCandidate(c, str(tiers[c]), str(bands[c]), None if pd.isna(days[c]) else int(days[c]))
        for c in book
    ]


def _labels(signals: pd.DataFrame, cid: str) -> list[str]:
    return [s.label_zh for s in rel.SIGNALS if bool(signals.at[cid, s.code])]


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the self-check exercises of curriculum module 8."""
    signals = rel.churn_signals(bank)
    scores = rel.health_score(signals)
    tiers = practice_tiers(bank)
    counts = {t: int((tiers == t).sum()) for t in pl.TIERS}
    visits_only = sum(counts[t] * pl.VISITS_PER_YEAR[t] for t in pl.TIERS) / SELLING_HOURS
    candidates = plan_candidates(bank, PLAN_MANAGER)
    plan = pl.visit_plan(candidates, PLAN_HOURS)
    tier_first = pl.visit_plan([replace(c, risk="低") for c in candidates], PLAN_HOURS)
    stop_early: list[str] = []
    for cid in pl.visit_plan(candidates, float("inf")):
        hours = pl.HOURS_PER_VISIT[str(tiers[cid])]
        if sum(pl.HOURS_PER_VISIT[str(tiers[c])] for c in stop_early) + hours > PLAN_HOURS:
            break
        stop_early.append(cid)
    c0053 = int(scores["C0053"])
    return [
        Exercise(
            id="m08.signals_c0239",
            kind="set",
            answer=_labels(signals, "C0239"),
            explanation="正确：最近一次高层拜访恰好在 90 天前，仍算接触过高层；只有投诉升级这一个信号。",
            hint="逐条对照七个信号；注意“90 天”的边界：恰好 90 天前的高层拜访仍算接触。",
            mistakes=[
                (
                    [*_labels(signals, "C0239"), rel.SIGNALS_BY_CODE["no_senior_contact_90d"].label_zh],
                    "高层拜访恰好在 90 天前仍算接触：规则是“90 天内没有高层拜访”才触发，边界当天不触发。",
                )
            ],
            clients=("C0239",),
        ),
        Exercise(
            id="m08.health_c0053",
            kind="number",
            answer=c0053,
            decimals=0,
            explanation="正确：100 − 关键人物离职 25 − 互动减半 15 = 60。",
            hint="健康分 = 100 − 出现的信号的权重之和；先把信号找全。",
            mistakes=[
                (80, "每个信号的权重不同，不能按每个 10 分扣：关键人物离职扣 25，互动减半扣 15。"),
                (75, "漏了关键人物离职（影响力 ≥ 4 的人一年内离职），它的权重是 25。"),
                (85, "漏了互动减半：近两季互动次数 ≤ 前两季的一半。"),
            ],
            clients=("C0053",),
        ),
        Exercise(
            id="m08.band_c0053",
            kind="text",
            answer=rel.risk_band(c0053),
            explanation="正确：60 不低于 60，所以不是高风险；低于 80，所以是中风险。",
            hint="高：健康分 < 60；中：< 80；其余为低。注意“小于”不含边界。",
            mistakes=[
                ("高", "高风险的条件是健康分 < 60；恰好 60 属于中风险。"),
                ("低", "低风险要求健康分 ≥ 80。"),
            ],
            clients=("C0053",),
        ),
        Exercise(
            id="m08.managers_practice",
            kind="number",
            answer=pl.managers_needed(counts, SELLING_HOURS),
            explanation="正确：工作量 = Σ 客户数 × 年拜访次数 × 每次小时数，再除以每人每年的销售小时。",
            hint="A 每年 12 次 × 4 小时，B 4 次 × 3 小时，C 2 次 × 2 小时；最后除以 1400。",
            mistakes=[
                (
                    round(visits_only, 2),
                    "算成了拜访次数除以小时数：每次拜访还要乘上所需小时（含准备和路途）。",
                )
            ],
            clients=tuple(sorted(tiers.index)),
        ),
        Exercise(
            id="m08.plan_m05",
            kind="list",
            answer=plan,
            explanation="正确：先高风险、再按层级和久未拜访排序；放不下的拜访跳过，继续看后面更短的拜访。",
            hint="排序：风险（高→中→低）、层级（A→B→C）、距上次拜访天数（长者先）、客户号；逐个装入 20 小时。",
            mistakes=[
                (stop_early, "遇到放不下的拜访就停止了：规则是跳过它、继续往下找还能放下的拜访。"),
                (tier_first, "只按层级排序忽略了流失风险：中高风险客户要先安排拜访。"),
            ],
            clients=tuple(sorted(c.client_id for c in candidates)),
        ),
    ]
