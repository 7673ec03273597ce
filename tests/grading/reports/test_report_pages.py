"""Reports people read: the decision on page 1, the name and page number on every page, titles not codes."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from grading.exams import report_cells
from grading.reports.cohort_sections import TOP_SIMILAR
from grading.reports.render import find_chromium
from tests.grading.reports.cohort_builder import EXAM
from tests.grading.reports.conftest import Reported

pytestmark = pytest.mark.slow
needs_pdf_tools = pytest.mark.skipif(
    find_chromium() is None or shutil.which("pdftotext") is None,
    reason="needs Chromium and pdftotext (Debian: chromium, poppler-utils)",
)


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return [p for p in text.stdout.split("\f") if p.strip()]


@needs_pdf_tools
@pytest.mark.parametrize(
    ("trainee", "expected"),
    [
        (
            "t03",
            ("张伟", "通过认证", "各项能力均达到合格线", "初级客户经理", "2026-10-01 至 2028-10-01", "有效"),
        ),
        ("t04", ("刘洋", "未通过", "客户开发与信息收集 0% 低于能力合格线 50%", "未颁发证书")),
        ("t09", ("周婷", "待定", "待人工评分：客户评价报告")),
    ],
)
def test_the_first_page_carries_name_decision_reason_level_and_validity(
    reported: Reported, trainee: str, expected: tuple[str, ...]
) -> None:
    first = pages(reported.out / "reports" / EXAM / f"{trainee}.pdf")[0]
    for text in expected:
        assert text in re.sub(r"[ \t]+", " ", first), text


@needs_pdf_tools
def test_every_page_has_the_name_and_its_number(reported: Reported) -> None:
    printed = pages(reported.out / "reports" / EXAM / "t03.pdf")
    assert len(printed) >= 2
    for number, page in enumerate(printed, start=1):
        assert "张伟 · 客户经理资格认证报告" in page
        assert re.search(rf"第\s*{number}\s*/\s*{len(printed)}\s*页", page), number


def test_the_cohort_report_summarises_similar_reports_and_links_the_full_list(reported: Reported) -> None:
    page = (reported.out / "reports" / f"cohort-{EXAM}.html").read_text(encoding="utf-8")
    pairs = _csv_rows(reported)
    assert pairs > TOP_SIMILAR and f"共 {pairs} 对报告相似度" in page
    assert page.count("（t") == 2 * TOP_SIMILAR  # the closest pairs by name, not all of them
    assert 'href="similar-reports-assoc.csv"' in page
    assert "王芳（t01）" in page


def _csv_rows(reported: Reported) -> int:
    text = (reported.out / "reports" / f"similar-reports-{EXAM}.csv").read_text(encoding="utf-8-sig")
    return len(text.strip().splitlines()) - 1


def test_items_and_the_exam_are_shown_by_their_titles(reported: Reported) -> None:
    page = (reported.out / "reports" / f"cohort-{EXAM}.html").read_text(encoding="utf-8")
    _, criteria = report_cells(EXAM)
    assert f"客户评价报告：结构（{criteria[0]}）" in page and "ABC 分层（q1_abc_tiers）" in page
    assert "初级客户经理认证考试" in page and "<td>assoc</td>" not in page
    report = (reported.out / "reports" / EXAM / "t04.html").read_text(encoding="utf-8")
    assert "初级客户经理认证考试" in report and "<td>assoc</td>" not in report


def test_the_full_similar_list_is_in_the_hr_dashboard_too(reported: Reported) -> None:
    assert (reported.out / "hr" / "reports" / f"similar-reports-{EXAM}.csv").is_file()
