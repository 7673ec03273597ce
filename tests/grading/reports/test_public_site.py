"""The public verification site, served alone on loopback in Chromium: only what a verifier needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from grading.reports.render import find_chromium
from tests.grading.reports.cohort_builder import AS_OF, TRAINEES
from tests.grading.reports.conftest import Reported
from tests.grading.reports.site_server import Walk, serve, walk_site, watch

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed"),
]
NOT_CERTIFIED = ["t04", "t06", "t07", "t08", "t09"]
MIDDAY = dt.datetime.combine(AS_OF, dt.time(12))


@pytest.fixture(scope="module")
def site(reported: Reported) -> Iterator[str]:
    with serve(reported.out / "public") as base:
        yield base


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    tab = context.new_page()
    tab.clock.set_fixed_time(MIDDAY)
    yield tab
    context.close()


@pytest.fixture(scope="module")
def walked(browser: Any, site: str) -> Walk:
    context = browser.new_context()
    tab = context.new_page()
    tab.clock.set_fixed_time(MIDDAY)
    walk = walk_site(tab, site)
    context.close()
    return walk


def cert_id(reported: Reported, trainee: str) -> str:
    return reported.cohort.decisions[trainee].certificate_id or ""


def test_served_alone_every_link_resolves_without_console_errors(walked: Walk) -> None:
    assert walked.broken == {}
    assert walked.console_errors == [] and walked.failed_requests == []
    assert any(url.endswith("/status/revocation.json") for url in walked.files)
    assert any(url.endswith("/public_key.pem") for url in walked.files)


def test_no_failed_trainee_no_score_and_no_list_of_holders(reported: Reported, walked: Walk) -> None:
    hidden = [name for t, name, *_ in TRAINEES if t in NOT_CERTIFIED]
    for path in (reported.out / "public").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".pem", ".svg"):
            text = path.read_text(encoding="utf-8")
            assert not [n for n in hidden if n in text], path
            assert "@bank.example" not in text and "得分" not in text and "/ 34" not in text, path
    start = next(iter(walked.text.values()))
    assert not [name for _, name, *_ in TRAINEES if name in start]  # the start page lists nobody
    holders = [t for t, *_ in TRAINEES if t not in NOT_CERTIFIED]
    assert len(walked.pages) < len(holders)  # no page links to every certificate


def test_lookup_by_certificate_id_shows_holder_level_validity_and_status(
    page: Any, site: str, reported: Reported
) -> None:
    page.goto(site)
    page.fill("#cert-id", cert_id(reported, "t03").lower())
    page.click("button[type=submit]")
    page.wait_for_url(f"**/c/{cert_id(reported, 't03')}.html")
    text = page.locator("main").inner_text()
    for expected in (
        "张伟",
        "初级客户经理",
        "2026-10-01",
        "2028-10-01",
        "有效证书",
        cert_id(reported, "t03"),
    ):
        assert expected in text
    assert "宁波分行" not in text and "t03" not in text  # no org unit, no employee number


@pytest.mark.parametrize(("trainee", "verdict"), [("t10", "证书已撤销"), ("t01", "证书已过期")])
def test_revoked_and_expired_certificates_say_so(
    page: Any, site: str, reported: Reported, trainee: str, verdict: str
) -> None:
    page.goto(f"{site}c/{cert_id(reported, trainee)}.html")
    assert page.locator("#verdict").inner_text() == verdict


def test_expiry_follows_todays_date_in_the_browser(browser: Any, site: str, reported: Reported) -> None:
    context = browser.new_context()
    tab = context.new_page()
    tab.clock.set_fixed_time(dt.datetime(2027, 2, 1, 12))
    tab.goto(f"{site}c/{cert_id(reported, 't02')}.html")  # valid until 2027-01-15
    assert tab.locator("#verdict").inner_text() == "证书已过期"
    context.close()


def test_an_unknown_id_is_answered_on_the_page(page: Any, site: str) -> None:
    walk = Walk()
    watch(page, walk)
    page.goto(site)
    page.fill("#cert-id", "CMA-ASSOCIATE-2026-00000000")
    page.click("button[type=submit]")
    page.wait_for_function("document.getElementById('result').textContent.length > 0")
    assert "未找到证书 CMA-ASSOCIATE-2026-00000000" in page.locator("#result").inner_text()
    assert page.url == site


def test_the_signing_key_shows_as_text(page: Any, site: str, reported: Reported) -> None:
    page.goto(f"{site}key.html")
    shown = page.locator("#public-key").inner_text().strip()
    assert shown == (reported.out / "public" / "public_key.pem").read_text().strip()
    assert shown.startswith("-----BEGIN PUBLIC KEY-----")


def test_a_folder_never_lists_its_files(page: Any, site: str) -> None:
    for folder in ("c/", "status/", "badges/"):
        page.goto(site + folder)
        assert "CMA-" not in page.content(), folder
