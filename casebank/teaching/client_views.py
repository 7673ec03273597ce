"""Client views for curriculum modules 1-5: dropdown options, a profile card, an org chart.

Display and data access only: nothing here computes a graded method or an expected value.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from casebank import vocab
from casebank.errors import BankError
from casebank.load import CaseBank

#: Client columns shown on the profile card, with their Chinese labels.
CARD_FIELDS: Final = {
    "name": "客户名称",
    "industry": "行业",
    "city": "城市",
    "size": "规模",
    "ownership": "所有制",
    "founded_year": "成立年份",
    "employees": "员工人数",
    "subsidiaries": "子公司数",
    "main_products": "主营产品",
    "main_markets": "主要市场",
    "main_customers": "主要客户",
    "utilisation_pct": "产能利用率(%)",
    "competitive_position": "行业地位",
    "investment_plan_wan": "投资计划(万元)",
    "relationship_since": "建立关系日期",
    "manager_id": "客户经理",
    "n_banks": "合作银行数",
    "our_bank_rank": "我行排名",
    "wallet_disclosed_wan": "披露的年度银行业务支出(万元)",
}


def practice_clients(bank: CaseBank) -> list[tuple[str, str]]:
    """Return dropdown options ``(label, client_id)`` for the practice-set clients, by id.

    The label reads ``C0002 石家庄华永高分子有限公司（化工新材料·中型）``.
    """
    practice = bank.pool(vocab.POOL_PRACTICE).sort_values("client_id")
    return [
        (f"{row.client_id} {row.name}（{row.industry}·{row.size}）", str(row.client_id))
        for row in practice.itertuples(index=False)
    ]


def _practice_row(bank: CaseBank, client_id: str) -> pd.Series:
    rows = bank.clients[bank.clients["client_id"] == client_id]
    if rows.empty:
        raise BankError(f"unknown client {client_id!r}; ids look like C0001")
    row = rows.iloc[0]
    if row["pool"] != vocab.POOL_PRACTICE:
        raise BankError(
            f"client {client_id} is not in the practice set; the curriculum uses practice clients only"
        )
    return row


def client_card(bank: CaseBank, client_id: str) -> pd.Series:
    """Return a practice client's profile as a Series with Chinese labels (dates as text).

    Raises:
        BankError: the client is unknown or belongs to the exam pool.
    """
    row = _practice_row(bank, client_id)
    values = {
        label: (row[col].date().isoformat() if isinstance(row[col], pd.Timestamp) else row[col])
        for col, label in CARD_FIELDS.items()
    }
    return pd.Series(values, name=client_id, dtype=object)


def org_chart(bank: CaseBank, client_id: str) -> str:
    """Return a practice client's organisation chart as indented text, people under their units.

    Each person shows title, level, decision role, influence and last contact; people who left
    are marked ``【已离职 YYYY-MM-DD】`` so the chart shows what the CRM really holds.

    Raises:
        BankError: the client is unknown or belongs to the exam pool.
    """
    _practice_row(bank, client_id)
    units = bank.org_units[bank.org_units["client_id"] == client_id]
    people = bank.people[bank.people["client_id"] == client_id]
    children: dict[str, list[str]] = {}
    for unit_id, parent in zip(units["unit_id"].astype(str), units["parent_unit_id"], strict=True):
        children.setdefault("" if pd.isna(parent) else str(parent), []).append(unit_id)
    names = dict(zip(units["unit_id"].astype(str), units["name"].astype(str), strict=True))
    described = (
        people["person_id"].astype(str)
        + " "
        + people["name"].astype(str)
        + " "
        + people["title"].astype(str)
        + "｜"
        + people["level"].astype(str)
        + "｜"
        + people["decision_role"].astype(str)
        + "｜影响力"
        + people["influence"].astype(str)
        + "｜最近接触 "
        + people["last_contact"].dt.strftime("%Y-%m-%d")
        + people["left_on"].dt.strftime("【已离职 %Y-%m-%d】").fillna("")
    )
    members: dict[str, list[str]] = {}
    for unit_id, text in zip(people["unit_id"].astype(str), described.astype(str), strict=True):
        members.setdefault(unit_id, []).append(text)
    lines: list[str] = []

    def walk(unit_id: str, depth: int) -> None:
        lines.append(f"{'    ' * depth}▸ {names[unit_id]}")
        lines.extend(f"{'    ' * (depth + 1)}· {text}" for text in members.get(unit_id, []))
        for child in children.get(unit_id, []):
            walk(child, depth + 1)

    for root in children.get("", []):
        walk(root, 0)
    return "\n".join(lines)
