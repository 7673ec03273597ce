"""Module 6 exercises: key-account attractiveness, position, the matrix and relationship stages."""

from __future__ import annotations

from casebank.load import CaseBank
from grading.methods import portfolio as pf
from grading.practice import Exercise


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the self-check exercises of curriculum module 6."""
    scores = pf.factor_scores(bank)
    book = pf.portfolio(bank)
    attractiveness = {str(k): float(v) for k, v in book["attractiveness"].items()}
    position = {str(k): float(v) for k, v in book["position"].items()}
    pools = dict(zip(bank.clients["client_id"].astype(str), bank.clients["pool"].astype(str), strict=True))
    managers = dict(
        zip(bank.clients["client_id"].astype(str), bank.clients["manager_id"].astype(str), strict=True)
    )

    factors = {str(cid): {str(f): int(v) for f, v in row.items()} for cid, row in scores.iterrows()}

    def plain_mean(cid: str, weights: dict[str, int]) -> float:
        return round(sum(factors[cid][f] for f in weights) / len(weights), 2)

    quadrants = {str(k): str(v) for k, v in book["quadrant"].items()}
    stages = {str(k): str(v) for k, v in book["stage"].items()}
    m05 = [c for c in quadrants if pools[c] == "practice" and managers[c] == "M05"]
    invest = {c for c in m05 if quadrants[c] == pf.QUADRANT_INVEST}
    strictly_high = {c for c in invest if attractiveness[c] > pf.HIGH_MIN and position[c] > pf.HIGH_MIN}
    return [
        Exercise(
            id="m06.attractiveness_c0118",
            kind="number",
            answer=attractiveness["C0118"],
            explanation="正确：四个因素先按门槛打 1-5 分，再按 0.30/0.25/0.20/0.25 加权求和。",
            hint="逐个因素查门槛（门槛值本身算入更高一档），再乘以各自权重后相加。",
            mistakes=[
                (
                    plain_mean("C0118", pf.ATTRACTIVENESS_WEIGHTS),
                    "这是四个因素得分的简单平均；吸引力要按权重 0.30/0.25/0.20/0.25 加权。",
                )
            ],
            clients=("C0118",),
        ),
        Exercise(
            id="m06.position_c0118",
            kind="number",
            answer=position["C0118"],
            explanation="正确：我行排名、钱包份额、产品覆盖按 0.40/0.35/0.25 加权，反映我行相对最强同业的地位。",
            hint="排名第 1 得 5 分；钱包份额用模块 4 的规则；产品覆盖只数未销户的产品线。",
            mistakes=[
                (
                    plain_mean("C0118", pf.POSITION_WEIGHTS),
                    "这是三个因素的简单平均；相对地位要按 0.40/0.35/0.25 加权。",
                )
            ],
            clients=("C0118",),
        ),
        Exercise(
            id="m06.quadrant_c0094",
            kind="text",
            answer=quadrants["C0094"],
            explanation="正确：吸引力恰好 3.00，按规则 ≥ 3.00 即为“高”，所以落在投资发展象限。",
            hint="先算两个轴的得分，再看是否 ≥ 3.00（3.00 本身算高）。",
            mistakes=[
                (pf.QUADRANT_MAINTAIN, "吸引力恰好 3.00 应算“高”而不是“低”：边界值归入高的一侧。"),
                (pf.QUADRANT_CASH, "两个轴都不低：相对地位远高于 3.00，吸引力 3.00 也算高。"),
            ],
            clients=("C0094",),
        ),
        Exercise(
            id="m06.stage_c0118",
            kind="text",
            answer=stages["C0118"],
            explanation="正确：我行虽排名第一，但只有 3 条在用产品线，关系还停留在基础型。",
            hint="按顺序套规则：排名第一且 ≥ 6 条 → 整合型；排名第一且 ≥ 4 条 → 相互依赖型；≥ 4 条 → 合作型；3 条 → 基础型。",
            mistakes=[
                ("相互依赖型", "排名第一还不够：相互依赖型还要求至少 4 条在用产品线，C0118 只有 3 条。"),
                ("整合型", "整合型要求排名第一且至少 6 条在用产品线。"),
            ],
            clients=("C0118",),
        ),
        Exercise(
            id="m06.invest_m05",
            kind="set",
            answer=sorted(invest),
            explanation="正确：这些客户吸引力和相对地位都 ≥ 3.00，是 M05 应优先投入资源、实施 VIP 锁定的客户。",
            hint="对 M05 名下每个练习集客户算两个轴的得分，挑出两个轴都 ≥ 3.00 的客户。",
            mistakes=[
                (
                    sorted(strictly_high),
                    "漏了恰好在边界上的客户：得分等于 3.00 也算“高”。",
                )
            ],
            clients=tuple(sorted(invest)),
        ),
    ]
