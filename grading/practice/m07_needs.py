"""Module 7 exercises: stated and latent needs, the product bundle and who approves it.

Exercise 7.1 is reading: the trainee's drawn client's notes, judged as a careful reader does
(the key records which needs the client asked for; the notes phrase requests in many ways, so
string matching on a few cues is a named slip). 7.2 completes given code for the latent needs;
7.3–7.4 are from scratch on the same client; 7.5 (SPIN) is the same for everyone. C0064 is the
worked example.
"""

from __future__ import annotations

from typing import Final

from casebank import vocab
from casebank.load import CaseBank
from grading.keys import load_truth, truth_codes
from grading.methods import needs
from grading.practice import Case, Exercise, drawable

WORKED_EXAMPLE: Final = ("C0064",)
CREDIT_CATEGORY: Final = "资产业务"
#: Products outside the asset business that still need a credit line (or full margin) and a real-need check.
CREDIT_LINE_PRODUCTS: Final = frozenset({"外汇衍生品"})
NEED_LABELS: Final = tuple(n.label_zh for n in needs.NEEDS)


def _labels(codes: list[str]) -> list[str]:
    return [needs.NEEDS_BY_CODE[c].label_zh for c in codes]


def _products(codes: list[str]) -> list[str]:
    return [needs.NEEDS_BY_CODE[c].product for c in codes]


def needs_credit_approval(product: str) -> bool:
    """Whether a product needs the credit department's approval (a credit line) before it is offered."""
    return vocab.PRODUCTS[product][0] == CREDIT_CATEGORY or product in CREDIT_LINE_PRODUCTS


def _cases(bank: CaseBank, ids: list[str]) -> dict[str, dict[str, Case]]:
    truth = load_truth(bank_version=bank.version)
    cue_stated = needs.stated_needs(bank)
    shown = needs.needs_shown_in_data(bank)
    held = needs.active_products(bank)
    evidence = needs.evidence(bank)
    out: dict[str, dict[str, Case]] = {"stated": {}, "latent": {}, "bundle": {}, "approval": {}}
    for c in ids:
        stated, latent = truth_codes(truth, c, "stated_needs"), truth_codes(truth, c, "latent_needs")
        out["stated"][c] = Case(
            _labels(stated),
            [
                (
                    _labels(stated + latent),
                    "把潜在需求也算成了明示需求：数据显示的需要和纪要里的线索不等于客户提出了要求。",
                ),
                (
                    _labels(cue_stated[c]),
                    "只找了几个固定说法：客户提出要求的说法很多（询问办理条件、有意开办、希望我行安排……），要读懂整句。",
                ),
            ],
        )
        in_data = [code for code in shown[c] if code not in stated]
        all_evidence = [n.code for n in needs.NEEDS if bool(evidence.at[c, n.code])]
        out["latent"][c] = Case(
            _labels(latent),
            [
                (
                    _labels([*latent, *(s for s in stated if s not in latent)]),
                    "客户已明示的需求不再算潜在需求。",
                ),
                (
                    _labels([code for code in all_evidence if code not in stated]),
                    "证据成立但客户已在用对应产品的，不算新需求，是深化合作的方向。",
                ),
                (_labels(in_data), "潜在需求要去掉客户已明示的需求。"),
            ],
        )
        bundle = _products(stated + latent)
        held_too = [p for p in _products(all_evidence) if p in held[c]]
        out["bundle"][c] = Case(
            bundle,
            [
                (_products(latent), "漏掉了客户明示的需求：个性化方案首先要回应客户自己提出的要求。"),
                ([*bundle, *held_too], "客户已经在用的产品不应重复推荐；可以写成“存量业务深化”。"),
            ],
        )
        credit = [p for p in bundle if needs_credit_approval(p)]
        out["approval"][c] = Case(
            credit,
            [
                ([], "客户经理没有决策权：贷款、融资类产品和外汇衍生品必须先有授信，不能自行承诺。"),
                (
                    [p for p in bundle if vocab.PRODUCTS[p][0] == CREDIT_CATEGORY],
                    "漏了外汇衍生品：它的收入归中间业务，但有交易对手风险，要占用授信额度或缴全额保证金，并审核实需。",
                ),
                (bundle, "不是所有产品都要授信审批：现金管理、代发工资、对公理财等按产品部门流程办理。"),
            ],
        )
    return out


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the self-check exercises of curriculum module 7."""
    cases = _cases(bank, drawable(bank, exclude=WORKED_EXAMPLE))
    products = tuple(sorted(vocab.PRODUCTS))
    return [
        Exercise(
            id="m07.stated",
            kind="set",
            answer=None,
            item_pattern="^(" + "|".join(NEED_LABELS) + ")$",
            item_example=NEED_LABELS[0],
            explanation="正确。明示需求是客户在会谈中自己提出要某项产品或服务；我行推荐而客户没接受的、只是提到的，都不算。",
            hint="逐条读纪要：找客户（不是我们）提出要某项服务的句子；抱怨和经营描述是线索，不是明示需求。可能一项也没有。",
            cases=cases["stated"],
        ),
        Exercise(
            id="m07.latent",
            kind="set",
            answer=None,
            item_pattern="^(" + "|".join(NEED_LABELS) + ")$",
            item_example=NEED_LABELS[0],
            explanation="正确。证据规则成立、对应产品未在用、客户也没有明示——三者同时满足才是潜在需求。",
            hint="逐条套用八条证据规则，再去掉已在用对应产品的、以及客户已明示的需求；先确认练习 7.1 的明示需求。",
            cases=cases["latent"],
        ),
        Exercise(
            id="m07.bundle",
            kind="set",
            answer=None,
            item_pattern="^(" + "|".join(products) + ")$",
            item_example="流动资金贷款",
            explanation="正确。方案覆盖全部明示需求和潜在需求，每项需求对应一个产品，且不重复推荐客户已在用的产品。",
            hint="明示需求 + 潜在需求，各对应一个产品；已在用的产品不放进新方案。",
            cases=cases["bundle"],
        ),
        Exercise(
            id="m07.approval",
            kind="set",
            answer=None,
            item_pattern="^(" + "|".join(products) + ")$",
            item_example="流动资金贷款",
            explanation="正确。资产业务要经授信审批；外汇衍生品也要授信额度（或全额保证金）并审核实需；客户经理只提出建议、准备材料。",
            hint="查方案中每个产品的类别：资产业务要授信审批；外汇衍生品也要；其他中间业务按产品部门流程办理。可能一项也没有。",
            cases=cases["approval"],
        ),
        Exercise(
            id="m07.spin_question",
            kind="text",
            answer="I",
            choices=("S", "P", "I", "N"),
            explanation="正确。这类问题把已知难题的后果放大，让客户自己意识到紧迫性。",
            hint="S 问现状，P 问难题，I 问难题带来的后果，N 问解决后的价值。",
            mistakes=[
                ("P", "难题（回款慢）已经知道了；这句问的是难题带来的后果。"),
                ("N", "需求-效益问题问的是“解决之后有什么好处”，这句问的是不解决的后果。"),
            ],
        ),
    ]
