"""Module 2 exercises: functions, authority (no decision rights) and dispute handling.

Exercises 2.1–2.2 are the same for everyone; 2.3 completes given code for the trainee's drawn
client (the department owning its latest complaint), 2.4 is from scratch on the same client
(its complaints to chase), 2.5 reviews the whole practice set's missed escalations. Drawn
clients are the practice clients with at least one complaint; C0064 is the worked example.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import pandas as pd

from casebank import vocab
from casebank.load import CaseBank
from grading.methods import organisation as org
from grading.practice import Case, Exercise, drawable

WORKED_EXAMPLE: Final = ("C0064",)
COMPLAINT_ID: Final = r"C\d{4}-K\d{2}"


def _practice_complaints(bank: CaseBank) -> pd.DataFrame:
    practice = bank.clients.loc[bank.clients["pool"] == vocab.POOL_PRACTICE, ["client_id", "manager_id"]]
    return bank.complaints.merge(practice, on="client_id")


def _missed(complaints: pd.DataFrame, rule: Callable[[str, int], bool]) -> list[str]:
    """Return the ids of complaints the rule says to escalate that were not escalated."""
    rows = zip(
        complaints["complaint_id"].astype(str),
        complaints["category"].astype(str),
        complaints["severity"].astype(int),
        complaints["escalated"].astype(bool),
        strict=True,
    )
    return sorted(
        cid for cid, category, severity, escalated in rows if rule(category, severity) and not escalated
    )


def _open_longer_than(complaints: pd.DataFrame, as_of: pd.Timestamp, *, inclusive: bool) -> list[str]:
    """Return the ids of open complaints waiting past the follow-up limit (the rule, or >= as a mistake)."""
    days = (as_of - complaints["received_on"]).dt.days.astype(int)
    rows = zip(complaints["complaint_id"].astype(str), complaints["status"].astype(str), days, strict=True)
    if inclusive:
        return sorted(
            cid for cid, status, d in rows if status != org.STATUS_CLOSED and d >= org.FOLLOW_UP_ALERT_DAYS
        )
    return sorted(cid for cid, status, d in rows if org.follow_up_overdue(status, d))


#: The limit module 2 once taught by mistake; trainees who learnt it are caught by the check.
OLD_FOLLOW_UP_DAYS: Final = 90


def _latest(complaints: pd.DataFrame) -> pd.Series:
    """A client's most recent complaint (ties by complaint id)."""
    return complaints.sort_values(["received_on", "complaint_id"]).iloc[-1]


def _owner_cases(by_client: dict[str, pd.DataFrame]) -> dict[str, Case]:
    out = {}
    for c, mine in by_client.items():
        category = str(_latest(mine)["category"])
        owner = org.COMPLAINT_OWNERS[category]
        oldest = str(mine.sort_values(["received_on", "complaint_id"]).iloc[0]["category"])
        out[c] = Case(
            owner,
            [
                (
                    "客户经理",
                    "客户经理不是牵头处理的部门：要查投诉类别对应的责任部门，由它牵头处理，客户经理负责记录、确认、跟踪。",
                ),
                (org.COMPLAINT_OWNERS[oldest], "这是最早一条投诉的责任部门；题目问的是收到日期最近的一条。"),
            ],
        )
    return out


