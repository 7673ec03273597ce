"""The senior mock exam (curriculum ``13_模拟考试_中级``): the certification exam's item types.

Computation items on the trainee's drawn practice client (attractiveness, quadrant, latent
needs from its notes and data) and fixed-text judgment items the same for everyone (allocating
clients within capacity, overreach in a draft proposal, conflicting signals, the organisation
model, ranking visits, which rubric criteria a draft report misses). Keys are digests only.
"""

from __future__ import annotations

from typing import Final

from casebank.load import CaseBank
from grading.keys import load_truth, truth_codes
from grading.methods import needs
from grading.methods import organisation as org
from grading.methods import portfolio as pf
from grading.practice import Case, Exercise, drawable
from grading.practice import mock_items as mi
from grading.practice.m09_report import criterion_names

OVERREACH: Final = ("A", "C", "E")
"""Sentences of the senior draft proposal that promise what only the bank may decide."""
CONFLICT_KEY: Final = "B"
REPORT_SHORT_OF: Final = ("risk", "authority")
NEED_LABELS: Final = tuple(n.label_zh for n in needs.NEEDS)


def _labels(codes: list[str]) -> list[str]:
    return [needs.NEEDS_BY_CODE[c].label_zh for c in codes]


def _cases(bank: CaseBank, ids: list[str]) -> dict[str, dict[str, Case]]:
    book = pf.portfolio(bank)
    scores = pf.factor_scores(bank)
    truth = load_truth(bank_version=bank.version)
    shown = needs.needs_shown_in_data(bank)
    out: dict[str, dict[str, Case]] = {"attr": {}, "quadrant": {}, "latent": {}}
    for c in ids:
        factors = {str(f): int(v) for f, v in scores.loc[c].to_dict().items()}
        plain = round(sum(factors[f] for f in pf.ATTRACTIVENESS_WEIGHTS) / len(pf.ATTRACTIVENESS_WEIGHTS), 2)
        attr, pos = float(book["attractiveness"][c]), float(book["position"][c])
        out["attr"][c] = Case(attr, [(plain, "这是简单平均；吸引力要按各因素的权重加权求和。")])
        out["quadrant"][c] = Case(
            str(book["quadrant"][c]),
            [(pf.quadrant(pos, attr), "两条轴用反了：行看客户吸引力，列看我行相对地位。")],
        )
        stated, latent = truth_codes(truth, c, "stated_needs"), truth_codes(truth, c, "latent_needs")
        out["latent"][c] = Case(
            _labels(latent),
            [
                (_labels(list(dict.fromkeys([*latent, *stated]))), "客户已明示的需求不再算潜在需求。"),
                (_labels(shown[c]), "数据显示的需求里，客户已经提出的要去掉：那是明示需求。"),
            ],
        )
    return out


