"""In a real JupyterLab 4, modules 8 and 10 run, their formulas render with MathJax, and widgets react.

The headless papermill run (`test_notebooks.py`) cannot see what a trainee sees: LaTeX that
JupyterLab leaves as raw ``\\[ … \\]`` text, or a slider whose output never changes because the
widget front end is missing. This test starts a JupyterLab server on a copy of the curriculum,
opens the notebooks in the system Chromium and looks at the rendered page.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

CURRICULUM = ROOT / "curriculum"
MODULE_04 = "04_客户价值一_业务量RFM与ABC.ipynb"
MODULE_08 = "08_客户拜访与关系维护.ipynb"
MODULE_10 = "10_考核激励与客户分配.ipynb"
TOKEN = "cmacademy-render-test"
#: Milliseconds the page may take for one step (opening a notebook, running all its cells).
STEP_TIMEOUT_MS = 60_000
SERVER_START_SECONDS = 60
#: Raw TeX delimiters that must never reach the trainee's screen; `$$` is MathJax's input form.
RAW_TEX = ("\\[", "\\]", "$$")
#: Notebook settings for the test server: render every cell (no windowing), so that the page's
#: text holds the whole notebook, not only the cells scrolled into view.
NOTEBOOK_SETTINGS = {"windowingMode": "none"}


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab server on a copy of the curriculum."""

    url: str
    root: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    base = tmp_path_factory.mktemp("lab")
    root = base / "curriculum"
    shutil.copytree(CURRICULUM, root)
    settings = base / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps(NOTEBOOK_SETTINGS), encoding="utf-8")
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
    }
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={TOKEN}", "--ServerApp.allow_root=True", f"--ServerApp.root_dir={root}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=base,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/api/status?token={TOKEN}", SERVER_START_SECONDS)
        yield Lab(url, root)
    finally:
        server.terminate()
        server.wait(timeout=30)


def open_and_run(browser: Any, lab: Lab, notebook: str) -> Any:
    """Open a notebook in JupyterLab, run all its cells and wait until every code cell has run."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.goto(f"{lab.url}/lab/tree/{urllib.parse.quote(notebook)}?token={TOKEN}&reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for()
    # Through the menu, as a trainee does: the notebook must be the current widget when it runs.
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.keyboard.press("Escape")
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }"""
    )
    return page


@pytest.fixture(scope="module")
def opened(browser: Any, lab: Lab) -> Iterator[Callable[[str], Any]]:
    """Each notebook opened and run once for this module's tests (module 8's formula test and its
    slider test read one page: the formulas do not change when the slider moves)."""
    pages: dict[str, Any] = {}

    def page_of(notebook: str) -> Any:
        if notebook not in pages:
            pages[notebook] = open_and_run(browser, lab, notebook)
        return pages[notebook]

    yield page_of
    for page in pages.values():
        page.close()


def rendered_markdown(page: Any) -> list[str]:
    """The text of every rendered markdown cell, as the DOM holds it."""
    return list(
        page.eval_on_selector_all(
            ".jp-MarkdownCell .jp-RenderedMarkdown", "els => els.map(e => e.textContent)"
        )
    )


def errors_shown(page: Any) -> list[str]:
    return list(
        page.eval_on_selector_all(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], .jp-RenderedText[data-mime-type='application/vnd.jupyter.error']",
            "els => els.map(e => e.textContent)",
        )
    )


def formulas_in(notebook: str) -> int:
    """How many ``$$…$$`` display formulas the notebook's markdown holds."""
    nb = json.loads((CURRICULUM / notebook).read_text(encoding="utf-8"))
    text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return text.count("$$") // 2


@pytest.mark.parametrize("notebook", [MODULE_08, MODULE_10])
def test_formulas_render_with_mathjax_and_no_raw_tex(opened: Callable[[str], Any], notebook: str) -> None:
    page = opened(notebook)
    assert formulas_in(notebook) >= 1, "the module teaches its formula as $$…$$"
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-RenderedMarkdown mjx-container').length >= n",
        arg=formulas_in(notebook),
    )
    raw = [(t[:80], d) for t in rendered_markdown(page) for d in RAW_TEX if d in t]
    assert raw == [], f"raw TeX shown to the trainee: {raw}"
    assert errors_shown(page) == []


def test_visit_plan_slider_changes_its_output(opened: Callable[[str], Any]) -> None:
    """Module 8's capacity slider: one more hour re-plans the visits and the printed plan changes."""
    page = opened(MODULE_08)
    widget = page.locator(".jp-OutputArea-output .widget-interact").first
    widget.wait_for()
    output = widget.locator(".widget-output")
    before = output.inner_text()
    assert "排上" in before
    slider = widget.locator(".widget-hslider")
    label = slider.locator(".widget-readout")
    assert label.inner_text().strip() == "20"
    handle = slider.locator(".noUi-handle")
    handle.focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.textContent.trim() === '40'", arg=label.element_handle())
    page.wait_for_function("([el, old]) => el.innerText !== old", arg=[output.element_handle(), before])
    after = output.inner_text()
    assert "排上" in after and after != before


def test_abc_slider_changes_the_tier_summary(browser: Any, lab: Lab) -> None:
    """Module 4's ABC boundary slider: moving the A boundary re-tiers the region's clients."""
    page = open_and_run(browser, lab, MODULE_04)
    try:
        widget = page.locator(".jp-OutputArea-output .widget-interact", has_text="A 界线").first
        widget.wait_for()
        output = widget.locator(".widget-output")
        before = output.inner_text()
        slider = widget.locator(".widget-hslider", has_text="A 界线")
        label = slider.locator(".widget-readout")
        start = label.inner_text().strip()
        slider.locator(".noUi-handle").focus()
        for _ in range(2):
            page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "([el, old]) => el.textContent.trim() !== old", arg=[label.element_handle(), start]
        )
        page.wait_for_function("([el, old]) => el.innerText !== old", arg=[output.element_handle(), before])
        assert output.inner_text() != before
    finally:
        page.close()
