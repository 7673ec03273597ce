"""Date rules of a case bank: what happened must have happened in an order a bank could record.

`casebank.validate` runs these rules after the per-field checks. Each problem names the file,
the line, the client (and product or person) and the field, and says what to do. The rules:

- a client's relationship starts with its settlement account (结算与账户): no product opens
  before it, and nothing is recorded before ``relationship_since`` (holdings, transactions,
  visits, complaints, notes) or after the bank's as-of date;
- a holding's balance, revenue and direct cost cover only the days it was held in the last
  `REVENUE_WINDOW_DAYS` days: a product closed before that window shows zeros;
- a quarter shows a loan balance only once a loan product was opened (and overdue days only
  with a loan balance); the loans' 12-month average balance agrees with the quarter-end loan
  balances of those months (within `LOAN_MONTHS_TOLERANCE`), so a loan opened recently cannot
  show a full year; a transaction uses a product held on its date;
- nobody is visited after they left the client; a person's ``last_contact`` is not before
  their latest logged visit. A ``last_contact`` after ``left_on`` is *not* an error: it is a
  CRM record defect the curriculum asks trainees to find (`grading.methods.crm_quality`);
- a complaint is closed on or after it was received, and has a ``closed_on`` exactly when its
  status is 已关闭.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from casebank import vocab

if TYPE_CHECKING:
    from casebank.validate import Record, TableData

#: Days covered by a holding's balance, revenue and direct cost (the last twelve months).
REVENUE_WINDOW_DAYS: Final = 365
SETTLEMENT_PRODUCT: Final = "结算与账户"
LOAN_CATEGORY: Final = "资产业务"
LOAN_PRODUCTS: Final = tuple(p for p, (category, _en) in vocab.PRODUCTS.items() if category == LOAN_CATEGORY)
CLOSED_STATUS: Final = "已关闭"
#: Quarter-end balances sample a loan's 12 months in four points: a loan opened just before a
#: quarter end counts for that whole quarter, so they may differ from the daily average by up to
#: a quarter of the balance (plus quarter-end noise) before a row is wrong.
LOAN_MONTHS_TOLERANCE: Final = 0.35
LOAN_MONTHS_SLACK_WAN: Final = 1.0
FIX: Final = "correct the row or regenerate the bank"


@dataclass(frozen=True)
class Holding:
    """One holding's dates."""

    opened: str
    closed: str | None


@dataclass
class Context:
    """What the rules look up across tables."""

    as_of: str
    since: dict[str, str]
    holdings: dict[tuple[str, str], Holding]
    settlement: dict[str, str]
    people: dict[str, Record]
    visits: dict[str, str]


def _rows(tables: dict[str, TableData], name: str) -> list[tuple[int, Record]]:
    data = tables.get(name)
    return data.rows if data is not None else []


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _context(tables: dict[str, TableData], as_of: str) -> Context:
    since = {str(r["client_id"]): str(r["relationship_since"]) for _, r in _rows(tables, "clients")}
    holdings = {
        (str(r["client_id"]), str(r["product"])): Holding(str(r["opened_on"]), _text(r["closed_on"]))
        for _, r in _rows(tables, "holdings")
    }
    settlement = {cid: h.opened for (cid, product), h in holdings.items() if product == SETTLEMENT_PRODUCT}
    people = {str(r["person_id"]): r for _, r in _rows(tables, "people")}
    visits: dict[str, str] = {}
    for _, r in _rows(tables, "visits"):
        pid, day = str(r["person_id"]), str(r["date"])
        visits[pid] = max(day, visits.get(pid, day))
    return Context(as_of, since, holdings, settlement, people, visits)


def _in_relationship(
    ctx: Context, where: str, cid: str, field: str, day: str | None, problems: list[str]
) -> None:
    """A recorded day must lie between the client's relationship start and the as-of date."""
    if day is None:
        return
    start = ctx.since.get(cid)
    if start is not None and day < start:
        problems.append(
            f"{where}, field '{field}': {day} is before the client's relationship_since {start} "
            f"(clients.csv); nothing is recorded before the relationship started — {FIX}"
        )
    if day > ctx.as_of:
        problems.append(f"{where}, field '{field}': {day} is after the bank's as-of date {ctx.as_of} — {FIX}")


def _check_clients(tables: dict[str, TableData], ctx: Context, problems: list[str]) -> None:
    for line, r in _rows(tables, "clients"):
        cid, since = str(r["client_id"]), str(r["relationship_since"])
        founded = f"{r['founded_year']}-01-01"
        where = f"clients.csv line {line} (client {cid})"
        if since < founded:
            problems.append(
                f"{where}, field 'relationship_since': {since} is before the client was founded "
                f"({r['founded_year']}) — {FIX}"
            )
        if since > ctx.as_of:
            problems.append(
                f"{where}, field 'relationship_since': {since} is after the as-of date {ctx.as_of}"
            )
        if cid not in ctx.settlement:
            problems.append(
                f"{where}: no settlement account ({SETTLEMENT_PRODUCT}) in holdings.csv; every "
                f"relationship starts with one — add its holding or regenerate the bank"
            )


