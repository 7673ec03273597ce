"""Module 0 (primer): self-checks on the drawn client replace reference answers printed in the file."""

from __future__ import annotations

import json

import pytest

from casebank import selfcheck
from tests.curriculum.completion import run_cells, run_completed
from tests.curriculum.test_notebooks import CURRICULUM

NOTEBOOK = CURRICULUM / "00_入门_Jupyter与pandas.ipynb"
SETUP = ["m00-07", "m00-24"]
COMPLETIONS = {"m00-16": ['"华东"'], "m00-26": ["client_id", '"revenue_wan"']}


@pytest.mark.parametrize(("cell", "fills"), COMPLETIONS.items())
def test_intended_completion_passes_for_every_client(cell: str, fills: list[str]) -> None:
    names = run_cells(NOTEBOOK, SETUP)
    for client in selfcheck.drawable_clients("m00"):
        result = run_completed(NOTEBOOK, cell, fills, names, client)
        assert result.correct, (client, result.message)


def test_no_reference_answers_in_the_primer() -> None:
    text = "".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"])
    assert "<details>" not in text and "参考答案（" not in text


def test_a_text_where_a_number_is_asked_is_named() -> None:
    result = selfcheck.check("m00.east_count", "很多")
    assert not result.correct and "类型不对" in result.message
