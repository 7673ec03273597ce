"""Module 11 exercises: credit lines, the real-need check, beneficial owners, due diligence, AML, consumer protection.

Exercise 11.3 completes given export-income code for the trainee's drawn client and 11.5 asks,
from scratch, whether the same client needs a due-diligence review; the others are the same for
everyone (letters of the notebook's tables, the practice set's real-need review list, the
fictitious shareholding of C0301). C0052 and the fictitious 青岛金隆 shareholding are the worked
examples.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from casebank.load import CaseBank
from grading.practice import Case, Exercise, drawable, practice_ids
from grading.practice.slips import UNIT_WAN

#: Letters of the notebook's tables that are keyed right (the sentences are printed there).
CREDIT_LINE: Final = ("A", "B", "C", "D", "H")
SUSPICIOUS_RIGHT: Final = ("A", "C", "E")
PRIVACY_BREACHES: Final = ("A", "B", "D", "E")
SUITABLE: Final = ("A", "C", "E")
#: The fictitious shareholding of C0301 (exercise 11.4): direct natural persons, and the holding company.
DIRECT_PERSONS: Final = {"夏明远": 20.0, "孔德华": 15.0}
HOLDING_COMPANY: Final = ("鑫科控股有限公司", 50.0)
HOLDING_OWNERS: Final = {"夏明远": 30.0, "周立群": 50.0, "邵晓梅": 20.0}
BENEFICIAL_OWNER_MIN_PCT: Final = 25.0
FX_REVIEW_BELOW_PCT: Final = 5.0
FX_PRODUCT: Final = "外汇衍生品"
REVIEW_TITLES: Final = frozenset({"董事长", "总经理", "财务总监"})
REVIEW_WINDOW_DAYS: Final = 365
WORKED_EXAMPLE: Final = ("C0052",)


def beneficial_owners(threshold_inclusive: bool = True) -> list[str]:
    """Natural persons holding 25 % or more of C0301, directly and through the holding company."""
    share = HOLDING_COMPANY[1]
    total = dict(DIRECT_PERSONS)
    for person, pct in HOLDING_OWNERS.items():
        total[person] = total.get(person, 0.0) + pct * share / 100
    return sorted(
        p
        for p, v in total.items()
        if (v >= BENEFICIAL_OWNER_MIN_PCT if threshold_inclusive else v > BENEFICIAL_OWNER_MIN_PCT)
    )


def _last_sales(bank: CaseBank) -> pd.DataFrame:
    return bank.sales.sort_values("year").groupby("client_id").last()


def _fx_review(bank: CaseBank, *, below: float = FX_REVIEW_BELOW_PCT) -> list[str]:
    held = bank.holdings[bank.holdings["closed_on"].isna() & (bank.holdings["product"] == FX_PRODUCT)]
    users = sorted(set(held["client_id"].astype(str)) & set(practice_ids(bank)))
    share = _last_sales(bank)["export_share_pct"]
    return [c for c in users if share[c] < below]


def _cases(bank: CaseBank, ids: list[str]) -> dict[str, dict[str, Case]]:
    sales = bank.sales.sort_values("year")
    since = bank.as_of - pd.Timedelta(days=REVIEW_WINDOW_DAYS)
    left = bank.people[bank.people["left_on"].notna()]
    out: dict[str, dict[str, Case]] = {"export": {}, "review": {}}
    for c in ids:
        mine = sales[sales["client_id"] == c]
        last, first = mine.iloc[-1], mine.iloc[0]
        income = round(float(last["revenue_wan"]) * float(last["export_share_pct"]) / 100)
        out["export"][c] = Case(
            income,
            [
                (
                    round(float(first["revenue_wan"]) * float(first["export_share_pct"]) / 100),
                    "用了最早一年的数据：要用上年（最近一年）的营收和出口占比。",
                )
            ],
        )
        gone = left[left["client_id"] == c]
        key_titles = gone[gone["title"].isin(REVIEW_TITLES)]
        flagged = bool((key_titles["left_on"] > since).any())
        any_title = bool((gone["left_on"] > since).any())
        ever = not key_titles.empty
        mistakes = []
        if any_title != flagged:
            mistakes.append(("是", "只有董事长、总经理、财务总监的离职才触发复核；其他人员离职不算。"))
        if ever != flagged:
            mistakes.append(("是", "复核看的是近 365 天内的离职；更早的已在当时处理过。"))
        out["review"][c] = Case("是" if flagged else "否", mistakes)
    return out


def _letters(
    exercise: str, key: tuple[str, ...], explanation: str, hint: str, mistakes: list[tuple[list[str], str]]
) -> Exercise:
    """An exercise whose answer is a set of the letters of a table the notebook prints."""
    return Exercise(
        id=exercise,
        kind="set",
        answer=list(key),
        explanation=explanation,
        hint=hint,
        mistakes=mistakes,
        item_pattern="^[A-H]$",
        item_example="A",
    )


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the self-check exercises of curriculum module 11."""
    cases = _cases(bank, drawable(bank, exclude=WORKED_EXAMPLE))
    review = _fx_review(bank)
    return [
        _letters(
            "m11.credit_line",
            CREDIT_LINE,
            "正确。凡是让银行承担客户信用风险的业务都要占用授信额度：贷款、银票敞口、保函、信用证、不交保证金的衍生品。",
            "逐项问：到期时客户可能欠银行钱吗？保证金之外还有没有敞口？",
            [
                (
                    ["A", "B", "C", "H"],
                    "漏了不交保证金的远期结汇：到期时汇率变动可能让客户欠银行一笔钱。",
                ),
                (
                    ["A", "B", "C", "D", "E", "H"],
                    "缴足全额保证金的衍生品不占用授信（但实需审核一样不能少）。",
                ),
                (["A", "C", "D", "H"], "交了 30% 保证金的银票，其余 70% 是银行的敞口，要占用授信。"),
            ],
        ),
        Exercise(
            id="m11.fx_review",
            kind="set",
            answer=review,
            item_pattern=r"^C\d{4}$",
            item_example="C0001",
            explanation="正确。在用外汇衍生品、上年出口占比低于 5% 的客户要核实实需；名单是“核查”，不是“拒绝”。",
            hint="先找在用（未销户）外汇衍生品的练习集客户，再看上年（最近一年）出口占比是否低于 5%。",
            mistakes=[
                (
                    _fx_review(bank, below=FX_REVIEW_BELOW_PCT + 1),
                    "门槛是“低于 5%”：出口占比 5% 出头的客户出口收入还撑得起，不在名单里。",
                ),
                (_fx_review(bank, below=100.0), "不是所有外汇衍生品客户都要核查：只核查出口占比低于 5% 的。"),
            ],
        ),
        Exercise(
            id="m11.export_income",
            kind="number",
            answer=None,
            decimals=0,
            unit=UNIT_WAN,
            explanation="正确。上年出口收入 = 上年营收 × 上年出口占比（百分数要除以 100），取整到万元。",
            hint="用 sales 里你的客户最近一年的 revenue_wan 和 export_share_pct。",
            cases=cases["export"],
        ),
        Exercise(
            id="m11.beneficial_owners",
            kind="set",
            answer=beneficial_owners(),
            explanation="正确。直接和间接持股相加（间接 = 持有控股公司的比例 × 控股公司的持股），25% 以上含本数；只算自然人。",
            hint="先算每位自然人的间接持股，再与直接持股相加；公司和合伙企业本身不是受益所有人。",
            mistakes=[
                (
                    beneficial_owners(threshold_inclusive=False),
                    "“25% 以上”包含本数：恰好 25% 也是受益所有人。",
                ),
                (
                    [*beneficial_owners(), HOLDING_COMPANY[0]],
                    "控股公司不是自然人，不能是受益所有人；要穿透到它背后的人。",
                ),
            ],
        ),
        Exercise(
            id="m11.dd_review",
            kind="text",
            answer=None,
            choices=("是", "否"),
            explanation="正确。近 365 天内董事长、总经理或财务总监离职的客户，要复核身份资料和授权人员。",
            hint="查你的客户的 people 表：职务是董事长、总经理或财务总监，且 left_on 在数据日期前 365 天之后。",
            cases=cases["review"],
        ),
        _letters(
            "m11.suspicious",
            SUSPICIOUS_RIGHT,
            "正确。按流程报告、如实记录、继续正常服务且不泄露——这是客户经理在反洗钱中的本分。",
            "逐项问：是报告和记录，还是泄露、越权或不作为？",
            [
                (["A", "E"], "如实记录交易背景也是对的做法，它是反洗钱岗位分析的依据。"),
                (["A", "B", "C", "E"], "提醒客户“被盯上了”是泄露（tipping off），法律明确禁止。"),
            ],
        ),
        _letters(
            "m11.privacy",
            PRIVACY_BREACHES,
            "正确。非正式渠道传送、培训材料不脱敏、超出最小必要、对外提供内部评价都违反个人信息保护。",
            "逐项问：是不是办理业务最小必要的？渠道和用途是否经授权？",
            [
                (
                    ["A", "B", "C", "D", "E"],
                    "按规定采集法定代表人的身份信息是法定的尽职调查要求，不违规。",
                ),
                (["A", "B", "D"], "向他行透露客户董事长的态度评价，是对外提供我行内部掌握的个人评价。"),
            ],
        ),
        _letters(
            "m11.suitability",
            SUITABLE,
            "正确。先评估风险承受能力、充分披露、交付说明书和风险揭示书；不承诺保本，不替客户改问卷。",
            "对照四条底线：适当性、信息披露、不误导销售、个人信息保护。",
            [
                (["A", "B", "C", "E"], "理财产品不得承诺保本保收益，这是误导销售。"),
                (["A", "C", "D", "E"], "替客户改风险评估问卷，既违反适当性，也是误导销售。"),
            ],
        ),
    ]
