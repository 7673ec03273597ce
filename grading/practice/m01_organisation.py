"""Module 1 exercises: the customer-manager system and its four organisational models.

Exercises 1.1–1.2 are the same for everyone; 1.3 completes given code for the trainee's drawn
client (its needs complexity), 1.4 is from scratch on the same client (its model). C0168 is the
worked example.
"""

from __future__ import annotations

import dataclasses
from typing import Final

from casebank.load import CaseBank
from grading.methods import organisation as org
from grading.practice import Case, Exercise, drawable

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

WORKED_EXAMPLE: Final = ("C0168",)


def _with(profile: org.FirmProfile, **change: object) -> str:
    return org.recommend_model(dataclasses.replace(profile, **change))  # type: ignore[arg-type]


def _needs_strict(subsidiaries: int, markets: int) -> str:
    """The typical slip: thresholds read as "more than" instead of "at least"."""
    return org.needs_complexity(subsidiaries - 1, markets - 1)


def _needs_either(subsidiaries: int, markets: int) -> str:
    """The typical slip: 复杂 when either threshold is reached."""
    reached = subsidiaries >= org.SUBSIDIARIES_MIN or markets >= org.MARKETS_MIN
    return org.NEEDS_COMPLEX if reached else org.NEEDS_SIMPLE


def _client_cases(bank: CaseBank, ids: list[str]) -> tuple[dict[str, Case], dict[str, Case]]:
    """Per drawn client: its needs complexity and its organisational model, with typical slips."""
    clients = bank.clients.set_index(bank.clients["client_id"].astype(str))
    needs, models = {}, {}
    for key, row in clients.loc[ids].iterrows():
        c = str(key)
        profile = org.firm_profile(row)
        units, markets = int(row["subsidiaries"]), len(str(row["main_markets"]).split(";"))
        needs[c] = Case(
            profile.needs,
            [
                (
                    _needs_either(units, markets),
                    "需求“复杂”要子公司数和主要市场数两项都达到门槛；只达到一项是“多样”。",
                ),
                (_needs_strict(units, markets), "门槛是“≥”：恰好 5 家子公司或恰好 3 个主要市场也算达到。"),
            ],
        )
        models[c] = Case(
            org.recommend_model(profile),
            [
                (
                    _with(profile, special_group=True),
                    "CRM 数据看不出需要隔离或保密的特殊客户群；规模大、利润高本身不等于要单设操作部门。",
                ),
                (
                    _with(profile, needs=_needs_either(units, markets)),
                    "需求复杂度判断错了：两项门槛都达到才算“复杂”，只达到一项是“多样”。",
                ),
                (
                    _with(profile, staffing_elastic=not profile.staffing_elastic),
                    "人员弹性判断错了：员工 ≥ 300 人才有条件设专职岗位。",
                ),
                (_with(profile, size="大型"), "独立的客户管理部门要求大型机构且需求复杂；先核对客户的规模。"),
            ],
        )
    return needs, models


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the module 1 exercises."""
    parts = sorted(k for k, text in PART_CHOICES.items() if text in org.SYSTEM_PARTS)
    scenarios = {name: org.recommend_model(profile) for name, (_, profile) in SCENARIOS.items()}
    needs, models = _client_cases(bank, drawable(bank, exclude=WORKED_EXAMPLE))
    return [
        Exercise(
            id="m01.system_parts",
            kind="set",
            answer=parts,
            explanation="正确。完整的体系缺一不可；干扰项都违背了客户经理制的基本原则。",
            hint="回想“方向、资源、能力、激励、工具”五个方面各对应哪些部分；干扰项都违背了客户经理制的原则。",
            mistakes=[
                (
                    [p for p in parts if p != "e"],
                    "漏了一个部分：客户经理上岗前要经过什么？这正是本学院存在的原因。",
                ),
                (
                    [*parts, "h"],
                    "你选了一个干扰项：客户经理没有决策权，审批权不会下放给客户经理（见模块 2）。",
                ),
                (
                    [*parts, "i"],
                    "你选了一个干扰项：客户经理制恰恰要求把分散在各部门的营销资源集中整合，而不是各管各的。",
                ),
            ],
        ),
        Exercise(
            id="m01.scenarios",
            kind="mapping",
            answer=scenarios,
            keys=tuple(SCENARIOS),
            explanation="正确。按决策表从上往下，第一条成立的规则决定模式：特殊客户群、规模与需求复杂度、人员弹性依次判断。",
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
            id="m01.needs",
            kind="text",
            answer=None,
            explanation="正确。子公司 ≥ 5 家和主要市场 ≥ 3 个：两项都满足为“复杂”，满足一项为“多样”，都不满足为“单一”。",
            hint="主要市场数 = main_markets 按分号拆开后的个数；子公司数看 subsidiaries。",
            choices=(org.NEEDS_SIMPLE, org.NEEDS_VARIED, org.NEEDS_COMPLEX),
            cases=needs,
        ),
        Exercise(
            id="m01.model",
            kind="text",
            answer=None,
            explanation="正确。先按画像规则得出人员弹性和需求复杂度，再按决策表从上往下，第一条成立的规则决定模式。",
            hint='先按画像规则算出：员工数是否 ≥ 300、子公司是否 ≥ 5 家、主要市场是否 ≥ 3 个，再套决策表；答案写成 "第X种"。',
            choices=org.MODELS,
            cases=models,
        ),
    ]
