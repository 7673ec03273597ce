"""The associate mock exam (curriculum ``12_模拟考试_初级``): the certification exam's item types.

Computation items on the trainee's drawn practice client (revenue, wallet share, health score),
a judgment item on the same client (the next action, from its notes and data), and fixed-text
judgment items the same for everyone (overreach in a draft proposal, conflicting signals, the
organisation model, ranking visits, which rubric criteria a draft report misses). Keys are
digests only; feedback states the rule, never the answer.
"""

from __future__ import annotations

from typing import Final

from casebank.load import CaseBank
from grading.keys import load_truth, truth_codes
from grading.methods import organisation as org
from grading.methods import relationship as rel
from grading.methods import value
from grading.practice import Case, Exercise, drawable
from grading.practice import mock_items as mi
from grading.practice.m09_report import criterion_names
from grading.practice.slips import UNIT_RATIO, UNIT_WAN

#: Options of the next-action item (the notebook prints them with these letters).
ACTION_RESCUE: Final = "B"  # high churn risk: rescue the relationship first
ACTION_RESPOND: Final = "A"  # a stated need waits for an answer
ACTION_MAINTAIN: Final = "C"  # neither: keep the cadence, look for latent needs
ACTION_PROMISE: Final = "D"  # promise a preferential rate: never within authority
OVERREACH: Final = ("B", "D", "F")
"""Sentences of the associate draft proposal that promise what only the bank may decide."""
CONFLICT_KEY: Final = "C"
REPORT_SHORT_OF: Final = ("evidence", "needs")


def next_action(band: str, stated: list[str]) -> str:
    """The keyed next action: rescue a high-risk client first, else answer stated needs, else maintain."""
    if band == "高":
        return ACTION_RESCUE
    return ACTION_RESPOND if stated else ACTION_MAINTAIN


def _cases(bank: CaseBank, ids: list[str]) -> dict[str, dict[str, Case]]:
    revenue = {str(k): float(v) for k, v in value.our_revenue(bank).to_dict().items()}
    sow = {str(k): float(v) for k, v in value.share_of_wallet(bank).to_dict().items()}
    signals = rel.churn_signals(bank)
    health = rel.health_score(signals)
    truth = load_truth(bank_version=bank.version)
    out: dict[str, dict[str, Case]] = {"revenue": {}, "sow": {}, "health": {}, "action": {}}
    for c in ids:
        h = bank.holdings[bank.holdings["client_id"] == c]
        active = round(float(h.loc[h["closed_on"].isna(), "revenue_wan"].sum()), 2)
        out["revenue"][c] = Case(revenue[c], [(active, "漏了年内已销户产品的收入：销户前实现的收入也计入。")])
        out["sow"][c] = Case(
            sow[c],
            [(round(1 - sow[c], 4), "算成了他行的份额：钱包份额是我行收入占客户年度银行业务支出的比例。")],
        )
        score = int(health[c])
        present = sum(1 for s in rel.SIGNALS if bool(signals.at[c, s.code]))
        out["health"][c] = Case(score, [(100 - 10 * present, "每个信号的权重不同，不能每个都扣 10 分。")])
        band, stated = rel.risk_band(score), truth_codes(truth, c, "stated_needs")
        key = next_action(band, stated)
        wrong = [(ACTION_PROMISE, "越权：利率优惠由定价授权部门审批，客户经理不能先承诺。")]
        for letter, why in (
            (ACTION_RESCUE, "先看流失风险等级：只有高风险客户才要先“救火”，再处理其他事项。"),
            (ACTION_RESPOND, "再读一遍纪要：客户有没有自己提出要某项服务？风险高时先救火。"),
            (ACTION_MAINTAIN, "常规维护的前提是没有高风险、也没有待回应的明示需求。"),
        ):
            if letter != key:
                wrong.append((letter, why))
        out["action"][c] = Case(key, wrong)
    return out


