"""Latent needs: the documented evidence rules, one product per need.

A latent need is a need the client has not stated but that shows in the data: the evidence
rule holds and the client does not hold the matching product (an active holding, not closed).
Stated needs are read from the meeting notes; a need that is stated is not latent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import pandas as pd

from casebank.load import CaseBank


@dataclass(frozen=True)
class Need:
    """One kind of client need."""

    code: str
    """Stable identifier used in keys."""
    label_zh: str
    """Chinese name of the need."""
    product: str
    """The product line that meets it."""
    rule_zh: str
    """The evidence rule, as the curriculum states it."""


NEEDS: Final = (
    Need("working_capital", "流动资金需求", "流动资金贷款", "产能利用率 ≥ 90% 且上年营收增长 ≥ 15%"),
    Need("project_finance", "项目投资融资需求", "固定资产贷款", "有已公布的投资计划"),
    Need("fx_hedging", "汇率避险需求", "外汇衍生品", "上年出口占比 ≥ 30%"),
    Need("trade_finance", "贸易融资需求", "贸易融资", "出口占比 ≥ 20% 且三年内上升 ≥ 5 个百分点"),
    Need("supply_chain", "供应链融资需求", "供应链金融", "供应商 ≥ 300 家且行业地位为龙头或骨干"),
    Need("cash_management", "资金归集需求", "现金管理", "子公司 ≥ 5 家"),
    Need("idle_cash", "闲置资金增值需求", "对公理财", "最近一季存款日均 ≥ 上年同季的 1.5 倍"),
    Need("payroll_service", "代发工资需求", "代发工资", "员工 ≥ 500 人"),
)
NEEDS_BY_CODE: Final = {n.code: n for n in NEEDS}

UTILISATION_MIN: Final = 90.0
GROWTH_MIN: Final = 15.0
EXPORT_FX_MIN: Final = 30.0
EXPORT_TRADE_MIN: Final = 20.0
EXPORT_RISE_MIN: Final = 5.0
SUPPLIERS_MIN: Final = 300
SUBSIDIARIES_MIN: Final = 5
DEPOSIT_RATIO_MIN: Final = 1.5
EMPLOYEES_PAYROLL_MIN: Final = 500


def _sales_features(bank: CaseBank) -> pd.DataFrame:
    sales = bank.sales.pivot(index="client_id", columns="year", values=["revenue_wan", "export_share_pct"])
    years = sorted(bank.sales["year"].unique())
    last, prev, first = years[-1], years[-2], years[0]
    growth = (sales["revenue_wan"][last] / sales["revenue_wan"][prev] - 1) * 100
    return pd.DataFrame(
        {
            "growth_pct": growth,
            "export_pct": sales["export_share_pct"][last],
            "export_rise": sales["export_share_pct"][last] - sales["export_share_pct"][first],
        }
    )


def _deposit_ratio(bank: CaseBank) -> pd.Series:
    """Latest quarter's average deposits over those of the same quarter a year earlier."""
    q = bank.quarterly.pivot(index="client_id", columns="quarter", values="deposit_avg_wan")
    q = q[sorted(q.columns)]
    return q.iloc[:, -1] / q.iloc[:, -5]


def evidence(bank: CaseBank) -> pd.DataFrame:
    """Return, per client (index) and need code (columns), whether the evidence rule holds."""
    c = bank.clients.set_index("client_id")
    f = _sales_features(bank).reindex(c.index)
    ratio = _deposit_ratio(bank).reindex(c.index)
    rules: dict[str, Callable[[], pd.Series]] = {
        "working_capital": lambda: (
            (c["utilisation_pct"] >= UTILISATION_MIN) & (f["growth_pct"] >= GROWTH_MIN)
        ),
        "project_finance": lambda: c["investment_plan_wan"].notna(),
        "fx_hedging": lambda: f["export_pct"] >= EXPORT_FX_MIN,
        "trade_finance": lambda: (
            (f["export_pct"] >= EXPORT_TRADE_MIN) & (f["export_rise"] >= EXPORT_RISE_MIN)
        ),
        "supply_chain": lambda: (
            (c["supplier_count"] >= SUPPLIERS_MIN) & c["competitive_position"].isin(["龙头", "骨干"])
        ),
        "cash_management": lambda: c["subsidiaries"] >= SUBSIDIARIES_MIN,
        "idle_cash": lambda: ratio >= DEPOSIT_RATIO_MIN,
        "payroll_service": lambda: c["employees"] >= EMPLOYEES_PAYROLL_MIN,
    }
    return pd.DataFrame({code: rule().astype(bool) for code, rule in rules.items()})


def active_products(bank: CaseBank) -> dict[str, set[str]]:
    """Return client id -> the products it holds now (not closed)."""
    held = bank.holdings[bank.holdings["closed_on"].isna()]
    out: dict[str, set[str]] = {cid: set() for cid in bank.clients["client_id"]}
    for cid, product in zip(held["client_id"], held["product"], strict=True):
        out[str(cid)].add(str(product))
    return out


def needs_shown_in_data(bank: CaseBank) -> dict[str, list[str]]:
    """Return client id -> need codes whose evidence holds and whose product is not held."""
    ev = evidence(bank)
    held = active_products(bank)
    return {
        str(cid): [n.code for n in NEEDS if bool(ev.at[cid, n.code]) and n.product not in held[str(cid)]]
        for cid in ev.index
    }


STATED_CUES: Final = ("提供{product}", "{product}的办理条件", "需要{product}")
"""Three classic request phrases. Not the definition of a stated need: clients ask in many ways."""


def stated_needs(bank: CaseBank) -> dict[str, list[str]]:
    """Return client id -> need codes found by matching the three `STATED_CUES` (in `NEEDS` order).

    A lower bound, kept as the shortcut the curriculum names as a typical mistake: the case
    bank's notes phrase requests in many ways (asking for terms, intending to open, asking the
    bank to arrange ...), so careful reading finds more. What each client actually asked for is
    recorded in the assessor key (``stated_needs``), which the exams and self-checks use. A
    product that is merely mentioned ("已将<产品>业务转到其他银行办理") is never a match.
    """
    texts: dict[str, str] = {str(cid): "" for cid in bank.clients["client_id"]}
    for cid, text in zip(bank.notes["client_id"], bank.notes["text"], strict=True):
        texts[str(cid)] += str(text)
    return {
        cid: [n.code for n in NEEDS if any(cue.format(product=n.product) in text for cue in STATED_CUES)]
        for cid, text in texts.items()
    }


def latent_needs(bank: CaseBank) -> dict[str, list[str]]:
    """Return client id -> needs shown in the data, product not held, and not matched by a cue.

    Like `stated_needs` a shortcut: the key's ``latent_needs`` excludes every stated need.
    """
    stated = stated_needs(bank)
    return {
        cid: [c for c in codes if c not in stated[cid]] for cid, codes in needs_shown_in_data(bank).items()
    }
