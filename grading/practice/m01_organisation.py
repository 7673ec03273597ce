"""Module 1 exercises: the customer-manager system and its four organisational models."""

from __future__ import annotations

from typing import Final

from casebank.load import CaseBank
from grading.methods import organisation as org
from grading.practice import Exercise

#: The statements of exercise 1.1, as the notebook prints them (letter -> text).
PART_CHOICES: Final = {
    "a": "组织架构",
    "b": "职能定位",
    "c": "激励机制",
    "d": "培训体系",
    "e": "资格认证",
    "f": "客户分配机制",
    "g": "工作平台",
    "h": "把贷款审批权下放给客户经理",
    "i": "按产品部门分别维护各自的客户名单",
    "j": "取消客户经理的个人业绩考核",
}

#: The firms of exercise 1.2 (name -> (description printed in the notebook, profile)).
SCENARIOS: Final = {
    "甲": (
        "某县域农商行支行：员工 18 人，对公客户不到 60 户，业务以存款和流动资金贷款为主，"
        "客户需求单一，编制已满、无法另设专职岗位。",
        org.FirmProfile(size="小型", staffing_elastic=False, needs=org.NEEDS_SIMPLE),
    ),
    "乙": (
        "某城商行分行：对公客户约 1,500 户，分布在制造、商贸、物流等十多个行业，需求多样；"
        "总行已同意增加客户经理编制。",
        org.FirmProfile(size="中型", staffing_elastic=True, needs=org.NEEDS_VARIED),
    ),
    "丙": (
        "某全国性股份制银行总行：业务线覆盖公司金融、投资银行、交易银行、金融市场，"
        "集团客户跨区域、跨业务线经营，需求复杂，管理资源充足。",
        org.FirmProfile(size="大型", staffing_elastic=True, needs=org.NEEDS_COMPLEX),
    ),
    "丁": (
        "同一家股份制银行要为一批正在筹划并购重组的上市公司设立服务团队：利润贡献巨大，"
        "内幕信息必须与其他业务严格隔离，需要并购融资等专门知识。",
        org.FirmProfile(size="大型", staffing_elastic=True, needs=org.NEEDS_COMPLEX, special_group=True),
    ),
}

REAL_CLIENTS: Final = ("C0232", "C0301")


def _client_facts(bank: CaseBank, client_id: str) -> tuple[str, str]:
    """Return the recommended model of a client and a zh sentence with the facts behind it."""
    row = bank.clients[bank.clients["client_id"] == client_id].iloc[0]
    profile = org.firm_profile(row)
    markets = len(str(row["main_markets"]).split(";"))
    facts = (
        f"{client_id} 为{profile.size}企业，员工 {row['employees']} 人（人员{'有' if profile.staffing_elastic else '无'}弹性），"
        f"子公司 {row['subsidiaries']} 家、主要市场 {markets} 个，需求复杂度为“{profile.needs}”"
    )
    return org.recommend_model(profile), facts


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the module 1 exercises."""
    parts = sorted(k for k, text in PART_CHOICES.items() if text in org.SYSTEM_PARTS)
    scenarios = {name: org.recommend_model(profile) for name, (_, profile) in SCENARIOS.items()}
    (c0232, facts_c0232), (c0301, facts_c0301) = (_client_facts(bank, c) for c in REAL_CLIENTS)
    return [
        Exercise(
            id="m01.system_parts",
            kind="set",
            answer=parts,
            explanation=(
                "正确。完整的客户经理制包括组织架构、职能定位、激励机制、培训体系、资格认证、"
                "客户分配机制和工作平台七个部分；审批权不下放、资源要集中统筹、考核必须与个人业绩挂钩。"
            ),
            hint="回想“方向、资源、能力、激励、工具”五个方面各对应哪些部分；干扰项都违背了客户经理制的原则。",
            mistakes=[
                (
                    [p for p in parts if p != "e"],
                    "漏了“资格认证”：客户经理要经过认证才能上岗，这正是本学院存在的原因。",
                ),
                (
                    [*parts, "h"],
                    "客户经理没有决策权，贷款审批权不会下放给客户经理（见第 2 单元）。",
                ),
                (
                    [*parts, "i"],
                    "客户经理制恰恰要求把分散在各部门的营销资源集中整合，而不是各管各的客户名单。",
                ),
            ],
        ),
        Exercise(
            id="m01.scenarios",
            kind="mapping",
            answer=scenarios,
            explanation=(
                "正确。甲人手紧、需求单一 → 第一种（兼管）；乙可增编、需求多样 → 第二种（独立岗位）；"
                "丙大型且需求复杂 → 第三种（独立部门）；丁需要隔离保密和专门知识 → 第四种（部门下设独立操作部门）。"
            ),
            hint="按决策表从上往下判断：先看有没有需要特别专业、隔离或保密的客户群，再看规模与需求复杂度，最后看人员弹性。",
            mistakes=[
                (
                    {**scenarios, "丙": org.MODEL_DEPARTMENT_OPS, "丁": org.MODEL_DEPARTMENT},
                    "丙和丁颠倒了：哪一家的客户群要求信息隔离和专门的操作团队？",
                ),
                (
                    {**scenarios, "甲": org.MODEL_POST},
                    "甲编制已满、无法另设专职岗位，客户需求又单一，增设独立岗位不现实。",
                ),
            ],
        ),
        Exercise(
            id="m01.model_c0232",
            kind="text",
            answer=c0232,
            explanation=f"正确。{facts_c0232}；按决策表第 2 条（大型且需求复杂）应设独立的客户管理部门。",
            hint="先按画像规则算出：员工数是否 ≥ 300、子公司是否 ≥ 5 家、主要市场是否 ≥ 3 个，再套决策表。",
            mistakes=[
                (
                    org.MODEL_POST,
                    "再数一遍子公司和主要市场：两项都达到门槛时，需求复杂度是“复杂”而不是“多样”。",
                ),
                (
                    org.MODEL_DEPARTMENT_OPS,
                    "CRM 数据看不出需要隔离或保密的特殊客户群；规模大、利润高本身不等于第四种。",
                ),
            ],
            clients=("C0232",),
        ),
        Exercise(
            id="m01.model_c0301",
            kind="text",
            answer=c0301,
            explanation=f"正确。{facts_c0301}；不是大型企业，人员有弹性且需求不单一，应增设独立的客户经理岗位。",
            hint="中型企业不一定只能兼管：先看人员弹性，再看需求是否单一。",
            mistakes=[
                (
                    org.MODEL_EXTEND,
                    "员工人数已达到 300 人的门槛，有条件设专职岗位；主要市场也不少，需求并不单一。",
                ),
                (
                    org.MODEL_DEPARTMENT,
                    "第三种要求大型企业且需求复杂；核对一下 C0301 的规模和子公司数。",
                ),
            ],
            clients=("C0301",),
        ),
    ]
