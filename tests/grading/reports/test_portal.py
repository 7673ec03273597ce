"""The HR portal in headless Chromium, opened from the file system: what a person sees and filters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from grading.reports.render import find_chromium
from tests.grading.reports.conftest import Reported

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture
def portal(browser: Any, reported: Reported) -> Iterator[Any]:
    page = browser.new_page()
    page.goto((reported.out / "portal" / "index.html").as_uri())
    yield page
    page.close()


def visible_ids(page: Any) -> list[str]:
    return sorted(page.locator("#register tbody tr:visible td:first-child").all_inner_texts())


def test_everyone_is_listed_at_first(portal: Any) -> None:
    assert portal.locator("#count").inner_text() == "显示 10 / 10 条"
    assert visible_ids(portal) == [f"t{i:02d}" for i in range(1, 11)]


def test_search_by_name_and_by_certificate_id(portal: Any, reported: Reported) -> None:
    portal.fill("#search", "王芳")
    assert visible_ids(portal) == ["t01"]
    assert portal.locator("#count").inner_text() == "显示 1 / 10 条"
    portal.fill("#search", (reported.cohort.decisions["t03"].certificate_id or "").lower())
    assert visible_ids(portal) == ["t03"]


def test_filter_by_org_unit(portal: Any) -> None:
    portal.select_option("#f-unit", "宁波分行")
    assert visible_ids(portal) == ["t03", "t04", "t08"]


@pytest.mark.parametrize(
    ("status", "ids"),
    [("revoked", ["t10"]), ("expired", ["t01"]), ("pending", ["t09"]), ("valid", ["t02", "t03", "t05"])],
)
def test_filter_by_status(portal: Any, status: str, ids: list[str]) -> None:
    portal.select_option("#f-status", status)
    assert visible_ids(portal) == ids


def test_expiring_within_90_days(portal: Any) -> None:
    portal.check("#f-expiring")
    assert visible_ids(portal) == ["t02"]
    row = portal.locator("#register tbody tr:visible")
    assert "2027-01-15" in row.inner_text() and "有效" in row.inner_text()


def test_filters_combine_and_level_lists_the_level(portal: Any) -> None:
    assert portal.locator("#f-level option").all_inner_texts() == ["全部", "初级客户经理"]
    portal.select_option("#f-unit", "杭州分行")
    portal.select_option("#f-status", "failed")
    assert visible_ids(portal) == ["t07"]
    portal.select_option("#f-level", "associate")
    assert visible_ids(portal) == ["t07"]


def test_public_key_is_published(portal: Any, reported: Reported) -> None:
    shown = portal.locator("#public-key pre").inner_text()
    assert shown.strip() == (reported.out / "portal" / "public_key.pem").read_text().strip()
    assert shown.startswith("-----BEGIN PUBLIC KEY-----")


def test_trainee_page_links_the_report_a_person_can_read(portal: Any) -> None:
    portal.get_by_role("link", name="张伟").click()
    assert portal.locator("h1").inner_text() == "张伟"
    assert "有效" in portal.locator("table").inner_text()
    portal.get_by_role("link", name="查看报告").click()
    text = portal.locator("body").inner_text()
    for expected in (
        "客户经理资格认证报告",
        "张伟",
        "宁波分行",
        "通过认证",
        "各项能力得分",
        "逐题结果",
        "ABC 分层",
    ):
        assert expected in text
    assert "import" not in text and "TraineeReport" not in text
    chart = portal.locator("img").first
    assert chart.evaluate("img => img.complete && img.naturalWidth > 300")
