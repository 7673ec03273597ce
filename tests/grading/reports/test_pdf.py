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