def _chase_cases(by_client: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> dict[str, Case]:
    out = {}
    for c, mine in by_client.items():
        days = (as_of - mine["received_on"]).dt.days.astype(int)
        status = mine["status"].astype(str)
        ids = mine["complaint_id"].astype(str)
        open_ = status != org.STATUS_CLOSED
        out[c] = Case(
            _open_longer_than(mine, as_of, inclusive=False),
            [
                (
                    _open_longer_than(mine, as_of, inclusive=True),
                    "恰好 15 天的投诉还没有超过 15 天；规则是“超过”，不含等于。",
                ),
                (
                    sorted(ids[days > org.FOLLOW_UP_ALERT_DAYS]),
                    "已关闭的投诉不用催办：只看处理中和已升级的投诉。",
                ),
                (
                    sorted(ids[open_ & (days > OLD_FOLLOW_UP_DAYS)]),
                    "时限是 15 天（可依规延长），不是 90 天：超过 15 天仍未关闭就要催办。",
                ),
                (
                    sorted(ids[(status == "已升级") & (days > org.FOLLOW_UP_ALERT_DAYS)]),
                    "处理中的投诉同样要催办：不论是否已升级，未关闭且超过 15 天都要盯住。",
                ),
            ],
        )
    return out


def _missed_escalations(complaints: pd.DataFrame, as_of: pd.Timestamp) -> Exercise:
    recent = complaints[complaints["received_on"] > as_of - pd.Timedelta(days=365)]
    return Exercise(
        id="m02.missed_escalations",
        kind="set",
        answer=_missed(recent, org.must_escalate),
        item_pattern=COMPLAINT_ID,
        item_example="C0064-K01",
        explanation="正确。收费争议、授信审批类涉及客户经理无权做出的决策，严重程度为 3 的投诉也必须升级；其余投诉由客户经理协调解决即可。",
        hint="规则有两条，满足任一条就必须升级：类别为收费争议或授信审批；或严重程度为 3。只看 escalated 为 False 的投诉。",
        mistakes=[
            (
                _missed(recent, lambda _c, s: s >= org.SEVERITY_ESCALATE),
                "只看了严重程度：收费争议和授信审批类投诉即使不严重，也要升级到有决策权的部门。",
            ),
            (
                _missed(recent, lambda c, _s: c in org.DECISION_CATEGORIES),
                "只看了类别：严重程度为 3 的投诉无论哪一类都必须升级。",
            ),
            (
                _missed(recent, lambda c, s: org.must_escalate(c, s) or c == "差错处理"),
                "差错处理类投诉不涉及客户经理无权做出的决策，严重程度不到 3 的无须升级，协调运营管理部直接解决即可。",
            ),
        ],
    )


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the module 2 exercises."""
    within = sorted(a.code for a in org.ACTIONS if org.within_authority(a))
    steps = list(org.DISPUTE_STEPS)
    complaints = _practice_complaints(bank)
    ids = set(drawable(bank, exclude=WORKED_EXAMPLE))
    by_client = {str(c): g for c, g in complaints.groupby("client_id") if str(c) in ids}
    return [
        Exercise(
            id="m02.within_authority",
            kind="set",
            answer=within,
            explanation="正确。了解情况、设计方案、提出建议、维护客户都在客户经理的权限之内；凡是替银行拍板的事，都属于机构的决策。",
            hint="逐条问自己：这件事是在“了解、设计、建议、维护”，还是在替银行“拍板”？",
            mistakes=[
                (
                    [c for c in within if c != "C"],
                    "漏了一项权限之内的事：向审批部门提交申请和定价建议，正是客户经理“业务建议”的权限；拍板的是审批部门。",
                ),
                (
                    [*within, "D"],
                    "你选的行为中有一项越权了：能否获批、最终利率是多少由审批部门决定，客户经理不能提前承诺。",
                ),
                (
                    [*within, "F"],
                    "你选的行为中有一项越权了：收费减免是定价决策，客户经理只能提出减免建议并按流程报批。",
                ),
            ],
        ),
        Exercise(
            id="m02.dispute_steps",
            kind="list",
            answer=steps,
            explanation="正确。这个顺序保证客户的诉求有据可查、及时得到回应、有人负责到底，问题解决并经客户认可后才结案。",
            hint="想一想：没有记录能升级吗？没有跟踪结果能关闭吗？客户最先需要听到的是什么？",
            mistakes=[
                (
                    [
                        org.STEP_RECORD,
                        org.STEP_ESCALATE,
                        org.STEP_ACKNOWLEDGE,
                        org.STEP_FOLLOW_UP,
                        org.STEP_CLOSE,
                    ],
                    "先升级、后确认会让客户在等待中得不到任何回应；受理确认要在升级之前及时给到客户。",
                ),
                (
                    [
                        org.STEP_RECORD,
                        org.STEP_ACKNOWLEDGE,
                        org.STEP_ESCALATE,
                        org.STEP_CLOSE,
                        org.STEP_FOLLOW_UP,
                    ],
                    "转给责任部门不等于解决：要跟踪到问题真正解决、客户认可后才能关闭。",
                ),
            ],
        ),
        Exercise(
            id="m02.owner",
            kind="text",
            answer=None,
            explanation="正确。先看投诉的类别，再按责任部门对照表找到牵头处理的部门；客户经理负责记录、确认和跟踪。",
            hint="先找出你的客户收到日期最近的一条投诉，查它的类别（category），再查责任部门对照表。",
            cases=_owner_cases(by_client),
        ),
        Exercise(
            id="m02.chase",
            kind="set",
            answer=None,
            item_pattern=COMPLAINT_ID,
            item_example="C0064-K01",
            explanation="正确。未关闭（处理中或已升级）且收到至今超过 15 天的投诉，都要立即催办责任部门并回复客户。",
            hint="只看未关闭（处理中、已升级）的投诉；天数 = 数据日期 − 收到日期；“超过 15 天”不含 15 天。没有就写 set()。",
            cases=_chase_cases(by_client, bank.as_of),
        ),
        _missed_escalations(complaints, bank.as_of),
    ]
