"""The HR register: CSV that Excel opens, and a workbook with real dates."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from tests.grading.reports.conftest import Reported

pytestmark = pytest.mark.slow

STATUSES = {
    "t01": "已过期",
    "t02": "有效",
    "t03": "有效",
    "t04": "未通过",
    "t05": "有效",
    "t06": "未通过",
    "t07": "未通过",
    "t08": "未通过",
    "t09": "待定",
    "t10": "已撤销",
}
HEADER = ["学员编号", "姓名", "所属机构", "考试", "认证级别", "状态", "发证日期", "有效期至", "证书编号"]


def test_csv_has_a_bom_and_a_row_per_decision(reported: Reported) -> None:
    raw = (reported.out / "register.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    by_id = {r[0]: r for r in rows[1:]}
    assert {t: r[5] for t, r in by_id.items()} == STATUSES
    assert by_id["t02"][1:5] == ["李强", "杭州分行", "assoc", "初级客户经理"]
    assert by_id["t02"][6:8] == ["2025-01-15", "2027-01-15"]
    assert by_id["t04"][6:] == ["", "", ""]


def test_xlsx_has_the_same_rows_with_date_cells(reported: Reported) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(reported.out / "register.xlsx").active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    by_id = {r[0]: r for r in rows[1:]}
    assert {t: r[5] for t, r in by_id.items()} == STATUSES
    assert (
        by_id["t03"][6] == dt.datetime(2026, 10, 1)
        and by_id["t03"][8] == reported.cohort.decisions["t03"].certificate_id
    )
