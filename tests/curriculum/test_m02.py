"""Module 2 prints the actions exactly as the authority rule classifies them."""

from __future__ import annotations

import json

from grading.methods.organisation import ACTIONS
from tests.curriculum.test_notebooks import CURRICULUM

NOTEBOOK = CURRICULUM / "02_职能定位与权限.ipynb"


def test_every_action_of_exercise_2_1_is_printed_verbatim() -> None:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    text = "".join("".join(c["source"]) for c in cells)
    assert [a.code for a in ACTIONS if f"| {a.code} | {a.text} |" not in text] == []
