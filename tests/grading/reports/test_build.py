"""`generate_reports` on a graded and certified cohort: every output, readable, without answers."""

from __future__ import annotations

import re

import pytest

from grading.exams import expected_answers, report_cells
from grading.reports.render import find_chromium
from tests.grading.reports.cohort_builder import EXAM, TRAINEES
from tests.grading.reports.conftest import Reported

pytestmark = pytest.mark.slow
needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
CERTIFIED = ["t01", "t02", "t03", "t05", "t10"]


def test_one_html_report_per_trainee_and_the_cohort_report(reported: Reported) -> None:
    assert reported.summary.failures == {}
    names = sorted(p.stem for p in (reported.out / "reports" / EXAM).glob("*.html"))
    assert names == [t[0] for t in TRAINEES]
    assert reported.summary.cohort_report == reported.out / "reports" / f"cohort-{EXAM}.html"
    assert (reported.out / "register.csv").is_file() and (reported.out / "register.xlsx").is_file()
    assert (reported.out / "public" / "index.html").is_file() and (
        reported.out / "hr" / "index.html"
    ).is_file()
    assert reported.summary.publish_url == "https://certificates.example.invalid/"


def test_one_signed_certificate_per_certificate_issued(reported: Reported) -> None:
    ids = sorted(reported.cohort.decisions[t].certificate_id or "" for t in CERTIFIED)
    assert sorted(p.stem for p in (reported.out / "certificates").glob("*.json")) == ids


@needs_chromium
def test_pdfs_carry_chinese_glyphs(reported: Reported) -> None:
    assert not [n for n in reported.summary.notices if "PDF" in n or "font" in n]
    pdfs = sorted((reported.out / "reports" / EXAM).glob("*.pdf"))
    assert len(pdfs) == len(TRAINEES) and (reported.out / "reports" / f"cohort-{EXAM}.pdf").is_file()
    data = pdfs[0].read_bytes()
    assert data.startswith(b"%PDF-") and b"NotoSansCJK" in data  # Chinese text set in a CJK font


def test_reports_are_self_contained_pages_without_code(reported: Reported) -> None:
    page = (reported.out / "reports" / EXAM / "t03.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert "TraineeReport" not in page and "report.header()" not in page and "input_area" not in page
    assert re.search(r'(src|href)="(https?:)?//', page) is None  # nothing fetched from elsewhere
    assert "<script" not in page
    assert page.count('src="data:image/png;base64,') == 1  # the chart, inline
    for text in ("客户经理资格认证报告", "张伟", "宁波分行", "通过认证", "CMA-ASSOCIATE-2026-", "ABC 分层"):
        assert text in page


def test_a_failed_trainee_is_pointed_to_the_modules_to_revisit(reported: Reported) -> None:
    page = (reported.out / "reports" / EXAM / "t04.html").read_text(encoding="utf-8")
    assert "未通过" in page and "模块 3：客户开发与信息收集" in page


def test_reports_never_show_expected_answers(reported: Reported) -> None:
    for trainee, *_ in TRAINEES:
        page = (reported.out / "reports" / EXAM / f"{trainee}.html").read_text(encoding="utf-8")
        for question, expected in expected_answers(EXAM, trainee).items():
            if isinstance(expected.value, float) and expected.decimals >= 2:
                assert f"{expected.value:.{expected.decimals}f}" not in page, (trainee, question)


def test_cohort_report_has_item_statistics_reliability_and_fairness(reported: Reported) -> None:
    page = (reported.out / "reports" / f"cohort-{EXAM}.html").read_text(encoding="utf-8")
    for text in (
        "总分分布",
        "题目统计",
        "区分度",
        "Cronbach α",
        "变式公平性",
        report_cells(EXAM)[1][0],  # a report criterion, marked by hand
        "通过率",
    ):
        assert text in page
    assert page.count('src="data:image/png;base64,') == 1


def test_a_pending_trainee_is_not_told_an_ungraded_item_is_a_gap(reported: Reported) -> None:
    page = (reported.out / "reports" / EXAM / "t09.html").read_text(encoding="utf-8")
    assert "待定" in page and "待评分" in page
    assert "模块 9" not in page  # the report item waits for its grader; nothing to revisit yet
