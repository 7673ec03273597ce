"""Module 1 prints the same exercise statements the assessor side grades."""

from __future__ import annotations

import json

from grading.practice.m01_organisation import PART_CHOICES, SCENARIOS
from tests.curriculum.test_notebooks import CURRICULUM

NOTEBOOK = CURRICULUM / "01_客户经理制与组织模式.ipynb"


def notebook_text() -> str:
    return "".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"])


def test_every_choice_of_exercise_1_1_is_printed() -> None:
    text = notebook_text()
    assert [k for k, choice in PART_CHOICES.items() if f"| {k} | {choice} |" not in text] == []


def test_every_scenario_of_exercise_1_2_is_printed_verbatim() -> None:
    text = notebook_text()
    assert [
        name for name, (description, _) in SCENARIOS.items() if f"**{name}**：{description}" not in text
    ] == []
