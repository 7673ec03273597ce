"""The relationship with us: needs, signals, quarterly volumes, transactions, visits, complaints.

The generator first decides the truth of a client (which needs show, which churn signals are
present) and then writes facts that show exactly that truth under the documented rules of
`grading.methods`. `grading.casegen.bank` checks the result with those same methods; holdings are
in `grading.casegen.holdings`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Final

from grading.casegen.profile import AS_OF, Profile, Row, iso, money
from grading.methods import needs as needs_rules
from grading.methods import relationship as rel

QUARTERS: Final = ("2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2")
LOAN_PRODUCTS: Final = ("流动资金贷款", "固定资产贷款", "贸易融资", "供应链金融")
BASE_PRODUCTS: Final = ("对公存款", "结算与账户")
SIZE_INTERACTIONS: Final = {"大型": 12, "中型": 8, "小型": 5, "微型": 3}
SIZE_TRANSACTIONS: Final = {"大型": (40, 120), "中型": (15, 60), "小型": (5, 30), "微型": (1, 12)}
VISIT_PURPOSES: Final = ("日常维护", "需求调研", "产品推介", "授信回访", "投诉回访", "年度合作洽谈")
#: Export share (%) from which a client does foreign-trade business (trade finance, FX, ...).
EXPORTER_MIN_PCT: Final = 5.0
FX_PRODUCTS: Final = ("贸易融资", "外汇衍生品")


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter such as 2026Q2."""
    year, q = int(quarter[:4]), int(quarter[-1])
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return start, end


