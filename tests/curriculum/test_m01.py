"""Module 1 prints the same exercise statements the assessor side grades."""

from __future__ import annotations

import json

import pytest

from casebank import selfcheck
from grading.practice.m01_organisation import PART_CHOICES, SCENARIOS
from tests.curriculum.completion import run_cells, run_completed
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


COMPLETIONS = {"m01-19": ['";"', '"subsidiaries"']}
SETUP = ["m01-02", "m01-08", "m01-13"]


@pytest.mark.parametrize(("cell", "fills"), COMPLETIONS.items())
def test_intended_completion_passes_for_every_client(cell: str, fills: list[str]) -> None:
    names = run_cells(NOTEBOOK, SETUP)
    for client in selfcheck.drawable_clients("m01"):
        result = run_completed(NOTEBOOK, cell, fills, names, client)
        assert result.correct, (client, result.message)


def test_an_answer_outside_the_options_names_them() -> None:
    client = selfcheck.drawable_clients("m01")[0]
    result = selfcheck.check("m01.model", "第2种", client=client)
    assert not result.correct and "不是选项之一" in result.message and "第二种" in result.message
