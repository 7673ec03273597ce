"""Module 9 exercises: the figures, risks, authority and rubric of a client evaluation report.

Exercise 9.1 completes given profit code for the trainee's drawn client; 9.2–9.3 are from scratch
on the same client (wallet share, churn signals for the risk section); 9.4 (authority) and 9.5
(which rubric criteria a draft report misses) are the same for everyone. C0064 is the worked
example. The rubric is the public `casebank/rubrics/evaluation_report.toml` of the exams.
"""

from __future__ import annotations

import math
from typing import Final

from casebank.load import CaseBank
from grading.methods import relationship as rel
from grading.methods import value
from grading.practice import Case, Exercise, drawable
from grading.practice.slips import UNIT_RATIO, UNIT_WAN
from grading.scheme import load_scheme

WORKED_EXAMPLE: Final = ("C0064",)
WITHIN_AUTHORITY: Final = ("A", "C", "E")
"""Recommendation sentences A-F of the notebook that stay within a manager's authority."""
DRAFT_SHORT_OF: Final = ("structure", "risk", "authority")
"""Rubric criteria (ids) on which the notebook's draft report falls short of full marks."""
RUBRIC_ID: Final = "evaluation_report"


def criterion_names() -> dict[str, str]:
    """Rubric criterion id -> its Chinese name, from the scheme's public rubric."""
    rubric = next(r for r in load_scheme().rubrics if r.id == RUBRIC_ID)
    return {c.id: c.name_zh for c in rubric.criteria}


def _cases(bank: CaseBank, ids: list[str]) -> dict[str, dict[str, Case]]:
    profit = {str(k): v for k, v in value.profitability(bank).to_dict(orient="index").items()}
    sow = {str(k): float(v) for k, v in value.share_of_wallet(bank).to_dict().items()}
    clients = {str(r["client_id"]): r for r in bank.clients.to_dict(orient="records")}
    signals = rel.churn_signals(bank)
    out: dict[str, dict[str, Case]] = {"profit": {}, "sow": {}, "signals": {}}
    for c in ids:
        p = {str(k): float(v) for k, v in profit[c].items()}
        out["profit"][c] = Case(
            float(p["profit_wan"]),
            [
                (
                    round(p["revenue_wan"] - p["direct_cost_wan"], 2),
                    "漏了服务成本（cost-to-serve）：拜访、交易和投诉处理都按单价计入成本。",
                ),
                (float(p["revenue_wan"]), "这是收入，不是利润：还要减去直接成本和服务成本。"),
            ],
        )
        n, rank = int(clients[c]["n_banks"]), int(clients[c]["our_bank_rank"])
        estimated = round((1 - rank / (n + 1)) * 2 / n, 4)
        disclosed = float(clients[c]["wallet_disclosed_wan"])
        sow_mistakes = (
            [(estimated, "客户已经披露了年度银行业务支出，应直接相除，不再用钱包分配法则估算。")]
            if not math.isnan(disclosed)
            else [
                (
                    round(1 / n, 4),
                    "钱包分配法则不是平均分：份额 = (1 − 排名 ÷ (合作银行数 + 1)) × 2 ÷ 合作银行数。",
                )
            ]
        )
        out["sow"][c] = Case(float(sow[c]), sow_mistakes)
        present = [s.label_zh for s in rel.SIGNALS if bool(signals.at[c, s.code])]
        absent = [s.label_zh for s in rel.SIGNALS if not bool(signals.at[c, s.code])]
        signal_mistakes = [(present[:-1], "漏了一个信号：把七个信号逐条对照一遍。")] if present else []
        signal_mistakes.append(
            ([*present, absent[0]], "多算了一个信号：每个信号都有明确的判定规则和时间窗口。")
        )
        out["signals"][c] = Case(present, signal_mistakes)
    return out


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the self-check exercises of curriculum module 9."""
    cases = _cases(bank, drawable(bank, exclude=WORKED_EXAMPLE))
    names = criterion_names()
    short = [names[c] for c in DRAFT_SHORT_OF]
    signal_labels = "|".join(s.label_zh for s in rel.SIGNALS)
    return [
        Exercise(
            id="m09.profit",
            kind="number",
            answer=None,
            unit=UNIT_WAN,
            explanation="正确。利润 = 收入 − 直接成本 − 服务成本，服务成本把拜访、交易和投诉处理按单价计入。",
            hint="服务成本 = 拜访次数 × 拜访单价 + 近一年交易笔数 × 交易单价 + 近一年投诉数 × 投诉处理单价。",
            cases=cases["profit"],
        ),
        Exercise(
            id="m09.sow",
            kind="number",
            answer=None,
            decimals=4,
            unit=UNIT_RATIO,
            explanation="正确。披露了年度银行业务支出就直接相除，没有披露才用钱包分配法则估算。",
            hint="先看客户是否披露了年度银行业务支出（wallet_disclosed_wan）；份额是 0–1 之间的小数，保留四位。",
            cases=cases["sow"],
        ),
        Exercise(
            id="m09.signals",
            kind="set",
            answer=None,
            item_pattern=f"^({signal_labels})$",
            item_example=rel.SIGNALS[0].label_zh,
            explanation="正确。风险提示要列出数据中出现的每个流失信号，并各配一条应对措施。",
            hint="按模块 8 的七个信号逐条判断（注意各自的时间窗口和边界）；可能一个也没有。",
            cases=cases["signals"],
        ),
        Exercise(
            id="m09.authority",
            kind="set",
            answer=list(WITHIN_AUTHORITY),
            item_pattern="^[A-F]$",
            item_example="A",
            explanation="正确。客户经理可以调查、设计方案、提出建议和管理客户，但利率、收费和放款由机构按流程决定。",
            hint="看每句话是“建议/提交/安排”，还是已经替机构“承诺/同意/签约”。",
            mistakes=[
                (["A", "B", "C", "E"], "B 越权了：利率优惠要由定价授权部门审批，客户经理不能先向客户承诺。"),
                (["A", "C", "D", "E"], "D 越权了：减免手续费属于机构的定价决策，客户经理只能提出建议。"),
                (["A", "C", "E", "F"], "F 越权了：先签合同后补审批违反授信流程，客户经理无权这样做。"),
            ],
        ),
        Exercise(
            id="m09.draft_short_of",
            kind="set",
            answer=short,
            item_pattern="^(" + "|".join(names.values()) + ")$",
            item_example=next(iter(names.values())),
            explanation="正确。对照评分标准逐条看：缺部分扣结构分，没有风险提示扣风险分，向客户承诺利率扣权限分。",
            hint="逐条读评分标准的满分描述，看草稿哪里达不到；证据和需求两条它做到了。",
            mistakes=[
                (
                    [names["risk"], names["authority"]],
                    "少了一条：草稿缺“风险提示”这一部分，结构也拿不到满分。",
                ),
                (
                    [names["structure"], names["authority"]],
                    "少了一条：没有风险提示，风险这条标准也拿不到满分。",
                ),
                (
                    [*short, names["evidence"]],
                    "证据这条草稿做到了：收入、钱包份额、纪要日期都有具体数字和出处。",
                ),
            ],
        ),
    ]
