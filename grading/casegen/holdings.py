"""Holdings: when each product was opened and closed, and what it earned in the last year.

The settlement account opens the relationship; every other product opens after it. Balances,
revenue and direct cost are pro rata to the days a product was held in the revenue window.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Final

from grading.casegen.profile import AS_OF, Profile, Row, iso, money
from grading.casegen.relationship import LOAN_PRODUCTS, Truth, random_day

#: Days of the revenue window: holdings report balances, revenue and cost of the last year.
WINDOW_DAYS: Final = 365
#: The settlement account opens the relationship; the deposit account follows within these days.
DEPOSIT_OPEN_DAYS: Final = 30
SETTLEMENT_PRODUCT: Final = "结算与账户"

# product -> (balance as share of client revenue (low, high), revenue rate, cost rate).
# Balance products earn a rate on the balance; fee products (balance 0) earn a share of the
# client's revenue and cost a share of that fee.
PRODUCT_ECONOMICS: Final = {
    "对公存款": ((0.03, 0.15), 0.015, 0.009),
    "结算与账户": ((0.0, 0.0), 0.0005, 0.3),
    "流动资金贷款": ((0.05, 0.20), 0.042, 0.028),
    "固定资产贷款": ((0.10, 0.30), 0.045, 0.030),
    "国际结算": ((0.0, 0.0), 0.0010, 0.3),
    "贸易融资": ((0.03, 0.12), 0.035, 0.024),
    "外汇衍生品": ((0.0, 0.0), 0.0006, 0.2),
    "供应链金融": ((0.02, 0.08), 0.050, 0.033),
    "现金管理": ((0.0, 0.0), 0.0002, 0.3),
    "对公理财": ((0.02, 0.10), 0.005, 0.001),
    "代发工资": ((0.0, 0.0), 0.00015, 0.4),
}


def held_share(opened: dt.date, closed: dt.date | None) -> float:
    """Share of the revenue window (the last `WINDOW_DAYS` days) a product was held."""
    start = max(opened, AS_OF - dt.timedelta(days=WINDOW_DAYS))
    end = min(closed or AS_OF, AS_OF)
    return max(0, (end - start).days) / WINDOW_DAYS


def _open_and_close(
    rng: random.Random, product: str, truth: Truth, since: dt.date, old: bool
) -> tuple[dt.date, dt.date | None]:
    """Opening and closing day: the settlement account opens the relationship, all else later."""
    if product == SETTLEMENT_PRODUCT:
        return since, None
    if product == "对公存款":
        return random_day(rng, since, since + dt.timedelta(days=DEPOSIT_OPEN_DAYS)), None
    latest_open = AS_OF - dt.timedelta(days=400 if product == truth.closed_product else 800 if old else 40)
    opened = random_day(rng, since, max(since, latest_open))
    if product == truth.closed_product:
        return opened, random_day(rng, AS_OF - dt.timedelta(days=330), AS_OF - dt.timedelta(days=20))
    if old:
        return opened, random_day(rng, opened + dt.timedelta(days=30), AS_OF - dt.timedelta(days=380))
    return opened, None


def _economics(rng: random.Random, p: Profile, product: str) -> tuple[float, float, float]:
    """Full-year balance, revenue and direct cost of one product."""
    (lo, hi), rate, cost = PRODUCT_ECONOMICS[product]
    rev = p.revenue[2025]
    if hi > 0:
        balance = rev * rng.uniform(lo, hi) * (p.export_share[2025] / 40 if product == "贸易融资" else 1)
        # Loans to small firms carry a higher credit-risk cost (provisions).
        risk = 0.012 if product in LOAN_PRODUCTS and p.size in ("小型", "微型") else 0.0
        return balance, balance * rate, balance * (cost + risk)
    base = (
        p.employees
        if product == "代发工资"
        else rev * (max(p.export_share[2025], 5) / 40 if product in ("国际结算", "外汇衍生品") else 1)
    )
    income = base * rate * rng.uniform(0.6, 1.4)
    return 0.0, income, income * cost


def holdings_rows(rng: random.Random, p: Profile, truth: Truth, since: dt.date) -> list[Row]:
    """Holdings with balances, revenue and cost of the months held in the last year.

    The settlement account is opened on ``since`` (it starts the relationship); every other
    product opens later. Balances, revenue and cost are pro-rata to the days held inside the
    revenue window, so a product opened three months ago earns a quarter of a year, and one
    closed before the window earns nothing.
    """
    rows = []
    ordered = [prod for prod in PRODUCT_ECONOMICS if prod in truth.held]
    old_closed = [prod for prod in ("国际结算", "对公理财") if prod not in truth.held and rng.random() < 0.08]
    for product in ordered + old_closed:
        if product in old_closed and since > AS_OF - dt.timedelta(days=800):
            continue
        opened, closed = _open_and_close(rng, product, truth, since, product in old_closed)
        balance, income, direct = _economics(rng, p, product)
        if closed is None:
            truth.balances[product] = balance
        share = held_share(opened, closed)
        rows.append(
            {
                "client_id": p.client_id,
                "product": product,
                "opened_on": iso(opened),
                "closed_on": iso(closed) if closed else "",
                "avg_balance_wan": money(balance * share),
                "revenue_wan": money(income * share),
                "direct_cost_wan": money(direct * share),
            }
        )
    return rows