def _shared(bank: CaseBank) -> list[Exercise]:
    names = criterion_names()
    short = [names[c] for c in REPORT_SHORT_OF]
    order = mi.visit_order(mi.VISITS_ASSOCIATE)
    by_tier = [n for n, *_ in sorted(mi.VISITS_ASSOCIATE, key=lambda v: (v[1], -v[3]))]
    return [
        Exercise(
            id="m12.overreach",
            kind="set",
            answer=list(OVERREACH),
            item_pattern="^[A-F]$",
            item_example="A",
            explanation="正确。承诺利率、承诺获批、先放款后补手续都越权；调查、设计、建议和报批在权限之内。",
            hint="逐句看：是“建议/报批/安排”，还是已经替机构“承诺/保证/先办后批”？",
            mistakes=[
                (["B", "D"], "还漏了一句：先签合同、审批随后补办，同样越权。"),
                (["B", "D", "E", "F"], "E 是建议并写明报审批，在权限之内。"),
            ],
        ),
        Exercise(
            id="m12.conflict",
            kind="text",
            answer=CONFLICT_KEY,
            choices=("A", "B", "C", "D"),
            explanation="正确。信号冲突时先核实原因：数据说下降、纪要给出解释，要找证据确认，再决定是否算作流失风险。",
            hint="两个来源说法不一时，既不能只信数据，也不能只信客户的一句话；下一步是什么？",
            mistakes=[
                ("A", "只看数据会误判：纪要给出了一个需要核实的解释。"),
                ("B", "只凭客户一句话就排除风险，证据不足。"),
                ("D", "越权：减免费用由机构决定，而且原因还没查清。"),
            ],
        ),
        Exercise(
            id="m12.org_model",
            kind="text",
            answer=org.recommend_model(mi.FIRM_ASSOCIATE),
            choices=org.MODELS,
            explanation="正确。按模块 1 的规则从上往下判断：特殊客户群、大型且需求复杂、人员有弹性且需求不单一、其余。",
            hint="先看有没有需隔离的特殊客户群，再看规模和需求复杂度，最后看人员是否有弹性。",
            mistakes=[
                (org.MODEL_EXTEND, "人员有弹性、需求也不单一，可以设专职岗位，不必只是兼职延伸。"),
                (org.MODEL_DEPARTMENT, "设独立部门要求大型企业且需求复杂。"),
            ],
        ),
        Exercise(
            id="m12.rank_visits",
            kind="list",
            answer=order,
            item_pattern="^[甲乙丙丁]$",
            item_example="甲",
            explanation="正确。先按流失风险（高→中→低），再按层级（A→B→C），再按距上次拜访天数（久者先）。",
            hint="排序规则见模块 8 第 5 节：风险、层级、久未拜访、编号。",
            mistakes=[(by_tier, "只按层级排了：流失风险高的客户要先拜访。")],
        ),
        Exercise(
            id="m12.report_short_of",
            kind="set",
            answer=short,
            item_pattern="^(" + "|".join(names.values()) + ")$",
            item_example=next(iter(names.values())),
            explanation="正确。五部分齐全、风险配了措施、建议都报审批；但判断没有数字和出处，需求也没分明示和潜在。",
            hint="逐条对照评分标准的满分描述：每个判断有没有数字、日期或人物？需求分没分明示和潜在？",
            mistakes=[
                ([names["evidence"]], "少了一条：需求没有区分明示与潜在，也没说明证据规则。"),
                ([*short, names["structure"]], "结构这条草稿做到了：五个部分齐全且顺序正确。"),
            ],
        ),
    ]


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the items of the associate mock exam."""
    cases = _cases(bank, drawable(bank))
    return [
        Exercise(
            id="m12.revenue",
            kind="number",
            answer=None,
            unit=UNIT_WAN,
            explanation="正确。我行年收入是 holdings 中过去 12 个月各产品收入之和，已销户产品也计入。",
            hint="把你的客户在 holdings 里所有产品的 revenue_wan 加总（万元，两位小数）。",
            cases=cases["revenue"],
        ),
        Exercise(
            id="m12.sow",
            kind="number",
            answer=None,
            decimals=4,
            unit=UNIT_RATIO,
            explanation="正确。披露了年度银行业务支出就直接相除，没有披露才用钱包分配法则估算。",
            hint="先看 wallet_disclosed_wan；份额是 0–1 之间的小数，保留四位。",
            cases=cases["sow"],
        ),
        Exercise(
            id="m12.health",
            kind="number",
            answer=None,
            decimals=0,
            explanation="正确。健康分是满分减去出现的流失信号的权重之和。",
            hint="七个信号逐条判断（注意时间窗口和边界），再按权重扣分。",
            cases=cases["health"],
        ),
        Exercise(
            id="m12.next_action",
            kind="text",
            answer=None,
            choices=("A", "B", "C", "D"),
            explanation="正确。先看风险：高风险先救火；否则先回应客户的明示需求；两者都没有，按频次维护并挖掘潜在需求。",
            hint="先算健康分和风险等级，再读纪要找客户自己提出的要求。",
            cases=cases["action"],
        ),
        *_shared(bank),
    ]
