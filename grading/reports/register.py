"""The HR register: ``register.csv`` (UTF-8 with BOM, for Excel), ``register.xlsx``, ``register.jsonl``.

One row per decision (`COLUMNS`): employee number (the roster's trainee id), name, e-mail, org
unit, exam (its title), level, decision and its one-line reason, score and maximum, certificate
status as of the report day (valid, expired, revoked, pending, failed), issue and expiry dates,
certificate id, revocation day and reason. CSV is always written; XLSX and JSON Lines on request
(``--format``). Every file is written to a temporary name and renamed, so a failure never leaves
half a register.

JSON Lines is for HR systems: one object per line, keys = `COLUMNS` plus ``exam_id``, status
and decision as codes, dates as ISO text, scores as numbers, text exactly as recorded.

Every text cell is made safe for spreadsheets (`spreadsheet_text`): a name such as
``=HYPERLINK(...)`` must reach HR as the text it is, never as a live formula (OWASP "CSV
injection"), and characters a workbook cannot hold are dropped rather than crash the report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from grading.reports.decisions import DecisionRecord
from grading.reports.errors import ReportError
from grading.reports.messages import Messages
from grading.reports.render import write_bytes
from grading.scheme import Scheme

CSV_FILE: Final = "register.csv"
XLSX_FILE: Final = "register.xlsx"
JSONL_FILE: Final = "register.jsonl"
#: Register formats and their files; CSV is always written.
FORMAT_FILES: Final = {"csv": CSV_FILE, "xlsx": XLSX_FILE, "jsonl": JSONL_FILE}
DEFAULT_FORMATS: Final = ("csv", "xlsx")
COLUMNS: Final = (
    "employee_no",
    "name",
    "email",
    "org_unit",
    "exam",
    "level",
    "decision",
    "decision_reason",
    "score",
    "max_score",
    "status",
    "issued_on",
    "expires_on",
    "certificate_id",
    "revoked_on",
    "revocation_reason",
)
DATE_COLUMNS: Final = ("issued_on", "expires_on", "revoked_on")
#: First characters that make a spreadsheet read a text cell as a formula (OWASP).
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
#: Prefixed to such a cell so that spreadsheets show it as text.
TEXT_MARK: Final = "'"

#: What a register cell holds: text, a number, a date, or nothing.
CellValue = str | float | dt.date | None


class RegisterFormatError(ReportError):
    """A register format this command cannot write."""


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The formats to write: CSV first, then the others asked for, each once.

    Raises:
        RegisterFormatError: an unknown format, naming the choices.
    """
    chosen = ["csv"]
    for name in formats:
        if name not in FORMAT_FILES:
            raise RegisterFormatError(
                f"--format {name}: unknown register format; choose from {', '.join(FORMAT_FILES)}."
            )
        if name not in chosen:
            chosen.append(name)
    return tuple(chosen)


def spreadsheet_text(text: str) -> str:
    """``text`` safe for a spreadsheet cell: no characters XLSX forbids, never read as a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return TEXT_MARK + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class RegisterRow:
    """One line of the register (see `COLUMNS`)."""

    employee_no: str
    name: str
    email: str
    org_unit: str
    exam: str
    """The exam's title in the report language."""
    exam_id: str
    level: str
    """Level name in the report language."""
    decision: str
    """Decision code: certified, failed or pending."""
    decision_reason: str
    score: float | None
    max_score: float
    status: str
    """Status code: valid, expired, revoked, pending or failed."""
    issued_on: dt.date | None
    expires_on: dt.date | None
    certificate_id: str
    revoked_on: dt.date | None
    revocation_reason: str


