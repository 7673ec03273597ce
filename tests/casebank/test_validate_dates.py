"""`cmacademy casebank validate` enforces the date rules, each shown on a tiny corrupted bank."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from casebank.validate import collect_problems
from grading.casegen import generate_bank
from tests.conftest import Cli

Row = dict[str, str]
TINY_CLIENTS = 20
TINY_SEED = 17
LOANS = ("流动资金贷款", "固定资产贷款", "贸易融资", "供应链金融")


@pytest.fixture(scope="module")
def tiny_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny")
    generate_bank(root / "bank", root / "key", seed=TINY_SEED, clients=TINY_CLIENTS)
    return root / "bank"


@pytest.fixture
def tiny(tiny_source: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(tiny_source, tmp_path / "bank"))


def read(directory: Path, name: str) -> list[Row]:
    return list(csv.DictReader(io.StringIO((directory / name).read_text(encoding="utf-8"), newline="")))


def write(directory: Path, name: str, rows: list[Row]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (directory / name).write_text(buffer.getvalue(), encoding="utf-8")


def corrupt(directory: Path, name: str, pick: Callable[[Row], bool], **changes: str) -> Row:
    """Apply ``changes`` to the first row of ``name`` that ``pick`` accepts; return that row."""
    rows = read(directory, name)
    row = next(r for r in rows if pick(r))
    row.update(changes)
    write(directory, name, rows)
    return row


def holding(directory: Path, cid: str, product: str) -> Row:
    return next(
        h for h in read(directory, "holdings.csv") if h["client_id"] == cid and h["product"] == product
    )


def rejected(cli: Cli, directory: Path, *expected: str) -> str:
    result = cli("casebank", "validate", str(directory))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output, result.output
    return result.output


def test_the_tiny_bank_is_valid(cli: Cli, tiny: Path) -> None:
    result = cli("casebank", "validate", str(tiny))
    assert result.exit_code == 0, result.output


def shift_year(day: str, years: int) -> str:
    return f"{int(day[:4]) + years}{day[4:]}"


def test_a_product_opened_before_the_settlement_account(cli: Cli, tiny: Path) -> None:
    deposit = holding(tiny, "C0001", "对公存款")
    settled = holding(tiny, "C0001", "结算与账户")["opened_on"]
    later = shift_year(settled, 1)
    corrupt(
        tiny,
        "holdings.csv",
        lambda h: h["client_id"] == "C0001" and h["product"] == "结算与账户",
        opened_on=later,
    )
    rejected(
        cli,
        tiny,
        f"holdings.csv line 2 (client C0001, 对公存款), field 'opened_on': {deposit['opened_on']} is before "
        f"the client's settlement account (结算与账户) opened on {later}",
        "correct the row or regenerate the bank",
    )


def test_a_product_opened_before_the_relationship(cli: Cli, tiny: Path) -> None:
    since = next(c for c in read(tiny, "clients.csv") if c["client_id"] == "C0002")["relationship_since"]
    early = shift_year(since, -1)
    corrupt(
        tiny,
        "holdings.csv",
        lambda h: h["client_id"] == "C0002" and h["product"] == "结算与账户",
        opened_on=early,
    )
    rejected(
        cli,
        tiny,
        f"(client C0002, 结算与账户), field 'opened_on': {early} is before the client's relationship_since {since}",
    )


def test_a_relationship_before_the_client_was_founded(cli: Cli, tiny: Path) -> None:
    row = corrupt(tiny, "clients.csv", lambda c: c["client_id"] == "C0003", founded_year="2025")
    rejected(
        cli,
        tiny,
        f"clients.csv line 4 (client C0003), field 'relationship_since': {row['relationship_since']} is before the client was founded (2025)",
    )


def test_a_client_without_a_settlement_account(cli: Cli, tiny: Path) -> None:
    rows = [
        h
        for h in read(tiny, "holdings.csv")
        if not (h["client_id"] == "C0004" and h["product"] == "结算与账户")
    ]
    write(tiny, "holdings.csv", rows)
    rejected(
        cli, tiny, "clients.csv line 5 (client C0004): no settlement account (结算与账户) in holdings.csv"
    )


def test_revenue_of_a_product_closed_before_the_window(cli: Cli, tiny: Path) -> None:
    corrupt(
        tiny,
        "holdings.csv",
        lambda h: h["client_id"] == "C0005" and h["product"] == "对公存款",
        closed_on="2025-03-31",
    )
    rejected(
        cli,
        tiny,
        "(client C0005, 对公存款), field 'avg_balance_wan': the product was closed on 2025-03-31, before the "
        "365-day window that starts 2025-06-30",
        "count only the days held in the window (pro rata)",
    )


def test_a_product_closed_inside_the_window_may_earn(tiny: Path) -> None:
    corrupt(
        tiny,
        "holdings.csv",
        lambda h: h["client_id"] == "C0005" and h["product"] == "对公存款",
        closed_on="2025-07-31",
    )
    assert [p for p in collect_problems(tiny, check_manifest=False) if "window" in p] == []


def test_a_date_after_the_as_of_date(cli: Cli, tiny: Path) -> None:
    path = tiny / "notes.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    note = json.loads(lines[0])
    note["date"] = "2026-07-15"
    lines[0] = json.dumps(note, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rejected(
        cli,
        tiny,
        f"notes.jsonl line 1 (client {note['client_id']}, {note['note_id']}), field 'date': 2026-07-15 is after the bank's as-of date 2026-06-30",
    )


def test_a_loan_balance_before_any_loan(cli: Cli, tiny: Path) -> None:
    holdings = read(tiny, "holdings.csv")
    cid = next(
        c["client_id"]
        for c in read(tiny, "clients.csv")
        if not any(h["client_id"] == c["client_id"] and h["product"] in LOANS for h in holdings)
    )
    corrupt(
        tiny,
        "quarterly.csv",
        lambda q: q["client_id"] == cid and q["quarter"] == "2025Q1",
        loan_balance_wan="120.00",
    )
    rejected(cli, tiny, f"(client {cid}, 2025Q1), field 'loan_balance_wan': 120.0 although no loan product")


def test_overdue_days_without_a_loan_balance(cli: Cli, tiny: Path) -> None:
    corrupt(tiny, "quarterly.csv", lambda q: float(q["loan_balance_wan"]) == 0, overdue_days="12")
    rejected(cli, tiny, "field 'overdue_days': 12 days overdue with no loan balance")


def test_a_transaction_before_its_product_was_opened(cli: Cli, tiny: Path) -> None:
    holdings = {(h["client_id"], h["product"]): h for h in read(tiny, "holdings.csv")}
    row = corrupt(tiny, "transactions.csv", lambda t: True)
    opened = holdings[(row["client_id"], row["product"])]["opened_on"]
    corrupt(tiny, "transactions.csv", lambda t: t["txn_id"] == row["txn_id"], date=shift_year(opened, -1))
    rejected(
        cli,
        tiny,
        f"(client {row['client_id']}, {row['txn_id']}), field 'date': {shift_year(opened, -1)} is outside the time the client held {row['product']}",
    )


def test_a_transaction_on_a_product_never_held(cli: Cli, tiny: Path) -> None:
    held = {(h["client_id"], h["product"]) for h in read(tiny, "holdings.csv")}
    row = corrupt(
        tiny, "transactions.csv", lambda t: (t["client_id"], "外汇衍生品") not in held, product="外汇衍生品"
    )
    rejected(
        cli,
        tiny,
        f"(client {row['client_id']}, {row['txn_id']}), field 'product': 外汇衍生品 is not among the client's holdings",
    )


def test_a_visit_after_the_person_left(cli: Cli, tiny: Path) -> None:
    visit = read(tiny, "visits.csv")[0]
    corrupt(tiny, "people.csv", lambda p: p["person_id"] == visit["person_id"], left_on="2025-01-02")
    rejected(
        cli,
        tiny,
        f"field 'date': {visit['date']} is after {visit['person_id']} left the client on 2025-01-02",
    )


def test_last_contact_before_the_latest_visit(cli: Cli, tiny: Path) -> None:
    visit = read(tiny, "visits.csv")[0]
    corrupt(tiny, "people.csv", lambda p: p["person_id"] == visit["person_id"], last_contact="2020-01-01")
    rejected(
        cli,
        tiny,
        f"{visit['person_id']}), field 'last_contact': 2020-01-01 is before the person's latest visit",
    )


def test_last_contact_after_leaving_is_a_crm_defect_not_an_error(tiny: Path) -> None:
    visited = {v["person_id"] for v in read(tiny, "visits.csv")}
    corrupt(
        tiny,
        "people.csv",
        lambda p: p["person_id"] not in visited,
        left_on="2025-01-02",
        last_contact="2025-03-01",
    )
    assert collect_problems(tiny, check_manifest=False) == []


def test_a_complaint_closed_before_it_was_received(cli: Cli, tiny: Path) -> None:
    row = corrupt(tiny, "complaints.csv", lambda c: c["status"] == "已关闭")
    closed = shift_year(row["received_on"], -1)
    corrupt(tiny, "complaints.csv", lambda c: c["complaint_id"] == row["complaint_id"], closed_on=closed)
    rejected(
        cli,
        tiny,
        f"{row['complaint_id']}), field 'closed_on': {closed} is before received_on {row['received_on']}",
    )


def test_a_closed_complaint_without_a_closing_date(cli: Cli, tiny: Path) -> None:
    row = corrupt(tiny, "complaints.csv", lambda c: c["status"] == "已关闭", closed_on="")
    rejected(cli, tiny, f"{row['complaint_id']}), field 'closed_on': status 已关闭 with closed_on empty")


def test_a_loan_opened_recently_cannot_show_a_full_year(cli: Cli, tiny: Path) -> None:
    """C0053's case in the old bank: supply-chain finance opened in April, 12 months booked."""
    holdings = read(tiny, "holdings.csv")
    loan = next(h for h in holdings if h["product"] in LOANS and h["opened_on"] < "2025-06-30")
    cid = loan["client_id"]
    assert sum(h["client_id"] == cid and h["product"] in LOANS for h in holdings) == 1
    loan["opened_on"] = "2026-04-02"
    write(tiny, "holdings.csv", holdings)
    quarterly = read(tiny, "quarterly.csv")
    for q in quarterly:
        if q["client_id"] == cid and q["quarter"] < "2026Q2":
            q["loan_balance_wan"], q["overdue_days"] = "0.00", "0"
    write(tiny, "quarterly.csv", quarterly)
    output = rejected(
        cli,
        tiny,
        f"(client {cid}), field 'avg_balance_wan': the client's loans average {loan['avg_balance_wan']}",
    )
    assert "count only the months a loan was held (pro rata)" in output
    assert "before" not in output.split("checksum")[0], output
