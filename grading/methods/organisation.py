"""Organisation and authority: the rules of curriculum modules 1 and 2.

The documented rules:

- The parts of a complete customer-manager system: organisation structure, role and functions,
  incentives, training, qualification certification, client allocation, work platform.
- Organisational model of a customer-manager system (first rule that holds wins):
  1. the firm has a client group that needs special expertise, isolation or confidentiality
     (or one whose profit contribution is so large it warrants its own operations) -> 第四种
     (department plus its own operations unit);
  2. a large firm (大型) whose client needs are complex (复杂) -> 第三种 (independent
     client-management department);
  3. staffing is elastic (the firm can create full-time posts) and client needs are not
     simple (多样 or 复杂) -> 第二种 (independent customer-manager post);
  4. otherwise -> 第一种 (existing staff take on key clients as an extra duty).
- A firm profile read from a client record: staffing is elastic with 300 or more employees;
  needs are 复杂 with 5 or more subsidiaries *and* 3 or more main markets, 多样 with either,
  单一 with neither; the CRM cannot tell a special client group, so it is false.
- Authority: a customer manager may investigate, design marketing proposals, make business
  recommendations and manage the client relationship; every decision (approving credit,
  setting final prices, waiving fees, signing for the bank) belongs to the institution.
- Disputes: record -> acknowledge -> escalate to the responsible department -> follow up ->
  close. A complaint must be escalated when it concerns a decision outside the customer
  manager's authority (收费争议, 授信审批) or has severity 3. An open complaint (not 已关闭)
  received more than 90 days before the as-of date is overdue for follow-up (exactly 90 days
  is not yet overdue).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import pandas as pd

#: The parts of a complete customer-manager system (seed article, section 全面推行客户经理制).
SYSTEM_PARTS: Final = ("组织架构", "职能定位", "激励机制", "培训体系", "资格认证", "客户分配机制", "工作平台")

MODEL_EXTEND: Final = "第一种"
MODEL_POST: Final = "第二种"
MODEL_DEPARTMENT: Final = "第三种"
MODEL_DEPARTMENT_OPS: Final = "第四种"
MODELS: Final = (MODEL_EXTEND, MODEL_POST, MODEL_DEPARTMENT, MODEL_DEPARTMENT_OPS)

NEEDS_SIMPLE: Final = "单一"
NEEDS_VARIED: Final = "多样"
NEEDS_COMPLEX: Final = "复杂"

ELASTIC_EMPLOYEES_MIN: Final = 300
SUBSIDIARIES_MIN: Final = 5
MARKETS_MIN: Final = 3


@dataclass(frozen=True)
class FirmProfile:
    """What decides a firm's organisational model."""

    size: str
    """Enterprise size class: 大型, 中型, 小型 or 微型."""
    staffing_elastic: bool
    """Whether the firm can create full-time customer-manager posts."""
    needs: str
    """Complexity of its clients' needs: 单一, 多样 or 复杂."""
    special_group: bool = False
    """Whether it serves a client group needing special expertise, isolation or confidentiality."""


def recommend_model(profile: FirmProfile) -> str:
    """Return the organisational model (第一种 ... 第四种) that fits a firm profile."""
    if profile.special_group:
        return MODEL_DEPARTMENT_OPS
    if profile.size == "大型" and profile.needs == NEEDS_COMPLEX:
        return MODEL_DEPARTMENT
    if profile.staffing_elastic and profile.needs != NEEDS_SIMPLE:
        return MODEL_POST
    return MODEL_EXTEND


def needs_complexity(subsidiaries: int, markets: int) -> str:
    """Return 复杂, 多样 or 单一 from the number of subsidiaries and of main markets."""
    many_units = subsidiaries >= SUBSIDIARIES_MIN
    many_markets = markets >= MARKETS_MIN
    if many_units and many_markets:
        return NEEDS_COMPLEX
    if many_units or many_markets:
        return NEEDS_VARIED
    return NEEDS_SIMPLE