def random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A uniformly drawn day in [start, end]."""
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


@dataclass
class Truth:
    """What the generator decided about a client; the key is derived from it."""

    evidence: set[str] = field(default_factory=set)
    held: set[str] = field(default_factory=set)
    stated: list[str] = field(default_factory=list)
    signals: set[str] = field(default_factory=set)
    closed_product: str = ""
    left_person: str = ""
    balances: dict[str, float] = field(default_factory=dict)
    """Full (not pro-rated) balance of each balance product, for the quarter-end figures."""

    @property
    def latent(self) -> list[str]:
        """Need codes shown in the data and not stated, in the documented order."""
        return [
            n.code
            for n in needs_rules.NEEDS
            if n.code in self.evidence and n.product not in self.held and n.code not in self.stated
        ]


def decide_evidence(rng: random.Random, p: Profile, row: Row) -> set[str]:
    """Fill the profile fields that carry need evidence and return the needs that show."""
    high_util = rng.random() < (0.7 if p.revenue[2025] / p.revenue[2024] - 1 >= 0.16 else 0.2)
    util = rng.uniform(90.5, 104.0) if high_util else rng.uniform(52.0, 88.5)
    row["utilisation_pct"] = f"{util:.1f}"
    row["capacity_wan"] = money(p.revenue[2025] / (util / 100))
    invest_p = {"大型": 0.25, "中型": 0.2, "小型": 0.1, "微型": 0.03}[p.size]
    if rng.random() < invest_p:
        row["investment_plan_wan"] = money(p.revenue[2025] * rng.uniform(0.1, 0.5))
    subs = {"大型": (2, 15), "中型": (0, 6), "小型": (0, 2), "微型": (0, 0)}[p.size]
    row["subsidiaries"] = str(rng.randint(*subs))
    growth = (float(f"{p.revenue[2025]:.2f}") / float(f"{p.revenue[2024]:.2f}") - 1) * 100
    export = float(f"{p.export_share[2025]:.1f}")
    rise = export - float(f"{p.export_share[2023]:.1f}")
    shown = {
        "working_capital": util >= needs_rules.UTILISATION_MIN and growth >= needs_rules.GROWTH_MIN,
        "project_finance": row["investment_plan_wan"] != "",
        "fx_hedging": export >= needs_rules.EXPORT_FX_MIN,
        "trade_finance": export >= needs_rules.EXPORT_TRADE_MIN and rise >= needs_rules.EXPORT_RISE_MIN,
        "supply_chain": int(row["supplier_count"]) >= needs_rules.SUPPLIERS_MIN
        and row["competitive_position"] in ("龙头", "骨干"),
        "cash_management": int(row["subsidiaries"]) >= needs_rules.SUBSIDIARIES_MIN,
        "idle_cash": rng.random() < 0.12,
        "payroll_service": p.employees >= needs_rules.EMPLOYEES_PAYROLL_MIN,
    }
    return {code for code, on in shown.items() if on}


def decide_holdings(rng: random.Random, p: Profile, evidence: set[str]) -> set[str]:
    """Products held now: evidence needs are met half the time, others sometimes."""
    held = set(BASE_PRODUCTS)
    exporter = p.export_share[2025] >= EXPORTER_MIN_PCT
    for need in needs_rules.NEEDS:
        if need.product in FX_PRODUCTS and not exporter:
            continue
        chance = 0.4 if need.code in evidence else (0.35 if need.product in LOAN_PRODUCTS[:1] else 0.12)
        if rng.random() < chance:
            held.add(need.product)
    if exporter and rng.random() < 0.8:
        held.add("国际结算")
    return held


def decide_stated(rng: random.Random, truth: Truth) -> list[str]:
    """Needs the client states explicitly: products not held and not shown by evidence."""
    candidates = [
        n.code for n in needs_rules.NEEDS if n.product not in truth.held and n.code not in truth.evidence
    ]
    count = rng.choices((0, 1, 2), weights=(4, 4.5, 1.5))[0]
    return sorted(
        rng.sample(candidates, min(count, len(candidates))), key=list(needs_rules.NEEDS_BY_CODE).index
    )


def decide_signals(rng: random.Random, truth: Truth) -> set[str]:
    """Churn signals for a drawn risk band; each feasible for this client."""
    has_loan = any(prod in truth.held for prod in LOAN_PRODUCTS)
    closable = [prod for prod in ("国际结算", "对公理财", "代发工资", "现金管理") if prod in truth.held]
    feasible = [
        s
        for s in rel.SIGNALS
        if (s.code != "late_payment" or has_loan) and (s.code != "product_closed" or closable)
    ]
    band = rng.choices(("low", "medium", "high"), weights=(60, 25, 15))[0]
    if band == "low" and rng.random() < 0.6:
        return set()
    lo, hi = {"low": (1, 20), "medium": (21, 40), "high": (41, 100)}[band]
    for _ in range(60):
        chosen: set[str] = set()
        total = 0
        for s in rng.sample(feasible, len(feasible)):
            if total >= lo:
                break
            if total + s.weight <= hi:
                chosen.add(s.code)
                total += s.weight
        if lo <= total <= hi:
            return chosen
    return set()


def quarterly_rows(rng: random.Random, p: Profile, truth: Truth, holdings: list[Row], rank: int) -> list[Row]:
    """Eight quarters of deposits, loans, settlement volume, interactions and overdue days."""
    deposit = next(float(h["avg_balance_wan"]) for h in holdings if h["product"] == "对公存款")
    loan_opened = [
        (dt.date.fromisoformat(h["opened_on"]), truth.balances[h["product"]])
        for h in holdings
        if h["product"] in LOAN_PRODUCTS and not h["closed_on"]
    ]
    # Quarter-end loan balance: the loans already opened by the end of each quarter.
    loans = [sum(b for day, b in loan_opened if day <= quarter_bounds(q)[1]) for q in QUARTERS]
    trend = rng.gauss(0.01, 0.03)
    deposits = [deposit * (1 + trend) ** (i - 6) * rng.uniform(0.9, 1.1) for i in range(8)]
    if "idle_cash" in truth.evidence:
        deposits[7] = deposits[3] * rng.uniform(1.6, 2.3)
    elif deposits[7] >= deposits[3] * 1.45:
        deposits[7] = deposits[3] * rng.uniform(1.0, 1.3)

    volume = [p.revenue[2025] / 4 * rng.uniform(0.05, 0.4) / rank]
    for _ in range(7):
        volume.append(volume[-1] * rng.uniform(0.9, 1.12))
    if "volume_decline_2q" in truth.signals:
        volume[6] = volume[5] * rng.uniform(0.72, 0.92)
        volume[7] = volume[6] * rng.uniform(0.65, 0.92)
    elif volume[7] < volume[6] < volume[5]:
        volume[7] = volume[6] * rng.uniform(1.02, 1.1)

    base = SIZE_INTERACTIONS[p.size]
    inter = [max(1, round(base * rng.uniform(0.7, 1.3))) for _ in range(8)]
    inter[4], inter[5] = max(2, inter[4]), max(2, inter[5])
    if "interactions_halved" in truth.signals:
        budget = (inter[4] + inter[5]) // 2
        inter[6] = max(1, round(budget * rng.uniform(0.3, 0.55)))
        inter[7] = max(1, budget - inter[6] - rng.randint(0, 1))
    elif inter[6] + inter[7] <= (inter[4] + inter[5]) / 2:
        inter[7] = inter[4]

    overdue = [0] * 8
    for i in range(6):
        if loans[i] > 0 and rng.random() < 0.06:
            overdue[i] = rng.randint(3, 40)
    if "late_payment" in truth.signals:
        overdue[rng.choice([i for i in (6, 7) if loans[i] > 0])] = rng.randint(5, 75)

    return [
        {
            "client_id": p.client_id,
            "quarter": q,
            "deposit_avg_wan": money(deposits[i]),
            "loan_balance_wan": money(loans[i] * rng.uniform(0.93, 1.07) if loans[i] else 0.0),
            "settlement_volume_wan": money(volume[i]),
            "interactions": str(inter[i]),
            "overdue_days": str(overdue[i]),
        }
        for i, q in enumerate(QUARTERS)
    ]


def visit_rows(
    rng: random.Random,
    p: Profile,
    truth: Truth,
    quarterly: list[Row],
    people: list[dict[str, str | int]],
    manager_id: str,
) -> list[Row]:
    """Visits of the last four quarters, consistent with interactions and senior contact."""
    senior_cutoff = AS_OF - dt.timedelta(days=rel.SENIOR_CONTACT_DAYS)
    present = [pp for pp in people if not pp["left_on"]]
    seniors = [pp for pp in present if pp["level"] == "高层"]
    others = [pp for pp in present if pp["level"] != "高层"]
    visits: list[tuple[dt.date, dict[str, str | int]]] = []
    for qrow in quarterly[4:]:
        start, end = quarter_bounds(qrow["quarter"])
        count = max(
            0, min(int(qrow["interactions"]), round(int(qrow["interactions"]) * rng.uniform(0.3, 0.7)))
        )
        for _ in range(count):
            day = random_day(rng, start, min(end, AS_OF))
            who = rng.choice(present)
            if "no_senior_contact_90d" in truth.signals and day >= senior_cutoff and who["level"] == "高层":
                who = rng.choice(others)
            visits.append((day, who))
    if "no_senior_contact_90d" not in truth.signals and not any(
        d >= senior_cutoff and w["level"] == "高层" for d, w in visits
    ):
        visits.append((random_day(rng, senior_cutoff, AS_OF), rng.choice(seniors)))
        last = quarterly[-1]
        last["interactions"] = str(
            max(
                int(last["interactions"]),
                sum(1 for d, _ in visits if d >= quarter_bounds(last["quarter"])[0]),
            )
        )
    visits.sort(key=lambda v: (v[0], str(v[1]["person_id"])))
    rows = []
    for i, (day, who) in enumerate(visits, start=1):
        senior = who["level"] == "高层"
        rows.append(
            {
                "visit_id": f"{p.client_id}-V{i:03d}",
                "client_id": p.client_id,
                "date": iso(day),
                "manager_id": manager_id,
                "person_id": str(who["person_id"]),
                "channel": rng.choices(
                    ("上门拜访", "来行洽谈", "电话", "视频会议", "商务活动"), weights=(5, 1, 3, 1, 1)
                )[0],
                "purpose": "年度合作洽谈"
                if senior and rng.random() < 0.4
                else rng.choice(VISIT_PURPOSES[:5]),
                "duration_hours": f"{rng.choice((0.5, 1.0, 1.0, 1.5, 2.0, 3.0)):.1f}",
            }
        )
    for person in people:
        dates = [d for d, w in visits if w["person_id"] == person["person_id"]]
        person["last_contact"] = (
            iso(max(dates)) if dates else iso(AS_OF - dt.timedelta(days=rng.randint(400, 1400)))
        )
    return rows


def transaction_rows(rng: random.Random, p: Profile, truth: Truth, holdings: list[Row]) -> list[Row]:
    """Transactions of the twelve months up to the as-of date."""
    lo, hi = SIZE_TRANSACTIONS[p.size]
    count = rng.randint(lo, hi)
    start = AS_OF - dt.timedelta(days=364)
    last_day = AS_OF
    if rng.random() < 0.08:
        last_day = AS_OF - dt.timedelta(days=rng.randint(100, 300))
    fading = bool({"interactions_halved", "volume_decline_2q"} & truth.signals)
    spans = [
        (
            h["product"],
            dt.date.fromisoformat(h["opened_on"]),
            dt.date.fromisoformat(h["closed_on"]) if h["closed_on"] else AS_OF,
        )
        for h in holdings
        if h["product"] != "对公存款"
    ]
    span = (last_day - start).days
    scale = p.revenue[2025] * 0.004
    rows = []
    days = sorted(
        start + dt.timedelta(days=round(span * (rng.random() ** (1.6 if fading else 1.0))))
        for _ in range(count)
    )
    for day in days:
        rows.append(
            {
                "client_id": p.client_id,
                "date": iso(day),
                "product": rng.choice([prod for prod, opened, closed in spans if opened <= day <= closed]),
                "amount_wan": money(max(0.01, scale * rng.lognormvariate(0, 0.9))),
            }
        )
    return rows


def complaint_rows(rng: random.Random, p: Profile, truth: Truth) -> list[Row]:
    """Complaints of the last two years; escalated recent ones only when planted."""
    rows = []
    cutoff = AS_OF - dt.timedelta(days=rel.LOOKBACK_DAYS)
    n = rng.choices((0, 1, 2, 3), weights=(70, 18, 8, 4))[0]
    if "complaint_escalated" in truth.signals:
        n = max(1, n)
    for i in range(n):
        planted = "complaint_escalated" in truth.signals and i == 0
        if planted:
            received = random_day(rng, cutoff + dt.timedelta(days=1), AS_OF - dt.timedelta(days=5))
        else:
            received = random_day(rng, AS_OF - dt.timedelta(days=730), AS_OF - dt.timedelta(days=5))
        escalated = planted or (received <= cutoff and rng.random() < 0.3)
        closed_on = ""
        status = "已升级" if escalated and planted else "已关闭"
        if status == "已关闭":
            closed_on = iso(min(AS_OF, received + dt.timedelta(days=rng.randint(2, 40))))
        elif rng.random() < 0.3:
            status = "处理中"
        rows.append(
            {
                "client_id": p.client_id,
                "received_on": iso(received),
                "category": rng.choice(("服务效率", "收费争议", "系统故障", "授信审批", "差错处理")),
                "severity": str(rng.choices((1, 2, 3), weights=(5, 3, 2 if planted else 1))[0]),
                "escalated": "true" if escalated else "false",
                "status": status,
                "closed_on": closed_on,
            }
        )
    rows.sort(key=lambda r: r["received_on"])
    return rows


def mark_departures(rng: random.Random, truth: Truth, people: list[dict[str, str | int]]) -> None:
    """Record who left: a key person when planted; otherwise a junior or an old departure."""
    cutoff = AS_OF - dt.timedelta(days=rel.LOOKBACK_DAYS)
    if "key_person_left" in truth.signals:
        key = [
            pp for pp in people if int(pp["influence"]) >= rel.KEY_INFLUENCE_MIN and pp["title"] != "董事长"
        ]
        person = rng.choice(key)
        person["left_on"] = iso(
            random_day(rng, cutoff + dt.timedelta(days=30), AS_OF - dt.timedelta(days=20))
        )
        person["is_primary_contact"] = "false"
        truth.left_person = str(person["person_id"])
    elif rng.random() < 0.2:
        person = rng.choice(people[1:])
        if int(person["influence"]) < rel.KEY_INFLUENCE_MIN:
            person["left_on"] = iso(
                random_day(rng, cutoff + dt.timedelta(days=30), AS_OF - dt.timedelta(days=20))
            )
        else:
            person["left_on"] = iso(
                random_day(rng, AS_OF - dt.timedelta(days=900), cutoff - dt.timedelta(days=10))
            )
        person["is_primary_contact"] = "false"
    if not any(pp["is_primary_contact"] == "true" for pp in people):
        current = [pp for pp in people if not pp["left_on"] and pp["level"] != "基层"]
        current[-1]["is_primary_contact"] = "true"
