"""PDF printing: a running Chromium per worker, the one-shot command when that fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading.reports import workers
from grading.reports.errors import RenderError
from grading.reports.pdf import ChromiumPrinter
from grading.reports.render import find_chromium

pytestmark = pytest.mark.slow
needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
PAGE = '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><body><h1>客户经理资格认证报告</h1></body></html>'


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


@needs_chromium
def test_one_browser_prints_several_pages(page: Path, tmp_path: Path) -> None:
    printer = ChromiumPrinter(str(find_chromium()), tmp_path / "profile")
    try:
        for name in ("a.pdf", "b.pdf"):
            assert printer.print_pdf(page, tmp_path / name).read_bytes().startswith(b"%PDF-")
    finally:
        printer.close()
    assert b"NotoSansCJK" in (tmp_path / "a.pdf").read_bytes()


def test_a_browser_that_is_not_one_is_an_error(page: Path, tmp_path: Path) -> None:
    printer = ChromiumPrinter("/bin/true", tmp_path / "profile")
    with pytest.raises(RenderError, match="printing in the running Chromium failed"):
        printer.print_pdf(page, tmp_path / "a.pdf")
    assert not (tmp_path / "a.pdf").exists()


@needs_chromium
def test_the_one_shot_command_takes_over_when_the_running_browser_fails(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: ChromiumPrinter, html: Path, pdf: Path) -> Path:
        raise RenderError("pipe broke")

    monkeypatch.setattr(ChromiumPrinter, "print_pdf", broken)
    monkeypatch.setattr(workers, "_printers", {})
    monkeypatch.setattr(workers, "_profile", [tmp_path / "profile"])
    pdf = workers.print_pdf(page, tmp_path / "one-shot.pdf", str(find_chromium()))
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert workers._printers == {str(find_chromium()): None}  # not tried again in this worker


@needs_chromium
def test_a_worker_starts_its_browser_at_warm_up_and_prints_every_page_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chromium = str(find_chromium())
    monkeypatch.setattr(workers, "_printers", {})
    monkeypatch.setattr(workers, "_profile", [])
    workers._worker_init(str(tmp_path / "scratch"), chromium)
    printer = workers._printers[chromium]
    assert printer is not None and printer._process is not None  # booting before any page
    browser = printer._process.pid
    try:
        for n in range(5):
            page = tmp_path / f"page{n}.html"
            page.write_text(PAGE.replace("</h1>", f"</h1><p>第 {n} 位学员</p>"), encoding="utf-8")
            pdf = workers.print_pdf(page, tmp_path / f"page{n}.pdf", chromium)
            data = pdf.read_bytes()
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
            assert b"NotoSansCJK" in data
        assert printer._process is not None and printer._process.pid == browser
    finally:
        workers._close_printers()