def _check_holdings(tables: dict[str, TableData], ctx: Context, problems: list[str]) -> None:
    window_start = (dt.date.fromisoformat(ctx.as_of) - dt.timedelta(days=REVENUE_WINDOW_DAYS)).isoformat()
    for line, r in _rows(tables, "holdings"):
        cid, product = str(r["client_id"]), str(r["product"])
        opened, closed = str(r["opened_on"]), _text(r["closed_on"])
        where = f"holdings.csv line {line} (client {cid}, {product})"
        _in_relationship(ctx, where, cid, "opened_on", opened, problems)
        if closed is not None and closed > ctx.as_of:
            problems.append(
                f"{where}, field 'closed_on': {closed} is after the as-of date {ctx.as_of} — {FIX}"
            )
        settled = ctx.settlement.get(cid)
        if product != SETTLEMENT_PRODUCT and settled is not None and opened < settled:
            problems.append(
                f"{where}, field 'opened_on': {opened} is before the client's settlement account "
                f"({SETTLEMENT_PRODUCT}) opened on {settled}; every product is opened after the "
                f"settlement account — {FIX}"
            )
        if closed is not None and closed <= window_start:
            earning = [c for c in ("avg_balance_wan", "revenue_wan", "direct_cost_wan") if r[c]]
            if earning:
                problems.append(
                    f"{where}, field '{earning[0]}': the product was closed on {closed}, before the "
                    f"{REVENUE_WINDOW_DAYS}-day window that starts {window_start}, yet shows "
                    f"{r[earning[0]]}; balance, revenue and cost count only the days held in the "
                    "window (pro rata), so it must show 0 — set them to 0 or regenerate the bank"
                )


def _quarter_bounds(quarter: str) -> tuple[str, str]:
    year, q = int(quarter[:4]), int(quarter[-1])
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return start.isoformat(), end.isoformat()


def _loan_held(ctx: Context, cid: str, start: str, end: str) -> bool:
    """Whether any loan product of the client was open at some time in [start, end]."""
    for product in LOAN_PRODUCTS:
        h = ctx.holdings.get((cid, product))
        if h is not None and h.opened <= end and (h.closed is None or h.closed >= start):
            return True
    return False


def _check_quarterly(tables: dict[str, TableData], ctx: Context, problems: list[str]) -> None:
    for line, r in _rows(tables, "quarterly"):
        cid, quarter = str(r["client_id"]), str(r["quarter"])
        start, end = _quarter_bounds(quarter)
        where = f"quarterly.csv line {line} (client {cid}, {quarter})"
        if start > ctx.as_of:
            problems.append(f"{where}, field 'quarter': starts after the as-of date {ctx.as_of} — {FIX}")
        loan, overdue = r["loan_balance_wan"], r["overdue_days"]
        if isinstance(loan, float) and loan > 0 and not _loan_held(ctx, cid, start, end):
            problems.append(
                f"{where}, field 'loan_balance_wan': {loan} although no loan product "
                f"({'/'.join(LOAN_PRODUCTS)}) of the client in holdings.csv was open in that "
                f"quarter; a loan balance starts when a loan is opened — {FIX}"
            )
        if isinstance(overdue, int) and overdue > 0 and not (isinstance(loan, float) and loan > 0):
            problems.append(
                f"{where}, field 'overdue_days': {overdue} days overdue with no loan balance in "
                f"that quarter — {FIX}"
            )


def _check_transactions(tables: dict[str, TableData], ctx: Context, problems: list[str]) -> None:
    for line, r in _rows(tables, "transactions"):
        cid, product, day = str(r["client_id"]), str(r["product"]), str(r["date"])
        where = f"transactions.csv line {line} (client {cid}, {r['txn_id']})"
        _in_relationship(ctx, where, cid, "date", day, problems)
        h = ctx.holdings.get((cid, product))
        if h is None:
            problems.append(
                f"{where}, field 'product': {product} is not among the client's holdings in "
                f"holdings.csv — {FIX}"
            )
        elif day < h.opened or (h.closed is not None and day > h.closed):
            held = f"{h.opened} to {h.closed or 'now'}"
            problems.append(
                f"{where}, field 'date': {day} is outside the time the client held {product} ({held}) — {FIX}"
            )


