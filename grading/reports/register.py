"""The HR register of certificates: ``register.csv`` (UTF-8 with BOM, for Excel) and ``register.xlsx``.

One row per decision: trainee id, name, org unit, exam, level, status (valid, expired, revoked,
pending, failed, in the report language), issue and expiry dates, certificate id. Both files
are written to a temporary name and renamed, so a failure never leaves half a register.

Every text cell is made safe for spreadsheets (`spreadsheet_text`): a name such as
``=HYPERLINK(...)`` must reach HR as the text it is, never as a live formula (OWASP "CSV
injection"), and characters a workbook cannot hold are dropped rather than crash the report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from grading.reports.data import DecisionRecord
from grading.reports.messages import Messages
from grading.reports.render import write_bytes
from grading.scheme import Scheme

CSV_FILE: Final = "register.csv"
XLSX_FILE: Final = "register.xlsx"
COLUMNS: Final = (
    "trainee_id",
    "name",
    "org_unit",
    "exam",
    "level",
    "status",
    "issued_on",
    "expires_on",
    "certificate_id",
)
DATE_COLUMNS: Final = ("issued_on", "expires_on")
#: First characters that make a spreadsheet read a text cell as a formula (OWASP).
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
#: Prefixed to such a cell so that spreadsheets show it as text.
TEXT_MARK: Final = "'"

#: What a register cell holds: text, a date, or nothing.
CellValue = str | dt.date | None


def spreadsheet_text(text: str) -> str:
    """``text`` safe for a spreadsheet cell: no characters XLSX forbids, never read as a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return TEXT_MARK + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class RegisterRow:
    """One line of the register."""

    trainee_id: str
    name: str
    org_unit: str
    exam: str
    level: str
    """Level name in the report language."""
    status: str
    """Status code: valid, expired, revoked, pending or failed."""
    issued_on: dt.date | None
    expires_on: dt.date | None
    certificate_id: str


def register_rows(
    records: Iterable[DecisionRecord], scheme: Scheme, lang: str, as_of: dt.date
) -> list[RegisterRow]:
    """Register rows of ``records`` with statuses as of ``as_of``, by org unit, then trainee."""
    rows = []
    for r in records:
        level = scheme.level(r.level)
        rows.append(
            RegisterRow(
                r.trainee,
                r.name,
                r.org_unit,
                r.exam,
                level.name_zh if lang == "zh" else level.name_en,
                r.certificate_status(as_of),
                r.issued_on,
                r.expires_on,
                r.certificate_id or "",
            )
        )
    return sorted(rows, key=lambda row: (row.org_unit, row.trainee_id, row.exam))


def _cells(row: RegisterRow, msg: Messages) -> list[CellValue]:
    cells: list[CellValue] = [
        row.trainee_id,
        row.name,
        row.org_unit,
        row.exam,
        row.level,
        msg.text(f"status.{row.status}"),
        row.issued_on,
        row.expires_on,
        row.certificate_id,
    ]
    return [spreadsheet_text(c) if isinstance(c, str) else c for c in cells]


def _header(msg: Messages) -> list[str]:
    return [spreadsheet_text(msg.text(f"register.{c}")) for c in COLUMNS]


def write_csv(rows: list[RegisterRow], path: Path, msg: Messages) -> Path:
    """Write the register as CSV in UTF-8 with a byte-order mark (Excel then reads Chinese right).

    Raises:
        ReportError: the file cannot be written (nothing is half-written).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_header(msg))
    for row in rows:
        writer.writerow(
            ["" if v is None else (v.isoformat() if isinstance(v, dt.date) else v) for v in _cells(row, msg)]
        )
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
