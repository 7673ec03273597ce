"""Module 10 exercises: client fit, KPI score, incentive, contribution rate and client allocation.

Exercise 10.1 completes given fit code for the trainee's drawn client and its own manager; 10.2
is from scratch on the same client (the best-fitting other managers, if its manager moved);
10.3–10.7 are about named managers' books (the same for everyone). M05 and M07 are the worked
examples.
"""

from __future__ import annotations

from dataclasses import replace

from casebank.load import CaseBank, split_list
from grading.methods import appraisal as ap
from grading.methods import planning as pl
from grading.methods import relationship as rel
from grading.methods import value
from grading.practice import Case, Exercise, drawable

SCORED = "M14"
CONTRIBUTOR = "M05"
TRAINING_HOURS = 32.0
BASE_PAY_WAN = 20.0
LEAVING = "M10"
SLOTS_PER_MANAGER = 1


def allocation_case(bank: CaseBank) -> tuple[list[ap.AllocClient], list[ap.AllocManager]]:
    """Return the leaving manager's practice clients and the managers who may take them."""
    practice = bank.pool("practice")
    revenue = value.our_revenue(bank).set_axis(bank.clients["client_id"].astype(str))
    book = practice[practice["manager_id"] == LEAVING]
    clients = [
        ap.AllocClient(str(c), str(i), str(r), float(revenue[str(c)]))
        for c, i, r in zip(book["client_id"], book["industry"], book["region"], strict=True)
    ]
    load = {str(k): int(v) for k, v in bank.clients.groupby("manager_id").size().items()}
    managers = []
    for m in bank.managers.itertuples():
        free = int(str(m.max_clients)) - load.get(str(m.manager_id), 0)
        if m.manager_id != LEAVING and free > 0:
            expertise = tuple(split_list(m.expertise))
            managers.append(
                ap.AllocManager(
                    str(m.manager_id), str(m.region), expertise, free, min(free, SLOTS_PER_MANAGER)
                )
            )
    return clients, managers