def _shared() -> list[Exercise]:
    names = criterion_names()
    short = [names[c] for c in REPORT_SHORT_OF]
    order = mi.visit_order(mi.VISITS_SENIOR)
    recent_first = [n for n, *_ in sorted(mi.VISITS_SENIOR, key=lambda v: ("高中低".index(v[2]), v[1], v[3]))]
    return [
        Exercise(
            id="m13.allocate",
            kind="mapping",
            answer=mi.best_allocation(mi.ALLOCATION_SENIOR),
            decimals=0,
            keys=tuple(sorted(mi.ALLOCATION_SENIOR.scores)),
            explanation="正确。在各经理的容量内，使总匹配分最高：这是指派问题，逐个挑最好的不一定最优。",
            hint="把所有在容量之内的分法的总分比一比（或用匈牙利算法），取总分最高的一种。",
            mistakes=[
                (
                    mi.greedy_allocation(mi.ALLOCATION_SENIOR),
                    "这是逐个挑最好经理的贪心分法；总匹配分不是最高。",
                ),
            ],
        ),
        Exercise(
            id="m13.overreach",
            kind="set",
            answer=list(OVERREACH),
            item_pattern="^[A-F]$",
            item_example="A",
            explanation="正确。承诺利率、承诺额度获批、自行减免费用都越权；调查、设计方案、建议报批在权限之内。",
            hint="逐句看：是“建议/报批”，还是已经替机构“承诺/同意/保证”？",
            mistakes=[
                (["A", "C"], "还漏了一句：自行答应减免费用同样越权。"),
                (["A", "C", "D", "E"], "D 是建议并写明报授信审批，在权限之内。"),
            ],
        ),
        Exercise(
            id="m13.conflict",
            kind="text",
            answer=CONFLICT_KEY,
            choices=("A", "B", "C", "D"),
            explanation="正确。健康分高不等于没有风险：关键人物离职是最重的信号，要立即覆盖新的决策人。",
            hint="健康分是汇总数字；单个重信号和纪要里的线索要单独看。",
            mistakes=[
                ("A", "只看汇总分会漏掉最重的单个信号。"),
                ("C", "等到下个季度太晚：关键人物离职后最先要做的是建立新的联系。"),
                ("D", "越权：价格优惠要报定价审批，而且先要弄清新决策人的想法。"),
            ],
        ),
        Exercise(
            id="m13.org_model",
            kind="text",
            answer=org.recommend_model(mi.FIRM_SENIOR),
            choices=org.MODELS,
            explanation="正确。有需要隔离或保密的特殊客户群时，规则的第一条就成立，其余条件不再看。",
            hint="规则从上往下判断，第一条成立的就是结论；第一条看的是什么？",
            mistakes=[(org.MODEL_DEPARTMENT, "大型且需求复杂之前还有一条规则：特殊客户群。")],
        ),
        Exercise(
            id="m13.rank_visits",
            kind="list",
            answer=order,
            item_pattern="^[甲乙丙丁]$",
            item_example="甲",
            explanation="正确。先风险、再层级、再距上次拜访天数（久者先）。",
            hint="排序规则见模块 8 第 5 节；同一风险和层级内，谁更久没有拜访？",
            mistakes=[(recent_first, "同一风险和层级内，距上次拜访越久的越优先，不是最近拜访的优先。")],
        ),
        Exercise(
            id="m13.report_short_of",
            kind="set",
            answer=short,
            item_pattern="^(" + "|".join(names.values()) + ")$",
            item_example=next(iter(names.values())),
            explanation="正确。风险只列了信号没有措施，建议里承诺了获批；结构、证据、需求做到了。",
            hint="逐条对照满分描述：每个风险信号配了措施吗？建议有没有替机构承诺？",
            mistakes=[
                ([names["authority"]], "少了一条：风险只列信号、没有应对措施，拿不到满分。"),
                ([*short, names["structure"]], "结构这条草稿做到了：五个部分齐全且顺序正确。"),
            ],
        ),
    ]


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the items of the senior mock exam."""
    cases = _cases(bank, drawable(bank))
    return [
        Exercise(
            id="m13.attractiveness",
            kind="number",
            answer=None,
            explanation="正确。四个因素按门槛打 1–5 分，再按 0.30/0.25/0.20/0.25 加权求和。",
            hint="门槛是该档下限；加权求和后保留两位小数。",
            cases=cases["attr"],
        ),
        Exercise(
            id="m13.quadrant",
            kind="text",
            answer=None,
            choices=pf.QUADRANTS,
            explanation="正确。两条轴各自 ≥ 3.00 为高，交叉得到象限。",
            hint="先算吸引力和相对地位，再看各自是否 ≥ 3.00。",
            cases=cases["quadrant"],
        ),
        Exercise(
            id="m13.latent",
            kind="set",
            answer=None,
            item_pattern="^(" + "|".join(NEED_LABELS) + ")$",
            item_example=NEED_LABELS[0],
            explanation="正确。证据规则成立、对应产品未在用、客户没有明示，三者同时满足。",
            hint="先读纪要找出明示需求，再套八条证据规则，去掉已在用和已明示的。可能一项也没有。",
            cases=cases["latent"],
        ),
        *_shared(),
    ]