def _check_people_and_visits(tables: dict[str, TableData], ctx: Context, problems: list[str]) -> None:
    for line, r in _rows(tables, "visits"):
        cid, day, pid = str(r["client_id"]), str(r["date"]), str(r["person_id"])
        where = f"visits.csv line {line} (client {cid}, {r['visit_id']})"
        _in_relationship(ctx, where, cid, "date", day, problems)
        person = ctx.people.get(pid)
        if person is None:
            continue
        if str(person["client_id"]) != cid:
            problems.append(f"{where}, field 'person_id': {pid} works for {person['client_id']}, not {cid}")
        left = _text(person["left_on"])
        if left is not None and day > left:
            problems.append(
                f"{where}, field 'date': {day} is after {pid} left the client on {left} "
                f"(people.csv); nobody is visited after leaving — {FIX}"
            )
    for line, r in _rows(tables, "people"):
        pid, left, last = str(r["person_id"]), _text(r["left_on"]), str(r["last_contact"])
        where = f"people.csv line {line} (client {r['client_id']}, {pid})"
        for field, recorded in (("left_on", left), ("last_contact", last)):
            if recorded is not None and recorded > ctx.as_of:
                problems.append(
                    f"{where}, field '{field}': {recorded} is after the as-of date {ctx.as_of} — {FIX}"
                )
        visited = ctx.visits.get(pid)
        if visited is not None and last < visited:
            problems.append(
                f"{where}, field 'last_contact': {last} is before the person's latest visit on "
                f"{visited} (visits.csv) — {FIX}"
            )


def _check_complaints_and_notes(tables: dict[str, TableData], ctx: Context, problems: list[str]) -> None:
    for line, r in _rows(tables, "complaints"):
        cid, received, closed = str(r["client_id"]), str(r["received_on"]), _text(r["closed_on"])
        where = f"complaints.csv line {line} (client {cid}, {r['complaint_id']})"
        _in_relationship(ctx, where, cid, "received_on", received, problems)
        _in_relationship(ctx, where, cid, "closed_on", closed, problems)
        if closed is not None and closed < received:
            problems.append(f"{where}, field 'closed_on': {closed} is before received_on {received} — {FIX}")
        if (closed is not None) != (r["status"] == CLOSED_STATUS):
            problems.append(
                f"{where}, field 'closed_on': status {r['status']} with closed_on "
                f"{closed or 'empty'}; a complaint has a closing date exactly when it is "
                f"{CLOSED_STATUS} — {FIX}"
            )
    for line, r in _rows(tables, "notes"):
        where = f"notes.jsonl line {line} (client {r['client_id']}, {r['note_id']})"
        _in_relationship(ctx, where, str(r["client_id"]), "date", str(r["date"]), problems)


def _check_loan_months(tables: dict[str, TableData], ctx: Context, problems: list[str]) -> None:
    """Loans' 12-month average balance must agree with the quarter-end loan balances of the window.

    A loan opened three months ago averages about a quarter of its balance over the year; a
    loan that shows its full balance as the 12-month average (and hence a full year of
    revenue) was counted for months it was not held.
    """
    window_start = (dt.date.fromisoformat(ctx.as_of) - dt.timedelta(days=REVENUE_WINDOW_DAYS)).isoformat()
    ends: dict[str, list[float]] = {}
    for _, r in _rows(tables, "quarterly"):
        _start, end = _quarter_bounds(str(r["quarter"]))
        if window_start < end <= ctx.as_of and isinstance(r["loan_balance_wan"], float):
            ends.setdefault(str(r["client_id"]), []).append(r["loan_balance_wan"])
    average: dict[str, tuple[float, int]] = {}
    for line, r in _rows(tables, "holdings"):
        if r["product"] in LOAN_PRODUCTS and isinstance(r["avg_balance_wan"], float):
            cid = str(r["client_id"])
            total, first = average.get(cid, (0.0, line))
            average[cid] = (total + r["avg_balance_wan"], min(first, line))
    for cid, (total, line) in sorted(average.items()):
        balances = ends.get(cid)
        if not balances:
            continue
        quarter_mean = sum(balances) / len(balances)
        if abs(total - quarter_mean) > LOAN_MONTHS_TOLERANCE * max(balances) + LOAN_MONTHS_SLACK_WAN:
            problems.append(
                f"holdings.csv line {line} (client {cid}), field 'avg_balance_wan': the client's loans "
                f"average {total:.2f} over the last 12 months, but its quarter-end loan balances of "
                f"those months (quarterly.csv) average {quarter_mean:.2f}; balances, revenue and cost "
                f"count only the months a loan was held (pro rata) — {FIX}"
            )


RULES: Final[tuple[Callable[[dict[str, TableData], Context, list[str]], None], ...]] = (
    _check_clients,
    _check_holdings,
    _check_quarterly,
    _check_loan_months,
    _check_transactions,
    _check_people_and_visits,
    _check_complaints_and_notes,
)


def check_dates(tables: dict[str, TableData], as_of: str, problems: list[str]) -> None:
    """Append a problem for every row that breaks a date rule of the module docstring."""
    ctx = _context(tables, as_of)
    for rule in RULES:
        rule(tables, ctx, problems)
