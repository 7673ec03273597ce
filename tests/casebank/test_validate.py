"""`cmacademy casebank validate` rejects each class of bad input, naming file, line and field."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from casebank.errors import BankValidationError
from casebank.load import load_bank
from tests.conftest import Cli


def edit_csv(path: Path, row: int, column: str, value: str) -> None:
    """Set one field of data row ``row`` (1-based, header excluded)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[row][rows[0].index(column)] = value
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def assert_rejected(cli: Cli, directory: Path, *expected: str) -> str:
    before = {p.name: p.read_bytes() for p in directory.iterdir()}
    result = cli("casebank", "validate", directory)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output, result.output
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == before
    return result.output


def test_the_shipped_bank_is_valid(cli: Cli) -> None:
    result = cli("casebank", "validate")
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_malformed_csv(cli: Cli, bank_copy: Path) -> None:
    path = bank_copy / "clients.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[-2] = lines[-2].replace(",", ',"', 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    assert_rejected(cli, bank_copy, "clients.csv line", "malformed CSV")


def test_malformed_json(cli: Cli, bank_copy: Path) -> None:
    path = bank_copy / "notes.jsonl"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2][:-3]
    path.write_text("\n".join(lines), encoding="utf-8")
    assert_rejected(cli, bank_copy, "notes.jsonl line 3", "malformed JSON")


def test_truncated_file(cli: Cli, bank_copy: Path) -> None:
    path = bank_copy / "transactions.csv"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert_rejected(cli, bank_copy, "transactions.csv line", "truncated")


def test_file_truncated_at_a_row_boundary(cli: Cli, bank_copy: Path) -> None:
    path = bank_copy / "visits.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(lines[:100]) + "\n", encoding="utf-8")
    assert_rejected(cli, bank_copy, "visits.csv: checksum mismatch", "visits.csv: 99 valid rows")


def test_wrong_type(cli: Cli, bank_copy: Path) -> None:
    edit_csv(bank_copy / "clients.csv", 4, "employees", "many")
    assert_rejected(cli, bank_copy, "clients.csv line 5, field 'employees': 'many' is not an integer")


def test_value_out_of_range(cli: Cli, bank_copy: Path) -> None:
    edit_csv(bank_copy / "clients.csv", 2, "utilisation_pct", "250.0")
    assert_rejected(
        cli, bank_copy, "clients.csv line 3, field 'utilisation_pct': 250.0 is above the maximum 130"
    )


def test_value_not_in_vocabulary(cli: Cli, bank_copy: Path) -> None:
    edit_csv(bank_copy / "clients.csv", 1, "region", "火星")
    assert_rejected(cli, bank_copy, "clients.csv line 2, field 'region': '火星' is not one of")


def test_missing_required_column(cli: Cli, bank_copy: Path) -> None:
    path = bank_copy / "sales.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    idx = rows[0].index("revenue_wan")
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows([r[:idx] + r[idx + 1 :] for r in rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    assert_rejected(cli, bank_copy, "sales.csv line 1 (header): missing required column(s) revenue_wan")


def test_empty_required_value(cli: Cli, bank_copy: Path) -> None:
    edit_csv(bank_copy / "people.csv", 3, "name", "")
    assert_rejected(cli, bank_copy, "people.csv line 4, field 'name': required value is empty")


def test_duplicate_id(cli: Cli, bank_copy: Path) -> None:
    edit_csv(bank_copy / "clients.csv", 3, "client_id", "C0001")
    assert_rejected(
        cli, bank_copy, "clients.csv line 4, field 'client_id': duplicate value 'C0001' (first at line 2)"
    )


def test_reference_to_missing_client(cli: Cli, bank_copy: Path) -> None:
    edit_csv(bank_copy / "holdings.csv", 7, "client_id", "C9999")
    assert_rejected(
        cli, bank_copy, "holdings.csv line 8, field 'client_id': 'C9999' does not exist in clients.csv"
    )


def test_checksum_mismatch(cli: Cli, bank_copy: Path) -> None:
    path = bank_copy / "notes.jsonl"
    lines = path.read_text(encoding="utf-8").split("\n")
    note = json.loads(lines[0])
    note["text"] += "补充：客户下月将来行洽谈。"
    lines[0] = json.dumps(note, ensure_ascii=False)
    path.write_text("\n".join(lines), encoding="utf-8")
    output = assert_rejected(cli, bank_copy, "notes.jsonl: checksum mismatch with manifest.json")
    assert "line" not in output.split("checksum")[0].split("\n")[-1]


def test_missing_manifest(cli: Cli, bank_copy: Path) -> None:
    (bank_copy / "manifest.json").unlink()
    assert_rejected(cli, bank_copy, "manifest.json", "manifest missing")


def test_malformed_manifest(cli: Cli, bank_copy: Path) -> None:
    (bank_copy / "manifest.json").write_text('{"seed": 1,', encoding="utf-8")
    assert_rejected(cli, bank_copy, "manifest.json", "malformed JSON")


def test_missing_file(cli: Cli, bank_copy: Path) -> None:
    (bank_copy / "people.csv").unlink()
    assert_rejected(cli, bank_copy, "people.csv: file missing")


def test_not_utf8(cli: Cli, bank_copy: Path) -> None:
    path = bank_copy / "managers.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    assert_rejected(cli, bank_copy, "managers.csv line 2: not UTF-8 text")


def test_loader_refuses_an_invalid_bank(bank_copy: Path) -> None:
    edit_csv(bank_copy / "clients.csv", 1, "employees", "-3")
    with pytest.raises(BankValidationError, match=r"clients.csv line 2, field 'employees'"):
        load_bank(bank_copy)
