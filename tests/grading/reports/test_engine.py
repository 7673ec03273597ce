"""Papermill's in-process engine behaves like a kernel run of a template."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading.reports.errors import RenderError
from grading.reports.render import execute

FILES = Path(__file__).parent / "files"


def outputs(nb: object, index: int) -> list[dict[str, object]]:
    return list(nb.cells[index].outputs)


def test_parameters_prints_displays_and_the_last_value_become_outputs() -> None:
    nb = execute(FILES / "outputs.ipynb", {"greeting": "你好"})
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "greeting = " in injected.source
    out = outputs(nb, len(nb.cells) - 1)
    assert [o["output_type"] for o in out] == ["stream", "display_data", "execute_result"]
    assert out[0]["text"] == "printed 你好\n"
    assert out[1]["data"]["text/html"] == "<b>displayed</b>"
    assert out[2]["data"]["text/html"] == "<i>你好</i>"


def test_each_notebook_starts_with_a_fresh_namespace() -> None:
    execute(FILES / "leaves_a_variable.ipynb", {})
    nb = execute(FILES / "reads_a_variable.ipynb", {})
    assert outputs(nb, 0)[0]["data"] == {"text/plain": "'forgotten'"}


def test_an_error_names_the_cell_and_stops() -> None:
    with pytest.raises(RenderError, match=r"raises.ipynb, cell 1 .*ValueError: broken template"):
        execute(FILES / "raises.ipynb", {})


def test_unknown_engine_names_the_choices() -> None:
    with pytest.raises(
        RenderError, match="unknown report engine 'magic'; engines: cmacademy-inprocess, nbclient"
    ):
        execute(FILES / "outputs.ipynb", {}, engine="magic")


@pytest.mark.slow
def test_the_kernel_engine_gives_the_same_outputs() -> None:
    nb = execute(FILES / "outputs.ipynb", {"greeting": "kernel"}, engine="nbclient")
    out = outputs(nb, len(nb.cells) - 1)
    assert [o["output_type"] for o in out] == ["stream", "display_data", "execute_result"]
    assert out[2]["data"]["text/html"] == "<i>kernel</i>"


def test_running_a_template_leaves_the_callers_main_module_alone() -> None:
    import sys

    main = sys.modules["__main__"]
    execute(FILES / "leaves_a_variable.ipynb", {})
    assert sys.modules["__main__"] is main  # multiprocessing's spawn reads __main__.__spec__