def _fit_cases(bank: CaseBank, ids: list[str]) -> dict[str, dict[str, Case]]:
    """Per drawn client: its fit with its own manager, and the best-fitting other managers."""
    clients = {str(r["client_id"]): r for r in bank.clients.to_dict(orient="records")}
    managers = [
        ap.AllocManager(str(m.manager_id), str(m.region), tuple(split_list(m.expertise)), 0, 0)
        for m in bank.managers.itertuples()
    ]
    out: dict[str, dict[str, Case]] = {"own": {}, "best": {}}
    for c in ids:
        row = clients[c]
        client = ap.AllocClient(c, str(row["industry"]), str(row["region"]), 0.0)
        own = next(m for m in managers if m.manager_id == str(row["manager_id"]))
        swapped = 2 * (client.industry in own.expertise) + 3 * (client.region == own.region)
        out["own"][c] = Case(
            ap.fit(client, own), [(swapped, "权重用反了：行业专长记 3 分，同一区域记 2 分。")]
        )
        others = [m for m in managers if m is not own]
        top = max(ap.fit(client, m) for m in others)
        best = sorted(m.manager_id for m in others if ap.fit(client, m) == top)
        with_own = sorted({*best, own.manager_id}) if ap.fit(client, own) >= top else [*best, own.manager_id]
        region_only = [m.manager_id for m in others if m.region == client.region]
        out["best"][c] = Case(
            best,
            [
                (with_own, "调岗的是现任经理本人：候选人里不能再有他。"),
                (sorted(region_only), "只看了区域：行业专长记 3 分，比同区域的 2 分更重。"),
            ],
        )
    return out


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the self-check exercises of curriculum module 10."""
    practice = bank.pool("practice")
    ids = practice["client_id"].astype(str).tolist()
    book = practice.loc[practice["manager_id"] == SCORED, "client_id"].astype(str).tolist()
    contributor = practice.loc[practice["manager_id"] == CONTRIBUTOR, "client_id"].astype(str).tolist()
    tiers = pl.tiers_by_revenue(bank, ids).to_dict()
    health = {str(k): int(v) for k, v in rel.health_score(rel.churn_signals(bank)).items()}
    card = ap.manager_scorecard(
        bank, book, {str(k): str(v) for k, v in tiers.items()}, health, TRAINING_HOURS
    )
    score = ap.kpi_score(card)
    uncapped = ap.kpi_score(card, cap=float("inf"))
    profit = value.profitability(bank)
    revenue = profit["revenue_wan"]
    rate = ap.contribution_rate(
        float(profit.loc[contributor, "profit_wan"].sum()), float(profit.loc[ids, "profit_wan"].sum())
    )
    revenue_share = round(float(revenue[contributor].sum() / revenue[ids].sum()), 4)
    clients, managers = allocation_case(bank)
    greedy = ap.allocate_greedy(clients, managers)
    no_limit = ap.allocate_greedy(clients, [replace(m, slots=m.free_capacity) for m in managers])
    fits = {(c.client_id, m.manager_id): ap.fit(c, m) for c in clients for m in managers}
    greedy_total = sum(fits[c, m] for c, m in greedy.items())
    _, optimal_total = ap.allocate_optimal(clients, managers)
    leaving_ids = tuple(sorted(c.client_id for c in clients))
    fit_cases = _fit_cases(bank, drawable(bank))
    return [
        Exercise(
            id="m10.fit_own_manager",
            kind="number",
            answer=None,
            decimals=0,
            explanation="正确。匹配分 = 3 × [客户行业属于经理专长] + 2 × [同一区域]，条件成立记 1。",
            hint="查你的客户的行业和区域，再查它现任经理的专长（用分号分隔）和区域。",
            cases=fit_cases["own"],
        ),
        Exercise(
            id="m10.best_other_managers",
            kind="set",
            answer=None,
            item_pattern=r"^M\d{2}$",
            item_example="M01",
            explanation="正确。对除现任经理以外的每位经理算匹配分，取最高分的全部经理（可能不止一位）。",
            hint="逐位经理算 3 × 专长 + 2 × 区域，去掉现任经理，列出最高分的所有经理编号。",
            cases=fit_cases["best"],
        ),
        Exercise(
            id="m10.kpi_m14",
            kind="number",
            answer=score,
            explanation="正确：每项完成率先封顶 120% 再加权；封顶防止单项超额掩盖其他短板。",
            hint="得分 = 100 × Σ 权重 × min(实际 ÷ 目标, 1.2)；五项权重 0.30/0.25/0.20/0.15/0.10。",
            mistakes=[(uncapped, "没有封顶：单项完成率最多按 120% 计。")],
            clients=tuple(sorted(book)),
        ),
        Exercise(
            id="m10.bonus_m14",
            kind="number",
            answer=ap.bonus_wan(score, BASE_PAY_WAN),
            explanation="正确：达标档按 5% + 10% × (得分 − 90) ÷ 20 计算奖金比例，再乘以基本薪酬。",
            hint="先定档（<90 / 90-110 / ≥110），再按该档的线性公式算比例，最后乘以 20 万元。",
            mistakes=[
                (round(BASE_PAY_WAN * 0.15, 2), "15% 是达标档的上限，不是固定比例：要按得分在档内线性计算。"),
                (
                    ap.bonus_wan(uncapped, BASE_PAY_WAN),
                    "用了未封顶的得分，误入优秀档：得分要先按 120% 封顶再定档。",
                ),
            ],
            clients=tuple(sorted(book)),
        ),
        Exercise(
            id="m10.contribution_m05",
            kind="number",
            answer=rate,
            decimals=4,
            explanation="正确：贡献率用净贡献（利润）计算，反映的是为机构创造的价值而不是规模。",
            hint="M05 名下练习集客户的利润之和 ÷ 练习集全部客户的利润之和，保留 4 位小数。",
            mistakes=[(revenue_share, "用了收入占比：贡献率要用扣除直接成本和服务成本后的净贡献。")],
            clients=tuple(sorted(contributor)),
        ),
        Exercise(
            id="m10.greedy_m10",
            kind="mapping",
            answer=greedy,
            explanation="正确：按我行收入从大到小逐户分配，每户给匹配分最高、仍有名额的经理；同分看空余容量。",
            hint="匹配分 = 3 × 行业专长 + 2 × 同区域；本轮每位经理最多接 1 户；同分时空余容量大者优先，再按经理编号。",
            mistakes=[(no_limit, "忽略了“每人本轮最多接 1 户”的名额限制，客户又集中到了少数经理手里。")],
            clients=leaving_ids,
        ),
        Exercise(
            id="m10.optimal_total_m10",
            kind="number",
            answer=optimal_total,
            decimals=1,
            explanation="正确：把每位经理的名额当作一列，用指派问题求总匹配分最大的方案。",
            hint="构造 客户 × 名额 的匹配分矩阵，用 linear_sum_assignment(…, maximize=True) 求解。",
            mistakes=[(greedy_total, "这是贪心规则的总分：先到先得会挡住更好的组合，最优解更高。")],
            clients=leaving_ids,
        ),
    ]
