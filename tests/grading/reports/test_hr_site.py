"""The internal HR dashboard, served alone on loopback in Chromium: the whole picture, computed for today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from grading.reports.render import find_chromium
from tests.grading.reports.cohort_builder import AS_OF, MAX_POINTS
from tests.grading.reports.conftest import Reported
from tests.grading.reports.site_server import Walk, serve, walk_site

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed"),
]
MIDDAY = dt.datetime.combine(AS_OF, dt.time(12))


@pytest.fixture(scope="module")
def site(reported: Reported) -> Iterator[str]:
    with serve(reported.out / "hr") as base:
        yield base


def open_on(browser: Any, url: str, when: dt.datetime) -> Any:
    context = browser.new_context()
    tab = context.new_page()
    tab.clock.set_fixed_time(when)
    tab.goto(url)
    return tab


@pytest.fixture
def dashboard(browser: Any, site: str) -> Iterator[Any]:
    tab = open_on(browser, site, MIDDAY)
    yield tab
    tab.context.close()


def visible_ids(page: Any) -> list[str]:
    return sorted(page.locator("#register tbody tr:visible td:first-child").all_inner_texts())


def test_served_alone_no_link_is_broken_and_no_console_error(browser: Any, site: str) -> None:
    context = browser.new_context()
    walk: Walk = walk_site(context.new_page(), site)
    context.close()
    assert walk.broken == {}
    assert walk.console_errors == [] and walk.failed_requests == []
    files = list(walk.files)
    for wanted in ("/reports/assoc/t03.html", "/reports/assoc/t03.pdf", "/reports/cohort-assoc.html",
                   "/register.csv", "/register.xlsx", "/trainees/t03.html"):  # fmt: skip
        assert any(url.endswith(wanted) for url in files), wanted
    assert sum(url.endswith(".json") for url in files) == 5  # every certificate
    assert sum("/certificates/" in url and url.endswith(".pdf") for url in files) == 4  # not the revoked one


def test_every_decision_with_its_reason_score_and_contact(dashboard: Any) -> None:
    assert dashboard.locator("#count").inner_text() == "显示 10 / 10 条"
    row = dashboard.locator("#register tbody tr", has_text="刘洋").inner_text()
    assert (
        "t04@bank.example" in row
        and "未通过" in row
        and "低于能力合格线 50%" in row
        and f"/ {MAX_POINTS:g}" in row
    )
    revoked = dashboard.locator("#register tbody tr", has_text="吴昊").inner_text()
    assert "已撤销" in revoked and "misconduct found on review" in revoked
    pending = dashboard.locator("#register tbody tr", has_text="周婷").inner_text()
    assert "待人工评分：客户评价报告（结构、证据、需求、风险、权限）" in pending  # one item, its criteria


def test_counts_and_pass_rates_per_org_unit(dashboard: Any) -> None:
    rows = {
        cells[0]: cells[1:]
        for cells in (r.split("\t") for r in dashboard.locator("#units tbody tr").all_inner_texts())
    }
    # unit: trainees, certified, failed, pending, pass rate, valid now, within 90, within 30
    assert rows["宁波分行"] == ["3", "1", "2", "0", "33%", "1", "0", "0"]
    assert rows["杭州分行"] == ["4", "3", "1", "0", "75%", "1", "1", "0"]
    summary = dashboard.locator("#summary").inner_text()
    assert "参训人数\n10" in summary and "当前有效证书\n3" in summary and "需重新认证\n2" in summary


def test_trends_by_sitting(dashboard: Any) -> None:
    rows = dashboard.locator("#trends tbody tr").all_inner_texts()
    assert len(rows) == 1 and rows[0].startswith("初级客户经理认证考试 · ")


@pytest.mark.parametrize(
    ("remind", "ids"), [("within90", ["t02"]), ("within30", []), ("due", ["t01", "t02"])]
)
def test_reminders_are_computed_for_today(dashboard: Any, remind: str, ids: list[str]) -> None:
    dashboard.select_option("#f-remind", remind)
    assert visible_ids(dashboard) == ids


def test_a_later_day_moves_certificates_into_the_30_day_window(browser: Any, site: str) -> None:
    tab = open_on(browser, site, dt.datetime(2027, 1, 1, 12))
    tab.select_option("#f-remind", "within30")
    assert visible_ids(tab) == ["t02"]
    assert "14 天" in tab.locator("#register tbody tr:visible").inner_text()
    tab.context.close()


@pytest.mark.parametrize(
    ("status", "ids"),
    [("revoked", ["t10"]), ("expired", ["t01"]), ("pending", ["t09"]), ("valid", ["t02", "t03", "t05"])],
)
def test_filter_by_status(dashboard: Any, status: str, ids: list[str]) -> None:
    dashboard.select_option("#f-status", status)
    assert visible_ids(dashboard) == ids


def test_search_and_unit_filter_combine(dashboard: Any) -> None:
    dashboard.fill("#search", "t07@bank")
    assert visible_ids(dashboard) == ["t07"]
    dashboard.fill("#search", "")
    dashboard.select_option("#f-unit", "宁波分行")
    assert visible_ids(dashboard) == ["t03", "t04", "t08"]


def test_trainee_page_links_the_report(dashboard: Any) -> None:
    dashboard.get_by_role("link", name="张伟").click()
    assert dashboard.locator("h1").inner_text() == "张伟"
    dashboard.get_by_role("link", name="报告", exact=True).click()
    text = dashboard.locator("body").inner_text()
    for expected in ("客户经理资格认证报告", "张伟", "宁波分行", "通过认证", "ABC 分层"):
        assert expected in text
