"""Executed notebook to page: outputs only, template notes and warnings left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from nbformat.v4 import new_output

from grading.reports.errors import RenderError
from grading.reports.messages import Messages
from grading.reports.render import HtmlRenderer, execute, find_chromium

FILES = Path(__file__).parent / "files"


def test_page_shows_outputs_without_code_notes_or_warnings() -> None:
    page = HtmlRenderer(Messages.for_language("en")).render(
        execute(FILES / "documented_and_noisy.ipynb", {}), "T"
    )
    assert "kept" in page
    assert "noise" not in page and "Only for template authors" not in page and "import sys" not in page
    assert '<html lang="en">' in page and "<title>T</title>" in page


def test_an_error_output_is_not_rendered() -> None:
    nb = execute(FILES / "outputs.ipynb", {})
    nb.cells[-1].outputs.append(new_output("error", ename="E", evalue="bad", traceback=[]))
    with pytest.raises(RenderError, match="E: bad; the report was not written"):
        HtmlRenderer(Messages.for_language("zh")).render(nb, "T")


def test_chromium_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CMACADEMY_CHROMIUM", str(tmp_path / "missing"))
    assert find_chromium() is None
    browser = tmp_path / "browser"
    browser.write_text("")
    monkeypatch.setenv("CMACADEMY_CHROMIUM", str(browser))
    assert find_chromium() == str(browser)
