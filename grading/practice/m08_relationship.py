"""Module 8 exercises: health score, risk band, a churn-signal what-if, workload and the visit plan.

Exercises 8.1–8.2 complete given code for the trainee's drawn client; 8.3 is from scratch on the
same client (a what-if no table above answers: a key person leaves); 8.4–8.5 are about the whole
practice set and manager M05's book (the same for everyone). C0030 is the worked example.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

import pandas as pd

from casebank.load import CaseBank
from grading.methods import planning as pl
from grading.methods import relationship as rel
from grading.practice import Case, Exercise, drawable

SELLING_HOURS = 1400
PLAN_MANAGER = "M05"
PLAN_HOURS = 20.0
WORKED_EXAMPLE: Final = ("C0030",)
KEY_PERSON: Final = "key_person_left"


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


def _per_client(bank: CaseBank, ids: list[str]) -> dict[str, dict[str, Case]]:
    """Per exercise, per drawn client: health score, risk band and the key-person what-if."""
    signals = rel.churn_signals(bank)
    scores = rel.health_score(signals)
    weights = {s.code: s.weight for s in rel.SIGNALS}
    out: dict[str, dict[str, Case]] = {"health": {}, "band": {}, "whatif": {}}
    for c in ids:
        present = [code for code in weights if bool(signals.at[c, code])]
        score = int(scores[c])
        out["health"][c] = Case(
            score,
            [
                (100 - 10 * len(present), "每个信号的权重不同，不能每个都按 10 分扣：按表中的权重逐项扣减。"),
                (sum(weights[code] for code in present), "这是扣分合计；健康分是满分减去扣分合计。"),
            ],
        )
        out["band"][c] = Case(
            rel.risk_band(score),
            [
                (
                    "高"
                    if score <= rel.HIGH_RISK_BELOW
                    else ("中" if score <= rel.MEDIUM_RISK_BELOW else "低"),
                    "边界弄反了：高风险是健康分 < 60、中风险是 < 80，恰好 60 属于中、恰好 80 属于低。",
                ),
            ],
        )
        after = set(present) | {KEY_PERSON}
        out["whatif"][c] = Case(
            100 - sum(weights[code] for code in after),
            [
                (
                    score - weights[KEY_PERSON],
                    "这个信号已经出现过：信号只看“有没有”，同一个信号不重复扣分。",
                ),
                (score, "新出现的关键人物离职要扣分：影响力 ≥ 4 的人近 365 天内离职就触发这个信号。"),
            ],
        )
    return out


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the self-check exercises of curriculum module 8."""
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
    recent_first = pl.visit_plan(
        [
            replace(c, days_since_visit=-(c.days_since_visit if c.days_since_visit is not None else 99_999))
            for c in candidates
        ],
        PLAN_HOURS,
    )
    plan_slips = [
        (stop_early, "遇到放不下的拜访就停止了：规则是跳过它、继续往下找还能放下的拜访。"),
        (tier_first, "只按层级排序忽略了流失风险：中高风险客户要先安排拜访。"),
        (
            recent_first,
            "同一风险和层级内，距上次拜访越久的越优先（从未拜访的最优先），不是最近拜访过的优先。",
        ),
    ]
    cases = _per_client(bank, drawable(bank, exclude=WORKED_EXAMPLE))
    return [
        Exercise(
            id="m08.health",
            kind="number",
            answer=None,
            decimals=0,
            explanation="正确。健康分是满分减去出现的信号的权重之和，权重按第 2 节的表。",
            hint="先把七个信号逐条判断清楚，再从满分中减去出现的信号的权重。",
            cases=cases["health"],
        ),
        Exercise(
            id="m08.band",
            kind="text",
            answer=None,
            choices=("高", "中", "低"),
            explanation="正确。高：健康分 < 60；中：< 80；其余为低，“小于”不含边界。",
            hint="先确认健康分，再套边界：< 60 为高，< 80 为中，其余为低。",
            cases=cases["band"],
        ),
        Exercise(
            id="m08.health_key_person_leaves",
            kind="number",
            answer=None,
            decimals=0,
            explanation="正确。新的离职只让“关键人物离职”这一个信号成立；其他信号不变，同一信号只扣一次。",
            hint="在你的客户现有信号上加上“关键人物离职”（已有就不变），再用 100 减去权重之和。",
            cases=cases["whatif"],
        ),
        Exercise(
            id="m08.managers_practice",
            kind="number",
            answer=pl.managers_needed(counts, SELLING_HOURS),
            explanation="正确。工作量 = Σ 客户数 × 年拜访次数 × 每次小时数，再除以每人每年的销售小时。",
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
            item_pattern=r"^C\d{4}$",
            item_example="C0001",
            explanation="正确。先高风险、再按层级和久未拜访排序；放不下的拜访跳过，继续看后面更短的拜访。",
            hint="排序：风险（高→中→低）、层级（A→B→C）、距上次拜访天数（长者先）、客户号；逐个装入 20 小时。",
            mistakes=[(wrong, why) for wrong, why in plan_slips if wrong != plan],
            clients=tuple(sorted(c.client_id for c in candidates)),
        ),
    ]