def register_rows(
    records: Iterable[DecisionRecord],
    scheme: Scheme,
    msg: Messages,
    as_of: dt.date,
    titles: dict[str, dict[str, str]] | None = None,
) -> list[RegisterRow]:
    """Register rows of ``records`` with statuses as of ``as_of``, by org unit, then trainee.

    Args:
        records: the decisions.
        scheme: levels and pass marks (for names and reasons).
        msg: the report language.
        as_of: the day statuses are computed for.
        titles: exam -> question id -> title (names items a pending decision waits for).
    """
    from grading.reports.hr_data import decision_reason, exam_title, level_name

    rows = [
        RegisterRow(
            r.trainee, r.name, r.email, r.org_unit,
            exam_title(scheme, r.exam, msg.lang), r.exam, level_name(scheme, r.level, msg.lang),
            r.status, decision_reason(r, scheme, msg, (titles or {}).get(r.exam)),
            r.score, r.max_score, r.certificate_status(as_of), r.issued_on, r.expires_on,
            r.certificate_id or "", r.revoked_on, r.revoked_reason,
        )
        for r in records
    ]  # fmt: skip
    return sorted(rows, key=lambda row: (row.org_unit, row.employee_no, row.exam_id))


def _cells(row: RegisterRow, msg: Messages) -> list[CellValue]:
    cells: list[CellValue] = [
        row.employee_no, row.name, row.email, row.org_unit, row.exam, row.level,
        msg.text(f"decision.{row.decision}"), row.decision_reason, row.score, row.max_score,
        msg.text(f"status.{row.status}"), row.issued_on, row.expires_on, row.certificate_id,
        row.revoked_on, row.revocation_reason,
    ]  # fmt: skip
    return [spreadsheet_text(c) if isinstance(c, str) else c for c in cells]


def _header(msg: Messages) -> list[str]:
    return [spreadsheet_text(msg.text(f"register.{c}")) for c in COLUMNS]


def _csv_text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return f"{value:g}" if isinstance(value, float) else str(value)


def write_csv(rows: list[RegisterRow], path: Path, msg: Messages) -> Path:
    """Write the register as CSV in UTF-8 with a byte-order mark (Excel then reads Chinese right).

    Raises:
        ReportError: the file cannot be written (nothing is half-written).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_header(msg))
    for row in rows:
        writer.writerow([_csv_text(v) for v in _cells(row, msg)])
    write_bytes(path, buffer.getvalue().encode("utf-8-sig"))
    return path


def write_xlsx(rows: list[RegisterRow], path: Path, msg: Messages) -> Path:
    """Write the register as an Excel workbook: real date cells, a filter row, the header frozen.

    Text cells are stored as strings, never as formulas.

    Raises:
        ReportError: the file cannot be written (nothing is half-written).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = msg.text("register.sheet")
    sheet.append(_header(msg))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(row, msg))
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would store a text starting with '=' as a formula
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        if column in DATE_COLUMNS:
            for cell in sheet[letter][1:]:
                cell.number_format = "yyyy-mm-dd"
        width = max(len(str(c.value or "")) for c in sheet[letter])
        sheet.column_dimensions[letter].width = min(max(10, width * 1.6 + 2), 40)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    content = io.BytesIO()
    book.save(content)
    write_bytes(path, content.getvalue())
    return path


def write_jsonl(rows: list[RegisterRow], path: Path) -> Path:
    """Write the register as JSON Lines (see the module's docstring).

    Raises:
        ReportError: the file cannot be written (nothing is half-written).
    """
    lines = []
    for row in rows:
        data = {column: getattr(row, column) for column in COLUMNS} | {"exam_id": row.exam_id}
        lines.append(json.dumps(data, ensure_ascii=False, default=_iso))
    write_bytes(path, ("\n".join(lines) + "\n" if lines else "").encode("utf-8"))
    return path


def _iso(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not serialisable: {value!r}")


def write_register(rows: list[RegisterRow], out: Path, msg: Messages, formats: Iterable[str]) -> list[Path]:
    """Write the register into ``out`` in each of ``formats`` (`check_formats`); returns the files.

    Raises:
        ReportError: an unknown format, or a file that cannot be written.
    """
    written = []
    for name in check_formats(formats):
        path = out / FORMAT_FILES[name]
        if name == "csv":
            written.append(write_csv(rows, path, msg))
        elif name == "xlsx":
            written.append(write_xlsx(rows, path, msg))
        else:
            written.append(write_jsonl(rows, path))
    return written
