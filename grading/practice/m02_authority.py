"""Module 2 exercises: functions, authority (no decision rights) and dispute handling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import pandas as pd

from casebank import vocab
from casebank.load import CaseBank
from grading.methods import organisation as org
from grading.practice import Exercise

OWNER_COMPLAINT: Final = "C0141-K01"
FOLLOW_UP_MANAGER: Final = "M04"


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


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the module 2 exercises."""
    within = sorted(a.code for a in org.ACTIONS if org.within_authority(a))
    steps = list(org.DISPUTE_STEPS)
    complaints = _practice_complaints(bank)

    owner_row = complaints[complaints["complaint_id"] == OWNER_COMPLAINT].iloc[0]
    owner = org.COMPLAINT_OWNERS[str(owner_row["category"])]
    wrong_owners = sorted({d for d in org.COMPLAINT_OWNERS.values() if d != owner})

    recent = complaints[complaints["received_on"] > bank.as_of - pd.Timedelta(days=365)]
    missed = _missed(recent, org.must_escalate)
    missed_severity_only = _missed(recent, lambda _c, s: s >= org.SEVERITY_ESCALATE)
    missed_category_only = _missed(recent, lambda c, _s: c in org.DECISION_CATEGORIES)

    mine = complaints[complaints["manager_id"] == FOLLOW_UP_MANAGER]
    overdue = _open_longer_than(mine, bank.as_of, inclusive=False)
    overdue_inclusive = _open_longer_than(mine, bank.as_of, inclusive=True)
    days = (bank.as_of - mine["received_on"]).dt.days.astype(int)
    with_closed = sorted(mine.loc[days > org.FOLLOW_UP_ALERT_DAYS, "complaint_id"].astype(str))
    open_mine = mine[mine["status"].astype(str) != org.STATUS_CLOSED]
    old_rule = sorted(open_mine.loc[days[open_mine.index] > OLD_FOLLOW_UP_DAYS, "complaint_id"].astype(str))
    follow_up_slips = [
        (overdue_inclusive, "恰好 15 天的投诉还没有超过 15 天；规则是“超过”，不含等于。"),
        (with_closed, "已关闭的投诉不用催办：只看处理中和已升级的投诉。"),
        (old_rule, "时限是 15 天（可依规延长），不是 90 天：超过 15 天仍未关闭就要催办。"),
    ]
    return [
        Exercise(
            id="m02.within_authority",
            kind="set",
            answer=within,
            explanation=(
                "正确。调查（A、H）、方案设计（B）、业务建议（C）和客户管理（E）都是客户经理的权限；"
                "承诺获批和报最终价（D）、减免收费（F）、签约（G）都是决策，属于机构。"
            ),
            hint="逐条问自己：这件事是在“了解、设计、建议、维护”，还是在替银行“拍板”？",
            mistakes=[
                (
                    [c for c in within if c != "C"],
                    "C 没有越权：向审批部门提交授信申请和定价建议，正是客户经理“业务建议”的权限；拍板的是审批部门。",
                ),
                (
                    [*within, "D"],
                    "D 越权了：能否获批、最终利率是多少由审批部门决定，客户经理不能提前承诺。",
                ),
                (
                    [*within, "F"],
                    "F 越权了：收费减免是定价决策，客户经理只能提出减免建议并按流程报批。",
                ),
            ],
        ),
        Exercise(
            id="m02.dispute_steps",
            kind="list",
            answer=steps,
            explanation="正确。先记录事实，再向客户确认受理，然后升级到责任部门，持续跟踪进展，问题解决并经客户认可后关闭。",
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
            id="m02.owner_c0141_k01",
            kind="text",
            answer=owner,
            explanation=f"正确。{OWNER_COMPLAINT} 属于“{owner_row['category']}”类投诉，按责任部门对照表由{owner}牵头处理。",
            hint="先查这条投诉的类别（category），再查责任部门对照表。",
            mistakes=[
                (
                    "客户经理",
                    "收费标准和减免属于定价决策，客户经理不能自行处理，只能记录、确认并升级到责任部门。",
                ),
                *[(d, "这个部门不负责这一类投诉；再核对一下投诉类别。") for d in wrong_owners],
            ],
            clients=(str(owner_row["client_id"]),),
        ),
        Exercise(
            id="m02.missed_escalations",
            kind="set",
            answer=missed,
            explanation=(
                f"正确。过去 12 个月练习集共有 {len(missed)} 条投诉按规则应升级却没有升级："
                "收费争议、授信审批类涉及客户经理无权做出的决策，严重程度为 3 的投诉也必须升级。"
            ),
            hint="规则有两条，满足任一条就必须升级：类别为收费争议或授信审批；或严重程度为 3。只看 escalated 为 False 的投诉。",
            mistakes=[
                (
                    missed_severity_only,
                    "只看了严重程度：收费争议和授信审批类投诉即使不严重，也要升级到有决策权的部门。",
                ),
                (missed_category_only, "只看了类别：严重程度为 3 的投诉无论哪一类都必须升级。"),
            ],
            clients=tuple(sorted({c.split("-")[0] for c in missed})),
        ),
        Exercise(
            id="m02.follow_up_m04",
            kind="set",
            answer=overdue,
            explanation=(
                f"正确。客户经理 {FOLLOW_UP_MANAGER} 名下未关闭且受理超过 15 天（投诉处理时限）的投诉要立即催办责任部门并回复客户。"
            ),
            hint="只看未关闭（处理中、已升级）的投诉；天数 = 数据日期 − 收到日期；“超过 15 天”不含 15 天。",
            # The typical slips that give another answer on this bank's complaints.
            mistakes=[(wrong, why) for wrong, why in follow_up_slips if wrong != overdue],
            clients=tuple(sorted(set(mine["client_id"].astype(str)))),
        ),
    ]
