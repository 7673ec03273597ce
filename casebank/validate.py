"""Validation of a case-bank directory against the schema and its manifest.

Every problem names the file, the line (header = line 1 for CSV, line 1 = first record for
JSON Lines) and the field. Validation reads only; it never writes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from casebank import vocab
from casebank.errors import BankError, BankValidationError
from casebank.manifest import read_manifest, sha256_file
from casebank.schema import MANIFEST_FILE, TABLES, Column, Kind, Table
from casebank.validate_dates import check_dates

_QUARTER = re.compile(r"^\d{4}Q[1-4]$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT = re.compile(r"^-?\d+$")

Value = str | int | float | bool | None
Record = dict[str, Value]


@dataclass
class TableData:
    """Parsed rows of one table, each with the line it came from."""

    table: Table
    rows: list[tuple[int, Record]] = field(default_factory=list)


def parse_value(column: Column, raw: str) -> Value:
    """Convert one raw field to its typed value.

    Raises:
        ValueError: with a message that says what was expected.
    """
    if raw == "":
        if column.required:
            raise ValueError("required value is empty")
        return None
    kind = column.kind
    if kind is Kind.INT:
        if not _INT.match(raw):
            raise ValueError(f"{raw!r} is not an integer")
        value: Value = int(raw)
    elif kind is Kind.FLOAT:
        try:
            number = float(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"{raw!r} is not a finite number")
        value = number
    elif kind is Kind.DATE:
        if not _DATE.match(raw):
            raise ValueError(f"{raw!r} is not a date (YYYY-MM-DD)")
        try:
            dt.date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a calendar date") from None
        value = raw
    elif kind is Kind.BOOL:
        if raw not in ("true", "false"):
            raise ValueError(f"{raw!r} is not true or false")
        value = raw == "true"
    elif kind is Kind.QUARTER:
        if not _QUARTER.match(raw):
            raise ValueError(f"{raw!r} is not a quarter such as 2026Q2")
        value = raw
    else:
        value = raw
    _check_domain(column, value)
    return value


def _check_domain(column: Column, value: Value) -> None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if column.minimum is not None and value < column.minimum:
            raise ValueError(f"{value} is below the minimum {column.minimum:g}")
        if column.maximum is not None and value > column.maximum:
            raise ValueError(f"{value} is above the maximum {column.maximum:g}")
    if column.choices and isinstance(value, str):
        items = value.split(";") if column.is_list else [value]
        bad = [i for i in items if i not in column.choices]
        if bad:
            raise ValueError(f"{bad[0]!r} is not one of {', '.join(column.choices)}")


def _read_text(path: Path, problems: list[str]) -> str | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(f"{path.name}: cannot read ({exc.strerror})")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(f"{path.name} line {line}: not UTF-8 text ({exc.reason})")
        return None


def _records_csv(table: Table, text: str, problems: list[str]) -> Iterator[tuple[int, Record]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            problems.append(f"{table.file}: file is empty; expected a header line")
            return
        missing = [c for c in table.column_names if c not in header]
        extra = [h for h in header if h not in table.column_names]
        if missing:
            problems.append(f"{table.file} line 1 (header): missing required column(s) {', '.join(missing)}")
            return
        if extra:
            problems.append(
                f"{table.file} line 1 (header): unexpected column(s) {', '.join(extra)}; "
                "the bank holds only the columns of the schema"
            )
            return
        for fields in reader:
            line = reader.line_num
            if len(fields) != len(header):
                problems.append(
                    f"{table.file} line {line}: expected {len(header)} fields, found "
                    f"{len(fields)} (truncated or malformed row)"
                )
                continue
            yield line, dict(zip(header, fields, strict=True))
    except csv.Error as exc:
        problems.append(f"{table.file} line {reader.line_num}: malformed CSV ({exc})")


def _records_jsonl(table: Table, text: str, problems: list[str]) -> Iterator[tuple[int, Record]]:
    for line, raw in enumerate(text.split("\n"), start=1):
        if raw == "":
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(
                f"{table.file} line {line}: malformed JSON ({exc.msg} at column {exc.colno}); "
                "the line may be truncated"
            )
            continue
        if not isinstance(obj, dict):
            problems.append(f"{table.file} line {line}: expected a JSON object")
            continue
        missing = [c for c in table.column_names if c not in obj]
        extra = [k for k in obj if k not in table.column_names]
        if missing:
            problems.append(f"{table.file} line {line}: missing field(s) {', '.join(missing)}")
            continue
        if extra:
            problems.append(f"{table.file} line {line}: unexpected field(s) {', '.join(extra)}")
            continue
        if not all(isinstance(v, str) for v in obj.values()):
            bad = next(k for k, v in obj.items() if not isinstance(v, str))
            problems.append(f"{table.file} line {line}, field '{bad}': expected a JSON string")
            continue
        yield line, obj


def read_table(directory: Path, table: Table, problems: list[str]) -> TableData | None:
    """Read and type-check one table, appending problems; None when the file is unusable."""
    path = directory / table.file
    if not path.is_file():
        problems.append(f"{table.file}: file missing from {directory}")
        return None
    text = _read_text(path, problems)
    if text is None:
        return None
    if text and not text.endswith("\n"):
        problems.append(
            f"{table.file} line {text.count(chr(10)) + 1}: file ends in the middle of a line "
            "(truncated); restore it or regenerate the bank"
        )
    records = _records_jsonl if table.jsonl else _records_csv
    data = TableData(table)
    for line, raw in records(table, text, problems):
        typed: Record = {}
        ok = True
        for column in table.columns:
            value = raw[column.name]
            try:
                typed[column.name] = parse_value(column, str(value))
            except ValueError as exc:
                problems.append(f"{table.file} line {line}, field '{column.name}': {exc}")
                ok = False
        if ok:
            data.rows.append((line, typed))
    return data


def _check_unique(data: TableData, problems: list[str]) -> None:
    table = data.table
    groups: list[tuple[str, ...]] = [(c.name,) for c in table.columns if c.unique]
    if table.key_columns:
        groups.append(table.key_columns)
    for names in groups:
        seen: dict[tuple[Value, ...], int] = {}
        for line, row in data.rows:
            key = tuple(row[n] for n in names)
            if key in seen:
                shown = ", ".join(str(k) for k in key)
                problems.append(
                    f"{table.file} line {line}, field '{'+'.join(names)}': duplicate value "
                    f"{shown!r} (first at line {seen[key]})"
                )
            else:
                seen[key] = line


def _check_references(tables: dict[str, TableData], problems: list[str]) -> None:
    for data in tables.values():
        for column in data.table.columns:
            if column.references is None:
                continue
            target_table, target_column = column.references.split(".")
            target = tables.get(target_table)
            if target is None:
                continue
            known = {row[target_column] for _, row in target.rows}
            for line, row in data.rows:
                value = row[column.name]
                if value is not None and value not in known:
                    problems.append(
                        f"{data.table.file} line {line}, field '{column.name}': {value!r} does "
                        f"not exist in {target.table.file} ({target_column})"
                    )


def _check_rows(tables: dict[str, TableData], problems: list[str]) -> None:
    """Rules that involve more than one field of a row."""
    clients = tables.get("clients")
    if clients is not None:
        for line, row in clients.rows:
            rank, n_banks = row["our_bank_rank"], row["n_banks"]
            if isinstance(rank, int) and isinstance(n_banks, int) and rank > n_banks:
                problems.append(
                    f"clients.csv line {line}, field 'our_bank_rank': rank {rank} is larger "
                    f"than n_banks {n_banks}"
                )
    holdings = tables.get("holdings")
    if holdings is not None:
        for line, row in holdings.rows:
            opened, closed = row["opened_on"], row["closed_on"]
            if isinstance(opened, str) and isinstance(closed, str) and closed < opened:
                problems.append(
                    f"holdings.csv line {line}, field 'closed_on': {closed} is before opened_on {opened}"
                )


def _check_manifest(directory: Path, tables: dict[str, TableData], problems: list[str]) -> None:
    try:
        manifest = read_manifest(directory)
    except BankError as exc:
        problems.append(f"{MANIFEST_FILE}: {exc}")
        return
    files: dict[str, dict[str, object]] = manifest["files"]
    for table in TABLES:
        entry = files.get(table.file)
        if entry is None:
            problems.append(f"{MANIFEST_FILE}: no entry for {table.file}; regenerate the manifest")
            continue
        path = directory / table.file
        if not path.is_file():
            continue
        if sha256_file(path) != entry["sha256"]:
            problems.append(
                f"{table.file}: checksum mismatch with {MANIFEST_FILE} (the file was changed or "
                "truncated after generation); restore it or regenerate the bank"
            )
        data = tables.get(table.name)
        if data is not None and len(data.rows) != entry["rows"]:
            problems.append(
                f"{table.file}: {len(data.rows)} valid rows, {MANIFEST_FILE} says {entry['rows']} "
                "(rows lost or added)"
            )
    for name in files:
        if name not in {t.file for t in TABLES}:
            problems.append(f"{MANIFEST_FILE}: lists unknown file {name}")


def _as_of(directory: Path) -> str:
    """The bank's as-of date from its manifest (the vocabulary's when the manifest is unusable)."""
    try:
        value = str(read_manifest(directory)["as_of"])
        dt.date.fromisoformat(value)
    except (BankError, ValueError):
        return vocab.AS_OF
    return value


def collect_problems(directory: Path, *, check_manifest: bool = True) -> list[str]:
    """Return every problem found in the bank at ``directory`` (empty when valid)."""
    problems: list[str] = []
    if not directory.is_dir():
        return [f"{directory}: not a directory"]
    tables: dict[str, TableData] = {}
    for table in TABLES:
        data = read_table(directory, table, problems)
        if data is not None:
            _check_unique(data, problems)
            tables[table.name] = data
    _check_references(tables, problems)
    _check_rows(tables, problems)
    check_dates(tables, _as_of(directory), problems)
    if check_manifest:
        _check_manifest(directory, tables, problems)
    return problems


def validate_bank(directory: Path | str, *, check_manifest: bool = True) -> None:
    """Validate a bank directory.

    Args:
        directory: the bank directory (the one holding ``manifest.json``).
        check_manifest: also compare every file with the manifest's checksums and row counts.

    Raises:
        BankValidationError: listing every problem with its file, line and field.
    """
    path = Path(directory)
    problems = collect_problems(path, check_manifest=check_manifest)
    if problems:
        raise BankValidationError(str(path), problems)
