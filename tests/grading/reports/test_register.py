"""The HR register: CSV that Excel opens, and a workbook with real dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from grading.scheme import load_scheme
from tests.grading.reports.cohort_builder import AS_OF, EXAM, MAX_POINTS
from tests.grading.reports.conftest import Reported

pytestmark = pytest.mark.slow

PASS_SHARE = load_scheme().level_for_exam(EXAM).overall_min
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
HEADER = [
    "员工编号", "姓名", "邮箱", "所属机构", "考试", "认证级别", "认证结论", "结论原因", "得分", "满分",
    "证书状态", "发证日期", "有效期至", "证书编号", "撤销日期", "撤销原因",
]  # fmt: skip
STATUS = HEADER.index("证书状态")


def test_csv_has_a_bom_and_a_row_per_decision(reported: Reported) -> None:
    raw = (reported.out / "register.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    by_id = {r[0]: dict(zip(HEADER, r, strict=True)) for r in rows[1:]}
    assert {t: r["证书状态"] for t, r in by_id.items()} == STATUSES
    t02 = by_id["t02"]
    assert [t02[h] for h in ("姓名", "邮箱", "所属机构", "考试", "认证级别", "认证结论")] == [
        "李强", "t02@bank.example", "杭州分行", "初级客户经理认证考试", "初级客户经理", "通过认证",
    ]  # fmt: skip
    assert (t02["发证日期"], t02["有效期至"]) == ("2025-01-15", "2027-01-15")
    assert t02["满分"] == f"{MAX_POINTS:g}" and float(t02["得分"]) >= PASS_SHARE * MAX_POINTS
    t04 = by_id["t04"]
    assert "低于能力合格线" in t04["结论原因"] and t04["证书编号"] == t04["发证日期"] == ""
    t10 = by_id["t10"]
    assert t10["撤销原因"] == "misconduct found on review" and t10["撤销日期"].startswith("20")


def test_xlsx_has_the_same_rows_with_date_and_number_cells(reported: Reported) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(reported.out / "register.xlsx").active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    by_id = {r[0]: r for r in rows[1:]}
    assert {t: r[STATUS] for t, r in by_id.items()} == STATUSES
    t03 = by_id["t03"]
    assert t03[HEADER.index("发证日期")] == dt.datetime(2026, 10, 1)
    assert t03[HEADER.index("证书编号")] == reported.cohort.decisions["t03"].certificate_id
    assert isinstance(t03[HEADER.index("得分")], int | float) and t03[HEADER.index("满分")] == MAX_POINTS


def test_json_lines_for_hr_systems(reported: Reported, tmp_path: Path) -> None:
    from grading.reports.decisions import decision_records
    from grading.reports.messages import Messages
    from grading.reports.register import register_rows, write_jsonl
    from grading.scheme import load_scheme

    scheme = load_scheme()
    records = decision_records(reported.cohort.course.db_url, {lv.id: lv for lv in scheme.levels})
    rows = register_rows(records, scheme, Messages.for_language("zh"), AS_OF)
    lines = write_jsonl(rows, tmp_path / "register.jsonl").read_text(encoding="utf-8").splitlines()
    data = {d["employee_no"]: d for d in map(json.loads, lines)}
    assert len(data) == 10 and data["t10"]["status"] == "revoked" and data["t04"]["decision"] == "failed"
    assert data["t02"]["expires_on"] == "2027-01-15" and data["t02"]["exam_id"] == "assoc"
    assert isinstance(data["t02"]["score"], float) and data["t04"]["certificate_id"] == ""
