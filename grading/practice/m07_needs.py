"""Module 7 exercises: stated and latent needs, the product bundle and who approves it."""

from __future__ import annotations

from casebank import vocab
from casebank.errors import CmAcademyError
from casebank.load import CaseBank
from grading.methods import needs
from grading.practice import Exercise

CLIENT = "C0118"
CREDIT_CATEGORY = "资产业务"


def _labels(codes: list[str]) -> list[str]:
    return [needs.NEEDS_BY_CODE[c].label_zh for c in codes]


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the self-check exercises of curriculum module 7."""
    stated = needs.stated_needs(bank)[CLIENT]
    latent = needs.latent_needs(bank)[CLIENT]
    evidence = needs.evidence(bank).loc[CLIENT]
    held = needs.active_products(bank)[CLIENT]
    shown_but_held = [n.code for n in needs.NEEDS if bool(evidence[n.code]) and n.product in held]
    bundle = [needs.NEEDS_BY_CODE[c].product for c in stated + latent]
    credit = [p for p in bundle if vocab.PRODUCTS[p][0] == CREDIT_CATEGORY]
    sales = bank.sales[bank.sales["client_id"] == CLIENT].sort_values("year")
    export_now = float(sales["export_share_pct"].iloc[-1])
    if export_now >= needs.EXPORT_FX_MIN:
        raise CmAcademyError(f"m07: {CLIENT} no longer has an export share under the fx threshold")
    missed = needs.NEEDS_BY_CODE[latent[-1]]
    held_need = needs.NEEDS_BY_CODE[shown_but_held[0]]
    return [
        Exercise(
            id="m07.stated_c0118",
            kind="set",
            answer=_labels(stated),
            explanation="正确：纪要里客户明确提出要这项产品（“需要……/提供……/办理条件”），这是明示需求。",
            hint="只找客户用原话提出要某项产品的句子；抱怨、描述经营情况的句子是线索，不是明示需求。",
            mistakes=[
                (
                    _labels(stated + latent),
                    "把潜在需求也算成了明示需求：供应商资金紧张、工资由他行代发只是线索，客户并没有提出要产品。",
                )
            ],
            clients=(CLIENT,),
        ),
        Exercise(
            id="m07.latent_c0118",
            kind="set",
            answer=_labels(latent),
            explanation="正确：证据规则成立、客户尚未持有对应产品、客户也没有明说——这就是潜在需求。",
            hint="逐条套用八条证据规则，再去掉已持有对应产品的、以及客户已明示的需求。",
            mistakes=[
                (_labels(stated + latent), "贸易融资是客户明示的需求，明示需求不再算潜在需求。"),
                (
                    _labels(latent[:-1]),
                    f"漏了一项潜在需求：再对一遍“{missed.label_zh}”的规则（{missed.rule_zh}）。",
                ),
                (
                    _labels([*latent, held_need.code]),
                    f"{held_need.label_zh}的证据虽然成立，但客户已持有{held_need.product}，不算潜在需求。",
                ),
                (
                    _labels([*latent, "fx_hedging"]),
                    f"上年出口占比 {export_now:.1f}% 未达 30% 的门槛，汇率避险需求的证据不成立。",
                ),
            ],
            clients=(CLIENT,),
        ),
        Exercise(
            id="m07.bundle_c0118",
            kind="set",
            answer=bundle,
            explanation="正确：方案覆盖全部明示需求和潜在需求，且不重复推荐客户已持有的产品。",
            hint="明示需求 + 潜在需求，各对应一个产品；已持有的产品不再放进新方案。",
            mistakes=[
                (
                    [*bundle, held_need.product],
                    f"{held_need.product}客户已经持有，方案不应重复推荐；可以写成“存量业务跟进”。",
                ),
                (
                    [needs.NEEDS_BY_CODE[c].product for c in latent],
                    "漏掉了客户明示的需求：个性化方案首先要回应客户自己提出的问题。",
                ),
            ],
            clients=(CLIENT,),
        ),
        Exercise(
            id="m07.approval_c0118",
            kind="set",
            answer=credit,
            explanation="正确：资产业务（授信类）产品要经授信审批，客户经理只能提出建议、准备材料。",
            hint="查产品类别：资产业务要走授信审批；中间业务按产品部门流程办理。",
            mistakes=[
                ([], "客户经理没有决策权：贷款和融资类产品必须提交授信审批，不能自行承诺。"),
                (
                    bundle,
                    "代发工资属于中间业务，不需要授信审批；贷款等资产业务以及外汇衍生品（需授信额度或足额保证金，并审核实需）才要走授信流程。",
                ),
            ],
            clients=(CLIENT,),
        ),
        Exercise(
            id="m07.spin_question",
            kind="text",
            answer="I",
            explanation="正确：这是暗示问题（Implication），把已知难题的后果放大，让客户自己意识到紧迫性。",
            hint="S 问现状，P 问难题，I 问难题带来的后果，N 问解决后的价值。",
            mistakes=[
                ("P", "难题（回款慢）已经知道了；这句问的是难题带来的后果，属于暗示问题 I。"),
                ("N", "需求-效益问题问的是“解决之后有什么好处”，这句问的是不解决的后果。"),
            ],
        ),
    ]
