"""Module 6 exercises: key-account attractiveness, position, the matrix and relationship stages.

Exercises 6.1–6.2 complete given code for the trainee's drawn client; 6.3–6.4 are from scratch on
the same client, as what-ifs the notebook has not computed (the wallet share in its top band, one
more product line held); 6.5 is about manager M05's whole practice book (the same for everyone).
C0064 is the worked example.
"""

from __future__ import annotations

from typing import Final

from casebank.load import CaseBank
from grading.methods import portfolio as pf
from grading.methods.needs import active_products
from grading.practice import Case, Exercise, drawable

WORKED_EXAMPLE: Final = ("C0064",)
BOOK_MANAGER: Final = "M05"
#: The score of a factor in its top band (a wallet share of 0.60 or more).
TOP_SCORE: Final = 5


def _strict_quadrant(attractiveness: float, position: float) -> str:
    """The typical mistake: an axis counted high only above 3.00, not at it."""
    high_attr, strong = attractiveness > pf.HIGH_MIN, position > pf.HIGH_MIN
    if high_attr:
        return pf.QUADRANT_INVEST if strong else pf.QUADRANT_SELECTIVE
    return pf.QUADRANT_MAINTAIN if strong else pf.QUADRANT_CASH


def _plain_mean(scores: dict[str, int], weights: dict[str, int]) -> float:
    return round(sum(scores[f] for f in weights) / len(weights), 2)


def _cases(bank: CaseBank, ids: list[str]) -> dict[str, dict[str, Case]]:
    """Per exercise, per client: the answer and the client's typical mistakes."""
    scores = pf.factor_scores(bank)
    book = pf.portfolio(bank)
    ranks = dict(zip(bank.clients["client_id"].astype(str), bank.clients["our_bank_rank"], strict=True))
    all_lines = bank.holdings.groupby("client_id")["product"].nunique()
    held = active_products(bank)
    out: dict[str, dict[str, Case]] = {"attr": {}, "pos": {}, "quadrant": {}, "stage": {}}
    for c in ids:
        factors = {str(f): int(v) for f, v in scores.loc[c].to_dict().items()}
        attr, pos = float(book["attractiveness"][c]), float(book["position"][c])
        out["attr"][c] = Case(
            attr,
            [
                (
                    _plain_mean(factors, pf.ATTRACTIVENESS_WEIGHTS),
                    "这是四个因素得分的简单平均；吸引力要按各自权重加权求和。",
                )
            ],
        )
        top_sow = {**factors, "钱包份额": TOP_SCORE}
        out["pos"][c] = Case(
            pf.weighted_score(top_sow, pf.POSITION_WEIGHTS),
            [
                (pos, "这是现在的相对地位；本题假设钱包份额升到 0.60 以上，钱包份额一项要改按 5 分计算。"),
                (
                    _plain_mean(top_sow, pf.POSITION_WEIGHTS),
                    "这是三个因素得分的简单平均；相对地位要按各自权重加权求和。",
                ),
            ],
        )
        out["quadrant"][c] = Case(
            str(book.at[c, "quadrant"]),
            [
                (_strict_quadrant(attr, pos), "边界处理错了：得分恰好 3.00 也算“高”（≥ 3.00）。"),
                (pf.quadrant(pos, attr), "两条轴用反了：行看客户吸引力，列看我行相对地位。"),
            ],
        )
        lines = len(held[c])
        out["stage"][c] = Case(
            pf.relationship_stage(int(ranks[c]), lines + 1),
            [
                (
                    str(book.at[c, "stage"]),
                    "这是现在的关系阶段；本题假设再开通一条产品线，在用产品线要加 1 再套规则。",
                ),
                (
                    pf.relationship_stage(int(ranks[c]), int(all_lines.get(c, 0)) + 1),
                    "把已销户的产品也算成了在用产品线：关系阶段只看现在还在用的产品。",
                ),
            ],
        )
    return out


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the self-check exercises of curriculum module 6."""
    ids = drawable(bank, exclude=WORKED_EXAMPLE)
    cases = _cases(bank, ids)
    book = pf.portfolio(bank)
    practice = bank.pool("practice")
    m05 = sorted(practice.loc[practice["manager_id"] == BOOK_MANAGER, "client_id"].astype(str))
    invest = sorted(c for c in m05 if book.at[c, "quadrant"] == pf.QUADRANT_INVEST)
    strictly = [
        c for c in m05 if _strict_quadrant(*book.loc[c, ["attractiveness", "position"]]) == pf.QUADRANT_INVEST
    ]
    selective = sorted(
        c for c in m05 if book.at[c, "quadrant"] in (pf.QUADRANT_INVEST, pf.QUADRANT_SELECTIVE)
    )
    candidates = [
        (strictly, "漏了恰好在边界上的客户：得分等于 3.00 也算“高”。"),
        (selective, "把“选择性投资”的客户也算进来了：投资发展要求两条轴都高。"),
    ]
    invest_mistakes = [(wrong, why) for wrong, why in candidates if sorted(wrong) != invest]
    return [
        Exercise(
            id="m06.attractiveness",
            kind="number",
            answer=None,
            explanation="正确。四个因素先按门槛打 1–5 分（门槛是该档下限），再按 0.30/0.25/0.20/0.25 加权求和。",
            hint="逐个因素查门槛（等于门槛的值进入更高一档），再乘以各自权重后相加，保留两位小数。",
            cases=cases["attr"],
        ),
        Exercise(
            id="m06.position_top_sow",
            kind="number",
            answer=None,
            explanation="正确。只有钱包份额一项变成 5 分，排名和产品覆盖不变，再按 0.40/0.35/0.25 加权。",
            hint="先写出你的客户三个因素现在的得分，把钱包份额一项换成 5 分，再加权求和（两位小数）。",
            cases=cases["pos"],
        ),
        Exercise(
            id="m06.quadrant",
            kind="text",
            answer=None,
            choices=pf.QUADRANTS,
            explanation="正确。两条轴各自 ≥ 3.00 为高，交叉得到 McDonald 矩阵的象限。",
            hint="先算两条轴的得分，再看各自是否 ≥ 3.00（3.00 本身算高）；行是吸引力，列是相对地位。",
            cases=cases["quadrant"],
        ),
        Exercise(
            id="m06.stage_one_more_line",
            kind="text",
            answer=None,
            choices=pf.STAGES,
            explanation="正确。在用产品线加 1 后按规则自上而下判断，第一条成立的规则就是结论；我行排名不变。",
            hint="按顺序套规则：排名第一且 ≥ 6 条 → 整合型；排名第一且 ≥ 4 条 → 相互依赖型；≥ 4 条 → 合作型；3 条 → 基础型；其余探索型。",
            cases=cases["stage"],
        ),
        Exercise(
            id="m06.invest_m05",
            kind="set",
            answer=invest,
            item_pattern=r"^C\d{4}$",
            item_example="C0001",
            explanation="正确。这些客户两条轴都 ≥ 3.00，是 M05 应优先投入资源、实施 VIP 锁定的客户。",
            hint="对 M05 名下每个练习集客户算两条轴的得分，挑出两条轴都 ≥ 3.00 的客户。",
            mistakes=invest_mistakes,
            clients=tuple(m05),
        ),
    ]
