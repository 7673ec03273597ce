"""Module 9 exercises: evidence, figures and authority in a client evaluation report."""

from __future__ import annotations

from casebank.errors import CmAcademyError
from casebank.load import CaseBank
from grading.methods import needs, value
from grading.practice import Exercise

CLIENT = "C0217"
# The notebook lists these facts of the client with the same letters; each supports at most one need.
FACT_LETTERS = {
    "A": "working_capital",  # 产能利用率
    "B": "working_capital",  # 上年营收增长
    "C": "fx_hedging",  # 上年出口占比
    "D": "payroll_service",  # 员工人数
    "E": "idle_cash",  # 最近一季存款日均 / 上年同季
    "F": "",  # 财务总监离职（风险事实，不支持任何产品建议）
}
WITHIN_AUTHORITY = ("A", "C", "E")
"""Recommendation sentences A-F of the notebook that stay within a manager's authority."""


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the self-check exercises of curriculum module 9."""
    evidence = needs.evidence(bank).loc[CLIENT]
    if not bool(evidence["working_capital"]) or not bool(evidence["idle_cash"]):
        raise CmAcademyError(f"m09: the evidence of {CLIENT} changed; revise the exercise")
    support = sorted(k for k, code in FACT_LETTERS.items() if code == "working_capital")
    profit = {str(k): float(v) for k, v in value.profitability(bank).to_dict(orient="index")[CLIENT].items()}
    sow = float(value.share_of_wallet(bank).to_dict()[CLIENT])
    client = bank.clients[bank.clients["client_id"] == CLIENT].iloc[0].to_dict()
    n, rank = int(client["n_banks"]), int(client["our_bank_rank"])
    return [
        Exercise(
            id="m09.evidence_c0217",
            kind="set",
            answer=support,
            explanation="正确：流动资金需求的规则要求产能利用率 ≥ 90% 且上年营收增长 ≥ 15%，两条事实缺一不可。",
            hint="先写出流动资金需求的证据规则，再挑出规则里用到的事实；其他事实支持的是别的建议。",
            mistakes=[
                (["A"], "只有产能利用率还不够：规则同时要求上年营收增长 ≥ 15%。"),
                (["A", "B", "E"], "存款比上年同季大幅增加支持的是对公理财建议，不是流动资金贷款。"),
            ],
            clients=(CLIENT,),
        ),
        Exercise(
            id="m09.profit_c0217",
            kind="number",
            answer=profit["profit_wan"],
            explanation="正确：收入 − 直接成本 − 服务成本，服务成本把拜访、交易和投诉处理按单价计入；这个客户目前是亏损的。",
            hint="服务成本 = 拜访次数 × 拜访单价 + 交易笔数 × 交易单价 + 一年内投诉数 × 投诉处理单价。",
            mistakes=[
                (
                    round(profit["revenue_wan"] - profit["direct_cost_wan"], 2),
                    "漏了服务成本（cost-to-serve）：频繁拜访小客户的成本会把利润吃掉。",
                ),
                (profit["revenue_wan"], "这是收入，不是利润：还要减去直接成本和服务成本。"),
            ],
            clients=(CLIENT,),
        ),
        Exercise(
            id="m09.sow_c0217",
            kind="number",
            answer=sow,
            decimals=4,
            explanation="正确：客户披露了银行业务总支出，就用我行收入 ÷ 披露的钱包。",
            hint="客户披露了钱包时直接相除；只有没披露时才用钱包分配规则（Wallet Allocation Rule）。",
            mistakes=[
                (
                    round((1 - rank / (n + 1)) * 2 / n, 4),
                    "客户已经披露了钱包，不应再用钱包分配规则估算。",
                )
            ],
            clients=(CLIENT,),
        ),
        Exercise(
            id="m09.authority",
            kind="set",
            answer=list(WITHIN_AUTHORITY),
            explanation="正确：客户经理可以调查、设计方案、提出建议和管理客户，但利率、收费和放款由机构按流程决定。",
            hint="看每句话是“建议/提交/安排”，还是已经替机构“承诺/同意/签约”。",
            mistakes=[
                (["A", "B", "C", "E"], "B 越权了：利率优惠要由定价授权部门审批，客户经理不能先向客户承诺。"),
                (["A", "C", "D", "E"], "D 越权了：减免手续费属于机构的定价决策，客户经理只能提出建议。"),
                (["A", "C", "E", "F"], "F 越权了：先签合同后补审批违反授信流程，客户经理无权这样做。"),
            ],
        ),
    ]