def firm_profile(client: pd.Series) -> FirmProfile:
    """Return the firm profile of a client record (a row of ``bank.clients``)."""
    markets = len(str(client["main_markets"]).split(";"))
    return FirmProfile(
        size=str(client["size"]),
        staffing_elastic=int(client["employees"]) >= ELASTIC_EMPLOYEES_MIN,
        needs=needs_complexity(int(client["subsidiaries"]), markets),
    )


POWER_INVESTIGATION: Final = "客户调查"
POWER_PROPOSAL: Final = "营销方案设计"
POWER_RECOMMENDATION: Final = "业务建议"
POWER_MANAGEMENT: Final = "客户管理"
POWER_DECISION: Final = "决策"
MANAGER_POWERS: Final = (POWER_INVESTIGATION, POWER_PROPOSAL, POWER_RECOMMENDATION, POWER_MANAGEMENT)


@dataclass(frozen=True)
class Action:
    """Something a customer manager might do for a client."""

    code: str
    """Letter the exercise uses."""
    text: str
    """What the action is, zh-CN, as the notebook prints it."""
    power: str
    """Which power it exercises: one of `MANAGER_POWERS` or 决策."""


ACTIONS: Final = (
    Action("A", "上门走访生产车间和财务部，核实经营与财务状况并写出调查报告", POWER_INVESTIGATION),
    Action("B", "按董事长提出的需求设计贸易融资方案，与客户财务总监逐条讨论", POWER_PROPOSAL),
    Action("C", "向授信审批部提交授信申请和利率定价建议", POWER_RECOMMENDATION),
    Action("D", "为了抢下业务，当场向客户承诺贷款一定获批并报出最终利率", POWER_DECISION),
    Action("E", "更新 CRM 中的联系人和决策链信息，排定下季度拜访计划", POWER_MANAGEMENT),
    Action("F", "客户抱怨收费高，自行决定免收其全年账户管理费", POWER_DECISION),
    Action("G", "审批结果出来前，先代表本行与客户签署借款合同", POWER_DECISION),
    Action("H", "请客户补充近三年审计报告和前五大客户清单", POWER_INVESTIGATION),
)
ACTIONS_BY_CODE: Final = {a.code: a for a in ACTIONS}


def within_authority(action: Action) -> bool:
    """Return whether the action is within a customer manager's authority (no decisions)."""
    return action.power in MANAGER_POWERS


STEP_RECORD: Final = "记录"
STEP_ACKNOWLEDGE: Final = "确认"
STEP_ESCALATE: Final = "升级"
STEP_FOLLOW_UP: Final = "跟踪"
STEP_CLOSE: Final = "关闭"
#: The dispute-handling steps, in order.
DISPUTE_STEPS: Final = (STEP_RECORD, STEP_ACKNOWLEDGE, STEP_ESCALATE, STEP_FOLLOW_UP, STEP_CLOSE)

#: Complaint category -> the department responsible for resolving it.
COMPLAINT_OWNERS: Final = MappingProxyType(
    {
        "服务效率": "运营管理部",
        "收费争议": "计划财务部",
        "系统故障": "信息科技部",
        "授信审批": "授信审批部",
        "差错处理": "运营管理部",
    }
)
#: Complaint categories that turn on a decision the customer manager cannot take.
DECISION_CATEGORIES: Final = frozenset({"收费争议", "授信审批"})
SEVERITY_ESCALATE: Final = 3


def must_escalate(category: str, severity: int) -> bool:
    """Return whether a complaint must be escalated to the responsible department."""
    return category in DECISION_CATEGORIES or severity >= SEVERITY_ESCALATE


#: Consumer-complaint rules give a decision within 15 days (extendable); the course chases any
#: complaint still open after that (module 2).
FOLLOW_UP_ALERT_DAYS: Final = 15
STATUS_CLOSED: Final = "已关闭"


def follow_up_overdue(status: str, days_open: int) -> bool:
    """Return whether an open complaint has waited more than 15 days and must be chased.

    Args:
        status: the complaint's status (处理中, 已升级 or 已关闭).
        days_open: as-of date minus the date it was received, in days.
    """
    return status != STATUS_CLOSED and days_open > FOLLOW_UP_ALERT_DAYS
